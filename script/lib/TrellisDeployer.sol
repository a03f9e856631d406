// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Vm, VmSafe} from "forge-std/Vm.sol";
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {UpgradeableBeacon} from "@openzeppelin/contracts/proxy/beacon/UpgradeableBeacon.sol";
import {TrETH} from "../../contracts/TrETH.sol";
import {Vault} from "../../contracts/Vault.sol";
import {VaultOperations} from "../../contracts/VaultOperations.sol";
import {TrellisEntry} from "../../contracts/TrellisEntry.sol";
import {IWithdrawalQueue} from "../../contracts/interfaces/IWithdrawalQueue.sol";
import {AssetRegistry} from "../../contracts/AssetRegistry.sol";
import {RiskRegistry} from "../../contracts/RiskRegistry.sol";
import {OperatorDelegator} from "../../contracts/OperatorDelegator.sol";
import {WithdrawalQueue} from "../../contracts/WithdrawalQueue.sol";
import {TrETHRateFeed} from "../../contracts/TrETHRateFeed.sol";
import {IVault, IVaultTypes} from "../../contracts/interfaces/IVault.sol";
import {ITrETH} from "../../contracts/interfaces/ITrETH.sol";
import {IAssetRegistry} from "../../contracts/interfaces/IAssetRegistry.sol";
import {IRiskRegistry} from "../../contracts/interfaces/IRiskRegistry.sol";
import {IStrategyManager} from "../../contracts/interfaces/eigenlayer/IStrategyManager.sol";
import {IDelegationManager} from "../../contracts/interfaces/eigenlayer/IDelegationManager.sol";
import {IAllocationManager} from "../../contracts/interfaces/eigenlayer/IAllocationManager.sol";
import {IRewardsCoordinator} from "../../contracts/interfaces/eigenlayer/IRewardsCoordinator.sol";
import {Roles} from "../../contracts/libraries/Roles.sol";

