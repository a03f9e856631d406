// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IVault} from "../../contracts/interfaces/IVault.sol";
import {IRiskRegistry} from "../../contracts/interfaces/IRiskRegistry.sol";
import {IAssetRegistry} from "../../contracts/interfaces/IAssetRegistry.sol";
import {IStrategy} from "../../contracts/interfaces/eigenlayer/IStrategy.sol";
import {IDelegationManager} from "../../contracts/interfaces/eigenlayer/IDelegationManager.sol";
import {IAllocationManager, IAllocationManagerTypes} from "../../contracts/interfaces/eigenlayer/IAllocationManager.sol";
import {OperatorSet} from "../../contracts/interfaces/eigenlayer/OperatorSetLib.sol";

/// @dev A benchmark operator: a contract that registers with EigenLayer in its constructor (allocation delay 1)
/// and allocates `magnitude` of every strategy to operator sets 0 and 1 of `avs`, as a devnet operator does.
contract BenchOperator {
    constructor(IDelegationManager dm, IAllocationManager am, address avs, IStrategy[] memory strategies, uint64 magnitude) {
        dm.registerAsOperator(address(0), 1, "bench");
        uint64[] memory magnitudes = new uint64[](strategies.length);
        for (uint256 i; i < strategies.length; ++i) magnitudes[i] = magnitude;
        IAllocationManagerTypes.AllocateParams[] memory p = new IAllocationManagerTypes.AllocateParams[](2);
        uint32[] memory ids = new uint32[](2);
        for (uint32 id; id < 2; ++id) {
            p[id] = IAllocationManagerTypes.AllocateParams(OperatorSet(avs, id), strategies, magnitudes);
            ids[id] = id;
        }
        am.modifyAllocations(address(this), p);
        am.registerForOperatorSets(address(this), IAllocationManagerTypes.RegisterParams(avs, ids, ""));
    }
}

/// @dev Grows a devnet to many delegators quickly for bench/allocate.bench.ts: it is an AVS with two operator
/// sets, and, holding ADMIN, RISK_MANAGER and KEEPER on the devnet's AccessManager, it adds operators in batches
/// (allowlist, delegator, one allocation of every asset each). Only the measured transactions are the protocol's.
contract BenchFleet {
    IVault public immutable vault;
    IDelegationManager public immutable dm;
    IAllocationManager public immutable am;
    address[] internal _assets;
    IStrategy[] internal _strategies;
    uint256 public count;

    constructor(IVault vault_, IDelegationManager dm_, IAllocationManager am_) {
        vault = vault_;
        dm = dm_;
        am = am_;
        IAssetRegistry registry = IAssetRegistry(vault_.assetRegistry());
        _assets = registry.getAssets();
        for (uint256 i; i < _assets.length; ++i) _strategies.push(IStrategy(registry.getAssetConfig(_assets[i]).strategy));
        IAllocationManagerTypes.CreateSetParams[] memory sets = new IAllocationManagerTypes.CreateSetParams[](2);
        sets[0] = IAllocationManagerTypes.CreateSetParams(0, _strategies);
        sets[1] = IAllocationManagerTypes.CreateSetParams(1, _strategies);
        am_.updateAVSMetadataURI(address(this), "bench");
        am_.createOperatorSets(address(this), sets);
    }

    /// @dev The AVS's registrar callbacks (EigenLayer calls the AVS itself when it set no registrar): every bench
    /// operator is welcome.
    function registerOperator(address, address, uint32[] calldata, bytes calldata) external {}

    function deregisterOperator(address, address, uint32[] calldata) external {}

    function supportsAVS(address avs) external view returns (bool) {
        return avs == address(this);
    }

    /// @dev Adds `operators` operators, each with a delegator holding `amount` of every asset.
    function grow(uint256 operators, uint256 amount) external {
        IRiskRegistry risk = IRiskRegistry(vault.riskRegistry());
        for (uint256 i; i < operators; ++i) {
            address op = address(new BenchOperator(dm, am, address(this), _strategies, 0.001e18));
            risk.setOperatorAllowed(op, true);
            address delegator = vault.addOperatorDelegator(op);
            for (uint256 a; a < _assets.length; ++a) vault.allocate(delegator, _assets[a], amount);
        }
        count += operators;
    }
}
