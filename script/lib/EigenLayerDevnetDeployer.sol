// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {CommonBase} from "forge-std/Base.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IStrategy} from "../../contracts/interfaces/eigenlayer/IStrategy.sol";
import {IAllocationManagerTypes} from "../../contracts/interfaces/eigenlayer/IAllocationManager.sol";
import {OperatorSet} from "../../contracts/interfaces/eigenlayer/OperatorSetLib.sol";
import {PermissionController} from "../../contracts/devnet/eigenlayer/PermissionController.sol";
import {DelegationManager} from "../../contracts/devnet/eigenlayer/DelegationManager.sol";
import {StrategyManager} from "../../contracts/devnet/eigenlayer/StrategyManager.sol";
import {AllocationManager} from "../../contracts/devnet/eigenlayer/AllocationManager.sol";
import {StrategyBase} from "../../contracts/devnet/eigenlayer/StrategyBase.sol";
import {DevnetAVSRegistrar} from "../../contracts/devnet/eigenlayer/DevnetAVSRegistrar.sol";

/// @notice Delays of the devnet EigenLayer core, in blocks.
struct EigenLayerDevnetParams {
    uint32 minWithdrawalDelayBlocks;
    uint32 deallocationDelay;
    uint32 allocationConfigurationDelay;
}

/// @notice The devnet EigenLayer core contracts.
struct EigenLayerDevnet {
    PermissionController permissionController;
    DelegationManager delegationManager;
    StrategyManager strategyManager;
    AllocationManager allocationManager;
}

/// @notice Everything `setUpEigenLayerDevnet` needs. Every operator registers for every operator set of every
/// AVS and allocates `magnitudePerSet` of each strategy to each of them.
struct EigenLayerDevnetSetup {
    uint256 deployerKey; // deploys the core; owner and strategy whitelister
    EigenLayerDevnetParams params;
    IERC20[] tokens; // one StrategyBase each, whitelisted for deposit
    uint256[] operatorKeys;
    uint256[] avsKeys;
    uint32 operatorSetsPerAvs; // ids 0 .. operatorSetsPerAvs-1, each with every strategy
    uint32 allocationDelay; // each operator's allocation delay, in blocks
    uint64 magnitudePerSet; // WAD = 1e18 is the whole stake; the sum over all sets must be <= WAD
}

/// @notice What `setUpEigenLayerDevnet` deployed and configured.
struct EigenLayerDevnetDeployment {
    EigenLayerDevnet core;
    IERC20[] tokens;
    IStrategy[] strategies; // strategies[i] holds tokens[i]
    address[] operators;
    address[] avss;
    uint32 operatorSetsPerAvs;
    uint32 allocationDelay;
    uint64 magnitudePerSet;
    EigenLayerDevnetParams params;
}

