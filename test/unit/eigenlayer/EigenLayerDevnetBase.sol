// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {Test} from "forge-std/Test.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IStrategy} from "../../../contracts/interfaces/eigenlayer/IStrategy.sol";
import {IDelegationManagerTypes} from "../../../contracts/interfaces/eigenlayer/IDelegationManager.sol";
import {IAllocationManagerTypes} from "../../../contracts/interfaces/eigenlayer/IAllocationManager.sol";
import {ISignatureUtilsMixinTypes} from "../../../contracts/interfaces/eigenlayer/ISignatureUtilsMixin.sol";
import {OperatorSet} from "../../../contracts/interfaces/eigenlayer/OperatorSetLib.sol";
import {ERC20__Mock} from "../../mocks/ERC20__Mock.sol";
import {
    EigenLayerDevnet,
    EigenLayerDevnetDeployer,
    EigenLayerDevnetParams
} from "../../../script/lib/EigenLayerDevnetDeployer.sol";

/// @dev Deploys the devnet EigenLayer core through the same deployer the scripts use (pranking instead of
/// broadcasting), with two tokens and their strategies, one operator and one AVS with operator set 0.
abstract contract EigenLayerDevnetBase is Test, EigenLayerDevnetDeployer {
    uint64 internal constant WAD = 1e18;
    uint32 internal constant MIN_WITHDRAWAL_DELAY = 50;
    uint32 internal constant DEALLOCATION_DELAY = 40;
    uint32 internal constant ALLOCATION_CONFIGURATION_DELAY = 30;
    uint32 internal constant ALLOCATION_DELAY = 5;
    uint256 internal constant MIN_AMOUNT = 1e6;
    uint256 internal constant MAX_AMOUNT = 1e30;

    EigenLayerDevnet internal el;
    ERC20__Mock internal token;
    ERC20__Mock internal otherToken;
    IStrategy internal strategy;
    IStrategy internal otherStrategy;

    address internal owner;
    uint256 internal ownerKey;
    address internal operator;
    uint256 internal operatorKey;
    address internal avs;
    uint256 internal avsKey;
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");

    OperatorSet internal operatorSet;

    function setUp() public virtual {
        // A realistic chain height, so "blocks ago" arithmetic never starts at genesis.
        vm.roll(1_000);
        (owner, ownerKey) = makeAddrAndKey("owner");
        (operator, operatorKey) = makeAddrAndKey("operator");
        (avs, avsKey) = makeAddrAndKey("avs");

        el = deployEigenLayerCore(
            ownerKey,
            EigenLayerDevnetParams({
                minWithdrawalDelayBlocks: MIN_WITHDRAWAL_DELAY,
                deallocationDelay: DEALLOCATION_DELAY,
                allocationConfigurationDelay: ALLOCATION_CONFIGURATION_DELAY
            })
        );
        token = new ERC20__Mock("Liquid Staked Ether", "LST", 18);
        otherToken = new ERC20__Mock("Other LST", "OLST", 18);
        IERC20[] memory tokens = new IERC20[](2);
        tokens[0] = token;
        tokens[1] = otherToken;
        IStrategy[] memory strategies = deployEigenLayerStrategies(el, ownerKey, tokens);
        strategy = strategies[0];
        otherStrategy = strategies[1];

        uint256[] memory operatorKeys = new uint256[](1);
        operatorKeys[0] = operatorKey;
        registerEigenLayerOperators(el, operatorKeys, ALLOCATION_DELAY);

        IStrategy[] memory setStrategies = new IStrategy[](1);
        setStrategies[0] = strategy;
        createEigenLayerAVS(el, avsKey, 1, setStrategies);
        operatorSet = OperatorSet(avs, 0);
    }

    // ------------------------------------------------------------ deployer hooks: prank, not broadcast

    function _elStartActing(uint256 key) internal override {
        vm.startPrank(vm.addr(key));
    }

    function _elStopActing() internal override {
        vm.stopPrank();
    }

    function _elFund(uint256, address) internal override {}

    // ------------------------------------------------------------ helpers

    function _deposit(address staker, IStrategy to, uint256 amount) internal returns (uint256 shares) {
        ERC20__Mock underlying = ERC20__Mock(address(to.underlyingToken()));
        underlying.mint(staker, amount);
        vm.startPrank(staker);
        underlying.approve(address(el.strategyManager), amount);
        shares = el.strategyManager.depositIntoStrategy(to, underlying, amount);
        vm.stopPrank();
    }

    function _delegate(address staker, address to) internal {
        ISignatureUtilsMixinTypes.SignatureWithExpiry memory noSignature;
        vm.prank(staker);
        el.delegationManager.delegateTo(to, noSignature, bytes32(0));
    }

    function _queue(address staker, IStrategy from, uint256 depositShares)
        internal
        returns (bytes32 root, IDelegationManagerTypes.Withdrawal memory withdrawal)
    {
        IDelegationManagerTypes.QueuedWithdrawalParams[] memory params =
            new IDelegationManagerTypes.QueuedWithdrawalParams[](1);
        params[0].strategies = _one(from);
        params[0].depositShares = _oneUint(depositShares);
        params[0].__deprecated_withdrawer = staker;
        vm.prank(staker);
        root = el.delegationManager.queueWithdrawals(params)[0];
        withdrawal = el.delegationManager.queuedWithdrawals(root);
    }

    function _complete(address staker, IDelegationManagerTypes.Withdrawal memory withdrawal, bool receiveAsTokens)
        internal
    {
        IERC20[] memory tokens = _tokensOf(withdrawal);
        vm.prank(staker);
        el.delegationManager.completeQueuedWithdrawal(withdrawal, tokens, receiveAsTokens);
    }

    function _completeExpectingRevert(
        address staker,
        IDelegationManagerTypes.Withdrawal memory withdrawal,
        bool receiveAsTokens,
        bytes4 errorSelector
    ) internal {
        IERC20[] memory tokens = _tokensOf(withdrawal);
        vm.expectRevert(errorSelector);
        vm.prank(staker);
        el.delegationManager.completeQueuedWithdrawal(withdrawal, tokens, receiveAsTokens);
    }

    function _tokensOf(IDelegationManagerTypes.Withdrawal memory withdrawal)
        internal
        view
        returns (IERC20[] memory tokens)
    {
        tokens = new IERC20[](withdrawal.strategies.length);
        for (uint256 i = 0; i < tokens.length; ++i) {
            tokens[i] = withdrawal.strategies[i].underlyingToken();
        }
    }

    /// @dev Allocates `magnitude` of `strategy` to `operatorSet`, registers, and waits out the allocation delay.
    function _allocateAndRegister(uint64 magnitude) internal {
        allocateAndRegisterEigenLayerOperator(el, operatorKey, operatorSet, _one(strategy), magnitude);
        vm.roll(block.number + ALLOCATION_DELAY);
    }

    function _modifyAllocation(uint64 magnitude) internal {
        IAllocationManagerTypes.AllocateParams[] memory params = new IAllocationManagerTypes.AllocateParams[](1);
        params[0] = IAllocationManagerTypes.AllocateParams({
            operatorSet: operatorSet,
            strategies: _one(strategy),
            newMagnitudes: _oneUint64(magnitude)
        });
        vm.prank(operator);
        el.allocationManager.modifyAllocations(operator, params);
    }

    function _slash(uint256 wadToSlash) internal returns (uint256 slashId, uint256[] memory shares) {
        IAllocationManagerTypes.SlashingParams memory params = IAllocationManagerTypes.SlashingParams({
            operator: operator,
            operatorSetId: operatorSet.id,
            strategies: _one(strategy),
            wadsToSlash: _oneUint(wadToSlash),
            description: "devnet slash"
        });
        vm.prank(avs);
        return el.allocationManager.slashOperator(avs, params);
    }

    function _withdrawable(address staker) internal view returns (uint256) {
        (uint256[] memory withdrawable,) = el.delegationManager.getWithdrawableShares(staker, _one(strategy));
        return withdrawable[0];
    }

    function _operatorShares() internal view returns (uint256) {
        return el.delegationManager.getOperatorShares(operator, _one(strategy))[0];
    }

    function _maxMagnitude() internal view returns (uint64) {
        return el.allocationManager.getMaxMagnitude(operator, strategy);
    }

    /// @dev The real rounding: the slashed magnitude is rounded up.
    function _slashedMagnitude(uint64 magnitude, uint256 wadToSlash) internal pure returns (uint64) {
        return uint64(Math.mulDiv(magnitude, wadToSlash, WAD, Math.Rounding.Ceil));
    }

    function _one(IStrategy s) internal pure returns (IStrategy[] memory a) {
        a = new IStrategy[](1);
        a[0] = s;
    }

    function _oneUint(uint256 x) internal pure returns (uint256[] memory a) {
        a = new uint256[](1);
        a[0] = x;
    }

    function _oneUint64(uint64 x) internal pure returns (uint64[] memory a) {
        a = new uint64[](1);
        a[0] = x;
    }
}
