// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Safe} from "@safe-global/safe-smart-account/contracts/Safe.sol";
import {Enum} from "@safe-global/safe-smart-account/contracts/libraries/Enum.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {GovernanceDeployer} from "../../../script/lib/GovernanceDeployer.sol";

contract GovernanceDeployerTest is Test {
    uint256 internal constant DELAY = 1 days;

    address[] internal owners;
    uint256[] internal keys;
    GovernanceDeployer.Governance internal g;

    function setUp() public {
        // Owners sorted by address: the Safe wants signatures in ascending owner order.
        string[3] memory names = ["alice", "bob", "carol"];
        for (uint256 i; i < 3; ++i) {
            (address a, uint256 k) = makeAddrAndKey(names[i]);
            owners.push(a);
            keys.push(k);
        }
        for (uint256 i; i < 3; ++i) {
            for (uint256 j = i + 1; j < 3; ++j) {
                if (owners[j] < owners[i]) {
                    (owners[i], owners[j]) = (owners[j], owners[i]);
                    (keys[i], keys[j]) = (keys[j], keys[i]);
                }
            }
        }
        g = GovernanceDeployer.deployGovernance(owners, 2, DELAY);
    }

    function test_safeHasOwnersAndThreshold() public view {
        Safe safe = Safe(payable(g.safe));
        assertEq(safe.getThreshold(), 2);
        address[] memory got = safe.getOwners();
        assertEq(got.length, 3);
        for (uint256 i; i < 3; ++i) assertTrue(safe.isOwner(owners[i]));
        assertEq(safe.nonce(), 0);
    }

    function test_timelockIsRunBySafeOnly() public view {
        TimelockController t = g.timelock;
        assertEq(t.getMinDelay(), DELAY);
        assertTrue(t.hasRole(t.PROPOSER_ROLE(), g.safe));
        assertTrue(t.hasRole(t.CANCELLER_ROLE(), g.safe));
        assertTrue(t.hasRole(t.EXECUTOR_ROLE(), g.safe));
        assertFalse(t.hasRole(t.EXECUTOR_ROLE(), address(0)));
        assertFalse(t.hasRole(t.DEFAULT_ADMIN_ROLE(), address(this)));
        assertTrue(t.hasRole(t.DEFAULT_ADMIN_ROLE(), address(t)));
    }

    function test_revertsOnBadThreshold() public {
        Wrapper w = new Wrapper();
        vm.expectRevert(abi.encodeWithSelector(GovernanceDeployer.InvalidThreshold.selector, 3, 4));
        w.deploy(owners, 4);
    }

    /// Two of three owners schedule a timelocked call, which runs only after the delay.
    function test_twoOwnersScheduleThroughTimelock() public {
        TimelockController t = g.timelock;
        bytes memory call = abi.encodeCall(TimelockController.updateDelay, (2 days));
        bytes memory schedule = abi.encodeCall(TimelockController.schedule, (address(t), 0, call, 0, 0, DELAY));
        _exec(address(t), schedule, 2);
        bytes32 id = t.hashOperation(address(t), 0, call, 0, 0);
        assertTrue(t.isOperationPending(id));

        bytes memory execute = abi.encodeCall(TimelockController.execute, (address(t), 0, call, 0, 0));
        vm.prank(g.safe);
        vm.expectRevert();
        t.execute(address(t), 0, call, 0, 0);

        vm.warp(block.timestamp + DELAY);
        _exec(address(t), execute, 2);
        assertEq(t.getMinDelay(), 2 days);
    }

    function test_oneSignatureIsRefused() public {
        bytes memory call = abi.encodeCall(TimelockController.updateDelay, (2 days));
        bytes memory schedule = abi.encodeCall(TimelockController.schedule, (address(g.timelock), 0, call, 0, 0, DELAY));
        Safe safe = Safe(payable(g.safe));
        bytes32 h = safe.getTransactionHash(address(g.timelock), 0, schedule, Enum.Operation.Call, 0, 0, 0, address(0), address(0), 0);
        bytes memory sigs = _sign(h, 1);
        vm.expectRevert(bytes("GS020"));
        safe.execTransaction(address(g.timelock), 0, schedule, Enum.Operation.Call, 0, 0, 0, address(0), payable(address(0)), sigs);
    }

    function _exec(address to, bytes memory data, uint256 signers) internal {
        Safe safe = Safe(payable(g.safe));
        bytes memory sigs =
            _sign(safe.getTransactionHash(to, 0, data, Enum.Operation.Call, 0, 0, 0, address(0), address(0), safe.nonce()), signers);
        assertTrue(safe.execTransaction(to, 0, data, Enum.Operation.Call, 0, 0, 0, address(0), payable(address(0)), sigs));
    }

    function _sign(bytes32 h, uint256 signers) internal view returns (bytes memory sigs) {
        for (uint256 i; i < signers; ++i) {
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(keys[i], h);
            sigs = abi.encodePacked(sigs, r, s, v);
        }
    }
}

contract Wrapper {
    function deploy(address[] memory owners, uint256 threshold) external {
        GovernanceDeployer.deployGovernance(owners, threshold, 1 days);
    }
}
