// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {DevnetAVSRegistrar} from "../../contracts/devnet/eigenlayer/DevnetAVSRegistrar.sol";
import {BaseTest} from "../BaseTest.sol";
import {IRiskRegistry} from "../../contracts/interfaces/IRiskRegistry.sol";
import {IAllocationManagerTypes, IAllocationManagerErrors} from "../../contracts/interfaces/eigenlayer/IAllocationManager.sol";
import {OperatorSet} from "../../contracts/interfaces/eigenlayer/OperatorSetLib.sol";
import {Roles} from "../../contracts/libraries/Roles.sol";

/// @dev The operator policy on chain (allocation delay, redistributing operator sets) and the ADMIN-delay rule
/// for loosening. TVL is 110 ETH (100 rETH at 1.1). Every operator of BaseTest has an allocation delay of 1.
contract RiskRegistryPolicyTest is BaseTest {
    address internal constant BURN = 0x00000000000000000000000000000000000E16E4;
    address internal recipient = makeAddr("redistributionRecipient");
    address internal avsR;

    function setUp() public override {
        super.setUp();
        _deposit(alice, address(rETH), 100 ether);
    }

    // ---------------------------------------------------------------- allocation delay

    function test_minAllocationDelay_refusesAShorterDelay() public {
        vm.prank(riskManager);
        risk.setMinAllocationDelay(10);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IRiskRegistry.AllocationDelayTooShort.selector, operators[0], 10, 1));
        vault.allocate(delegators[0], address(rETH), 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IRiskRegistry.AllocationDelayTooShort.selector, operators[0], 10, 1));
        risk.checkOperatorPolicy(operators[0]);

        // Lowering it is a loosening: ADMIN only.
        bytes32 name = risk.MIN_ALLOCATION_DELAY();
        vm.prank(riskManager);
        vm.expectRevert(abi.encodeWithSelector(IRiskRegistry.LoosenRequiresAdmin.selector, name, 10, 1));
        risk.setMinAllocationDelay(1);
        risk.setMinAllocationDelay(1);
        _allocate(0, address(rETH), 1 ether);
    }

    /// @dev A fresh operator registered with allocation delay `delay`: new stake iff delay >= the minimum.
    function testFuzz_minAllocationDelay(uint32 delay, uint32 minDelay) public {
        delay = uint32(bound(delay, 0, 200));
        minDelay = uint32(bound(minDelay, 1, 200));
        (address op, uint256 key) = makeAddrAndKey("delayOperator");
        uint256[] memory keys = new uint256[](1);
        keys[0] = key;
        registerEigenLayerOperators(el, keys, delay);
        allocateAndRegisterEigenLayerOperator(el, key, OperatorSet(avsB, 0), heldStrategies, 0.1e18);
        vm.roll(block.number + uint256(delay) + 1);
        risk.setOperatorAllowed(op, true);
        address delegator = vault.addOperatorDelegator(op);
        // At least the default of 1: a tightening, straight from the risk manager.
        vm.prank(riskManager);
        risk.setMinAllocationDelay(minDelay);
        vm.prank(keeper);
        if (delay < minDelay) {
            vm.expectRevert(abi.encodeWithSelector(IRiskRegistry.AllocationDelayTooShort.selector, op, minDelay, delay));
        }
        vault.allocate(delegator, address(rETH), 1 ether);
    }

    // ---------------------------------------------------------------- redistributing operator sets

    function test_redistributingSet_refusedUnlessAllowlisted() public {
        _createRedistributingSet();
        allocateAndRegisterEigenLayerOperator(el, operatorKeys[2], OperatorSet(avsR, 0), heldStrategies, 0.1e18);
        vm.roll(block.number + 2);

        vm.prank(keeper);
        vm.expectRevert(
            abi.encodeWithSelector(IRiskRegistry.RedistributingOperatorSet.selector, operators[2], avsR, uint32(0), recipient)
        );
        vault.allocate(delegators[2], address(rETH), 1 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IRiskRegistry.RedistributingOperatorSet.selector, operators[2], avsR, uint32(0), recipient)
        );
        risk.checkOperatorPolicy(operators[2]);
        // Other operators are unaffected.
        _allocate(1, address(rETH), 1 ether);

        // Allowing the set is a loosening: the timelock.
        bytes32 name = risk.REDISTRIBUTION_ALLOWLIST();
        vm.prank(riskManager);
        vm.expectRevert(abi.encodeWithSelector(IRiskRegistry.LoosenRequiresAdmin.selector, name, 0, 1));
        risk.setRedistributionAllowed(avsR, 0, true);
        vm.expectEmit(address(risk));
        emit IRiskRegistry.RedistributionAllowedSet(avsR, 0, true);
        risk.setRedistributionAllowed(avsR, 0, true);
        assertTrue(risk.isRedistributionAllowed(avsR, 0));
        _allocate(2, address(rETH), 1 ether);
        risk.checkOperatorPolicy(operators[2]);

        // Refusing it again is a tightening: at once.
        vm.prank(riskManager);
        risk.setRedistributionAllowed(avsR, 0, false);
        vm.prank(keeper);
        vm.expectRevert(
            abi.encodeWithSelector(IRiskRegistry.RedistributingOperatorSet.selector, operators[2], avsR, uint32(0), recipient)
        );
        vault.allocate(delegators[2], address(rETH), 1 ether);
    }

    function test_devnetAllocationManager_redistributionViews() public {
        _createRedistributingSet();
        assertTrue(el.allocationManager.isRedistributingOperatorSet(OperatorSet(avsR, 0)));
        assertEq(el.allocationManager.getRedistributionRecipient(OperatorSet(avsR, 0)), recipient);
        assertFalse(el.allocationManager.isRedistributingOperatorSet(OperatorSet(avsA, 0)));
        assertEq(el.allocationManager.getRedistributionRecipient(OperatorSet(avsA, 0)), BURN);
        assertFalse(el.allocationManager.isOperatorRedistributable(operators[2]));
        allocateAndRegisterEigenLayerOperator(el, operatorKeys[2], OperatorSet(avsR, 0), heldStrategies, 0.1e18);
        assertTrue(el.allocationManager.isOperatorRedistributable(operators[2]));

        IAllocationManagerTypes.CreateSetParams[] memory p = new IAllocationManagerTypes.CreateSetParams[](1);
        p[0].operatorSetId = 1;
        p[0].strategies = heldStrategies;
        address[] memory burn = new address[](1);
        burn[0] = BURN;
        vm.prank(avsR);
        vm.expectRevert(IAllocationManagerErrors.InvalidRedistributionRecipient.selector);
        el.allocationManager.createRedistributingOperatorSets(avsR, p, burn);
    }

    // ---------------------------------------------------------------- ADMIN delay

    /// @dev An account holding ADMIN with an AccessManager execution delay below the configured minimum cannot
    /// loosen; one at or above it can. Raising the minimum is a tightening, lowering it a loosening.
    function test_loosening_requiresAdminExecutionDelayAtLeastTheMinimum() public {
        address fastAdmin = makeAddr("fastAdmin");
        address slowAdmin = makeAddr("slowAdmin");
        d.manager.grantRole(Roles.ADMIN, fastAdmin, 1 days);
        d.manager.grantRole(Roles.RISK_MANAGER, fastAdmin, 0);
        d.manager.grantRole(Roles.ADMIN, slowAdmin, 3 days);
        d.manager.grantRole(Roles.RISK_MANAGER, slowAdmin, 0);

        vm.startPrank(riskManager);
        risk.setOperatorCap(5_000);
        risk.setMinAdminDelay(2 days);
        vm.stopPrank();
        assertEq(risk.policy().minAdminDelay, 2 days);

        vm.prank(fastAdmin);
        vm.expectRevert(abi.encodeWithSelector(IRiskRegistry.AdminDelayTooShort.selector, 2 days, 1 days));
        risk.setOperatorCap(6_000);
        // This test contract holds ADMIN with no delay at all.
        vm.expectRevert(abi.encodeWithSelector(IRiskRegistry.AdminDelayTooShort.selector, 2 days, 0));
        risk.setOperatorCap(6_000);
        vm.prank(slowAdmin);
        risk.setOperatorCap(6_000);
        assertEq(risk.limits().operatorCapBps, 6_000);

        // Lowering the minimum is itself a loosening, held to the current minimum.
        bytes32 name = risk.MIN_ADMIN_DELAY();
        vm.prank(riskManager);
        vm.expectRevert(abi.encodeWithSelector(IRiskRegistry.LoosenRequiresAdmin.selector, name, 2 days, 0));
        risk.setMinAdminDelay(0);
        vm.prank(fastAdmin);
        vm.expectRevert(abi.encodeWithSelector(IRiskRegistry.AdminDelayTooShort.selector, 2 days, 1 days));
        risk.setMinAdminDelay(0);
        vm.prank(slowAdmin);
        risk.setMinAdminDelay(0);
        // With no minimum, the delay-free ADMIN (the timelock in production) loosens again.
        risk.setOperatorCap(7_000);
        // Tightening never looks at ADMIN.
        vm.prank(riskManager);
        risk.setOperatorCap(1_000);
    }

    function testFuzz_loosening_adminDelayAgainstMinimum(uint32 executionDelay, uint32 minDelay) public {
        executionDelay = uint32(bound(executionDelay, 0, 30 days));
        minDelay = uint32(bound(minDelay, 0, 30 days));
        address admin = makeAddr("someAdmin");
        d.manager.grantRole(Roles.ADMIN, admin, executionDelay);
        d.manager.grantRole(Roles.RISK_MANAGER, admin, 0);
        vm.prank(riskManager);
        risk.setOperatorCap(5_000);
        vm.prank(riskManager);
        risk.setMinAdminDelay(minDelay);
        vm.prank(admin);
        if (executionDelay < minDelay) {
            vm.expectRevert(abi.encodeWithSelector(IRiskRegistry.AdminDelayTooShort.selector, minDelay, executionDelay));
        }
        risk.setOperatorCap(6_000);
    }

    // ---------------------------------------------------------------- helpers

    function _createRedistributingSet() internal {
        uint256 key;
        (avsR, key) = makeAddrAndKey("redistributingAvs");
        IAllocationManagerTypes.CreateSetParams[] memory p = new IAllocationManagerTypes.CreateSetParams[](1);
        p[0].operatorSetId = 0;
        p[0].strategies = heldStrategies;
        address[] memory recipients = new address[](1);
        recipients[0] = recipient;
        vm.startPrank(avsR);
        el.allocationManager.updateAVSMetadataURI(avsR, "https://devnet.trellis/avs/redistributing");
        el.allocationManager.setAVSRegistrar(avsR, new DevnetAVSRegistrar(avsR, address(el.allocationManager)));
        el.allocationManager.createRedistributingOperatorSets(avsR, p, recipients);
        vm.stopPrank();
    }
}
