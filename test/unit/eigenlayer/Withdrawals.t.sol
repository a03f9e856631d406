// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {
    IDelegationManagerErrors,
    IDelegationManagerTypes
} from "../../../contracts/interfaces/eigenlayer/IDelegationManager.sol";
import {IStrategyManagerErrors} from "../../../contracts/interfaces/eigenlayer/IStrategyManager.sol";
import {EigenLayerDevnetBase} from "./EigenLayerDevnetBase.sol";

/// @dev DelegationManager.queueWithdrawals and completeQueuedWithdrawal(s).
contract WithdrawalsTest is EigenLayerDevnetBase {
    function testFuzz_complete_onlyAfterDelay(uint256 amount, uint256 early) public {
        amount = bound(amount, MIN_AMOUNT, MAX_AMOUNT);
        early = bound(early, 0, MIN_WITHDRAWAL_DELAY);
        uint256 shares = _deposit(alice, strategy, amount);
        _delegate(alice, operator);
        (bytes32 root, IDelegationManagerTypes.Withdrawal memory w) = _queue(alice, strategy, shares);
        assertEq(w.startBlock, block.number);
        assertEq(w.scaledShares[0], shares, "dsf is WAD");
        assertEq(_operatorShares(), 0);

        // Slashable through startBlock + delay inclusive: not completable until the block after.
        vm.roll(w.startBlock + early);
        _completeExpectingRevert(alice, w, true, IDelegationManagerErrors.WithdrawalDelayNotElapsed.selector);

        vm.roll(w.startBlock + MIN_WITHDRAWAL_DELAY + 1);
        _complete(alice, w, true);
        assertEq(token.balanceOf(alice), amount);
        assertFalse(el.delegationManager.pendingWithdrawals(root));
        assertEq(el.delegationManager.getQueuedWithdrawalRoots(alice).length, 0);

        _completeExpectingRevert(alice, w, true, IDelegationManagerErrors.WithdrawalNotQueued.selector);
    }

    function testFuzz_complete_asSharesRedelegates(uint256 amount, uint256 part) public {
        amount = bound(amount, MIN_AMOUNT, MAX_AMOUNT);
        uint256 shares = _deposit(alice, strategy, amount);
        part = bound(part, 1, shares);
        _delegate(alice, operator);
        (, IDelegationManagerTypes.Withdrawal memory w) = _queue(alice, strategy, part);
        assertEq(_operatorShares(), shares - part);
        assertEq(_withdrawable(alice), shares - part);

        vm.roll(block.number + MIN_WITHDRAWAL_DELAY + 1);
        _complete(alice, w, false);
        assertEq(_withdrawable(alice), shares);
        assertEq(_operatorShares(), shares);
        assertEq(token.balanceOf(alice), 0);
    }

    function test_complete_onlyWithdrawer() public {
        uint256 shares = _deposit(alice, strategy, 1e18);
        (, IDelegationManagerTypes.Withdrawal memory w) = _queue(alice, strategy, shares);
        assertEq(w.withdrawer, alice, "the withdrawer is always the staker");
        vm.roll(block.number + MIN_WITHDRAWAL_DELAY + 1);
        _completeExpectingRevert(bob, w, true, IDelegationManagerErrors.WithdrawerNotCaller.selector);
    }

    function test_queue_revertsAboveDepositShares() public {
        uint256 shares = _deposit(alice, strategy, 1e18);
        IDelegationManagerTypes.QueuedWithdrawalParams[] memory params =
            new IDelegationManagerTypes.QueuedWithdrawalParams[](1);
        params[0].strategies = _one(strategy);
        params[0].depositShares = _oneUint(shares + 1);
        vm.prank(alice);
        vm.expectRevert(IStrategyManagerErrors.SharesAmountTooHigh.selector);
        el.delegationManager.queueWithdrawals(params);

        params[0].depositShares = new uint256[](0);
        vm.prank(alice);
        vm.expectRevert(IDelegationManagerErrors.InputArrayLengthMismatch.selector);
        el.delegationManager.queueWithdrawals(params);
    }

    function testFuzz_completeQueuedWithdrawals_batch(uint256 a, uint256 b) public {
        a = bound(a, MIN_AMOUNT, MAX_AMOUNT);
        b = bound(b, MIN_AMOUNT, MAX_AMOUNT);
        uint256 sharesA = _deposit(alice, strategy, a);
        uint256 sharesB = _deposit(alice, otherStrategy, b);
        (, IDelegationManagerTypes.Withdrawal memory wA) = _queue(alice, strategy, sharesA);
        (, IDelegationManagerTypes.Withdrawal memory wB) = _queue(alice, otherStrategy, sharesB);
        assertEq(wB.nonce, wA.nonce + 1);

        IDelegationManagerTypes.Withdrawal[] memory ws = new IDelegationManagerTypes.Withdrawal[](2);
        ws[0] = wA;
        ws[1] = wB;
        IERC20[][] memory tokens = new IERC20[][](2);
        tokens[0] = new IERC20[](1);
        tokens[0][0] = token;
        tokens[1] = new IERC20[](1);
        tokens[1][0] = otherToken;
        bool[] memory asTokens = new bool[](2);
        asTokens[0] = true;
        asTokens[1] = false;

        vm.roll(block.number + MIN_WITHDRAWAL_DELAY + 1);
        vm.prank(alice);
        el.delegationManager.completeQueuedWithdrawals(ws, tokens, asTokens);
        assertEq(token.balanceOf(alice), a);
        assertEq(el.strategyManager.stakerDepositShares(alice, otherStrategy), sharesB);
    }

    function test_getQueuedWithdrawal_matchesRoot() public {
        uint256 shares = _deposit(alice, strategy, 1e18);
        _delegate(alice, operator);
        (bytes32 root, IDelegationManagerTypes.Withdrawal memory w) = _queue(alice, strategy, shares);
        assertEq(el.delegationManager.calculateWithdrawalRoot(w), root);
        (IDelegationManagerTypes.Withdrawal memory stored, uint256[] memory pending) =
            el.delegationManager.getQueuedWithdrawal(root);
        assertEq(stored.delegatedTo, operator);
        assertEq(pending[0], shares);
        assertEq(el.delegationManager.getSlashableSharesInQueue(operator, strategy), shares);

        // Slashable through startBlock + delay inclusive; after that the queue no longer counts.
        vm.roll(w.startBlock + MIN_WITHDRAWAL_DELAY);
        assertEq(el.delegationManager.getSlashableSharesInQueue(operator, strategy), shares);
        vm.roll(w.startBlock + MIN_WITHDRAWAL_DELAY + 1);
        assertEq(el.delegationManager.getSlashableSharesInQueue(operator, strategy), 0);
    }
}
