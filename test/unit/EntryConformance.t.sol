// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Vm} from "forge-std/Vm.sol";
import {ExitBase} from "../ExitBase.sol";
import {ITrellisEntry} from "../../contracts/interfaces/ITrellisEntry.sol";
import {IVaultTypes} from "../../contracts/interfaces/IVault.sol";
import {IAssetRegistry} from "../../contracts/interfaces/IAssetRegistry.sol";
import {IWithdrawalQueue} from "../../contracts/interfaces/IWithdrawalQueue.sol";

/// @dev One test per applicable MUST of ERC-7540 (asynchronous redemption, operators), ERC-7575 and ERC-4626
/// (the synchronous deposit side) and ERC-165, against the four entries.
contract EntryConformanceTest is ExitBase {
    bytes32 internal constant DEPOSIT_EVENT = keccak256("Deposit(address,address,uint256,uint256)");

    /// @dev A state where rounding matters: deposits in every asset, a gain streamed in, a fee taken.
    function _seasoned() internal {
        _depositViaEntry(bob, ST, 37 ether);
        _depositViaEntry(bob, RE, 23 ether);
        _depositViaEntry(bob, OS, 11 ether);
        stETH.accrue(30);
        rETH.accrue(20);
        _sync();
        vm.warp(block.timestamp + 1 days + 7);
        vault.refresh(type(uint256).max);
    }

    /// @dev The entries that redeem (the wstETH entry takes deposits only).
    function _redeemable(uint8 seed) internal pure returns (uint256) {
        return [ST, RE, OS][seed % 3];
    }

    // ---------------------------------------------------------------- ERC-165

    /// @dev ERC-165 itself, ERC-7575, ERC-7540 operators and asynchronous redemption; never 0xffffffff.
    function test_erc165_interfaceIds() public view {
        bytes4 operatorId = ITrellisEntry.setOperator.selector ^ ITrellisEntry.isOperator.selector;
        bytes4 asyncRedeemId = ITrellisEntry.requestRedeem.selector ^ ITrellisEntry.pendingRedeemRequest.selector
            ^ ITrellisEntry.claimableRedeemRequest.selector;
        assertEq(operatorId, bytes4(0xe3bc4e65));
        assertEq(asyncRedeemId, bytes4(0x620ee8e4));
        for (uint256 i; i < entries.length; ++i) {
            assertTrue(entries[i].supportsInterface(0x01ffc9a7), "ERC-165");
            assertTrue(entries[i].supportsInterface(0x2f0a18c5), "ERC-7575");
            assertTrue(entries[i].supportsInterface(0xe3bc4e65), "ERC-7540 operators");
            assertEq(entries[i].supportsInterface(0x620ee8e4), i != WST, "ERC-7540 async redeem");
            assertFalse(entries[i].supportsInterface(0xffffffff), "ERC-165 forbids 0xffffffff");
        }
    }

    // ---------------------------------------------------------------- ERC-7575 / ERC-4626 deposits

    /// @dev share() is trETH, asset() the entry's LST, one vault behind all of them.
    function test_shareAndAsset() public view {
        for (uint256 i; i < entries.length; ++i) {
            assertEq(entries[i].share(), address(trETH));
            assertEq(entries[i].asset(), assets[i]);
            assertEq(entries[i].vault(), address(vault));
            assertEq(entries[i].withdrawalQueue(), address(queue));
            assertEq(vault.entryOf(assets[i]), address(entries[i]));
        }
    }

    /// @dev deposit emits Deposit(sender, owner = receiver, assets, shares), returns the shares minted to the
    /// receiver, and mints no fewer than previewDeposit said in the same transaction (rounding toward the vault).
    function testFuzz_deposit_eventReturnAndPreview(uint256 amount, uint8 assetSeed) public {
        _seasoned();
        uint256 i = assetSeed % 4;
        amount = bound(amount, MIN_DEPOSIT * 2, MAX_DEPOSIT);
        _mintLst(assets[i], alice, amount);
        amount = IERC20(assets[i]).balanceOf(alice);
        uint256 preview = entries[i].previewDeposit(amount);
        vm.startPrank(alice);
        IERC20(assets[i]).approve(address(entries[i]), amount);
        vm.recordLogs();
        uint256 shares = entries[i].deposit(amount, carol);
        vm.stopPrank();

        assertEq(trETH.balanceOf(carol), shares);
        assertLe(preview, shares, "previewDeposit above the shares minted");
        assertLe(vault.convertToAssets(shares), _valueOf(assets[i], amount), "rounded toward the depositor");
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 found;
        for (uint256 k; k < logs.length; ++k) {
            if (logs[k].emitter != address(entries[i]) || logs[k].topics[0] != DEPOSIT_EVENT) continue;
            ++found;
            assertEq(logs[k].topics[1], bytes32(uint256(uint160(alice))));
            assertEq(logs[k].topics[2], bytes32(uint256(uint160(carol))));
            assertEq(logs[k].data, abi.encode(amount, shares));
        }
        assertEq(found, 1);
    }

    /// @dev mint takes previewMint(shares) assets (never more), emits Deposit and mints at least `shares`.
    function testFuzz_mint_takesThePreviewAndMintsAtLeastTheShares(uint256 shares, uint8 assetSeed) public {
        _seasoned();
        uint256 i = assetSeed % 4;
        shares = bound(shares, 2e9, MAX_DEPOSIT);
        uint256 needed = entries[i].previewMint(shares);
        _mintLst(assets[i], alice, needed + 10);
        uint256 before = IERC20(assets[i]).balanceOf(alice);
        vm.startPrank(alice);
        IERC20(assets[i]).approve(address(entries[i]), needed);
        vm.recordLogs();
        uint256 taken = entries[i].mint(shares, carol);
        vm.stopPrank();
        assertEq(taken, needed);
        assertGe(trETH.balanceOf(carol), shares, "minted fewer than asked");
        assertApproxEqAbs(before - IERC20(assets[i]).balanceOf(alice), needed, 1);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        bool found;
        for (uint256 k; k < logs.length; ++k) {
            if (logs[k].emitter == address(entries[i]) && logs[k].topics[0] == DEPOSIT_EVENT) {
                found = true;
                assertEq(logs[k].data, abi.encode(needed, trETH.balanceOf(carol)));
            }
        }
        assertTrue(found);
    }

    /// @dev convertToShares / convertToAssets do not depend on the caller, do not revert, and round down.
    function testFuzz_convert_independentOfCaller(uint256 amount, address caller, uint8 assetSeed) public {
        _seasoned();
        uint256 i = assetSeed % 4;
        amount = bound(amount, 0, MAX_DEPOSIT);
        uint256 shares = entries[i].convertToShares(amount);
        uint256 value = entries[i].convertToAssets(amount);
        vm.prank(caller);
        assertEq(entries[i].convertToShares(amount), shares);
        vm.prank(caller);
        assertEq(entries[i].convertToAssets(amount), value);
        assertLe(entries[i].convertToAssets(shares), amount + 1, "a round trip gains");
        entries[i].totalAssets();
    }

    /// @dev maxDeposit is the room under the asset's cap (wstETH in wstETH units), 0 while deposits are paused;
    /// depositing it succeeds and one wei more does not.
    function test_maxDeposit_respectsTheCapAndThePause() public {
        IAssetRegistry.AssetConfig memory c = registry.getAssetConfig(address(rETH));
        c.depositCap = 50 ether;
        registry.setAssetConfig(address(rETH), c);
        _depositViaEntry(alice, RE, 20 ether);
        assertEq(entries[RE].maxDeposit(alice), 30 ether);
        assertEq(entries[RE].maxDeposit(bob), 30 ether, "not caller-dependent");
        assertEq(entries[RE].maxMint(alice), entries[RE].previewDeposit(30 ether));
        _mintLst(address(rETH), bob, 31 ether);
        vm.startPrank(bob);
        rETH.approve(address(entries[RE]), 31 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IVaultTypes.DepositCapExceeded.selector, address(rETH), 50 ether, 50 ether + 1)
        );
        entries[RE].deposit(30 ether + 1, bob);
        entries[RE].deposit(30 ether, bob);
        vm.stopPrank();
        assertEq(entries[RE].maxDeposit(alice), 0);
        assertEq(entries[RE].maxMint(alice), 0);

        uint256 stRoom = entries[ST].maxDeposit(alice);
        assertEq(entries[WST].maxDeposit(alice), wstETH.getWstETHByStETH(stRoom));

        vm.prank(guardian);
        vault.pause(IVaultTypes.Action.Deposit);
        for (uint256 k; k < entries.length; ++k) {
            assertEq(entries[k].maxDeposit(alice), 0, "paused");
            assertEq(entries[k].maxMint(alice), 0, "paused");
        }
    }

    /// @dev While deposits stop for a stale measurement or a price out of bounds, maxDeposit says 0 (it MUST
    /// account for deposits disabled even temporarily) and does not revert.
    function test_maxDeposit_isZeroWhileDepositsStop() public {
        _depositViaEntry(alice, RE, 10 ether);
        vm.warp(block.timestamp + vault.rateParams().maxMeasurementAge + 1);
        for (uint256 k; k < entries.length; ++k) assertEq(entries[k].maxDeposit(alice), 0, "stale measurement");
        vault.refresh(type(uint256).max);
        assertGt(entries[RE].maxDeposit(alice), 0);
        rETH.setExchangeRate(2.5e18);
        for (uint256 k; k < entries.length; ++k) assertEq(entries[k].maxDeposit(alice), 0, "price out of bounds");
    }

    // ---------------------------------------------------------------- ERC-7540 requests

    /// @dev requestRedeem moves the shares out of the owner's custody into the vault's (the queue), emits
    /// RedeemRequest(controller, owner, requestId, sender, shares) and returns the id; the request is pending.
    function testFuzz_requestRedeem_escrowsAndEmits(uint256 amount, uint256 part, uint8 seed) public {
        _seasoned();
        uint256 i = _redeemable(seed);
        amount = bound(amount, 1e12, MAX_DEPOSIT);
        uint256 shares = _depositViaEntry(alice, i, amount);
        part = bound(part, shares / 2, shares);
        uint256 expectedId = queue.nextRequestId();
        uint256 queueBefore = trETH.balanceOf(address(queue));
        vm.expectEmit(address(entries[i]));
        emit ITrellisEntry.RedeemRequest(carol, alice, expectedId, alice, part);
        vm.prank(alice);
        uint256 id = entries[i].requestRedeem(part, carol, alice);
        assertEq(id, expectedId);
        assertEq(trETH.balanceOf(alice), shares - part);
        assertEq(trETH.balanceOf(address(queue)) - queueBefore, part);
        assertEq(entries[i].pendingRedeemRequest(id, carol), part);
        assertEq(entries[i].claimableRedeemRequest(id, carol), 0);
    }

    /// @dev pending/claimable views: not dependent on the caller, never reverting (unknown ids, other controllers,
    /// other entries say 0), and pending never includes what is claimable.
    function testFuzz_requestViews_callerIndependentAndNonReverting(address caller, uint256 unknownId, uint8 seed) public {
        uint256 i = _redeemable(seed);
        uint256 shares = _depositViaEntry(alice, i, 10 ether);
        uint256 id = _request(alice, i, shares);
        unknownId = bound(unknownId, id + 1, type(uint256).max);
        vm.prank(caller);
        assertEq(entries[i].pendingRedeemRequest(id, alice), shares);
        vm.prank(caller);
        assertEq(entries[i].claimableRedeemRequest(id, alice), 0);
        assertEq(entries[i].pendingRedeemRequest(unknownId, alice), 0);
        assertEq(entries[i].claimableRedeemRequest(unknownId, alice), 0);
        assertEq(entries[i].pendingRedeemRequest(id, bob), 0);
        assertEq(entries[(i + 1) % 4].pendingRedeemRequest(id, alice), 0);

        _mature();
        _finalize(id);
        vm.prank(caller);
        assertEq(entries[i].pendingRedeemRequest(id, alice), 0, "pending includes claimable");
        vm.prank(caller);
        assertEq(entries[i].claimableRedeemRequest(id, alice), shares);
        assertEq(entries[i].maxRedeem(alice), shares);
    }

    /// @dev redeem claims: Withdraw(sender, receiver, owner = controller, assets, shares), returns the assets sent.
    function testFuzz_redeem_claimsAndEmitsWithdraw(uint256 amount, uint256 part, uint8 seed) public {
        uint256 i = _redeemable(seed);
        amount = bound(amount, 1e12, MAX_DEPOSIT);
        uint256 shares = _depositViaEntry(alice, i, amount);
        uint256 id = _request(alice, i, shares);
        _mature();
        _finalize(id);
        part = bound(part, 1, shares);
        vm.prank(alice);
        entries[i].setOperator(bob, true);
        uint256 before = IERC20(assets[i]).balanceOf(carol);
        vm.recordLogs();
        vm.prank(bob);
        uint256 paid = entries[i].redeem(part, carol, alice);
        assertApproxEqAbs(IERC20(assets[i]).balanceOf(carol) - before, paid, 1);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        Vm.Log memory w = logs[logs.length - 1];
        assertEq(w.emitter, address(entries[i]));
        assertEq(w.topics[0], ITrellisEntry.Withdraw.selector);
        assertEq(w.topics[1], bytes32(uint256(uint160(bob))));
        assertEq(w.topics[2], bytes32(uint256(uint160(carol))));
        assertEq(w.topics[3], bytes32(uint256(uint160(alice))));
        assertEq(w.data, abi.encode(paid, part));
        assertEq(entries[i].maxRedeem(alice), shares - part);
    }

    /// @dev withdraw claims at least `assets` for the shares it reports; withdrawing maxWithdraw never reverts.
    function testFuzz_withdraw_claimsAtLeastTheAssets(uint256 amount, uint256 part, uint8 seed) public {
        _seasoned();
        uint256 i = _redeemable(seed);
        amount = bound(amount, 1e12, MAX_DEPOSIT);
        uint256 shares = _depositViaEntry(alice, i, amount);
        uint256 id = _request(alice, i, shares);
        _mature();
        _finalize(id);
        uint256 max = entries[i].maxWithdraw(alice);
        part = bound(part, 1, max / 2);
        uint256 before = IERC20(assets[i]).balanceOf(alice);
        vm.expectEmit(true, true, true, false, address(entries[i]));
        emit ITrellisEntry.Withdraw(alice, alice, alice, part, 0);
        vm.prank(alice);
        uint256 taken = entries[i].withdraw(part, alice, alice);
        assertGe(IERC20(assets[i]).balanceOf(alice) - before, part, "paid less than asked");
        assertLe(taken, shares);
        // What is left can all be withdrawn.
        uint256 rest = entries[i].maxWithdraw(alice);
        vm.prank(alice);
        entries[i].withdraw(rest, alice, alice);
    }

    /// @dev previewRedeem and previewWithdraw MUST revert for an asynchronous redemption.
    function testFuzz_previewRedeemAndWithdraw_revert(uint256 amount) public {
        for (uint256 i; i < entries.length; ++i) {
            vm.expectRevert(ITrellisEntry.AsyncRedeem.selector);
            entries[i].previewRedeem(amount);
            vm.expectRevert(ITrellisEntry.AsyncRedeem.selector);
            entries[i].previewWithdraw(amount);
        }
    }

    /// @dev redeem/withdraw by anyone but the controller or its operator revert.
    function test_claims_onlyControllerOrOperator() public {
        uint256 shares = _depositViaEntry(alice, RE, 10 ether);
        uint256 id = _request(alice, RE, shares);
        _mature();
        _finalize(id);
        vm.startPrank(bob);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.NotAuthorized.selector, bob, alice));
        entries[RE].redeem(shares, bob, alice);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.NotAuthorized.selector, bob, alice));
        entries[RE].withdraw(1 ether, bob, alice);
        vm.stopPrank();
    }

    /// @dev setOperator sets, emits OperatorSet(controller, operator, approved) and returns true.
    function testFuzz_setOperator_emitsAndReturnsTrue(address operator, bool approved, uint8 seed) public {
        uint256 i = seed % 4;
        vm.expectEmit(address(entries[i]));
        emit ITrellisEntry.OperatorSet(alice, operator, approved);
        vm.prank(alice);
        assertTrue(entries[i].setOperator(operator, approved));
        assertEq(entries[i].isOperator(alice, operator), approved);
    }

    /// @dev The wstETH entry takes deposits only: its requests revert, and it does not claim 0x620ee8e4.
    function test_wstETHEntry_depositsOnly() public {
        uint256 shares = _depositViaEntry(alice, WST, 10 ether);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(ITrellisEntry.RedeemNotSupported.selector, address(wstETH)));
        entries[WST].requestRedeem(shares, alice, alice);
    }
}
