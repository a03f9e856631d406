// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IStrategy} from "../../../contracts/interfaces/eigenlayer/IStrategy.sol";
import {IDelegationManagerTypes} from "../../../contracts/interfaces/eigenlayer/IDelegationManager.sol";
import {
    IAllocationManagerErrors,
    IAllocationManagerTypes
} from "../../../contracts/interfaces/eigenlayer/IAllocationManager.sol";
import {OperatorSet} from "../../../contracts/interfaces/eigenlayer/OperatorSetLib.sol";
import {EigenLayerDevnetBase} from "./EigenLayerDevnetBase.sol";

/// @dev AllocationManager.slashOperator and its effect through the DelegationManager on every delegator,
/// queued withdrawals included, with the real formulas and rounding.
contract SlashingTest is EigenLayerDevnetBase {
    struct Amounts {
        uint256 alice; // stays delegated
        uint256 bob; // delegated, queues `queued` of it just before the slash
        uint256 queued;
        uint256 carol; // queued long before the slash: out of the slashable window
    }

    function _bound(Amounts memory x) internal pure returns (Amounts memory) {
        x.alice = bound(x.alice, MIN_AMOUNT, MAX_AMOUNT);
        x.bob = bound(x.bob, MIN_AMOUNT, MAX_AMOUNT);
        x.queued = bound(x.queued, 1, x.bob);
        x.carol = bound(x.carol, MIN_AMOUNT, MAX_AMOUNT);
        return x;
    }

    function testFuzz_slash_reducesEveryDelegatorByAllocatedMagnitudeTimesWad(
        uint64 magnitude,
        uint256 wadToSlash,
        Amounts memory x
    ) public {
        magnitude = uint64(bound(magnitude, 1, WAD));
        wadToSlash = bound(wadToSlash, 1, WAD);
        x = _bound(x);

        // Carol queues first and waits out the window; then the allocation is made and becomes slashable.
        _deposit(carol, strategy, x.carol);
        _delegate(carol, operator);
        (, IDelegationManagerTypes.Withdrawal memory carolW) = _queue(carol, strategy, x.carol);
        vm.roll(block.number + MIN_WITHDRAWAL_DELAY + 1);
        _allocateAndRegister(magnitude);

        _deposit(alice, strategy, x.alice);
        _delegate(alice, operator);
        _deposit(bob, strategy, x.bob);
        _delegate(bob, operator);
        (, IDelegationManagerTypes.Withdrawal memory bobW) = _queue(bob, strategy, x.queued);
        uint256 operatorSharesBefore = _operatorShares();
        assertEq(operatorSharesBefore, x.alice + x.bob - x.queued);

        (uint256 slashId, uint256[] memory slashedShares) = _slash(wadToSlash);

        uint64 slashedMagnitude = _slashedMagnitude(magnitude, wadToSlash);
        uint64 newMax = WAD - slashedMagnitude;
        assertEq(_maxMagnitude(), newMax, "max magnitude falls by mulWadUp(allocated, wad)");
        assertEq(el.allocationManager.getAllocation(operator, operatorSet, strategy).currentMagnitude, magnitude - slashedMagnitude);
        assertEq(el.allocationManager.getEncumberedMagnitude(operator, strategy), magnitude - slashedMagnitude);

        // Delegated stakers: withdrawable = deposit * dsf(WAD) * newMax, rounded down.
        uint256 aliceAfter = _withdrawable(alice);
        assertEq(aliceAfter, Math.mulDiv(x.alice, newMax, WAD), "exact formula");
        _assertLossIsMagnitudeTimesWad(x.alice, x.alice - aliceAfter, magnitude, wadToSlash);
        assertEq(_withdrawable(bob), Math.mulDiv(x.bob - x.queued, newMax, WAD));

        // Queued within the window: slashed the same way, through scaledShares * slashing factor.
        (, uint256[][] memory bobQueued) = el.delegationManager.getQueuedWithdrawals(bob);
        uint256 bobQueuedAfter = Math.mulDiv(x.queued, newMax, WAD);
        assertEq(bobQueued[0][0], bobQueuedAfter, "queued shares slashed");
        _assertLossIsMagnitudeTimesWad(x.queued, x.queued - bobQueuedAfter, magnitude, wadToSlash);

        // Queued out of the window: untouched.
        (, uint256[][] memory carolQueued) = el.delegationManager.getQueuedWithdrawals(carol);
        assertEq(carolQueued[0][0], x.carol, "completable withdrawal not slashed");

        // Operator shares: the kept part is rounded up. Slashed total adds the slashable queue.
        uint256 operatorKept = Math.mulDiv(operatorSharesBefore, newMax, WAD, Math.Rounding.Ceil);
        assertEq(_operatorShares(), operatorKept);
        uint256 fromQueue = Math.mulDiv(x.queued, slashedMagnitude, WAD);
        assertEq(slashedShares[0], operatorSharesBefore - operatorKept + fromQueue);
        assertEq(slashId, 1);
        assertEq(el.strategyManager.getBurnOrRedistributableShares(operatorSet, slashId, strategy), slashedShares[0]);

        // Completing pays exactly the slashed queue amount (the strategy is 1:1 here).
        vm.roll(bobW.startBlock + MIN_WITHDRAWAL_DELAY + 1);
        _complete(bob, bobW, true);
        assertEq(token.balanceOf(bob), bobQueuedAfter);
        _complete(carol, carolW, true);
        assertEq(token.balanceOf(carol), x.carol);
    }

    /// @dev Loss = deposit * mulWadUp(magnitude, wad) / WAD, within the two floor roundings of the formula.
    function _assertLossIsMagnitudeTimesWad(uint256 deposit, uint256 loss, uint64 magnitude, uint256 wadToSlash)
        internal
        pure
    {
        uint256 ideal = Math.mulDiv(deposit, uint256(magnitude) * wadToSlash, uint256(WAD) * WAD);
        assertGe(loss, ideal, "never less than allocated magnitude x wad");
        assertLe(loss, ideal + deposit / WAD + 2, "and more only by rounding");
    }

    function testFuzz_slash_inWindowAfterQueueing_appliesAtCompletion(uint256 wadToSlash, uint256 amount, uint256 wait)
        public
    {
        wadToSlash = bound(wadToSlash, 1, WAD);
        amount = bound(amount, MIN_AMOUNT, MAX_AMOUNT);
        wait = bound(wait, 0, MIN_WITHDRAWAL_DELAY);
        _allocateAndRegister(WAD);
        uint256 shares = _deposit(alice, strategy, amount);
        _delegate(alice, operator);
        (, IDelegationManagerTypes.Withdrawal memory w) = _queue(alice, strategy, shares);

        // Up to and including startBlock + delay the withdrawal is slashable.
        vm.roll(w.startBlock + wait);
        _slash(wadToSlash);
        uint64 newMax = _maxMagnitude();

        vm.roll(w.startBlock + MIN_WITHDRAWAL_DELAY + 1);
        _complete(alice, w, true);
        assertEq(token.balanceOf(alice), Math.mulDiv(shares, newMax, WAD));
    }

    function testFuzz_slash_afterWindow_doesNotTouchWithdrawal(uint256 wadToSlash, uint256 amount) public {
        wadToSlash = bound(wadToSlash, 1, WAD);
        amount = bound(amount, MIN_AMOUNT, MAX_AMOUNT);
        _allocateAndRegister(WAD);
        uint256 shares = _deposit(alice, strategy, amount);
        _delegate(alice, operator);
        (, IDelegationManagerTypes.Withdrawal memory w) = _queue(alice, strategy, shares);

        vm.roll(w.startBlock + MIN_WITHDRAWAL_DELAY + 1);
        (, uint256[] memory slashed) = _slash(wadToSlash);
        assertEq(slashed[0], 0, "nothing delegated, nothing slashable in the queue");
        _complete(alice, w, true);
        assertEq(token.balanceOf(alice), amount);
    }

    function testFuzz_slash_compounds(uint64 magnitude, uint256 w1, uint256 w2, uint256 amount) public {
        magnitude = uint64(bound(magnitude, 1, WAD));
        w1 = bound(w1, 1, WAD);
        w2 = bound(w2, 1, WAD);
        amount = bound(amount, MIN_AMOUNT, MAX_AMOUNT);
        _allocateAndRegister(magnitude);
        uint256 shares = _deposit(alice, strategy, amount);
        _delegate(alice, operator);

        _slash(w1);
        uint64 allocated = magnitude - _slashedMagnitude(magnitude, w1);
        uint64 expectedMax = WAD - _slashedMagnitude(magnitude, w1);
        if (allocated != 0) {
            _slash(w2);
            expectedMax -= _slashedMagnitude(allocated, w2);
        }
        assertEq(_maxMagnitude(), expectedMax);
        assertEq(_withdrawable(alice), Math.mulDiv(shares, expectedMax, WAD));
    }

    function testFuzz_slash_pendingDeallocationStillSlashable(uint64 magnitude, uint256 wadToSlash, uint64 lowered)
        public
    {
        magnitude = uint64(bound(magnitude, 2, WAD));
        lowered = uint64(bound(lowered, 0, magnitude - 1));
        wadToSlash = bound(wadToSlash, 1, WAD);
        _allocateAndRegister(magnitude);
        uint256 shares = _deposit(alice, strategy, 1e18);
        _delegate(alice, operator);

        _modifyAllocation(lowered);
        IAllocationManagerTypes.Allocation memory pending =
            el.allocationManager.getAllocation(operator, operatorSet, strategy);
        assertEq(pending.currentMagnitude, magnitude, "deallocation waits DEALLOCATION_DELAY");
        assertEq(pending.effectBlock, block.number + DEALLOCATION_DELAY + 1);

        vm.roll(block.number + DEALLOCATION_DELAY);
        _slash(wadToSlash);
        uint64 slashedMagnitude = _slashedMagnitude(magnitude, wadToSlash);
        assertEq(_maxMagnitude(), WAD - slashedMagnitude, "slashed at the full pre-deallocation magnitude");
        assertEq(_withdrawable(alice), Math.mulDiv(shares, WAD - slashedMagnitude, WAD));

        // The pending decrease shrinks by the same proportion, rounded up.
        uint64 decrease = magnitude - lowered;
        uint64 expectedDecrease = decrease - _slashedMagnitude(decrease, wadToSlash);
        IAllocationManagerTypes.Allocation memory after_ =
            el.allocationManager.getAllocation(operator, operatorSet, strategy);
        assertEq(uint256(int256(-after_.pendingDiff)), expectedDecrease);
    }

    function testFuzz_slash_afterDeallocationCompletes_isNoop(uint64 magnitude, uint256 wadToSlash) public {
        magnitude = uint64(bound(magnitude, 1, WAD));
        wadToSlash = bound(wadToSlash, 1, WAD);
        _allocateAndRegister(magnitude);
        uint256 shares = _deposit(alice, strategy, 1e18);
        _delegate(alice, operator);
        _modifyAllocation(0);
        vm.roll(block.number + DEALLOCATION_DELAY + 1);

        (, uint256[] memory slashed) = _slash(wadToSlash);
        assertEq(slashed[0], 0);
        assertEq(_maxMagnitude(), WAD);
        assertEq(_withdrawable(alice), shares);
    }

    function testFuzz_slash_beforeAllocationDelay_isNoop(uint64 magnitude, uint256 wadToSlash) public {
        magnitude = uint64(bound(magnitude, 1, WAD));
        wadToSlash = bound(wadToSlash, 1, WAD);
        allocateAndRegisterEigenLayerOperator(el, operatorKey, operatorSet, _one(strategy), magnitude);
        uint256 shares = _deposit(alice, strategy, 1e18);
        _delegate(alice, operator);

        vm.roll(block.number + ALLOCATION_DELAY - 1);
        _slash(wadToSlash);
        assertEq(_maxMagnitude(), WAD, "pending allocation is not slashable");
        assertEq(_withdrawable(alice), shares);
    }

    function testFuzz_allocatedStake_isDelegatedTimesMagnitudeOverMax(uint64 magnitude, uint256 amount) public {
        magnitude = uint64(bound(magnitude, 1, WAD));
        amount = bound(amount, MIN_AMOUNT, MAX_AMOUNT);
        _allocateAndRegister(magnitude);
        _deposit(alice, strategy, amount);
        _delegate(alice, operator);
        address[] memory operators = new address[](1);
        operators[0] = operator;
        uint256 expected = Math.mulDiv(amount, Math.mulDiv(magnitude, WAD, WAD), WAD);
        assertEq(el.allocationManager.getAllocatedStake(operatorSet, operators, _one(strategy))[0][0], expected);
        assertEq(
            el.allocationManager.getMinimumSlashableStake(operatorSet, operators, _one(strategy), uint32(block.number))[0][0],
            expected
        );

        // A pending decrease counts for the minimum once its effect block is reached.
        _modifyAllocation(0);
        uint32 future = uint32(block.number + DEALLOCATION_DELAY + 1);
        assertEq(
            el.allocationManager.getMinimumSlashableStake(operatorSet, operators, _one(strategy), future)[0][0], 0
        );
        assertEq(el.allocationManager.getAllocatedStake(operatorSet, operators, _one(strategy))[0][0], expected);
    }

    function test_slash_burnsClearedShares() public {
        _allocateAndRegister(WAD);
        _deposit(alice, strategy, 1e18);
        _delegate(alice, operator);
        (uint256 slashId, uint256[] memory slashed) = _slash(WAD / 4);
        uint256 burned = el.strategyManager.clearBurnOrRedistributableSharesByStrategy(operatorSet, slashId, strategy);
        assertEq(burned, slashed[0]);
        assertEq(token.balanceOf(el.strategyManager.DEFAULT_BURN_ADDRESS()), burned);
        assertEq(el.strategyManager.getBurnOrRedistributableCount(operatorSet, slashId), 0);
    }

    /// @dev The real DelegationManager underflows looking up the queue window on a chain no older than the
    /// withdrawal delay; the devnet does the same, so a test cannot pass here and fail on the real core.
    function test_slash_revertsOnAChainYoungerThanTheWithdrawalDelay() public {
        vm.roll(1);
        _allocateAndRegister(WAD);
        assertLe(block.number, MIN_WITHDRAWAL_DELAY);
        vm.expectRevert(abi.encodeWithSignature("Panic(uint256)", 0x11));
        _slash(0.5e18);
        vm.roll(MIN_WITHDRAWAL_DELAY + 1);
        _slash(0.5e18);
    }

    function test_slash_reverts() public {
        _allocateAndRegister(WAD);
        IAllocationManagerTypes.SlashingParams memory params = IAllocationManagerTypes.SlashingParams({
            operator: operator,
            operatorSetId: 0,
            strategies: _one(strategy),
            wadsToSlash: _oneUint(WAD),
            description: ""
        });
        vm.expectRevert(IAllocationManagerErrors.InvalidCaller.selector);
        vm.prank(alice);
        el.allocationManager.slashOperator(avs, params);

        params.wadsToSlash[0] = 0;
        vm.expectRevert(IAllocationManagerErrors.InvalidWadToSlash.selector);
        vm.prank(avs);
        el.allocationManager.slashOperator(avs, params);

        params.wadsToSlash[0] = WAD;
        params.strategies[0] = otherStrategy;
        vm.expectRevert(IAllocationManagerErrors.StrategyNotInOperatorSet.selector);
        vm.prank(avs);
        el.allocationManager.slashOperator(avs, params);

        params.strategies[0] = strategy;
        params.operator = alice;
        vm.expectRevert(IAllocationManagerErrors.OperatorNotSlashable.selector);
        vm.prank(avs);
        el.allocationManager.slashOperator(avs, params);

        params.operator = operator;
        params.operatorSetId = 7;
        vm.expectRevert(IAllocationManagerErrors.InvalidOperatorSet.selector);
        vm.prank(avs);
        el.allocationManager.slashOperator(avs, params);
    }

    function test_slash_strategiesMustAscend() public {
        IStrategy[] memory both = new IStrategy[](2);
        (both[0], both[1]) = address(strategy) < address(otherStrategy) ? (otherStrategy, strategy) : (strategy, otherStrategy);
        vm.prank(avs);
        el.allocationManager.addStrategiesToOperatorSet(avs, 0, _one(otherStrategy));
        _allocateAndRegister(WAD);
        uint256[] memory wads = new uint256[](2);
        wads[0] = WAD;
        wads[1] = WAD;
        IAllocationManagerTypes.SlashingParams memory params = IAllocationManagerTypes.SlashingParams({
            operator: operator,
            operatorSetId: 0,
            strategies: both,
            wadsToSlash: wads,
            description: ""
        });
        vm.expectRevert(IAllocationManagerErrors.StrategiesMustBeInAscendingOrder.selector);
        vm.prank(avs);
        el.allocationManager.slashOperator(avs, params);
    }

    function test_deregistered_staysSlashableForDeallocationDelay() public {
        _allocateAndRegister(WAD);
        uint32[] memory ids = new uint32[](1);
        vm.prank(operator);
        el.allocationManager.deregisterFromOperatorSets(
            IAllocationManagerTypes.DeregisterParams({operator: operator, avs: avs, operatorSetIds: ids})
        );
        assertFalse(el.allocationManager.isMemberOfOperatorSet(operator, operatorSet));
        vm.roll(block.number + DEALLOCATION_DELAY);
        assertTrue(el.allocationManager.isOperatorSlashable(operator, operatorSet));
        _slash(WAD / 2);
        assertEq(_maxMagnitude(), WAD / 2);
        vm.roll(block.number + 1);
        assertFalse(el.allocationManager.isOperatorSlashable(operator, operatorSet));
        OperatorSet memory set = operatorSet;
        assertEq(el.allocationManager.getSlashCount(set), 1);
    }
}
