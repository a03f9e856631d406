// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {BaseTest} from "../BaseTest.sol";
import {IRiskRegistry} from "../../contracts/interfaces/IRiskRegistry.sol";
import {IOperatorDelegator} from "../../contracts/interfaces/IOperatorDelegator.sol";
import {IStrategy} from "../../contracts/interfaces/eigenlayer/IStrategy.sol";
import {IAllocationManagerTypes} from "../../contracts/interfaces/eigenlayer/IAllocationManager.sol";
import {OperatorSet} from "../../contracts/interfaces/eigenlayer/OperatorSetLib.sol";

/// @dev Incremental exposure accounting: what `allocate` reads (only the operator it moves stake to), pending
/// magnitude increases, the bound on operator sets per operator, and `refresh`.
/// TVL is 110 ETH (100 rETH at 1.1). op0: 50% to (avsA, 0); op1: 30% to (avsA, 1) and (avsB, 0); op2: 20% to (avsB, 0).
contract RiskRegistryExposureTest is BaseTest {
    uint256 internal constant GAS_BOUND = 10_000_000;

    function setUp() public override {
        super.setUp();
        _deposit(alice, address(rETH), 100 ether);
    }

    // ---------------------------------------------------------------- one operator's sets cannot block another

    /// @dev An allowlisted operator with Trellis stake allocates one unit of magnitude to each of 10,000 operator
    /// sets of its own AVS. Another operator's allocate still succeeds within 10M gas; the attacker's own
    /// delegator gets no new stake until governance looks, and refreshing it stays cheap.
    function test_tenThousandSets_cannotBlockAnotherOperatorsAllocate() public {
        (address attackerOp, uint256 attackerKey) = makeAddrAndKey("attackerOperator");
        uint256[] memory keys = new uint256[](1);
        keys[0] = attackerKey;
        registerEigenLayerOperators(el, keys, 1);
        // It behaves at first: 20% to (avsB, 0), shared with op1 and op2, and gets stake.
        allocateAndRegisterEigenLayerOperator(el, attackerKey, OperatorSet(avsB, 0), heldStrategies, 0.2e18);
        vm.roll(block.number + 2);
        risk.setOperatorAllowed(attackerOp, true);
        address attackerDelegator = vault.addOperatorDelegator(attackerOp);
        vm.prank(keeper);
        vault.allocate(attackerDelegator, address(rETH), 10 ether);
        uint256 sharedBefore = risk.operatorSetExposure(avsB, 0);

        _allocateToManySets(attackerOp, attackerKey, 10_000);
        vm.roll(block.number + 2);

        // Another operator's allocation: unaffected, and well under 10M gas.
        vm.prank(keeper);
        uint256 gasBefore = gasleft();
        vault.allocate{gas: GAS_BOUND}(delegators[2], address(rETH), 1 ether);
        uint256 used = gasBefore - gasleft();
        assertLt(used, GAS_BOUND, "allocate gas");
        assertEq(risk.operatorSetExposure(avsB, 0), sharedBefore + 0.22 ether, "shared set counts the new stake");

        // Anyone can refresh the attacker's delegator within the bound: it is flagged, its per-set entries stay.
        gasBefore = gasleft();
        vm.prank(bob);
        risk.refresh{gas: GAS_BOUND}(attackerDelegator);
        assertLt(gasBefore - gasleft(), GAS_BOUND, "refresh gas");
        IRiskRegistry.DelegatorExposure memory e = risk.delegatorExposure(attackerDelegator);
        assertTrue(e.beyondSetBound);
        assertEq(e.sets.length, 1);
        assertEq(risk.operatorSetExposure(avsB, 0), sharedBefore + 0.22 ether, "last known entries kept");

        // The attacker gets no new stake until governance looks.
        bytes memory beyond =
            abi.encodeWithSelector(IRiskRegistry.OperatorSetsBeyondBound.selector, attackerOp, risk.DEFAULT_MAX_OPERATOR_SETS());
        vm.prank(keeper);
        vm.expectRevert(beyond);
        vault.allocate(attackerDelegator, address(rETH), 1 ether);
        vm.expectRevert(beyond);
        risk.checkOperatorPolicy(attackerOp);
    }

    /// @dev Starving the bounded read cannot get an honest operator flagged: with any gas at all, a refresh of an
    /// operator at the bound (32 sets) either reverts or records it within the bound.
    function test_refresh_noGasAmountFlagsAnOperatorWithinTheBound() public {
        _allocate(1, address(rETH), 10 ether);
        (, uint256 avsKey) = makeAddrAndKey("wideAvs");
        createEigenLayerAVS(el, avsKey, 30, heldStrategies);
        for (uint32 id; id < 30; ++id) {
            allocateAndRegisterEigenLayerOperator(el, operatorKeys[1], OperatorSet(vm.addr(avsKey), id), heldStrategies, 0.01e18);
        }
        vm.roll(block.number + 2);
        assertEq(el.allocationManager.getAllocatedSets(operators[1]).length, risk.DEFAULT_MAX_OPERATOR_SETS());
        uint256 succeeded;
        for (uint256 g = 100_000; g < 3_000_000; g += 50_000) {
            (bool ok,) = address(risk).call{gas: g}(abi.encodeCall(risk.refresh, (delegators[1])));
            if (!ok) continue;
            ++succeeded;
            assertFalse(risk.delegatorExposure(delegators[1]).beyondSetBound, "flagged by starving");
        }
        assertGt(succeeded, 0);
        assertEq(risk.delegatorExposure(delegators[1]).sets.length, 32);
    }

    function test_setsBeyondGovernedBound_noNewStake() public {
        _allocate(1, address(rETH), 10 ether); // op1 is in 2 sets
        vm.prank(riskManager);
        risk.setMaxOperatorSets(1);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IRiskRegistry.OperatorSetsBeyondBound.selector, operators[1], 1));
        vault.allocate(delegators[1], address(rETH), 1 ether);
        // Raising the bound again is a loosening: the timelock (ADMIN, here the test).
        bytes32 name = risk.MAX_OPERATOR_SETS();
        vm.prank(riskManager);
        vm.expectRevert(abi.encodeWithSelector(IRiskRegistry.LoosenRequiresAdmin.selector, name, 1, 2));
        risk.setMaxOperatorSets(2);
        risk.setMaxOperatorSets(2);
        _allocate(1, address(rETH), 1 ether);
    }

    // ---------------------------------------------------------------- pending increases

    /// @dev op0 commits an increase in (avsA, 0) that is not effective yet: the set cap counts it at once.
    function test_pendingIncrease_countedBySetCap() public {
        vm.prank(riskManager);
        risk.setOperatorSetCap(avsA, 0, 1_000); // 11 ETH
        _allocate(0, address(rETH), 10 ether); // 11 ETH x 50% = 5.5
        _raise(0, OperatorSet(avsA, 0), 0.95e18); // pending: effective next block
        vm.prank(keeper);
        // 12.1 ETH x 95% = 11.495 ETH > 11 ETH.
        vm.expectRevert(
            abi.encodeWithSelector(IRiskRegistry.OperatorSetExposureCapExceeded.selector, avsA, uint32(0), 11 ether, 11.495 ether)
        );
        vault.allocate(delegators[0], address(rETH), 1 ether);
    }

    function test_pendingIncrease_countedByAvsCap() public {
        vm.prank(riskManager);
        risk.setAvsCap(avsB, 1_000); // 11 ETH
        _allocate(2, address(rETH), 20 ether); // 22 ETH x 20% = 4.4
        _raise(2, OperatorSet(avsB, 0), 0.6e18);
        vm.prank(keeper);
        // 23.1 ETH x 60% = 13.86 ETH > 11 ETH.
        vm.expectRevert(abi.encodeWithSelector(IRiskRegistry.AvsExposureCapExceeded.selector, avsB, 11 ether, 13.86 ether));
        vault.allocate(delegators[2], address(rETH), 1 ether);
    }

    /// @dev Exposure is stake x (current + pending increase) / max magnitude, rounded up, whatever the increase.
    function testFuzz_pendingIncrease_exposureIsCommittedMagnitude(uint64 magnitude, uint256 amount) public {
        magnitude = uint64(bound(magnitude, 0.5e18 + 1, 1e18));
        amount = bound(amount, 1e9, 100 ether);
        _raise(0, OperatorSet(avsA, 0), magnitude);
        _allocate(0, address(rETH), amount);
        uint256 stake = _stakeValue(delegators[0]);
        uint256 expected = Math.mulDiv(stake, magnitude, 1e18, Math.Rounding.Ceil);
        assertEq(risk.operatorSetExposure(avsA, 0), expected);
        assertEq(risk.avsExposure(avsA), expected);
        // Once effective the figure does not move: it was counted from the start.
        vm.roll(block.number + 5);
        risk.refresh(delegators[0]);
        assertEq(risk.operatorSetExposure(avsA, 0), expected);
    }

    // ---------------------------------------------------------------- incremental aggregates and refresh

    /// @dev After any allocations, each aggregate equals the sum over delegators recomputed from EigenLayer.
    function testFuzz_aggregates_matchRecomputation(uint256 a0, uint256 a1, uint256 a2) public {
        a0 = bound(a0, 0, 30 ether);
        a1 = bound(a1, 0, 30 ether);
        a2 = bound(a2, 0, 30 ether);
        if (a0 != 0) _allocate(0, address(rETH), a0);
        if (a1 != 0) _allocate(1, address(rETH), a1);
        if (a2 != 0) _allocate(2, address(rETH), a2);
        if (a1 != 0) _allocate(1, address(rETH), 1e9); // a second move on a cached delegator
        uint256 e0 = _ceil(_stakeValue(delegators[0]), 0.5e18);
        uint256 e1 = _ceil(_stakeValue(delegators[1]), 0.3e18);
        uint256 e2 = _ceil(_stakeValue(delegators[2]), 0.2e18);
        assertEq(risk.operatorSetExposure(avsA, 0), e0);
        assertEq(risk.operatorSetExposure(avsA, 1), e1);
        assertEq(risk.operatorSetExposure(avsB, 0), e1 + e2);
        assertEq(risk.avsExposure(avsA), e0 + e1);
        assertEq(risk.avsExposure(avsB), e1 + e2);
        // op1 encumbers 60% (two sets of 30%).
        assertEq(risk.totalSlashable(), e0 + _ceil(_stakeValue(delegators[1]), 0.6e18) + e2);
    }

    /// @dev An operator raises its allocation after Trellis staked: the aggregates see it after anyone refreshes
    /// that delegator, and another operator's allocation into the shared set is then held to it.
    function test_refresh_bringsStaleMagnitudesIn_andBindsOthers() public {
        vm.prank(riskManager);
        risk.setOperatorSetCap(avsB, 0, 1_000); // 11 ETH
        _allocate(1, address(rETH), 20 ether); // 22 x 30% = 6.6
        _allocate(2, address(rETH), 10 ether); // 11 x 20% = 2.2 -> 8.8
        _raise(1, OperatorSet(avsB, 0), 0.4e18); // 22 x 40% = 8.8 -> 11.0 once seen
        assertEq(risk.operatorSetExposure(avsB, 0), 8.8 ether, "stale until refreshed");
        vm.prank(bob);
        risk.refresh(delegators[1]);
        assertEq(risk.operatorSetExposure(avsB, 0), 11 ether);
        vm.prank(keeper);
        vm.expectRevert(
            abi.encodeWithSelector(IRiskRegistry.OperatorSetExposureCapExceeded.selector, avsB, uint32(0), 11 ether, 11.22 ether)
        );
        vault.allocate(delegators[2], address(rETH), 1 ether);
    }

    /// @dev What allocate reads does not grow with the number of delegators: the check costs the same with 3
    /// delegators holding stake as with 23.
    function test_allocateGas_independentOfDelegatorCount() public {
        _allocate(0, address(rETH), 1 ether);
        _allocate(2, address(rETH), 1 ether);
        uint256 small = _measureAllocate(2);
        uint256[] memory keys = new uint256[](20);
        for (uint256 i; i < keys.length; ++i) (, keys[i]) = makeAddrAndKey(string.concat("more", vm.toString(i)));
        address[] memory more = registerEigenLayerOperators(el, keys, 1);
        for (uint256 i; i < more.length; ++i) {
            allocateAndRegisterEigenLayerOperator(el, keys[i], OperatorSet(avsB, 0), heldStrategies, 0.01e18);
        }
        vm.roll(block.number + 2);
        _deposit(bob, address(rETH), 100 ether);
        for (uint256 i; i < more.length; ++i) {
            risk.setOperatorAllowed(more[i], true);
            delegators.push(vault.addOperatorDelegator(more[i]));
            _allocate(delegators.length - 1, address(rETH), 1 ether);
        }
        uint256 large = _measureAllocate(2);
        // Same reads and writes, only storage warmth and SSTORE price classes differ. The check that walked every
        // delegator cost ~130k gas more per delegator: 20 more would have added ~2.6M.
        assertLt(large, small + 100_000);
    }

    // ---------------------------------------------------------------- helpers

    function _measureAllocate(uint256 i) internal returns (uint256 used) {
        vm.prank(keeper);
        uint256 before = gasleft();
        vault.allocate(delegators[i], address(rETH), 0.1 ether);
        used = before - gasleft();
    }

    /// @dev Has operator `i` raise its rETH magnitude in `set` to `magnitude`, effective after its delay.
    function _raise(uint256 i, OperatorSet memory set, uint64 magnitude) internal {
        IAllocationManagerTypes.AllocateParams[] memory p = new IAllocationManagerTypes.AllocateParams[](1);
        p[0].operatorSet = set;
        p[0].strategies = new IStrategy[](1);
        p[0].strategies[0] = strategies[2];
        p[0].newMagnitudes = new uint64[](1);
        p[0].newMagnitudes[0] = magnitude;
        vm.prank(operators[i]);
        el.allocationManager.modifyAllocations(operators[i], p);
    }

    /// @dev `count` operator sets of a fresh AVS, one unit of rETH magnitude each, in batches.
    function _allocateToManySets(address operator, uint256 operatorKey, uint32 count) internal {
        (, uint256 avsKey) = makeAddrAndKey("attackerAvs");
        IStrategy[] memory one = new IStrategy[](1);
        one[0] = strategies[2];
        vm.pauseGasMetering();
        createEigenLayerAVS(el, avsKey, count, one);
        address avs = vm.addr(avsKey);
        uint32 batch = 1_000;
        for (uint32 start; start < count; start += batch) {
            IAllocationManagerTypes.AllocateParams[] memory p = new IAllocationManagerTypes.AllocateParams[](batch);
            for (uint32 j; j < batch; ++j) {
                p[j].operatorSet = OperatorSet(avs, start + j);
                p[j].strategies = one;
                p[j].newMagnitudes = new uint64[](1);
                p[j].newMagnitudes[0] = 1;
            }
            vm.prank(vm.addr(operatorKey));
            el.allocationManager.modifyAllocations(operator, p);
        }
        assertEq(el.allocationManager.getAllocatedSets(operator).length, count + 1);
        vm.resumeGasMetering();
    }

    /// @dev The delegator's stake valued as the registry values it: underlying units x price, rounded down.
    function _stakeValue(address delegator) internal view returns (uint256) {
        address[] memory s = new address[](1);
        s[0] = address(strategies[2]);
        return Math.mulDiv(IOperatorDelegator(delegator).underlyingBalances(s)[0], registry.price(address(rETH)), 1e18);
    }

    function _ceil(uint256 stake, uint256 magnitude) internal pure returns (uint256) {
        return Math.mulDiv(stake, magnitude, 1e18, Math.Rounding.Ceil);
    }
}