/// @title TrellisDeployer
/// @notice Deploys and wires Trellis behind one AccessManager. Used by the deploy script and by tests, so both
/// run the same wiring. Every proxy is initialized in the transaction that deploys it. `deploy` leaves `admin` (the caller) as ADMIN; `handOver` then gives ADMIN to the
/// timelock and drops the deployer.
library TrellisDeployer {
    /// @notice The vault proxy did not land at the address the token and the risk registry were given.
    error VaultAddressMispredicted(address predicted, address actual);

    Vm private constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    struct EigenLayerCore {
        address strategyManager;
        address delegationManager;
        address allocationManager;
        address rewardsCoordinator;
    }

    struct Actors {
        address riskManager;
        address keeper;
        address guardian;
        address treasury;
    }

    struct Deployment {
        AccessManager manager;
        TrETH trETH;
        /// @dev The vault proxy: `Vault` and, through its fallback, `VaultOperations`.
        IVault vault;
        AssetRegistry assetRegistry;
        RiskRegistry riskRegistry;
        UpgradeableBeacon delegatorBeacon;
        WithdrawalQueue withdrawalQueue;
        TrETHRateFeed rateFeed;
    }

    function deploy(
        address admin,
        EigenLayerCore memory el,
        Actors memory actors,
        IRiskRegistry.Limits memory limits,
        IVaultTypes.SyncParams memory syncParams
    ) internal returns (Deployment memory d) {
        d.manager = new AccessManager(admin);
        d.delegatorBeacon = new UpgradeableBeacon(
            address(
                new OperatorDelegator(
                    IStrategyManager(el.strategyManager),
                    IDelegationManager(el.delegationManager),
                    IRewardsCoordinator(el.rewardsCoordinator)
                )
            ),
            admin
        );
        _deployCore(d, IAllocationManager(el.allocationManager), actors.treasury, limits, syncParams);
        d.withdrawalQueue = WithdrawalQueue(
            address(
                new ERC1967Proxy(
                    address(new WithdrawalQueue()),
                    abi.encodeCall(
                        WithdrawalQueue.initialize,
                        (
                            address(d.manager),
                            IVault(address(d.vault)),
                            _eigenLayerDelay(el),
                            defaultExitParams(_eigenLayerDelay(el), limits.defaultOperatorSetCapBps)
                        )
                    )
                )
            )
        );
        d.trETH.setWithdrawalQueue(address(d.withdrawalQueue));
        d.vault.setWithdrawalQueue(address(d.withdrawalQueue));
        d.rateFeed = new TrETHRateFeed(IVault(address(d.vault)));

        _wireRoles(d);
        d.manager.grantRole(Roles.KEEPER, actors.keeper, 0);
        d.manager.grantRole(Roles.GUARDIAN, actors.guardian, 0);
        d.manager.grantRole(Roles.RISK_MANAGER, actors.riskManager, 0);
        // ADMIN may also act as guardian and risk manager (a loosening runs through the timelock).
        d.manager.grantRole(Roles.GUARDIAN, admin, 0);
        d.manager.grantRole(Roles.RISK_MANAGER, admin, 0);
        d.manager.labelRole(Roles.RISK_MANAGER, "RISK_MANAGER");
        d.manager.labelRole(Roles.KEEPER, "KEEPER");
        d.manager.labelRole(Roles.GUARDIAN, "GUARDIAN");
    }

    /// @notice EigenLayer's withdrawal delay in seconds (12-second blocks): the floor of `minRedeemDelay`.
    function _eigenLayerDelay(EigenLayerCore memory el) private view returns (uint256) {
        return uint256(IDelegationManager(el.delegationManager).minWithdrawalDelayBlocks()) * 12;
    }

    /// @notice The exits' defaults: requests wait EigenLayer's delay; the instant lane lets 1% of the booked total
    /// out per day and closes below an idle reserve of 1%. Its fee starts at the largest loss one slash can cause
    /// under the risk limits (`setCapBps`: one operator set's exposure cap, slashed in full) and rises by 8 points
    /// with the day's use, so leaving early to dodge a known slash never pays (README: "Does dodging a known slash
    /// pay?"). A cap above the fee's hard maximum cannot be priced that way: the lane then starts closed.
    function defaultExitParams(uint256 minRedeemDelay, uint256 setCapBps)
        internal
        pure
        returns (IWithdrawalQueue.ExitParams memory p)
    {
        uint256 hardMax = 3_000; // WithdrawalQueue.MAX_INSTANT_FEE_BPS
        bool priceable = setCapBps <= hardMax;
        uint256 minFee = priceable ? setCapBps : hardMax;
        uint256 maxFee = minFee + 800 < hardMax ? minFee + 800 : hardMax;
        p = IWithdrawalQueue.ExitParams({
            minRedeemDelay: uint32(minRedeemDelay),
            periodLimitBps: priceable ? 100 : 0,
            minFeeBps: uint16(minFee),
            maxFeeBps: uint16(maxFee),
            lowWatermarkBps: 100,
            period: 1 days
        });
    }

    /// @notice Deploys `asset`'s ERC-7575/7540 entry and registers it with the vault (needs ADMIN). The asset must
    /// be held (added to the registry) or a registered wrapper.
    function addEntry(Deployment memory d, address asset) internal returns (TrellisEntry entry) {
        entry = new TrellisEntry(IVault(address(d.vault)), asset);
        d.vault.setEntry(asset, address(entry));
    }

    /// @notice Gives ADMIN (and the roles ADMIN holds) to `newAdmin`, e.g. the timelock, and drops `oldAdmin`.
    function handOver(Deployment memory d, address oldAdmin, address newAdmin) internal {
        d.manager.grantRole(Roles.ADMIN, newAdmin, 0);
        d.manager.grantRole(Roles.GUARDIAN, newAdmin, 0);
        d.manager.grantRole(Roles.RISK_MANAGER, newAdmin, 0);
        d.delegatorBeacon.transferOwnership(newAdmin);
        d.manager.revokeRole(Roles.GUARDIAN, oldAdmin);
        d.manager.revokeRole(Roles.RISK_MANAGER, oldAdmin);
        d.manager.renounceRole(Roles.ADMIN, oldAdmin);
    }

    /// @dev Every proxy is deployed and initialized in one transaction (ERC1967Proxy constructor data), so no
    /// proxy is ever live uninitialized for someone else to initialize. The vault, the token and the risk
    /// registry name each other: the vault's address is predicted from the creator's nonce, then checked.
    function _deployCore(
        Deployment memory d,
        IAllocationManager allocationManager,
        address treasury,
        IRiskRegistry.Limits memory limits,
        IVaultTypes.SyncParams memory syncParams
    ) private {
        address vaultImpl = address(new Vault(address(new VaultOperations())));
        address trETHImpl = address(new TrETH());
        address assetRegistryImpl = address(new AssetRegistry());
        address riskRegistryImpl = address(new RiskRegistry());
        (address creator, uint256 nonce) = _creatorAndNonce();
        // Three creations come first: the token, the asset registry and the risk registry proxies.
        address predictedVault = vm.computeCreateAddress(creator, nonce + 3);
        address authority = address(d.manager);

        d.trETH = TrETH(
            address(new ERC1967Proxy(trETHImpl, abi.encodeCall(TrETH.initialize, (authority, predictedVault))))
        );
        d.assetRegistry = AssetRegistry(
            address(new ERC1967Proxy(assetRegistryImpl, abi.encodeCall(AssetRegistry.initialize, (authority))))
        );
        d.riskRegistry = RiskRegistry(
            address(
                new ERC1967Proxy(
                    riskRegistryImpl,
                    abi.encodeCall(RiskRegistry.initialize, (authority, IVault(predictedVault), allocationManager, limits))
                )
            )
        );
        d.vault = IVault(address(new ERC1967Proxy(vaultImpl, _vaultInit(d, treasury, syncParams))));
        require(address(d.vault) == predictedVault, VaultAddressMispredicted(predictedVault, address(d.vault)));
    }

    function _vaultInit(Deployment memory d, address treasury, IVaultTypes.SyncParams memory syncParams)
        private
        pure
        returns (bytes memory)
    {
        return abi.encodeCall(
            Vault.initialize,
            (
                address(d.manager),
                ITrETH(address(d.trETH)),
                IAssetRegistry(address(d.assetRegistry)),
                IRiskRegistry(address(d.riskRegistry)),
                address(d.delegatorBeacon),
                treasury,
                syncParams
            )
        );
    }

    /// @dev The account whose `new` creates the next contract, and its nonce: the broadcaster in a script, the
    /// pranked address under a prank, else the calling contract (a test or the script contract itself).
    function _creatorAndNonce() private returns (address creator, uint256 nonce) {
        (VmSafe.CallerMode mode, address sender,) = vm.readCallers();
        creator = mode == VmSafe.CallerMode.None ? address(this) : sender;
        nonce = vm.getNonce(creator);
    }

    function _wireRoles(Deployment memory d) private {
        bytes4[] memory keeper = new bytes4[](6);
        keeper[0] = Vault.sync.selector;
        keeper[1] = VaultOperations.allocate.selector;
        keeper[2] = VaultOperations.queueDelegatorWithdrawal.selector;
        keeper[3] = VaultOperations.completeDelegatorWithdrawal.selector;
        keeper[4] = VaultOperations.claimRewards.selector;
        keeper[5] = VaultOperations.removeDelegator.selector;
        d.manager.setTargetFunctionRole(address(d.vault), keeper, Roles.KEEPER);
        // refresh and bookLoss are anyone's. finalize is too, but the queue lets the keeper (who refreshes in the
        // same cycle) finalize as soon as a request is payable, anyone else a grace period later.
        bytes4[] memory queueKeeper = new bytes4[](1);
        queueKeeper[0] = WithdrawalQueue.finalize.selector;
        d.manager.setTargetFunctionRole(address(d.withdrawalQueue), queueKeeper, Roles.KEEPER);

        bytes4[] memory guardian = new bytes4[](1);
        guardian[0] = Vault.pause.selector;
        d.manager.setTargetFunctionRole(address(d.vault), guardian, Roles.GUARDIAN);

        bytes4[] memory risk = new bytes4[](12);
        risk[0] = RiskRegistry.setOperatorAllowed.selector;
        risk[1] = RiskRegistry.setOperatorCap.selector;
        risk[2] = RiskRegistry.setDefaultAvsCap.selector;
        risk[3] = RiskRegistry.setDefaultOperatorSetCap.selector;
        risk[4] = RiskRegistry.setTotalSlashableCap.selector;
        risk[5] = RiskRegistry.setMinBuffer.selector;
        risk[6] = RiskRegistry.setAvsCap.selector;
        risk[7] = RiskRegistry.setOperatorSetCap.selector;
        risk[8] = RiskRegistry.setMinAllocationDelay.selector;
        risk[9] = RiskRegistry.setMaxOperatorSets.selector;
        risk[10] = RiskRegistry.setMinAdminDelay.selector;
        risk[11] = RiskRegistry.setRedistributionAllowed.selector;
        d.manager.setTargetFunctionRole(address(d.riskRegistry), risk, Roles.RISK_MANAGER);
        // Retiring a delegator only takes stake away: a tightening, at once. Re-delegating stays ADMIN.
        bytes4[] memory vaultRisk = new bytes4[](1);
        vaultRisk[0] = VaultOperations.retireDelegator.selector;
        d.manager.setTargetFunctionRole(address(d.vault), vaultRisk, Roles.RISK_MANAGER);
        // Everything else (unpause, addOperatorDelegator, redelegateDelegator, assets, rate and exit parameters,
        // entries, upgrades) stays ADMIN only.
    }
}
