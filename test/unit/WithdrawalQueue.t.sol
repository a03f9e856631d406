// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {BaseTest} from "../BaseTest.sol";
import {IWithdrawalQueue} from "../../contracts/interfaces/IWithdrawalQueue.sol";

/// @dev WithdrawalQueue: payouts bounded by finalization, FIFO finalization, request ownership, stETH exactness.
/// Liquidity comes from idle deposits (no allocation), so the rate moves only by the vault's own rounding.
contract WithdrawalQueueTest is BaseTest {
    address internal carol = makeAddr("carol");

    // ---------------------------------------------------------------- helpers

    function _request(address user, uint256 shares, address asset) internal returns (uint256 id) {
        vm.startPrank(user);
        trETH.approve(address(queue), shares);
        id = queue.requestWithdrawal(shares, asset, user);
        vm.stopPrank();
    }

    function _finalize(uint256 maxRequests) internal returns (uint256) {
        vm.prank(keeper);
        return queue.finalize(maxRequests);
    }

    /// @dev What the claimant holds of `asset`: Lido shares for stETH (what the queue pays), units otherwise.
    function _held(address asset, address who) internal view returns (uint256) {
        return asset == address(stETH) ? stETH.sharesOf(who) : IERC20(asset).balanceOf(who);
    }

    function _claim(address user, uint256 id) internal returns (uint256 amount) {
        vm.prank(user);
        amount = queue.claim(id);
    }

    // ---------------------------------------------------------------- payouts

    /// @dev A claim pays exactly the finalized payout, whose value is at most the value at request and at most
    /// the value finalized; the escrowed trETH is burned and nothing stays behind in the queue.
    function testFuzz_claim_paysNoMoreThanFinalized(uint256 amount, uint256 part, uint8 assetIndex, uint16 accrueBps)
        public
    {
        address asset = assets[assetIndex % 4];
        amount = bound(amount, MIN_DEPOSIT * 10, MAX_DEPOSIT);
        uint256 shares = _deposit(alice, asset, amount);
        part = bound(part, 2e9, shares); // at least the 1 gwei minimum in any asset
        uint256 id = _request(alice, part, asset);
        IWithdrawalQueue.Request memory r = queue.getRequest(id);
        assertEq(r.valueAtRequest, vault.convertToAssets(part));
        assertEq(trETH.balanceOf(address(queue)), part);

        // Yield between request and finalization stays with the vault: the request keeps its value at request.
        rETH.accrue(bound(accrueBps, 0, 100));
        skip(1 days);
        assertEq(_finalize(10), 1);
        r = queue.getRequest(id);
        assertLe(r.valueFinalized, r.valueAtRequest);
        uint256 price = registry.price(asset);
        uint256 paidValue = asset == address(stETH)
            ? stETH.getPooledEthByShares(r.payout) * price / 1e18
            : uint256(r.payout) * price / 1e18;
        assertLe(paidValue, r.valueFinalized, "pays more than finalized");

        uint256 claimable = queue.claimableAmount(id);
        uint256 heldBefore = _held(asset, alice);
        uint256 supplyBefore = trETH.totalSupply();
        uint256 effectiveBefore = vault.effectiveSupply();
        uint256 paid = _claim(alice, id);
        assertEq(paid, claimable);
        assertEq(_held(asset, alice) - heldBefore, r.payout, "claimant got other than the payout");
        assertEq(trETH.totalSupply(), supplyBefore - part);
        assertEq(vault.effectiveSupply(), effectiveBefore, "claim moved the effective supply");
        assertEq(trETH.balanceOf(address(queue)), 0);
        assertEq(_held(asset, address(queue)), 0, "queue kept something");
        assertEq(queue.claimableAmount(id), 0);
    }

    /// @dev Everyone leaves: the sum of what the claimants get is worth no more than what the vault held, and
    /// those who stay (the treasury's fee shares here) never see the rate fall.
    function testFuzz_claims_neverExceedAssets(uint256[3] memory amounts, uint8 assetSeed, uint16 accrueBps) public {
        address[3] memory users = [alice, bob, carol];
        uint256[3] memory ids;
        address[3] memory chosen;
        for (uint256 i; i < 3; ++i) {
            chosen[i] = assets[(uint256(assetSeed) + i) % 4];
            amounts[i] = bound(amounts[i], MIN_DEPOSIT * 10, MAX_DEPOSIT);
            _deposit(users[i], chosen[i], amounts[i]);
        }
        stETH.accrue(bound(accrueBps, 0, 50));
        skip(30 days);
        _sync();
        uint256 totalBefore = vault.totalAssets();
        uint256 rateBefore = vault.rate();
        for (uint256 i; i < 3; ++i) {
            // Each asks for the asset it brought, as much as that asset can pay (yield on another asset may have
            // made its trETH worth more than the units it brought: the queue refuses what could never be paid).
            ids[i] = _request(users[i], _payableShares(users[i], chosen[i]), chosen[i]);
        }
        _finalize(3);
        uint256 paidValue;
        for (uint256 i; i < 3; ++i) {
            IWithdrawalQueue.Request memory r = queue.getRequest(ids[i]);
            if (r.finalizedAt == 0) continue;
            _claim(users[i], ids[i]);
            paidValue += r.valueFinalized;
        }
        assertLe(paidValue, totalBefore, "claims exceed assets");
        assertGe(vault.rate(), rateBefore, "rate fell for those who stay");
        // What is left in the vault still backs its books.
        assertGe(vault.measureTotalAssets() + 8, vault.totalAssets());
    }

    function test_requestWithdrawal_belowTheAssetMinimumReverts() public {
        uint256 shares = _deposit(alice, address(rETH), 10 ether);
        vm.startPrank(alice);
        trETH.approve(address(queue), shares);
        // 1 gwei of trETH is worth 1e9 wei = 0.909 gwei of rETH, under its 1 gwei minimum.
        vm.expectRevert(
            abi.encodeWithSelector(IWithdrawalQueue.WithdrawalBelowMinimum.selector, address(rETH), MIN_DEPOSIT, uint256(1e9) * 1e18 / 1.1e18)
        );
        queue.requestWithdrawal(1e9, address(rETH), alice);
        queue.requestWithdrawal(2e9, address(rETH), alice);
        vm.stopPrank();
    }

    /// @dev The most of `user`'s trETH whose value the queue accepts in `asset` now.
    function _payableShares(address user, address asset) internal view returns (uint256) {
        uint256 units = vault.depositedOf(asset) - queue.pendingUnits(asset);
        uint256 value = units * registry.price(asset) / 1e18;
        // The vault's own conversion, rounded down, so the request's value never exceeds `value`.
        uint256 shares = value * (vault.effectiveSupply() + 1e9) / (vault.totalAssets() + 1e9);
        uint256 balance = trETH.balanceOf(user);
        return shares < balance ? shares : balance;
    }

    // ---------------------------------------------------------------- FIFO

    /// @dev finalize(k) finalizes exactly the oldest requests it can pay, up to k, and stops at the first one
    /// it cannot pay, even when a later, smaller one would fit.
    function testFuzz_finalize_isFifo(uint256[6] memory sizes, uint256 liquidity, uint256 maxRequests) public {
        // Bob's osETH backs the trETH; carol's rETH is restaked (it backs the requests but is not idle);
        // alice's rETH is the only idle rETH liquidity.
        _deposit(bob, address(osETH), 1_000_000 ether);
        _deposit(carol, address(rETH), 3_000 ether);
        _allocate(0, address(rETH), 3_000 ether);
        liquidity = bound(liquidity, 1 ether, 1_000 ether);
        _deposit(alice, address(rETH), liquidity);
        maxRequests = bound(maxRequests, 0, 8);
        uint256 price = registry.price(address(rETH));

        uint256[6] memory amountOf;
        for (uint256 i; i < 6; ++i) {
            sizes[i] = bound(sizes[i], 2e9, 400 ether); // at least the 1 gwei rETH minimum
            uint256 id = _request(bob, sizes[i], address(rETH));
            assertEq(id, i + 1);
            amountOf[i] = uint256(queue.getRequest(id).valueAtRequest) * 1e18 / price;
        }
        uint256 expected;
        uint256 idle = liquidity;
        while (expected < 6 && expected < maxRequests && amountOf[expected] <= idle) {
            idle -= amountOf[expected];
            ++expected;
        }

        assertEq(_finalize(maxRequests), expected);
        assertEq(queue.nextToFinalize(), expected + 1);
        for (uint256 i; i < 6; ++i) {
            IWithdrawalQueue.Request memory r = queue.getRequest(i + 1);
            if (i < expected) {
                assertGt(r.finalizedAt, 0, "an old request was skipped");
                assertEq(r.payout, amountOf[i]);
            } else {
                assertEq(r.finalizedAt, 0, "a request jumped the queue");
            }
        }
        assertEq(vault.idleBalance(address(rETH)), idle);
        assertEq(rETH.balanceOf(address(queue)), liquidity - idle);
    }

    // ---------------------------------------------------------------- ownership

    function testFuzz_claim_onlyByRequestOwner(uint256 amount, uint8 assetIndex) public {
        address asset = assets[assetIndex % 4];
        amount = bound(amount, MIN_DEPOSIT * 10, MAX_DEPOSIT);
        uint256 shares = _deposit(alice, asset, amount);
        uint256 id = _request(alice, shares, asset);

        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.RequestNotFinalized.selector, id));
        queue.claim(id);
        _finalize(1);

        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.NotRequestOwner.selector, id, bob, alice));
        queue.claim(id);

        // The request is an NFT: whoever holds it is paid, the one who asked no longer can be.
        vm.prank(alice);
        queue.transferFrom(alice, bob, id);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.NotRequestOwner.selector, id, alice, bob));
        queue.claim(id);

        uint256 payout = queue.getRequest(id).payout;
        uint256 heldBefore = _held(asset, bob);
        uint256 aliceHeld = _held(asset, alice);
        _claim(bob, id);
        assertEq(_held(asset, bob) - heldBefore, payout);
        assertEq(_held(asset, alice), aliceHeld);

        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.RequestAlreadyClaimed.selector, id));
        queue.claim(id);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.RequestAlreadyClaimed.selector, id));
        queue.claim(id);
    }

    function test_claim_unknownRequestReverts() public {
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.UnknownRequest.selector, 7));
        queue.claim(7);
    }

    // ---------------------------------------------------------------- stETH

    /// @dev stETH rebases between requests, finalization and claims: every claimant gets exactly the Lido shares
    /// set aside for it and the queue ends with none left, never short.
    function testFuzz_stETH_paidExactlyAndQueueNeverShort(
        uint256[4] memory amounts,
        uint16[4] memory accrueBps,
        uint8 claimOrder
    ) public {
        address[4] memory users = [alice, bob, carol, attacker];
        uint256[4] memory ids;
        for (uint256 i; i < 4; ++i) {
            amounts[i] = bound(amounts[i], MIN_DEPOSIT * 10, MAX_DEPOSIT);
            uint256 shares = _deposit(users[i], address(stETH), amounts[i]);
            ids[i] = _request(users[i], shares, address(stETH));
            // Keep the price inside its bounds: at most +0.5% in all.
            stETH.accrue(bound(accrueBps[i], 0, 12));
        }
        skip(1 days);
        assertEq(_finalize(4), 4);

        uint256 owed;
        for (uint256 i; i < 4; ++i) owed += queue.getRequest(ids[i]).payout;
        assertEq(stETH.sharesOf(address(queue)), owed, "queue holds other than what it owes");

        // A rebase after finalization changes stETH balances, not the Lido shares owed.
        stETH.accrue(bound(accrueBps[0], 0, 12));
        for (uint256 k; k < 4; ++k) {
            uint256 i = (k + claimOrder) % 4;
            IWithdrawalQueue.Request memory r = queue.getRequest(ids[i]);
            uint256 sharesBefore = stETH.sharesOf(users[i]);
            uint256 expectedTokens = stETH.getPooledEthByShares(r.payout);
            assertEq(queue.claimableAmount(ids[i]), expectedTokens);
            uint256 paid = _claim(users[i], ids[i]);
            assertEq(stETH.sharesOf(users[i]) - sharesBefore, r.payout);
            assertApproxEqAbs(paid, expectedTokens, 1);
            owed -= r.payout;
            assertGe(stETH.sharesOf(address(queue)), owed, "queue short");
        }
        assertEq(stETH.sharesOf(address(queue)), 0);
        assertEq(trETH.balanceOf(address(queue)), 0);
        assertEq(vault.effectiveSupply(), trETH.totalSupply());
    }
}
