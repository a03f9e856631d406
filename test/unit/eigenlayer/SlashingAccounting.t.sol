// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IDelegationManagerTypes} from "../../../contracts/interfaces/eigenlayer/IDelegationManager.sol";
import {EigenLayerDevnetBase} from "./EigenLayerDevnetBase.sol";

/// @dev Operator shares always cover what the delegators can withdraw, across deposits, withdrawals and
/// repeated slashes (the real rounding keeps operator shares high and stakers' shares low).
contract SlashingAccountingTest is EigenLayerDevnetBase {
    function testFuzz_operatorSharesCoverDelegators(
        uint64 magnitude,
        uint256[3] memory deposits,
        uint256[2] memory wads,
        uint256 later,
        uint256 queued
    ) public {
        magnitude = uint64(bound(magnitude, 1, WAD));
        address[3] memory stakers = [alice, bob, carol];
        _allocateAndRegister(magnitude);
        for (uint256 i = 0; i < 3; ++i) {
            _deposit(stakers[i], strategy, bound(deposits[i], MIN_AMOUNT, MAX_AMOUNT));
            _delegate(stakers[i], operator);
        }

        _slash(bound(wads[0], 1, WAD - 1));
        // A staker adds to an already slashed position: its scaling factor is re-weighted.
        _deposit(alice, strategy, bound(later, MIN_AMOUNT, MAX_AMOUNT));
        uint256 bobDeposit = el.strategyManager.stakerDepositShares(bob, strategy);
        (, IDelegationManagerTypes.Withdrawal memory w) = _queue(bob, strategy, bound(queued, 1, bobDeposit));
        if (el.allocationManager.getAllocation(operator, operatorSet, strategy).currentMagnitude != 0) {
            _slash(bound(wads[1], 1, WAD));
        }

        uint256 delegated;
        for (uint256 i = 0; i < 3; ++i) {
            delegated += _withdrawable(stakers[i]);
        }
        assertGe(_operatorShares(), delegated, "operator shares cover every delegator");

        // Everything withdrawable, queued included, is backed by strategy shares.
        (, uint256[][] memory bobQueued) = el.delegationManager.getQueuedWithdrawals(bob);
        assertLe(delegated + bobQueued[0][0], strategy.totalShares());
        vm.roll(w.startBlock + MIN_WITHDRAWAL_DELAY + 1);
        _complete(bob, w, true);
        assertEq(token.balanceOf(bob), bobQueued[0][0], "pays what the queue showed");
    }
}
