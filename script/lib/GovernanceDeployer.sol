// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Safe} from "@safe-global/safe-smart-account/contracts/Safe.sol";
import {SafeProxyFactory} from "@safe-global/safe-smart-account/contracts/proxies/SafeProxyFactory.sol";
import {CompatibilityFallbackHandler} from
    "@safe-global/safe-smart-account/contracts/handler/CompatibilityFallbackHandler.sol";
import {MultiSendCallOnly} from "@safe-global/safe-smart-account/contracts/libraries/MultiSendCallOnly.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title GovernanceDeployer
/// @notice Deploys Trellis governance: the real Safe contracts (singleton, proxy factory, fallback handler,
/// MultiSendCallOnly for batches) and a Safe proxy with the given owners and threshold, then an OpenZeppelin
/// TimelockController whose only proposer, canceller and executor is that Safe and which administers itself.
/// @dev Used from a Foundry script under `vm.startBroadcast` and from tests. It does not touch the
/// AccessManager: the caller then grants ADMIN to the timelock and RISK_MANAGER to the Safe and the timelock
/// (see `TrellisDeployer.handOver`). The non-L2 `Safe` singleton is used: it stays under EIP-170's size limit.
library GovernanceDeployer {
    struct Governance {
        /// @dev The Safe proxy: the multisig itself.
        address safe;
        TimelockController timelock;
        address safeSingleton;
        address safeFactory;
        address fallbackHandler;
        /// @dev Safe's MultiSendCallOnly: batches several calls into one Safe transaction (delegatecall).
        address multiSendCallOnly;
    }

    error InvalidThreshold(uint256 owners, uint256 threshold);

    /// @notice Deploys the Safe contracts, a Safe with `owners` and `threshold`, and a timelock of `minDelay`
    /// seconds run by that Safe. The Safe's address is deterministic in (owners, threshold).
    function deployGovernance(address[] memory owners, uint256 threshold, uint256 minDelay)
        internal
        returns (Governance memory g)
    {
        return deployGovernance(owners, threshold, minDelay, uint256(keccak256(abi.encode(owners, threshold))));
    }

    /// @notice As above with an explicit CREATE2 salt nonce for the Safe proxy.
    function deployGovernance(address[] memory owners, uint256 threshold, uint256 minDelay, uint256 saltNonce)
        internal
        returns (Governance memory g)
    {
        if (threshold == 0 || threshold > owners.length) revert InvalidThreshold(owners.length, threshold);
        g.safeSingleton = address(new Safe());
        g.safeFactory = address(new SafeProxyFactory());
        g.fallbackHandler = address(new CompatibilityFallbackHandler());
        g.multiSendCallOnly = address(new MultiSendCallOnly());
        g.safe = deploySafe(g.safeFactory, g.safeSingleton, g.fallbackHandler, owners, threshold, saltNonce);
        g.timelock = deployTimelock(g.safe, minDelay);
    }

    /// @notice A Safe proxy of `singleton` set up with `owners`, `threshold` and `fallbackHandler`.
    function deploySafe(
        address factory,
        address singleton,
        address fallbackHandler,
        address[] memory owners,
        uint256 threshold,
        uint256 saltNonce
    ) internal returns (address safe) {
        bytes memory setup = abi.encodeCall(
            Safe.setup, (owners, threshold, address(0), "", fallbackHandler, address(0), 0, payable(address(0)))
        );
        safe = address(SafeProxyFactory(factory).createProxyWithNonce(singleton, setup, saltNonce));
    }

    /// @notice A TimelockController of `minDelay` seconds whose proposer, canceller and executor is `safe`.
    /// @dev Proposers are made cancellers by the constructor. No extra admin: only a timelocked call can
    /// change the timelock's own roles or delay.
    function deployTimelock(address safe, uint256 minDelay) internal returns (TimelockController timelock) {
        address[] memory proposers = new address[](1);
        proposers[0] = safe;
        address[] memory executors = new address[](1);
        executors[0] = safe;
        timelock = new TimelockController(minDelay, proposers, executors, address(0));
    }
}