/// @title Deploys the devnet EigenLayer core, strategies, operators and AVSs.
/// @notice Inherit it next to `Script` (or `Test`) and call the internal functions with your own token list.
/// Every step runs as the account whose key it is given, through `_elStartActing`/`_elStopActing`, which
/// broadcast by default; tests may override them to prank. Call these functions outside any active
/// broadcast.
abstract contract EigenLayerDevnetDeployer is CommonBase {
    /// @notice The devnet setup asked to allocate more than an operator's whole magnitude.
    error MagnitudeOverAllocated(uint256 total);
    /// @notice Sending gas money to a devnet account failed.
    error FundingFailed(address account);

    uint64 internal constant EL_WAD = 1e18;

    /// @notice Deploys PermissionController, DelegationManager, StrategyManager and AllocationManager and wires them.
    /// The account of `deployerKey` owns the StrategyManager and is its strategy whitelister.
    function deployEigenLayerCore(uint256 deployerKey, EigenLayerDevnetParams memory params)
        internal
        returns (EigenLayerDevnet memory el)
    {
        address deployer = vm.addr(deployerKey);
        _elStartActing(deployerKey);
        el.permissionController = new PermissionController();
        el.delegationManager = new DelegationManager(el.permissionController, params.minWithdrawalDelayBlocks);
        el.strategyManager = new StrategyManager(el.delegationManager, deployer, deployer);
        el.allocationManager = new AllocationManager(
            el.delegationManager, el.permissionController, params.deallocationDelay, params.allocationConfigurationDelay
        );
        el.delegationManager.initialize(el.strategyManager, el.allocationManager);
        _elStopActing();
    }

    /// @notice Deploys one StrategyBase per token and whitelists them all for deposit.
    /// @param whitelisterKey key of the StrategyManager's strategy whitelister (the core deployer by default).
    function deployEigenLayerStrategies(EigenLayerDevnet memory el, uint256 whitelisterKey, IERC20[] memory tokens)
        internal
        returns (IStrategy[] memory strategies)
    {
        strategies = new IStrategy[](tokens.length);
        _elStartActing(whitelisterKey);
        for (uint256 i = 0; i < tokens.length; ++i) {
            strategies[i] = new StrategyBase(el.strategyManager, tokens[i]);
        }
        el.strategyManager.addStrategiesToDepositWhitelist(strategies);
        _elStopActing();
    }

    /// @notice Registers each key's account as an operator (no delegation approver) with `allocationDelay`.
    function registerEigenLayerOperators(EigenLayerDevnet memory el, uint256[] memory operatorKeys, uint32 allocationDelay)
        internal
        returns (address[] memory operators)
    {
        operators = new address[](operatorKeys.length);
        for (uint256 i = 0; i < operatorKeys.length; ++i) {
            operators[i] = vm.addr(operatorKeys[i]);
            _elStartActing(operatorKeys[i]);
            el.delegationManager.registerAsOperator(
                address(0), allocationDelay, string.concat("https://devnet.trellis/operators/", vm.toString(i))
            );
            _elStopActing();
        }
    }

    /// @notice Makes the key's account an AVS with operator sets 0 .. `operatorSetCount`-1, each slashable in
    /// every given strategy, slashed by the AVS itself, with a `DevnetAVSRegistrar` the AVS deploys.
    function createEigenLayerAVS(
        EigenLayerDevnet memory el,
        uint256 avsKey,
        uint32 operatorSetCount,
        IStrategy[] memory strategies
    ) internal returns (address avs) {
        avs = vm.addr(avsKey);
        IAllocationManagerTypes.CreateSetParams[] memory sets =
            new IAllocationManagerTypes.CreateSetParams[](operatorSetCount);
        for (uint32 id = 0; id < operatorSetCount; ++id) {
            sets[id] = IAllocationManagerTypes.CreateSetParams({operatorSetId: id, strategies: strategies});
        }
        _elStartActing(avsKey);
        el.allocationManager.updateAVSMetadataURI(avs, string.concat("https://devnet.trellis/avs/", vm.toString(avs)));
        // As on the real core: the AllocationManager calls the AVS's registrar when operators join its sets.
        el.allocationManager.setAVSRegistrar(avs, new DevnetAVSRegistrar(avs, address(el.allocationManager)));
        el.allocationManager.createOperatorSets(avs, sets);
        _elStopActing();
    }

    /// @notice As the operator: allocates `magnitude` of each strategy to the operator set, then registers for it.
    /// The allocation becomes slashable after the operator's allocation delay.
    function allocateAndRegisterEigenLayerOperator(
        EigenLayerDevnet memory el,
        uint256 operatorKey,
        OperatorSet memory operatorSet,
        IStrategy[] memory strategies,
        uint64 magnitude
    ) internal {
        address operator = vm.addr(operatorKey);
        IAllocationManagerTypes.AllocateParams[] memory allocations = new IAllocationManagerTypes.AllocateParams[](1);
        uint64[] memory magnitudes = new uint64[](strategies.length);
        for (uint256 i = 0; i < strategies.length; ++i) {
            magnitudes[i] = magnitude;
        }
        allocations[0] = IAllocationManagerTypes.AllocateParams({
            operatorSet: operatorSet,
            strategies: strategies,
            newMagnitudes: magnitudes
        });
        uint32[] memory ids = new uint32[](1);
        ids[0] = operatorSet.id;
        _elStartActing(operatorKey);
        el.allocationManager.modifyAllocations(operator, allocations);
        el.allocationManager.registerForOperatorSets(
            operator, IAllocationManagerTypes.RegisterParams({avs: operatorSet.avs, operatorSetIds: ids, data: ""})
        );
        _elStopActing();
    }

    /// @notice The whole devnet: core, strategies, operators, AVSs with operator sets, allocations and registrations.
    function setUpEigenLayerDevnet(EigenLayerDevnetSetup memory setup)
        internal
        returns (EigenLayerDevnetDeployment memory d)
    {
        uint256 total = uint256(setup.magnitudePerSet) * setup.avsKeys.length * setup.operatorSetsPerAvs;
        require(total <= EL_WAD, MagnitudeOverAllocated(total));

        for (uint256 i = 0; i < setup.operatorKeys.length; ++i) {
            _elFund(setup.deployerKey, vm.addr(setup.operatorKeys[i]));
        }
        for (uint256 i = 0; i < setup.avsKeys.length; ++i) {
            _elFund(setup.deployerKey, vm.addr(setup.avsKeys[i]));
        }

        d.params = setup.params;
        d.tokens = setup.tokens;
        d.operatorSetsPerAvs = setup.operatorSetsPerAvs;
        d.allocationDelay = setup.allocationDelay;
        d.magnitudePerSet = setup.magnitudePerSet;
        d.core = deployEigenLayerCore(setup.deployerKey, setup.params);
        d.strategies = deployEigenLayerStrategies(d.core, setup.deployerKey, setup.tokens);
        d.operators = registerEigenLayerOperators(d.core, setup.operatorKeys, setup.allocationDelay);

        d.avss = new address[](setup.avsKeys.length);
        for (uint256 a = 0; a < setup.avsKeys.length; ++a) {
            d.avss[a] = createEigenLayerAVS(d.core, setup.avsKeys[a], setup.operatorSetsPerAvs, d.strategies);
        }
        if (setup.magnitudePerSet == 0 || d.strategies.length == 0) return d;
        for (uint256 o = 0; o < setup.operatorKeys.length; ++o) {
            for (uint256 a = 0; a < d.avss.length; ++a) {
                for (uint32 id = 0; id < setup.operatorSetsPerAvs; ++id) {
                    allocateAndRegisterEigenLayerOperator(
                        d.core, setup.operatorKeys[o], OperatorSet(d.avss[a], id), d.strategies, setup.magnitudePerSet
                    );
                }
            }
        }
    }

    /// @notice Writes every address and parameter of `d` as JSON to `path` (relative to the project root).
    function writeEigenLayerDevnetJson(EigenLayerDevnetDeployment memory d, string memory path) internal {
        string memory obj = "eigenlayerDevnet";
        vm.serializeUint(obj, "chainId", block.chainid);
        vm.serializeAddress(obj, "permissionController", address(d.core.permissionController));
        vm.serializeAddress(obj, "delegationManager", address(d.core.delegationManager));
        vm.serializeAddress(obj, "strategyManager", address(d.core.strategyManager));
        vm.serializeAddress(obj, "allocationManager", address(d.core.allocationManager));
        address[] memory tokens = new address[](d.tokens.length);
        address[] memory strategies = new address[](d.strategies.length);
        for (uint256 i = 0; i < d.tokens.length; ++i) {
            tokens[i] = address(d.tokens[i]);
            strategies[i] = address(d.strategies[i]);
        }
        vm.serializeAddress(obj, "tokens", tokens);
        vm.serializeAddress(obj, "strategies", strategies);
        vm.serializeAddress(obj, "operators", d.operators);
        vm.serializeAddress(obj, "avss", d.avss);
        vm.serializeUint(obj, "operatorSetsPerAvs", d.operatorSetsPerAvs);
        vm.serializeUint(obj, "allocationDelay", d.allocationDelay);
        vm.serializeUint(obj, "magnitudePerSet", d.magnitudePerSet);
        vm.serializeUint(obj, "minWithdrawalDelayBlocks", d.params.minWithdrawalDelayBlocks);
        vm.serializeUint(obj, "deallocationDelay", d.params.deallocationDelay);
        string memory json =
            vm.serializeUint(obj, "allocationConfigurationDelay", d.params.allocationConfigurationDelay);
        vm.writeJson(json, path);
    }

    /// @dev Runs the following calls as the key's account. Default: broadcast.
    function _elStartActing(uint256 key) internal virtual {
        vm.startBroadcast(key);
    }

    /// @dev Ends `_elStartActing`.
    function _elStopActing() internal virtual {
        vm.stopBroadcast();
    }

    /// @dev Gives `account` gas money from the deployer if it has less than 1 ether. Default: a transfer.
    function _elFund(uint256 funderKey, address account) internal virtual {
        if (account.balance >= 1 ether) return;
        _elStartActing(funderKey);
        (bool ok,) = payable(account).call{value: 10 ether}("");
        require(ok, FundingFailed(account));
        _elStopActing();
    }
}
