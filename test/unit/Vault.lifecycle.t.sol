// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {BaseTest} from "../BaseTest.sol";
import {IVault, IVaultTypes} from "../../contracts/interfaces/IVault.sol";
import {IRiskRegistry} from "../../contracts/interfaces/IRiskRegistry.sol";
import {IOperatorDelegator} from "../../contracts/interfaces/IOperatorDelegator.sol";
import {IStrategy} from "../../contracts/interfaces/eigenlayer/IStrategy.sol";
import {IAllocationManagerTypes} from "../../contracts/interfaces/eigenlayer/IAllocationManager.sol";
import {IDelegationManagerTypes} from "../../contracts/interfaces/eigenlayer/IDelegationManager.sol";
import {OperatorSet} from "../../contracts/interfaces/eigenlayer/OperatorSetLib.sol";

/// @dev Delegator lifecycle: a forced undelegation, retiring a delegator and re-delegating one. The stake in
/// between keeps counting and stays slashable. op0 allocates 50% to (avsA, 0); op1 30% to (avsA, 1) and
/// (avsB, 0); op2 20% to (avsB, 0).
contract VaultLifecycleTest is BaseTest {
    function setUp() public override {
        super.setUp();
        _deposit(alice, address(rETH), 100 ether);
        _deposit(alice, address(osETH), 50 ether);
    }

    // ---------------------------------------------------------------- forced undelegation

    function test_forcedUndelegation_noStakeSent_stillSlashable_withdrawalsCompleted() public {
        _allocate(0, address(rETH), 10 ether);
        _allocate(0, address(osETH), 10 ether);
        uint256 measured = vault.markedAssets();
        uint256 exposure = risk.operatorSetExposure(avsA, 0);

        // The operator undelegates Trellis' delegator: everything it held is queued, one withdrawal per strategy.
        vm.prank(operators[0]);
        bytes32[] memory roots = el.delegationManager.undelegate(delegators[0]);
        assertEq(roots.length, 2);
        assertEq(vault.markedAssets(), measured, "queued stake keeps counting");

        // No stake is sent to it any more.
        vm.prank(keeper);
        vm.expectRevert(
            abi.encodeWithSelector(IRiskRegistry.DelegatorNotDelegated.selector, delegators[0], operators[0], address(0))
        );
        vault.allocate(delegators[0], address(rETH), 1 ether);

        // The registry keeps its exposure to op0's sets: the queued stake is still slashable by them.
        risk.refresh(delegators[0]);
        IRiskRegistry.DelegatorExposure memory e = risk.delegatorExposure(delegators[0]);
        assertEq(e.delegatedTo, address(0));
        assertEq(e.sets.length, 1);
        assertFalse(e.sets[0].current);
        assertEq(risk.operatorSetExposure(avsA, 0), exposure);
        _slash(avsA, 0, operators[0], 0.5e18);
        vault.refreshDelegator(delegators[0]);
        assertLt(vault.markedAssets(), measured, "slashed while queued");

        // After EigenLayer's delay the keeper completes both withdrawals into idle; the delegator is empty.
        uint256 idleBefore = vault.idleBalance(address(rETH));
        _completeAll(delegators[0]);
        assertGt(vault.idleBalance(address(rETH)), idleBefore);
        assertEq(_held(delegators[0]), 0);
        risk.refresh(delegators[0]);
        assertEq(risk.operatorSetExposure(avsA, 0), 0);
    }

    // ---------------------------------------------------------------- retire

    function test_retire_noMoreStake_removedOnceEmpty() public {
        _allocate(1, address(rETH), 10 ether);
        uint256 measured = vault.markedAssets();

        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, guardian));
        vault.retireDelegator(delegators[1]);

        vm.prank(riskManager);
        vm.expectEmit(address(risk));
        emit IRiskRegistry.DelegatorRetired(delegators[1]);
        vault.retireDelegator(delegators[1]);
        assertEq(el.delegationManager.getQueuedWithdrawalRoots(delegators[1]).length, 1);
        assertTrue(risk.isRetired(delegators[1]));
        assertEq(el.delegationManager.delegatedTo(delegators[1]), address(0));
        assertEq(vault.markedAssets(), measured, "queued stake keeps counting");
        assertGt(risk.operatorSetExposure(avsB, 0), 0, "still slashable by op1's sets");

        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IRiskRegistry.RetiredDelegator.selector, delegators[1]));
        vault.allocate(delegators[1], address(rETH), 1 ether);
        vm.prank(riskManager);
        vm.expectRevert(abi.encodeWithSelector(IRiskRegistry.RetiredDelegator.selector, delegators[1]));
        vault.retireDelegator(delegators[1]);

        // Not removable while it holds anything.
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IRiskRegistry.DelegatorNotEmpty.selector, delegators[1]));
        vault.removeDelegator(delegators[1]);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IRiskRegistry.DelegatorNotRetired.selector, delegators[0]));
        vault.removeDelegator(delegators[0]);

        _completeAll(delegators[1]);
        address retired = delegators[1];
        vm.prank(keeper);
        vm.expectEmit(address(vault));
        emit IVaultTypes.DelegatorRemoved(retired);
        vault.removeDelegator(retired);
        assertFalse(vault.isDelegator(retired));
        assertEq(vault.getDelegators().length, 2);
        assertEq(vault.delegatorOf(operators[1]), address(0));
        assertEq(risk.delegatorExposure(retired).stake, 0);
        assertEq(risk.operatorSetExposure(avsB, 0), 0);
        assertEq(risk.totalSlashable(), 0);
        assertEq(vault.markedAssets(), measured);

        // The operator can get a fresh delegator later.
        address fresh = vault.addOperatorDelegator(operators[1]);
        assertEq(vault.delegatorOf(operators[1]), fresh);
    }

    // ---------------------------------------------------------------- re-delegate

    function test_redelegate_stakeCountsAndStaysSlashableInBetween() public {
        (address op3,) = _newOperator("operator3");
        _allocate(0, address(rETH), 10 ether);
        uint256 measured = vault.markedAssets();

        vm.prank(riskManager);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, riskManager));
        vault.redelegateDelegator(delegators[0], op3);
        // The new operator must meet the policy.
        vm.expectRevert(abi.encodeWithSelector(IRiskRegistry.OperatorNotAllowed.selector, op3));
        vault.redelegateDelegator(delegators[0], op3);
        risk.setOperatorAllowed(op3, true);
        vm.expectRevert(abi.encodeWithSelector(IVaultTypes.DelegatorAlreadyExists.selector, operators[1], delegators[1]));
        vault.redelegateDelegator(delegators[0], operators[1]);

        vm.expectEmit(address(vault));
        emit IVaultTypes.DelegatorRedelegated(delegators[0], operators[0], op3);
        vault.redelegateDelegator(delegators[0], op3);
        assertEq(el.delegationManager.delegatedTo(delegators[0]), op3);
        assertEq(IOperatorDelegator(delegators[0]).operator(), op3);
        assertEq(vault.delegatorOf(op3), delegators[0]);
        assertEq(vault.delegatorOf(operators[0]), address(0));
        assertEq(vault.markedAssets(), measured, "queued stake keeps counting");
        assertEq(risk.operatorSetExposure(avsA, 0), 5.5 ether, "still exposed to op0's set");

        // New stake goes to the new operator under the limits; the former operator can still slash the queue.
        _allocate(0, address(rETH), 1 ether);
        assertEq(risk.operatorSetExposure(avsB, 0), 0.11 ether); // op3: 10% of (avsB, 0)
        _slash(avsA, 0, operators[0], 0.2e18);
        vault.refreshDelegator(delegators[0]);
        assertLt(vault.markedAssets(), measured, "slashed while queued");

        _completeAll(delegators[0]);
        risk.refresh(delegators[0]);
        assertEq(risk.operatorSetExposure(avsA, 0), 0);
        assertEq(risk.operatorSetExposure(avsB, 0), 0.11 ether);
    }

    function test_redelegate_afterForcedUndelegation() public {
        (address op3,) = _newOperator("operator3");
        risk.setOperatorAllowed(op3, true);
        _allocate(2, address(rETH), 10 ether);
        vm.prank(operators[2]);
        el.delegationManager.undelegate(delegators[2]);
        vault.redelegateDelegator(delegators[2], op3);
        assertEq(el.delegationManager.getQueuedWithdrawalRoots(delegators[2]).length, 1, "queued once, by the operator");
        assertEq(el.delegationManager.delegatedTo(delegators[2]), op3);
        _allocate(2, address(rETH), 1 ether);
        _completeAll(delegators[2]);
        assertEq(_held(delegators[2]), 1 ether);
    }

    // ---------------------------------------------------------------- helpers

    function _newOperator(string memory name) internal returns (address op, uint256 key) {
        (op, key) = makeAddrAndKey(name);
        uint256[] memory keys = new uint256[](1);
        keys[0] = key;
        registerEigenLayerOperators(el, keys, 1);
        allocateAndRegisterEigenLayerOperator(el, key, OperatorSet(avsB, 0), heldStrategies, 0.1e18);
        vm.roll(block.number + 2);
    }

    function _slash(address avs, uint32 id, address operator, uint256 wad) internal {
        IStrategy[] memory s = new IStrategy[](1);
        s[0] = strategies[2];
        uint256[] memory w = new uint256[](1);
        w[0] = wad;
        vm.prank(avs);
        el.allocationManager.slashOperator(
            avs,
            IAllocationManagerTypes.SlashingParams({
                operator: operator, operatorSetId: id, strategies: s, wadsToSlash: w, description: "test"
            })
        );
    }

    /// @dev Rolls past EigenLayer's withdrawal delay and completes every queued withdrawal of `delegator` through
    /// the vault, as the keeper does.
    function _completeAll(address delegator) internal {
        vm.roll(block.number + MIN_WITHDRAWAL_DELAY + 1);
        (IDelegationManagerTypes.Withdrawal[] memory ws,) = el.delegationManager.getQueuedWithdrawals(delegator);
        for (uint256 i; i < ws.length; ++i) {
            vm.prank(keeper);
            vault.completeDelegatorWithdrawal(delegator, ws[i], _assetOf(ws[i].strategies[0]));
        }
    }

    function _assetOf(IStrategy strategy) internal view returns (address) {
        for (uint256 i; i < strategies.length; ++i) {
            if (strategies[i] == strategy) return assets[i];
        }
        revert("unknown strategy");
    }

    function _held(address delegator) internal view returns (uint256 total) {
        address[] memory s = new address[](heldStrategies.length);
        for (uint256 i; i < s.length; ++i) s[i] = address(heldStrategies[i]);
        uint256[] memory held = IOperatorDelegator(delegator).underlyingBalances(s);
        for (uint256 i; i < held.length; ++i) total += held[i];
    }
}
