// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IStrategy} from "../../../contracts/interfaces/eigenlayer/IStrategy.sol";
import {
    IAllocationManagerErrors,
    IAllocationManagerTypes
} from "../../../contracts/interfaces/eigenlayer/IAllocationManager.sol";
import {OperatorSet} from "../../../contracts/interfaces/eigenlayer/OperatorSetLib.sol";
import {IPermissionControllerMixin} from "../../../contracts/devnet/eigenlayer/IPermissionControllerMixin.sol";
import {EigenLayerDevnetBase} from "./EigenLayerDevnetBase.sol";

/// @dev AllocationManager: operator sets, registration, allocation delay and modifyAllocations timing.
contract AllocationsTest is EigenLayerDevnetBase {
    function testFuzz_allocation_takesEffectAfterAllocationDelay(uint64 magnitude) public {
        magnitude = uint64(bound(magnitude, 1, WAD));
        _modifyAllocation(magnitude);
        uint256 effectBlock = block.number + ALLOCATION_DELAY;

        IAllocationManagerTypes.Allocation memory a = el.allocationManager.getAllocation(operator, operatorSet, strategy);
        assertEq(a.currentMagnitude, 0);
        assertEq(a.pendingDiff, int128(uint128(magnitude)));
        assertEq(a.effectBlock, effectBlock);
        // Encumbered at once, so it cannot be allocated twice.
        assertEq(el.allocationManager.getEncumberedMagnitude(operator, strategy), magnitude);
        assertEq(el.allocationManager.getAllocatableMagnitude(operator, strategy), WAD - magnitude);

        vm.roll(effectBlock - 1);
        assertEq(el.allocationManager.getAllocation(operator, operatorSet, strategy).currentMagnitude, 0);
        vm.expectRevert(IAllocationManagerErrors.ModificationAlreadyPending.selector);
        _modifyAllocation(magnitude / 2);

        vm.roll(effectBlock);
        a = el.allocationManager.getAllocation(operator, operatorSet, strategy);
        assertEq(a.currentMagnitude, magnitude);
        assertEq(a.pendingDiff, 0);
        assertEq(a.effectBlock, 0);
    }

    function testFuzz_deallocation_slashable_waitsDeallocationDelay(uint64 magnitude, uint64 lowered) public {
        magnitude = uint64(bound(magnitude, 1, WAD));
        lowered = uint64(bound(lowered, 0, magnitude - 1));
        _allocateAndRegister(magnitude);

        _modifyAllocation(lowered);
        uint256 effectBlock = block.number + DEALLOCATION_DELAY + 1;
        assertEq(el.allocationManager.getAllocation(operator, operatorSet, strategy).effectBlock, effectBlock);
        assertEq(el.allocationManager.getEncumberedMagnitude(operator, strategy), magnitude, "still encumbered");

        vm.roll(effectBlock - 1);
        assertEq(el.allocationManager.getAllocation(operator, operatorSet, strategy).currentMagnitude, magnitude);
        vm.roll(effectBlock);
        assertEq(el.allocationManager.getAllocation(operator, operatorSet, strategy).currentMagnitude, lowered);
        assertEq(el.allocationManager.getEncumberedMagnitude(operator, strategy), lowered, "freed");
        el.allocationManager.clearDeallocationQueue(operator, _one(strategy), _oneUint16(1));
        assertEq(el.allocationManager.getAllocatableMagnitude(operator, strategy), WAD - lowered);
    }

    function testFuzz_deallocation_unregistered_isInstant(uint64 magnitude) public {
        magnitude = uint64(bound(magnitude, 1, WAD));
        _modifyAllocation(magnitude);
        vm.roll(block.number + ALLOCATION_DELAY);
        _modifyAllocation(0);
        assertEq(el.allocationManager.getAllocation(operator, operatorSet, strategy).currentMagnitude, 0);
        assertEq(el.allocationManager.getEncumberedMagnitude(operator, strategy), 0);
        assertEq(el.allocationManager.getAllocatedSets(operator).length, 0);
    }

    function test_modifyAllocations_reverts() public {
        _modifyAllocation(WAD);
        OperatorSet memory second = OperatorSet(avs, 1);
        IAllocationManagerTypes.CreateSetParams[] memory sets = new IAllocationManagerTypes.CreateSetParams[](1);
        sets[0] = IAllocationManagerTypes.CreateSetParams({operatorSetId: 1, strategies: _one(strategy)});
        vm.prank(avs);
        el.allocationManager.createOperatorSets(avs, sets);

        IAllocationManagerTypes.AllocateParams[] memory params = new IAllocationManagerTypes.AllocateParams[](1);
        params[0] = IAllocationManagerTypes.AllocateParams({
            operatorSet: second,
            strategies: _one(strategy),
            newMagnitudes: _oneUint64(1)
        });
        vm.prank(operator);
        vm.expectRevert(IAllocationManagerErrors.InsufficientMagnitude.selector);
        el.allocationManager.modifyAllocations(operator, params);

        params[0].newMagnitudes[0] = 0;
        vm.prank(operator);
        vm.expectRevert(IAllocationManagerErrors.SameMagnitude.selector);
        el.allocationManager.modifyAllocations(operator, params);

        params[0].operatorSet = OperatorSet(avs, 9);
        vm.prank(operator);
        vm.expectRevert(IAllocationManagerErrors.InvalidOperatorSet.selector);
        el.allocationManager.modifyAllocations(operator, params);

        vm.prank(alice);
        vm.expectRevert(IPermissionControllerMixin.InvalidPermissions.selector);
        el.allocationManager.modifyAllocations(operator, params);
    }

    function test_setAllocationDelay_appliesAfterConfigurationDelay() public {
        vm.prank(operator);
        el.allocationManager.setAllocationDelay(operator, 77);
        (, uint32 delay) = el.allocationManager.getAllocationDelay(operator);
        assertEq(delay, ALLOCATION_DELAY);
        vm.roll(block.number + ALLOCATION_CONFIGURATION_DELAY);
        (, delay) = el.allocationManager.getAllocationDelay(operator);
        assertEq(delay, ALLOCATION_DELAY);
        vm.roll(block.number + 1);
        (, delay) = el.allocationManager.getAllocationDelay(operator);
        assertEq(delay, 77);

        vm.prank(alice);
        vm.expectRevert(IPermissionControllerMixin.InvalidPermissions.selector);
        el.allocationManager.setAllocationDelay(operator, 1);
        vm.prank(alice);
        vm.expectRevert(IAllocationManagerErrors.InvalidOperator.selector);
        el.allocationManager.setAllocationDelay(alice, 1);
    }

    function test_operatorSets_viewsAndRegistration() public {
        assertTrue(el.allocationManager.isOperatorSet(operatorSet));
        assertEq(el.allocationManager.getOperatorSetCount(avs), 1);
        assertEq(el.allocationManager.getSlasher(operatorSet), avs);
        assertEq(address(el.allocationManager.getStrategiesInOperatorSet(operatorSet)[0]), address(strategy));

        _allocateAndRegister(WAD / 3);
        assertEq(el.allocationManager.getMembers(operatorSet)[0], operator);
        assertEq(el.allocationManager.getMemberCount(operatorSet), 1);
        assertEq(el.allocationManager.getRegisteredSets(operator)[0].avs, avs);
        assertEq(el.allocationManager.getAllocatedSets(operator)[0].avs, avs);
        assertEq(address(el.allocationManager.getAllocatedStrategies(operator, operatorSet)[0]), address(strategy));
        (OperatorSet[] memory sets, IAllocationManagerTypes.Allocation[] memory allocations) =
            el.allocationManager.getStrategyAllocations(operator, strategy);
        assertEq(sets.length, 1);
        assertEq(allocations[0].currentMagnitude, WAD / 3);

        uint32[] memory ids = new uint32[](1);
        vm.prank(operator);
        vm.expectRevert(IAllocationManagerErrors.AlreadyMemberOfSet.selector);
        el.allocationManager.registerForOperatorSets(
            operator, IAllocationManagerTypes.RegisterParams({avs: avs, operatorSetIds: ids, data: ""})
        );

        vm.prank(alice);
        vm.expectRevert(IAllocationManagerErrors.InvalidOperator.selector);
        el.allocationManager.registerForOperatorSets(
            alice, IAllocationManagerTypes.RegisterParams({avs: avs, operatorSetIds: ids, data: ""})
        );
    }

    function test_createOperatorSets_requiresMetadataAndOwner() public {
        IAllocationManagerTypes.CreateSetParamsV2[] memory sets = new IAllocationManagerTypes.CreateSetParamsV2[](1);
        sets[0] = IAllocationManagerTypes.CreateSetParamsV2({operatorSetId: 0, strategies: _one(strategy), slasher: bob});
        vm.prank(alice);
        vm.expectRevert(IAllocationManagerErrors.NonexistentAVSMetadata.selector);
        el.allocationManager.createOperatorSets(alice, sets);

        vm.prank(bob);
        vm.expectRevert(IPermissionControllerMixin.InvalidPermissions.selector);
        el.allocationManager.createOperatorSets(alice, sets);

        vm.startPrank(alice);
        el.allocationManager.updateAVSMetadataURI(alice, "ipfs://alice");
        el.allocationManager.createOperatorSets(alice, sets);
        vm.expectRevert(IAllocationManagerErrors.InvalidOperatorSet.selector);
        el.allocationManager.createOperatorSets(alice, sets);
        vm.stopPrank();
        assertEq(el.allocationManager.getSlasher(OperatorSet(alice, 0)), bob);
    }

    function _oneUint16(uint16 x) internal pure returns (uint16[] memory a) {
        a = new uint16[](1);
        a[0] = x;
    }
}
