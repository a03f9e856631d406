// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ExitBase} from "../ExitBase.sol";
import {ReentrantToken__Mock} from "../mocks/ReentrantToken__Mock.sol";
import {PriceAdapter__Mock} from "../mocks/PriceAdapter__Mock.sol";
import {TrellisDeployer} from "../../script/lib/TrellisDeployer.sol";
import {TrellisEntry} from "../../contracts/TrellisEntry.sol";
import {ITrellisEntry} from "../../contracts/interfaces/ITrellisEntry.sol";
import {IVaultCore} from "../../contracts/interfaces/IVault.sol";
import {IAssetRegistry} from "../../contracts/interfaces/IAssetRegistry.sol";
import {IWithdrawalQueue} from "../../contracts/interfaces/IWithdrawalQueue.sol";

/// @dev The exit path (issue 11): capacity from holdings, independent requests, the minimum wait, losses shared,
/// the instant lane, the last holder after a loss, re-entrancy and ERC-7540 approvals. Each scenario is one the
/// FIFO queue capped at net deposits failed.
contract ExitsTest is ExitBase {
    // ---------------------------------------------------------------- capacity from holdings

    /// @dev One depositor of 100 stETH, a 5% rebase, the gain streamed in.
    function _soleDepositorWithYield() internal {
        _depositViaEntry(alice, ST, 100 ether);
        stETH.accrue(500);
        _streamAll();
        assertApproxEqAbs(vault.heldUnits(address(stETH)), 105 ether, 2);
        assertApproxEqAbs(vault.totalAssets(), 105 ether, 2, "the rebase is booked");
    }

    /// @dev Her request for her whole position (principal and yield, net of the fee) is accepted and paid.
    function test_soleDepositor_withdrawsAllHerYield() public {
        _soleDepositorWithYield();
        uint256 shares = trETH.balanceOf(alice);
        uint256 value = vault.convertToAssets(shares);
        // 100 stETH + 5 stETH of rebase - the 10% fee on it.
        assertApproxEqRel(value, 104.5 ether, 1e9);

        uint256 id = _request(alice, ST, shares);
        assertEq(queue.getRequest(id).valueAtRequest, value);
        _mature();
        assertEq(_finalize(id), 1);
        uint256 before = stETH.balanceOf(alice);
        _claim(alice, ST);
        uint256 got = stETH.balanceOf(alice) - before;
        assertApproxEqAbs(got, value, 2, "paid her whole position");
        assertGt(got, 104 ether, "her yield left with her");
        assertEq(trETH.balanceOf(alice), 0);
    }

    /// @dev The treasury's fee shares are requested and paid like any other; nothing is left behind.
    function test_treasuryFeeShares_canLeave() public {
        _soleDepositorWithYield();
        uint256 aliceId = _requestAll(alice, ST);
        uint256 feeShares = trETH.balanceOf(treasury);
        assertGt(feeShares, 0);
        uint256 feeValue = vault.convertToAssets(feeShares);
        assertApproxEqRel(feeValue, 0.5 ether, 1e9);
        uint256 treasuryId = _requestAll(treasury, ST);
        _mature();
        assertEq(_finalizeIds(_ids(aliceId, treasuryId)), 2);
        _claim(alice, ST);
        uint256 got = _claim(treasury, ST);
        assertApproxEqAbs(got, feeValue, 2);
        assertEq(trETH.totalSupply(), 0, "everyone left");
        // Above a rate of 1 the 1e9 virtual shares keep their part of the gain: under 1 gwei.
        assertLe(vault.heldUnits(address(stETH)), 1e9, "only dust stays");
        assertEq(stETH.sharesOf(address(queue)), 0);
    }

    /// @dev A request beyond what the asset holds is refused at once (pick another asset), whatever the deposits.
    function test_request_beyondTheAssetsHoldings_isRefused() public {
        _depositViaEntry(alice, RE, 10 ether);
        _depositViaEntry(alice, OS, 10 ether);
        uint256 shares = trETH.balanceOf(alice);
        uint256 wantedUnits = vault.convertToAssets(shares) * 1e18 / registry.price(address(rETH));
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IWithdrawalQueue.InsufficientAssetLiquidity.selector, address(rETH), 10 ether, wantedUnits)
        );
        entries[RE].requestRedeem(shares, alice, alice);
    }

    // ---------------------------------------------------------------- nothing blocks

    /// @dev Alice's rETH is restaked with op0 and slashed; Bob's osETH is idle. Alice's request can no longer be paid
    /// in rETH, even once the keeper has freed all of it: Bob is paid anyway, and Alice cancels for exactly her escrow
    /// and leaves in two assets.
    function test_afterASlash_noRequestBlocksAnother() public {
        _depositViaEntry(alice, RE, 100 ether);
        _depositViaEntry(bob, OS, 50 ether);
        _allocate(0, address(rETH), 100 ether);
        uint256 aliceId = _requestAll(alice, RE);
        uint256 bobId = _requestAll(bob, OS);
        uint256 aliceEscrow = queue.getRequest(aliceId).shares;

        // op0 allocates 50% to (avsA, 0): a 50% slash there takes 25% of its stake.
        _slash(0, avsA, 0, 0.5e18);
        vault.refresh(type(uint256).max);
        assertApproxEqAbs(vault.heldUnits(address(rETH)), 75 ether, 2);
        assertApproxEqAbs(vault.totalAssets(), 75 ether * 1.1e18 / 1e18 + 52.5 ether, 4, "the loss is booked");

        _mature();
        // Alice's request first in the list: skipped (no idle rETH), Bob's paid all the same.
        assertEq(_finalizeIds(_ids(aliceId, bobId)), 1);
        assertEq(uint8(_status(aliceId)), uint8(IWithdrawalQueue.Status.Pending));
        assertEq(uint8(_status(bobId)), uint8(IWithdrawalQueue.Status.Claimable));
        uint256 bobGot = _claim(bob, OS);
        assertLt(bobGot, 50 ether, "Bob shares the loss");
        assertGt(bobGot, 40 ether);

        // The keeper frees all of op0's rETH: still short of Alice's value (she shares the loss with Bob, but her
        // rETH took all of it), so her request stays unpayable without blocking anything.
        uint256 freed = _freeRestaked(0, address(rETH));
        assertApproxEqAbs(freed, 75 ether, 2);
        assertEq(vault.idleBalance(address(rETH)), freed);
        assertEq(_finalize(aliceId), 0);

        // Only she (or her operator) cancels; the escrow comes back exactly.
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.NotAuthorized.selector, bob, alice));
        entries[RE].cancelRedeemRequest(aliceId, alice);
        vm.expectEmit(address(entries[RE]));
        emit ITrellisEntry.RedeemRequestCanceled(aliceId, alice, aliceEscrow);
        vm.prank(alice);
        entries[RE].cancelRedeemRequest(aliceId, alice);
        assertEq(trETH.balanceOf(alice), aliceEscrow, "cancel returns exactly the escrow");
        assertEq(trETH.balanceOf(address(queue)), 0);
        assertEq(queue.reservedUnits(address(rETH)), 0);
        assertEq(uint8(_status(aliceId)), uint8(IWithdrawalQueue.Status.Cancelled));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.RequestNotPending.selector, aliceId));
        entries[RE].cancelRedeemRequest(aliceId, alice);

        // Everyone can leave: what rETH holds in rETH, the rest in osETH.
        uint256 rethShares = vault.convertToShares(vault.heldUnits(address(rETH)) * registry.price(address(rETH)) / 1e18);
        uint256 id1 = _request(alice, RE, rethShares);
        uint256 id2 = _requestAll(alice, OS);
        _mature();
        assertEq(_finalizeIds(_ids(id1, id2)), 2);
        _claim(alice, RE);
        _claim(alice, OS);
        assertEq(trETH.totalSupply(), 0);
        assertLe(vault.totalAssets(), 2 ether / 1e9, "nothing but dust stays");
    }

    /// @dev `firstPendingRequestId` is where a reader starts: every id below it is settled, so the keeper's scan grows
    /// with the backlog, not with every request ever made. Only finalize moves it, at most 64 ids a call.
    function test_firstPending_followsTheOldestOpenRequest() public {
        _depositViaEntry(alice, RE, 10 ether);
        _depositViaEntry(bob, OS, 10 ether);
        uint256 share = trETH.balanceOf(alice) / 4;
        uint256 a1 = _request(alice, RE, share);
        uint256 a2 = _request(alice, RE, share);
        uint256 b1 = _requestAll(bob, OS);
        uint256 a3 = _request(alice, RE, share);
        assertEq(queue.firstPendingRequestId(), a1, "a fresh queue starts at the first id");

        // A cancel does not move it (the canceller pays for nobody else's ids); the next finalize does.
        vm.prank(alice);
        entries[RE].cancelRedeemRequest(a1, alice);
        assertEq(queue.firstPendingRequestId(), a1);
        _mature();
        // b1 is paid out of order: the head stops at a2, still pending.
        assertEq(_finalizeIds(_ids(b1)), 1);
        assertEq(queue.firstPendingRequestId(), a2);
        assertEq(_finalizeIds(_ids(a2, a3)), 2);
        assertEq(queue.firstPendingRequestId(), queue.nextRequestId(), "nothing open: the head is the next id");

        // Many settled requests behind a pending one: one finalize moves the head at most 64 ids.
        _depositViaEntry(carol, OS, 10 ether);
        uint256 first = _request(alice, RE, share);
        uint256[] memory later = new uint256[](100);
        for (uint256 k; k < 100; ++k) later[k] = _request(carol, OS, 0.01 ether);
        _mature();
        assertEq(_finalizeIds(later), 100);
        assertEq(queue.firstPendingRequestId(), first, "the oldest open request holds the head");
        assertEq(_finalize(first), 1);
        assertEq(queue.firstPendingRequestId(), first + 64, "bounded: 64 ids a call");
        assertEq(_finalizeIds(new uint256[](0)), 0);
        assertEq(queue.firstPendingRequestId(), queue.nextRequestId());
    }

    /// @dev Re-targeting moves the reservation to another asset and keeps the request time.
    function test_retarget_keepsTheRequestTime() public {
        _depositViaEntry(alice, RE, 10 ether);
        _depositViaEntry(bob, OS, 20 ether);
        uint256 id = _request(alice, RE, 5 ether);
        uint256 payableFrom = queue.payableFrom(id);
        uint256 requestedAt = queue.getRequest(id).requestedAt;
        uint256 rethUnits = queue.reservedUnits(address(rETH));
        assertGt(rethUnits, 0);
        vm.warp(block.timestamp + 100);

        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.NotAuthorized.selector, bob, alice));
        queue.retarget(id, address(osETH));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IAssetRegistry.AssetNotSupported.selector, address(wstETH)));
        queue.retarget(id, address(wstETH));
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.SameAsset.selector, address(rETH)));
        queue.retarget(id, address(rETH));

        vm.prank(alice);
        queue.retarget(id, address(osETH));
        IWithdrawalQueue.Request memory r = queue.getRequest(id);
        assertEq(r.asset, address(osETH));
        assertEq(r.requestedAt, requestedAt, "request time kept");
        assertEq(queue.payableFrom(id), payableFrom);
        assertEq(queue.reservedUnits(address(rETH)), 0);
        assertEq(queue.reservedUnits(address(osETH)), uint256(r.valueAtRequest) * 1e18 / 1.05e18);
        // Claimed in the new asset's entry, and at the original time.
        assertEq(entries[OS].pendingRedeemRequest(id, alice), 5 ether);
        assertEq(entries[RE].pendingRedeemRequest(id, alice), 0);
        vm.warp(payableFrom - 1);
        assertEq(_finalize(id), 0);
        vm.warp(payableFrom);
        assertEq(_finalize(id), 1);
        assertApproxEqAbs(_claim(alice, OS), uint256(r.valueAtRequest) * 1e18 / 1.05e18, 1);
    }

    // ---------------------------------------------------------------- the minimum wait

    /// @dev Nothing is finalized before `minRedeemDelay`, whatever the delay governance set within its bounds;
    /// at the delay it is.
    function testFuzz_nothingPaidBeforeMinRedeemDelay(uint256 amount, uint8 assetSeed, uint256 delay, uint256 wait)
        public
    {
        uint256 i = [ST, RE, OS][assetSeed % 3];
        amount = bound(amount, 1e12, MAX_DEPOSIT);
        IWithdrawalQueue.ExitParams memory p = queue.exitParams();
        p.minRedeemDelay = uint32(bound(delay, queue.minRedeemDelayFloor(), queue.MAX_REDEEM_DELAY()));
        queue.setExitParams(p);
        uint256 shares = _depositViaEntry(alice, i, amount);
        uint256 id = _request(alice, i, shares);
        assertEq(queue.payableFrom(id), block.timestamp + p.minRedeemDelay);

        vm.warp(block.timestamp + bound(wait, 0, p.minRedeemDelay - 1));
        assertEq(_finalize(id), 0, "paid before the minimum wait");
        assertEq(uint8(_status(id)), uint8(IWithdrawalQueue.Status.Pending));
        assertEq(entries[i].maxRedeem(alice), 0);
        assertEq(entries[i].claimableRedeemRequest(id, alice), 0);

        vm.warp(queue.payableFrom(id));
        assertEq(_finalize(id), 1);
        assertEq(entries[i].claimableRedeemRequest(id, alice), shares);
    }

    /// @dev The delay never goes below EigenLayer's withdrawal delay on this network.
    function test_minRedeemDelay_neverBelowEigenLayersDelay() public {
        assertEq(queue.minRedeemDelayFloor(), uint256(MIN_WITHDRAWAL_DELAY) * 12);
        assertEq(queue.exitParams().minRedeemDelay, queue.minRedeemDelayFloor());
        IWithdrawalQueue.ExitParams memory p = queue.exitParams();
        p.minRedeemDelay = uint32(queue.minRedeemDelayFloor() - 1);
        vm.expectRevert(IWithdrawalQueue.InvalidExitParams.selector);
        queue.setExitParams(p);
    }

    // ---------------------------------------------------------------- losses shared, gains kept

    /// @dev Requested, then op0 slashed, then finalized: the request pays the post-slash value.
    function test_requestBeforeASlash_paysThePostSlashValue() public {
        _depositViaEntry(alice, RE, 100 ether);
        _depositViaEntry(bob, RE, 100 ether);
        _allocate(0, address(rETH), 150 ether);
        uint256 id = _request(alice, RE, 20 ether);
        uint256 valueAtRequest = queue.getRequest(id).valueAtRequest;
        assertEq(valueAtRequest, 20 ether);

        // 20% of op0's 50% allocation: 10% of its 150 rETH.
        _slash(0, avsA, 0, 0.2e18);
        // As the keeper does before finalizing: measure the delegators.
        vault.refresh(type(uint256).max);
        _mature();
        uint256 valueNow = vault.convertToAssets(20 ether);
        // 18.5 ETH, plus what the virtual shares add below a rate of 1 (under 1 gwei).
        assertApproxEqAbs(valueNow, 18.5 ether, 1e9);
        uint256 expectedPayout = valueNow * 1e18 / registry.price(address(rETH));
        vault.refresh(type(uint256).max);
        vm.expectEmit(address(queue));
        emit IWithdrawalQueue.RedeemFinalized(id, alice, valueNow, expectedPayout);
        vm.prank(keeper);
        assertEq(queue.finalize(_ids(id)), 1);
        assertEq(_claim(alice, RE), expectedPayout, "paid the post-slash value");
    }

    /// @dev Requested, then the LSTs gain, then finalized: the request gets its value at request, the gain stays
    /// with those who stay (less the fee).
    function test_gainDuringTheWait_staysWithTheHolders() public {
        _depositViaEntry(alice, RE, 100 ether);
        _depositViaEntry(bob, RE, 100 ether);
        uint256 id = _requestAll(alice, RE);
        uint256 valueAtRequest = queue.getRequest(id).valueAtRequest;
        assertEq(valueAtRequest, 110 ether);

        rETH.accrue(100); // +1%: 2.2 ETH on 220 ETH
        _streamAll();
        assertGt(vault.convertToAssets(100 ether * 1.1e18 / 1e18), valueAtRequest, "the gain reached the escrow");
        assertEq(_finalize(id), 1);
        uint256 paid = _claim(alice, RE);
        assertEq(paid, valueAtRequest * 1e18 / registry.price(address(rETH)));
        // Those who stay (Bob and the treasury's fee shares) keep the whole gain: 222.2 - 110 ETH. Bob's part is the
        // gain less the fee, plus his share of what Alice's escrow earned while it waited.
        uint256 bobValue = vault.convertToAssets(trETH.balanceOf(bob));
        assertApproxEqRel(bobValue + vault.convertToAssets(trETH.balanceOf(treasury)), 112.2 ether, 1e9);
        assertGe(bobValue, 111.97 ether);
    }

    // ---------------------------------------------------------------- the instant lane

    /// @dev 1,000 rETH (Alice) and 100 osETH (Bob), idle: booked 1,205 ETH, so a period lets 12.05 ETH out.
    function _instantSetup() internal returns (uint256 limit) {
        _depositViaEntry(alice, RE, 1_000 ether);
        _depositViaEntry(bob, OS, 100 ether);
        limit = vault.totalAssets() * 100 / 10_000;
        assertEq(limit, 12.05 ether);
    }

    function _expectedFeeBps(uint256 used, uint256 value, uint256 limit) internal pure returns (uint256) {
        uint256 utilisation = ((used + value) * 10_000 + limit - 1) / limit;
        if (utilisation > 10_000) utilisation = 10_000;
        return 200 + (800 * utilisation + 9_999) / 10_000;
    }

    /// @dev The fee is linear in the utilisation the exit leaves, from 2% to 10%, and is what the exit pays.
    function testFuzz_instant_feeCurve(uint256 first, uint256 second) public {
        uint256 limit = _instantSetup();
        first = bound(first, 1e12, limit / 2);
        second = bound(second, 1e12, limit - first - 1e9);
        assertEq(queue.instantFeeBps(0), 200);
        assertEq(queue.instantFeeBps(limit), 1_000);
        assertEq(queue.instantFeeBps(limit * 2), 1_000, "hard maximum");
        assertEq(queue.instantFeeBps(first), _expectedFeeBps(0, first, limit));
        assertLe(queue.instantFeeBps(first), queue.instantFeeBps(first + second), "rises with utilisation");

        uint256 shares = vault.convertToShares(first);
        uint256 value = vault.convertToAssets(shares);
        uint256 bps = queue.instantFeeBps(value);
        uint256 fee = (value * bps + 9_999) / 10_000;
        (uint256 quoted, uint256 quotedFee) = entries[RE].previewInstantRedeem(shares);
        assertEq(quotedFee, fee);
        assertEq(quoted, (value - fee) * 1e18 / 1.1e18);
        vm.expectEmit(address(entries[RE]));
        emit ITrellisEntry.InstantRedeemed(alice, alice, quoted, shares, fee);
        vm.prank(alice);
        assertEq(entries[RE].instantRedeem(shares, alice, alice, quoted), quoted);
        assertEq(rETH.balanceOf(alice), quoted);

        // The next exit in the period pays for the utilisation the first left.
        (, uint256 used) = queue.instantUsed();
        assertEq(used, value);
        assertEq(queue.instantFeeBps(second), _expectedFeeBps(used, second, vault.totalAssets() * 100 / 10_000));
    }

    /// @dev At most `periodLimitBps` of the booked total per period; the budget comes back the next period.
    function test_instant_perPeriodLimit() public {
        uint256 limit = _instantSetup();
        uint256 shares = vault.convertToShares(limit * 6 / 10);
        vm.prank(alice);
        entries[RE].instantRedeem(shares, alice, alice, 0);
        (, uint256 used) = queue.instantUsed();
        uint256 limitNow = vault.totalAssets() * 100 / 10_000;
        uint256 value = vault.convertToAssets(shares);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.InstantLimitExceeded.selector, limitNow - used, value));
        entries[RE].previewInstantRedeem(shares);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.InstantLimitExceeded.selector, limitNow - used, value));
        entries[RE].instantRedeem(shares, alice, alice, 0);

        vm.warp(block.timestamp + 1 days);
        vault.refresh(type(uint256).max);
        (, used) = queue.instantUsed();
        assertEq(used, 0);
        vm.prank(alice);
        entries[RE].instantRedeem(shares, alice, alice, 0);
    }

    /// @dev The lane closes for an asset whose idle value would fall below the low watermark; other assets stay open.
    function test_instant_lowWatermarkClosesTheLane() public {
        _instantSetup();
        _allocate(0, address(rETH), 985 ether); // 15 rETH idle: 16.5 ETH against a 12.05 ETH watermark
        uint256 big = vault.convertToShares(8 ether);
        vm.prank(alice);
        vm.expectPartialRevert(IWithdrawalQueue.InstantLaneClosed.selector);
        entries[RE].instantRedeem(big, alice, alice, 0);

        // A small exit that leaves idle above the watermark goes through, and so does an osETH one.
        uint256 small = vault.convertToShares(2 ether);
        vm.prank(alice);
        entries[RE].instantRedeem(small, alice, alice, 0);
        assertGe(vault.idleBalance(address(rETH)) * 1.1e18 / 1e18, vault.totalAssets() / 100);
        uint256 bobShares = vault.convertToShares(5 ether);
        vm.prank(bob);
        assertGt(entries[OS].instantRedeem(bobShares, bob, bob, 0), 0);
    }

    /// @dev The deploy default prices the lane against the largest loss one slash can cause under the risk limits
    /// (one operator set's exposure cap, slashed in full): the fee starts at that cap, so leaving early to dodge such
    /// a slash pays less than staying through it. (With the former 2%-10% default this fails for any cap above 2%.)
    function testFuzz_instant_defaultFee_dodgingTheLargestSlashDoesNotPay(uint256 capBps, uint256 size) public {
        capBps = bound(capBps, 100, 3_000);
        queue.setExitParams(TrellisDeployer.defaultExitParams(queue.exitParams().minRedeemDelay, capBps));
        uint256 limit = _instantSetup();
        uint256 shares = vault.convertToShares(bound(size, 0.01 ether, limit));
        IAssetRegistry.AssetConfig memory config = registry.getAssetConfig(address(rETH));
        config.minPrice = 0.1e18; // room to model the slash as a fall of Alice's restaked rETH
        registry.setAssetConfig(address(rETH), config);
        uint256 snapshot = vm.snapshotState();

        // Dodge: leave now through the lane, paid in rETH at today's price.
        vm.prank(alice);
        uint256 paid = entries[RE].instantRedeem(shares, alice, alice, 0);
        uint256 dodged = paid * rETH.getExchangeRate() / 1e18;

        // Stay: the slash lands, `capBps` of the booked total (all 1,000 rETH are Alice's; 1.1 ETH each).
        vm.revertToState(snapshot);
        uint256 loss = vault.totalAssets() * capBps / 10_000;
        rETH.setExchangeRate(1.1e18 - loss * 1e18 / 1_000 ether);
        vault.bookLoss();
        uint256 stayed = vault.convertToAssets(shares);
        assertLe(dodged, stayed, "dodging the largest slash the limits allow paid");
    }

    /// @dev A per-set cap above the fee's hard maximum cannot be priced: the default lane starts closed.
    function test_instant_defaultLane_closedWhenTheSetCapIsBeyondTheFeesReach() public {
        IWithdrawalQueue.ExitParams memory p = TrellisDeployer.defaultExitParams(1 days, 5_000);
        assertEq(p.periodLimitBps, 0);
        queue.setExitParams(p);
        _instantSetup();
        vm.prank(alice);
        vm.expectPartialRevert(IWithdrawalQueue.InstantLimitExceeded.selector);
        entries[RE].instantRedeem(1 ether, alice, alice, 0);
    }

    /// @dev `minAssets` bounds the payout.
    function test_instant_slippageBound() public {
        _instantSetup();
        uint256 shares = vault.convertToShares(1 ether);
        (uint256 quoted,) = entries[RE].previewInstantRedeem(shares);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.InstantSlippage.selector, quoted + 1, quoted));
        entries[RE].instantRedeem(shares, alice, alice, quoted + 1);
        vm.prank(alice);
        assertEq(entries[RE].instantRedeem(shares, alice, alice, quoted), quoted);
    }

    /// @dev The fee stays in the vault: the rate does not fall at the exit, and the fee streams to those who stay
    /// (less the protocol's fee on it).
    function test_instant_feeAccruesToTheHoldersWhoStay() public {
        _instantSetup();
        uint256 bobShares = trETH.balanceOf(bob);
        uint256 bobBefore = vault.convertToAssets(bobShares);
        uint256 rateBefore = vault.rate();
        uint256 shares = vault.convertToShares(10 ether);
        (, uint256 fee) = entries[RE].previewInstantRedeem(shares);
        vm.prank(alice);
        entries[RE].instantRedeem(shares, alice, alice, 0);
        assertGe(vault.rate(), rateBefore, "the rate fell at an instant exit");
        uint256 supply = trETH.totalSupply();

        _settleStream();
        uint256 bobGain = vault.convertToAssets(bobShares) - bobBefore;
        uint256 bobShareOfFee = fee * bobShares / supply;
        assertLe(bobGain, bobShareOfFee);
        assertApproxEqRel(bobGain, bobShareOfFee * 9 / 10, 0.01e18, "Bob's share of the fee, less the 10% protocol fee");
    }

    // ---------------------------------------------------------------- the last holder after a loss

    /// @dev Three holders, a loss of the asset they hold (the rate falls below 1), all leave: every request is paid,
    /// the supply ends at zero and only rounding dust stays.
    function testFuzz_lastHolders_exitAfterALoss(uint256[3] memory amounts, uint8 assetSeed, uint256 lossBps) public {
        uint256 i = [ST, RE, OS][assetSeed % 3];
        address[3] memory users = [alice, bob, carol];
        for (uint256 k; k < 3; ++k) _depositViaEntry(users[k], i, bound(amounts[k], 1e12, MAX_DEPOSIT));
        if (i == ST) {
            stETH.setTotalPooledEther(stETH.getTotalPooledEther() * (10_000 - bound(lossBps, 1, 2_000)) / 10_000);
        } else if (i == RE) {
            rETH.setExchangeRate(1.1e18 * (10_000 - bound(lossBps, 1, 909)) / 10_000);
        } else {
            osController.setRate(1.05e18 * (10_000 - bound(lossBps, 1, 476)) / 10_000);
        }
        vault.bookLoss();
        assertLt(vault.rate(), 1e18);

        uint256[] memory ids = new uint256[](3);
        for (uint256 k; k < 3; ++k) ids[k] = _requestAll(users[k], i);
        _mature();
        assertEq(_finalizeIds(ids), 3, "a request is stuck");
        for (uint256 k; k < 3; ++k) _claim(users[k], i);
        assertEq(trETH.totalSupply(), 0);
        assertEq(_held(i, address(queue)), 0);
        assertLe(vault.idleBalance(assets[i]), 4, "more than dust left behind");
    }

    // ---------------------------------------------------------------- re-entrancy

    function _listReentrantToken() internal returns (ReentrantToken__Mock token, TrellisEntry entry) {
        token = new ReentrantToken__Mock();
        registry.addAsset(
            address(token),
            IAssetRegistry.AssetConfig({
                strategy: makeAddr("reentrantStrategy"),
                adapter: new PriceAdapter__Mock(address(token), 1e18),
                minPrice: 0.5e18,
                maxPrice: 2e18,
                depositCap: uint128(DEPOSIT_CAP),
                minDeposit: uint128(MIN_DEPOSIT),
                rebasing: false
            })
        );
        entry = TrellisDeployer.addEntry(d, address(token));
        token.mint(attacker, 10 ether);
        vm.prank(attacker);
        token.approve(address(entry), type(uint256).max);
    }

    /// @dev A hostile payout token re-enters the vault from a deposit, and the queue from a claim and from an
    /// instant payout: each refused; disarmed, the same calls go through.
    function test_reentrantPayoutToken_isRefused() public {
        (ReentrantToken__Mock token, TrellisEntry entry) = _listReentrantToken();
        token.arm(address(vault), abi.encodeCall(IVaultCore.deposit, (address(token), 1 ether, 0, attacker)));
        vm.prank(attacker);
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        entry.deposit(1 ether, attacker);
        token.arm(address(0), "");
        vm.prank(attacker);
        entry.deposit(8 ether, attacker);

        vm.prank(attacker);
        uint256 id = entry.requestRedeem(4 ether, attacker, attacker);
        _mature();
        assertEq(_finalize(id), 1);

        // The claim's payout transfer re-enters the queue through the entry.
        token.arm(address(entry), abi.encodeCall(ITrellisEntry.redeem, (1 ether, attacker, attacker)));
        vm.prank(attacker);
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        entry.redeem(4 ether, attacker, attacker);
        token.arm(address(0), "");
        uint256 before = token.balanceOf(attacker);
        vm.prank(attacker);
        assertEq(entry.redeem(4 ether, attacker, attacker), 4 ether);
        assertEq(token.balanceOf(attacker) - before, 4 ether, "claimable exactly once");

        // An instant payout re-enters finalize.
        token.arm(address(queue), abi.encodeCall(IWithdrawalQueue.finalize, (_ids(id))));
        vm.prank(attacker);
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        entry.instantRedeem(0.01 ether, attacker, attacker, 0);
    }

    // ---------------------------------------------------------------- ERC-7540 approvals

    /// @dev A request spends the owner's trETH allowance unless the caller is the owner's operator on that entry;
    /// claims and cancels are the controller's or its operator's.
    function test_operatorsAndAllowances_followErc7540() public {
        _depositViaEntry(alice, RE, 10 ether);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, bob, 0, 1 ether));
        entries[RE].requestRedeem(1 ether, bob, alice);

        // An allowance is spent, and the request is its controller's (Bob's).
        vm.prank(alice);
        trETH.approve(bob, 1 ether);
        vm.prank(bob);
        uint256 id1 = entries[RE].requestRedeem(1 ether, bob, alice);
        assertEq(trETH.allowance(alice, bob), 0);
        assertEq(entries[RE].pendingRedeemRequest(id1, bob), 1 ether);
        assertEq(entries[RE].pendingRedeemRequest(id1, alice), 0);

        // An operator needs no allowance and spends none; operators are per entry.
        vm.prank(alice);
        trETH.approve(carol, 5 ether);
        vm.prank(alice);
        assertTrue(entries[RE].setOperator(carol, true));
        assertTrue(entries[RE].isOperator(alice, carol));
        assertFalse(entries[OS].isOperator(alice, carol));
        vm.prank(carol);
        uint256 id2 = entries[RE].requestRedeem(2 ether, alice, alice);
        assertEq(trETH.allowance(alice, carol), 5 ether, "an operator spent an allowance");

        _mature();
        assertEq(_finalizeIds(_ids(id1, id2)), 2);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.NotAuthorized.selector, bob, alice));
        entries[RE].redeem(1 ether, bob, alice);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.NotAuthorized.selector, alice, bob));
        entries[RE].redeem(1 ether, alice, bob);
        // The operator claims Alice's to any receiver; Bob claims his own.
        vm.prank(carol);
        uint256 paid = entries[RE].redeem(2 ether, carol, alice);
        assertEq(rETH.balanceOf(carol), paid);
        assertEq(_claim(bob, RE), uint256(1 ether) * 1e18 / 1.1e18);

        // The operator cancels for Alice: the escrow goes back to her.
        uint256 aliceShares = trETH.balanceOf(alice);
        vm.prank(carol);
        uint256 id3 = entries[RE].requestRedeem(3 ether, alice, alice);
        vm.prank(carol);
        entries[RE].cancelRedeemRequest(id3, alice);
        assertEq(trETH.balanceOf(alice), aliceShares);

        // Revoked, Carol is back to her allowance.
        vm.prank(alice);
        entries[RE].setOperator(carol, false);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, carol, 5 ether, 6 ether));
        entries[RE].requestRedeem(6 ether, alice, alice);
        vm.prank(carol);
        uint256 id4 = entries[RE].requestRedeem(1 ether, alice, alice);
        assertEq(trETH.allowance(alice, carol), 4 ether);
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.NotAuthorized.selector, carol, alice));
        entries[RE].cancelRedeemRequest(id4, alice);
    }
}
