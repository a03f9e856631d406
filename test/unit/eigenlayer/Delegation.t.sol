// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IStrategy} from "../../../contracts/interfaces/eigenlayer/IStrategy.sol";
import {
    IDelegationManagerErrors,
    IDelegationManagerTypes
} from "../../../contracts/interfaces/eigenlayer/IDelegationManager.sol";
import {
    ISignatureUtilsMixinErrors,
    ISignatureUtilsMixinTypes
} from "../../../contracts/interfaces/eigenlayer/ISignatureUtilsMixin.sol";
import {EigenLayerDevnetBase} from "./EigenLayerDevnetBase.sol";

/// @dev DelegationManager: registerAsOperator, delegateTo, undelegate and the deposit scaling factor.
contract DelegationTest is EigenLayerDevnetBase {
    function test_registerAsOperator_delegatesToSelfAndSetsDelayAtOnce() public view {
        assertTrue(el.delegationManager.isOperator(operator));
        assertEq(el.delegationManager.delegatedTo(operator), operator);
        (bool isSet, uint32 delay) = el.allocationManager.getAllocationDelay(operator);
        assertTrue(isSet);
        assertEq(delay, ALLOCATION_DELAY);
    }

    function test_registerAsOperator_revertsWhenDelegated() public {
        _delegate(alice, operator);
        vm.expectRevert(IDelegationManagerErrors.ActivelyDelegated.selector);
        vm.prank(alice);
        el.delegationManager.registerAsOperator(address(0), 0, "");
    }

    function testFuzz_delegateTo_movesWithdrawableSharesToOperator(uint256 a, uint256 b) public {
        a = bound(a, MIN_AMOUNT, MAX_AMOUNT);
        b = bound(b, MIN_AMOUNT, MAX_AMOUNT);
        uint256 shares = _deposit(alice, strategy, a);
        _delegate(alice, operator);
        assertEq(_operatorShares(), shares);
        assertEq(_withdrawable(alice), shares);
        assertEq(el.delegationManager.depositScalingFactor(alice, strategy), WAD);

        // Later deposits follow the delegation.
        uint256 more = _deposit(alice, strategy, b);
        assertEq(_operatorShares(), shares + more);
        assertEq(_withdrawable(alice), shares + more);
    }

    function test_delegateTo_reverts() public {
        ISignatureUtilsMixinTypes.SignatureWithExpiry memory noSignature;
        vm.expectRevert(IDelegationManagerErrors.OperatorNotRegistered.selector);
        vm.prank(alice);
        el.delegationManager.delegateTo(bob, noSignature, bytes32(0));

        _delegate(alice, operator);
        vm.expectRevert(IDelegationManagerErrors.ActivelyDelegated.selector);
        vm.prank(alice);
        el.delegationManager.delegateTo(operator, noSignature, bytes32(0));
    }

    function test_delegateTo_checksApproverSignature() public {
        (address approver, uint256 approverKey) = makeAddrAndKey("approver");
        vm.prank(operator);
        el.delegationManager.modifyOperatorDetails(operator, approver);

        ISignatureUtilsMixinTypes.SignatureWithExpiry memory noSignature;
        noSignature.expiry = block.timestamp;
        vm.expectRevert(ISignatureUtilsMixinErrors.InvalidSignature.selector);
        vm.prank(alice);
        el.delegationManager.delegateTo(operator, noSignature, bytes32(uint256(1)));

        bytes32 salt = bytes32(uint256(2));
        uint256 expiry = block.timestamp + 1 hours;
        bytes32 digest =
            el.delegationManager.calculateDelegationApprovalDigestHash(alice, operator, approver, salt, expiry);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(approverKey, digest);
        ISignatureUtilsMixinTypes.SignatureWithExpiry memory signature =
            ISignatureUtilsMixinTypes.SignatureWithExpiry({signature: abi.encodePacked(r, s, v), expiry: expiry});
        vm.prank(alice);
        el.delegationManager.delegateTo(operator, signature, salt);
        assertEq(el.delegationManager.delegatedTo(alice), operator);
        assertTrue(el.delegationManager.delegationApproverSaltIsSpent(approver, salt));

        // The same salt cannot be used twice.
        vm.prank(bob);
        vm.expectRevert(IDelegationManagerErrors.SaltSpent.selector);
        el.delegationManager.delegateTo(operator, signature, salt);
    }

    function testFuzz_undelegate_queuesEverythingAndClearsOperatorShares(uint256 a, uint256 b) public {
        a = bound(a, MIN_AMOUNT, MAX_AMOUNT);
        b = bound(b, MIN_AMOUNT, MAX_AMOUNT);
        uint256 sharesA = _deposit(alice, strategy, a);
        uint256 sharesB = _deposit(alice, otherStrategy, b);
        _delegate(alice, operator);

        vm.prank(alice);
        bytes32[] memory roots = el.delegationManager.undelegate(alice);

        assertEq(roots.length, 2, "one withdrawal per strategy");
        assertFalse(el.delegationManager.isDelegated(alice));
        assertEq(_operatorShares(), 0);
        assertEq(el.delegationManager.getOperatorShares(operator, _one(otherStrategy))[0], 0);
        (IDelegationManagerTypes.Withdrawal[] memory ws, uint256[][] memory shares) =
            el.delegationManager.getQueuedWithdrawals(alice);
        assertEq(ws.length, 2);
        assertEq(shares[0][0] + shares[1][0], sharesA + sharesB);
        assertEq(el.delegationManager.cumulativeWithdrawalsQueued(alice), 2);
        assertEq(el.strategyManager.stakerStrategyListLength(alice), 0);
    }

    function test_undelegate_byOperatorIsForced() public {
        _deposit(alice, strategy, 1e18);
        _delegate(alice, operator);
        vm.prank(bob);
        vm.expectRevert(IDelegationManagerErrors.CallerCannotUndelegate.selector);
        el.delegationManager.undelegate(alice);

        vm.prank(operator);
        el.delegationManager.undelegate(alice);
        assertFalse(el.delegationManager.isDelegated(alice));
    }

    function test_undelegate_revertsForOperatorsAndUndelegated() public {
        vm.expectRevert(IDelegationManagerErrors.OperatorsCannotUndelegate.selector);
        vm.prank(operator);
        el.delegationManager.undelegate(operator);

        vm.expectRevert(IDelegationManagerErrors.NotActivelyDelegated.selector);
        vm.prank(alice);
        el.delegationManager.undelegate(alice);
    }

    /// @dev A staker delegating to an already-slashed operator is not charged for the past slash: the deposit
    /// scaling factor becomes WAD / maxMagnitude, and withdrawable shares stay the deposit (up to rounding).
    function testFuzz_delegateTo_slashedOperatorForgivesPastSlashing(uint64 magnitude, uint256 wadToSlash, uint256 amount)
        public
    {
        magnitude = uint64(bound(magnitude, 1, WAD));
        wadToSlash = bound(wadToSlash, 1, WAD);
        amount = bound(amount, MIN_AMOUNT, MAX_AMOUNT);
        _allocateAndRegister(magnitude);
        _deposit(bob, strategy, 1e18);
        _delegate(bob, operator);
        _slash(wadToSlash);
        uint64 maxMagnitude = _maxMagnitude();
        vm.assume(maxMagnitude != 0);

        uint256 shares = _deposit(alice, strategy, amount);
        _delegate(alice, operator);

        assertEq(el.delegationManager.depositScalingFactor(alice, strategy), uint256(WAD) * WAD / maxMagnitude);
        uint256 withdrawable = _withdrawable(alice);
        assertLe(withdrawable, shares);
        assertLe(shares - withdrawable, shares / WAD + 2);
    }

    function test_delegateTo_revertsWhenOperatorFullySlashed() public {
        _allocateAndRegister(WAD);
        _deposit(bob, strategy, 1e18);
        _delegate(bob, operator);
        _slash(WAD);
        assertEq(_maxMagnitude(), 0);

        _deposit(alice, strategy, 1e18);
        ISignatureUtilsMixinTypes.SignatureWithExpiry memory noSignature;
        vm.expectRevert(IDelegationManagerErrors.FullySlashed.selector);
        vm.prank(alice);
        el.delegationManager.delegateTo(operator, noSignature, bytes32(0));
    }

    function test_increaseDelegatedShares_onlyStrategyManager() public {
        vm.expectRevert(IDelegationManagerErrors.OnlyStrategyManagerOrEigenPodManager.selector);
        el.delegationManager.increaseDelegatedShares(alice, strategy, 0, 1);
    }

    function test_convertToDepositShares_invertsWithdrawable() public {
        _allocateAndRegister(WAD / 2);
        _deposit(alice, strategy, 1e18);
        _delegate(alice, operator);
        _slash(WAD / 2);
        uint256 withdrawable = _withdrawable(alice);
        uint256 deposit = el.delegationManager.convertToDepositShares(alice, _one(strategy), _oneUint(withdrawable))[0];
        assertApproxEqAbs(deposit, 1e18, 2);
    }
}
