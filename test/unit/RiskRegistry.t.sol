// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {BaseTest} from "../BaseTest.sol";
import {IRiskRegistry} from "../../contracts/interfaces/IRiskRegistry.sol";

/// @dev The risk manager (the Safe) tightens at once; loosening needs ADMIN (the timelock; here the test).
contract RiskRegistryTest is BaseTest {
    function test_riskManager_tightensAtOnce() public {
        vm.startPrank(riskManager);
        vm.expectEmit(address(risk));
        emit IRiskRegistry.LimitSet(risk.OPERATOR_CAP(), 10_000, 1_500);
        risk.setOperatorCap(1_500);
        risk.setDefaultAvsCap(2_000);
        risk.setDefaultOperatorSetCap(1_000);
        risk.setTotalSlashableCap(5_000);
        risk.setMinBuffer(500);
        risk.setAvsCap(avsA, 700);
        risk.setOperatorSetCap(avsB, 0, 300);
        risk.setOperatorAllowed(operators[0], false);
        vm.stopPrank();
        IRiskRegistry.Limits memory l = risk.limits();
        assertEq(l.operatorCapBps, 1_500);
        assertEq(l.defaultAvsCapBps, 2_000);
        assertEq(l.defaultOperatorSetCapBps, 1_000);
        assertEq(l.totalSlashableCapBps, 5_000);
        assertEq(l.minBufferBps, 500);
        assertEq(risk.avsCap(avsA), 700);
        assertEq(risk.avsCap(avsB), 2_000);
        assertEq(risk.operatorSetCap(avsB, 0), 300);
        assertFalse(risk.isOperatorAllowed(operators[0]));
    }

    function test_riskManager_cannotLoosen() public {
        vm.startPrank(riskManager);
        risk.setOperatorCap(1_000);
        risk.setMinBuffer(1_000);
        risk.setAvsCap(avsA, 500);
        risk.setOperatorAllowed(operators[0], false);

        vm.expectRevert(abi.encodeWithSelector(IRiskRegistry.LoosenRequiresAdmin.selector, risk.OPERATOR_CAP(), 1_000, 1_001));
        risk.setOperatorCap(1_001);
        vm.expectRevert(abi.encodeWithSelector(IRiskRegistry.LoosenRequiresAdmin.selector, risk.MIN_BUFFER(), 1_000, 999));
        risk.setMinBuffer(999);
        vm.expectRevert(abi.encodeWithSelector(IRiskRegistry.LoosenRequiresAdmin.selector, risk.AVS_CAP(), 500, 600));
        risk.setAvsCap(avsA, 600);
        // Clearing an AVS cap back to a looser default is a loosening too.
        vm.expectRevert(abi.encodeWithSelector(IRiskRegistry.LoosenRequiresAdmin.selector, risk.AVS_CAP(), 500, 10_000));
        risk.setAvsCap(avsA, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IRiskRegistry.LoosenRequiresAdmin.selector, risk.OPERATOR_ALLOWLIST(), 0, 1)
        );
        risk.setOperatorAllowed(operators[0], true);
        vm.stopPrank();

        // ADMIN (the timelock in production) may loosen.
        risk.setOperatorCap(5_000);
        risk.setMinBuffer(0);
        risk.setAvsCap(avsA, 0);
        risk.setOperatorAllowed(operators[0], true);
        assertEq(risk.limits().operatorCapBps, 5_000);
        assertEq(risk.avsCap(avsA), 10_000);
    }

    function testFuzz_setCap_boundsAndDirection(uint16 first, uint16 second) public {
        first = uint16(bound(first, 0, 10_000));
        bytes32 name = risk.OPERATOR_CAP();
        vm.prank(riskManager);
        risk.setOperatorCap(first);
        vm.prank(riskManager);
        if (second > 10_000) {
            vm.expectRevert(abi.encodeWithSelector(IRiskRegistry.BpsOutOfRange.selector, second));
        } else if (second > first) {
            vm.expectRevert(
                abi.encodeWithSelector(IRiskRegistry.LoosenRequiresAdmin.selector, name, first, second)
            );
        }
        risk.setOperatorCap(second);
    }

    function test_guardianAndKeeper_cannotTouchLimits() public {
        vm.prank(guardian);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, guardian));
        risk.setOperatorCap(1);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, keeper));
        risk.setMinBuffer(10_000);
    }
}
