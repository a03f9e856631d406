// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {
    IRewardsCoordinatorErrors,
    IRewardsCoordinatorEvents
} from "../../../contracts/interfaces/eigenlayer/IRewardsCoordinator.sol";
import {OperatorSet} from "../../../contracts/interfaces/eigenlayer/OperatorSetLib.sol";
import {RewardsCoordinator} from "../../../contracts/devnet/eigenlayer/RewardsCoordinator.sol";

/// @dev Operator splits (commission) as EigenLayer's RewardsCoordinator keeps them: 10% by default, an
/// operator's own split per AVS or per operator set after the activation delay.
contract RewardsCoordinatorSplitsTest is Test, IRewardsCoordinatorEvents {
    uint32 internal constant ACTIVATION_DELAY = 7 days;
    address internal owner = makeAddr("owner");
    address internal operator = makeAddr("operator");
    address internal avs = makeAddr("avs");
    RewardsCoordinator internal coordinator;

    function setUp() public {
        coordinator = new RewardsCoordinator(owner, makeAddr("updater"), ACTIVATION_DELAY, 1 days);
    }

    function test_defaultSplitIsTenPercent() public view {
        assertEq(coordinator.defaultOperatorSplitBips(), 1000);
        assertEq(coordinator.getOperatorAVSSplit(operator, avs), 1000);
        assertEq(coordinator.getOperatorSetSplit(operator, OperatorSet(avs, 3)), 1000);
    }

    function test_avsSplitActivatesAfterTheDelay(uint16 split) public {
        split = uint16(bound(split, 0, 10_000));
        vm.expectEmit(address(coordinator));
        emit OperatorAVSSplitBipsSet(operator, operator, avs, uint32(block.timestamp) + ACTIVATION_DELAY, 1000, split);
        vm.prank(operator);
        coordinator.setOperatorAVSSplit(operator, avs, split);
        assertEq(coordinator.getOperatorAVSSplit(operator, avs), 1000, "default until activation");
        vm.warp(block.timestamp + ACTIVATION_DELAY);
        assertEq(coordinator.getOperatorAVSSplit(operator, avs), split);
        // Another AVS and the operator-set split are untouched.
        assertEq(coordinator.getOperatorAVSSplit(operator, makeAddr("other")), 1000);
        assertEq(coordinator.getOperatorSetSplit(operator, OperatorSet(avs, 0)), 1000);
    }

    function test_operatorSetSplitIsPerSet() public {
        vm.prank(operator);
        coordinator.setOperatorSetSplit(operator, OperatorSet(avs, 1), 10_000);
        vm.warp(block.timestamp + ACTIVATION_DELAY);
        assertEq(coordinator.getOperatorSetSplit(operator, OperatorSet(avs, 1)), 10_000);
        assertEq(coordinator.getOperatorSetSplit(operator, OperatorSet(avs, 2)), 1000);
        // A later split: the old one applies until the new one activates.
        vm.warp(block.timestamp + 1);
        vm.prank(operator);
        coordinator.setOperatorSetSplit(operator, OperatorSet(avs, 1), 500);
        assertEq(coordinator.getOperatorSetSplit(operator, OperatorSet(avs, 1)), 10_000);
        vm.warp(block.timestamp + ACTIVATION_DELAY);
        assertEq(coordinator.getOperatorSetSplit(operator, OperatorSet(avs, 1)), 500);
    }

    function test_refusesOthersOversizedAndPendingSplits() public {
        vm.expectRevert(IRewardsCoordinatorErrors.UnauthorizedCaller.selector);
        coordinator.setOperatorAVSSplit(operator, avs, 100);
        vm.startPrank(operator);
        vm.expectRevert(IRewardsCoordinatorErrors.SplitExceedsMax.selector);
        coordinator.setOperatorAVSSplit(operator, avs, 10_001);
        coordinator.setOperatorAVSSplit(operator, avs, 100);
        vm.expectRevert(IRewardsCoordinatorErrors.PreviousSplitPending.selector);
        coordinator.setOperatorAVSSplit(operator, avs, 200);
        vm.stopPrank();
    }

    function test_ownerSetsTheDefault() public {
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, address(this)));
        coordinator.setDefaultOperatorSplit(0);
        vm.expectEmit(address(coordinator));
        emit DefaultOperatorSplitBipsSet(1000, 2500);
        vm.prank(owner);
        coordinator.setDefaultOperatorSplit(2500);
        assertEq(coordinator.getOperatorAVSSplit(operator, avs), 2500);
    }
}
