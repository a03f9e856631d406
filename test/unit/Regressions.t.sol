// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ExitBase} from "../ExitBase.sol";
import {IVaultTypes} from "../../contracts/interfaces/IVault.sol";
import {IDelegationManagerTypes} from "../../contracts/interfaces/eigenlayer/IDelegationManager.sol";
import {IStrategy} from "../../contracts/interfaces/eigenlayer/IStrategy.sol";
import {IAssetRegistry} from "../../contracts/interfaces/IAssetRegistry.sol";
import {IWithdrawalQueue} from "../../contracts/interfaces/IWithdrawalQueue.sol";

/// @dev Regression tests for the bug classes that hurt LRTs: donations moving the rate, a rate rising faster than
/// its bound, fee over-minting, stale prices, and queued EigenLayer withdrawals dropping out of the books or out of
/// slashing. (Re-entrancy and the value a request is paid live in Exits.t.sol.)
contract RegressionsTest is ExitBase {
    uint256 internal constant APR_BPS = 1_000;

    function _rateBound(uint256 rate, uint256 elapsed) internal pure returns (uint256) {
        return rate + rate * APR_BPS * elapsed / (10_000 * 365 days) + 1;
    }

    // ---------------------------------------------------------------- donations

    /// @dev A plain transfer of an LST to the vault is not counted: not in the mark, the rate or a deposit's price,
    /// not at the next sync.
    function testFuzz_donationToVault_doesNotMoveRate(uint256 amount, uint256 donation, uint8 assetIndex) public {
        address asset = assets[assetIndex % 4];
        amount = bound(amount, 1 ether, MAX_DEPOSIT);
        donation = bound(donation, MIN_DEPOSIT, MAX_DEPOSIT);
        _deposit(alice, asset, amount);
        // Minted first: minting stETH moves Lido's share rate by its own rounding, which is not the donation.
        _mintLst(asset, attacker, donation);
        // Streamed out: Lido's share rounding on others' mints can leave a wei pending.
        _settleStream();
        uint256 rateBefore = vault.rate();
        uint256 totalBefore = vault.totalAssets();
        uint256 markBefore = vault.markedAssets();
        uint256 feeShares = trETH.balanceOf(treasury);
        uint256 preview = vault.previewDeposit(asset, 1 ether);

        vm.startPrank(attacker);
        IERC20(asset).transfer(address(vault), IERC20(asset).balanceOf(attacker));
        vm.stopPrank();

        assertEq(vault.rate(), rateBefore);
        assertEq(vault.markedAssets(), markBefore);
        assertEq(vault.previewDeposit(asset, 1 ether), preview);
        skip(30 days);
        _sync();
        assertEq(vault.totalAssets(), totalBefore);
        assertEq(vault.rate(), rateBefore);
        assertEq(trETH.balanceOf(treasury), feeShares);
    }

    /// @dev Same for a transfer to a delegator: only its EigenLayer shares count.
    function testFuzz_donationToDelegator_doesNotMoveRate(uint256 amount, uint256 donation, uint8 assetIndex, uint8 op)
        public
    {
        address asset = assets[assetIndex % 4];
        address delegator = delegators[op % 3];
        amount = bound(amount, 1 ether, MAX_DEPOSIT);
        donation = bound(donation, MIN_DEPOSIT, MAX_DEPOSIT);
        _deposit(alice, asset, amount);
        // Half only: the risk check rounds stake up against the booked TVL, so 100% can miss a 100% cap by a wei.
        address held = asset == address(wstETH) ? address(stETH) : asset;
        _allocate(op % 3, held, vault.idleBalance(held) / 2);
        _mintLst(asset, attacker, donation);
        skip(1 days);
        _sync();
        uint256 rateBefore = vault.rate();
        uint256 totalBefore = vault.totalAssets();
        uint256 markBefore = vault.markedAssets();

        vm.startPrank(attacker);
        IERC20(asset).transfer(delegator, IERC20(asset).balanceOf(attacker));
        vm.stopPrank();

        vault.refresh(type(uint256).max);
        assertEq(vault.markedAssets(), markBefore);
        skip(30 days);
        _sync();
        assertEq(vault.totalAssets(), totalBefore);
        assertEq(vault.rate(), rateBefore);
    }

    /// @dev A donation into the EigenLayer strategy does raise the delegators' underlying, but the rate then rises
    /// no faster than the APR bound, however long the keeper keeps syncing.
    function testFuzz_donationToStrategy_streamedWithinTheAprBound(uint256 donation, uint256 elapsed) public {
        donation = bound(donation, 1 ether, 1_000 ether);
        elapsed = bound(elapsed, 1 hours, 30 days);
        _deposit(alice, address(rETH), 100 ether);
        _deposit(bob, address(osETH), 100 ether);
        _allocate(0, address(rETH), 100 ether);
        _sync();
        uint256 rateBefore = vault.rate();

        rETH.mint(attacker, donation);
        vm.prank(attacker);
        rETH.transfer(address(strategies[RE]), donation);
        vault.refresh(type(uint256).max);
        assertGt(vault.markedAssets(), vault.totalAssets(), "the donation is held");

        _sync();
        skip(elapsed);
        _sync();
        assertLe(vault.rate(), _rateBound(rateBefore, elapsed), "faster than the APR bound");
        assertGt(vault.rate(), rateBefore);
    }

    /// @dev An LST's own rate jumping (a manipulated or faulty oracle, inside the registry bounds) moves the trETH
    /// rate by at most the APR bound per elapsed time, whatever the jump.
    function testFuzz_lstRateJump_cappedByAprBound(uint256 newRate, uint256 elapsed) public {
        newRate = bound(newRate, 1.1e18, 2e18);
        elapsed = bound(elapsed, 1, 365 days);
        _deposit(alice, address(rETH), 100 ether);
        _allocate(1, address(rETH), 50 ether);
        skip(1 days);
        _sync();
        uint256 rateBefore = vault.rate();

        rETH.setExchangeRate(newRate);
        _sync();
        skip(elapsed);
        assertLe(vault.rate(), _rateBound(rateBefore, elapsed));
    }

    // ---------------------------------------------------------------- fee over-minting

    /// @dev Two syncs in one block and a finalization mint one fee. Dust aside: the high-water rate is stored rounded
    /// down to 18 decimals, so a repeated sync sees the mark up to supply/1e18 wei above it and mints `feeBps` of that
    /// (a few wei of trETH; see the notes, finding 3).
    function testFuzz_fee_notMintedTwiceInOneBlock(uint16 accrueBps, uint256 elapsed) public {
        _deposit(alice, address(rETH), 100 ether);
        rETH.accrue(bound(accrueBps, 1, 1_000));
        skip(bound(elapsed, 1 hours, 365 days));
        _sync();
        uint256 fee = trETH.balanceOf(treasury);
        uint256 total = vault.totalAssets();
        assertGt(fee, 0);
        _sync();
        queue.finalize(new uint256[](0));
        uint256 dust = trETH.totalSupply() / 1e18 + 1;
        assertLe(trETH.balanceOf(treasury) - fee, dust, "a second fee");
        assertApproxEqAbs(vault.totalAssets(), total, dust);
    }

    // ---------------------------------------------------------------- stale price

    /// @dev A held asset's price outside its bounds stops deposits in every asset, syncs and finalization.
    function testFuzz_priceOutOfBounds_blocksDepositsSyncsAndFinalize(uint256 badPrice, bool tooHigh) public {
        _deposit(alice, address(rETH), 10 ether);
        badPrice = tooHigh ? bound(badPrice, 2e18 + 1, 100e18) : bound(badPrice, 1, 1e18 - 1);
        rETH.setExchangeRate(badPrice);
        bytes memory err =
            abi.encodeWithSelector(IAssetRegistry.PriceOutOfBounds.selector, address(rETH), badPrice, 1e18, 2e18);

        for (uint256 i; i < assets.length; ++i) {
            _mintLst(assets[i], bob, 1 ether);
            vm.startPrank(bob);
            IERC20(assets[i]).approve(address(vault), 1 ether);
            vm.expectRevert(err);
            vault.deposit(assets[i], 1 ether, 0, bob);
            vm.stopPrank();
        }
        vm.prank(keeper);
        vm.expectRevert(err);
        vault.sync();
        vm.expectRevert(err);
        queue.finalize(new uint256[](0));
    }

    // ---------------------------------------------------------------- queued shares

    /// @dev Shares queued for withdrawal still count in the holdings and are still slashed until the withdrawal
    /// leaves EigenLayer's slashable window.
    function test_queuedShares_countedAndSlashable() public {
        _deposit(alice, address(rETH), 100 ether);
        _deposit(bob, address(osETH), 10 ether);
        _allocate(0, address(rETH), 100 ether);
        _sync();
        uint256 total = vault.totalAssets();
        IStrategy strategy = strategies[RE];
        uint256 depositShares = el.strategyManager.stakerDepositShares(delegators[0], strategy);

        vm.prank(keeper);
        bytes32 root = vault.queueDelegatorWithdrawal(delegators[0], address(rETH), depositShares);
        assertEq(el.strategyManager.stakerDepositShares(delegators[0], strategy), 0);
        vault.refresh(type(uint256).max);
        assertApproxEqAbs(vault.markedAssets(), total, 1, "queued shares dropped out of the books");
        assertApproxEqAbs(vault.totalAssets(), total, 1);

        // op0 allocates 50% to (avsA, 0): a 10% slash takes 5% of the queued rETH, booked by the next refresh.
        _slash(0, avsA, 0, 0.1e18);
        vault.refresh(type(uint256).max);
        uint256 expectedLoss = 100 ether * 5 / 100 * registry.price(address(rETH)) / 1e18;
        assertApproxEqAbs(total - vault.markedAssets(), expectedLoss, 4, "queued shares escaped the slash");
        assertApproxEqAbs(total - vault.totalAssets(), expectedLoss, 4);

        // The completed withdrawal pays the post-slash amount, which the books already hold.
        (IDelegationManagerTypes.Withdrawal memory w,) = el.delegationManager.getQueuedWithdrawal(root);
        vm.roll(w.startBlock + MIN_WITHDRAWAL_DELAY + 1);
        total = vault.totalAssets();
        vm.prank(keeper);
        uint256 amount = vault.completeDelegatorWithdrawal(delegators[0], w, address(rETH));
        assertApproxEqAbs(amount, 95 ether, 2);
        assertEq(vault.idleBalance(address(rETH)), amount);
        assertApproxEqAbs(vault.markedAssets(), total, 2);
    }

    /// @dev Once past its slashable window a queued withdrawal is final: a later slash does not touch it.
    function test_queuedShares_pastWindowNotSlashed() public {
        _deposit(alice, address(rETH), 100 ether);
        _deposit(bob, address(osETH), 10 ether);
        _allocate(0, address(rETH), 100 ether);
        uint256 depositShares = el.strategyManager.stakerDepositShares(delegators[0], strategies[RE]);
        vm.prank(keeper);
        bytes32 root = vault.queueDelegatorWithdrawal(delegators[0], address(rETH), depositShares);
        (IDelegationManagerTypes.Withdrawal memory w,) = el.delegationManager.getQueuedWithdrawal(root);
        vm.roll(w.startBlock + MIN_WITHDRAWAL_DELAY + 1);
        vault.refresh(type(uint256).max);
        uint256 marked = vault.markedAssets();
        _slash(0, avsA, 0, 0.1e18);
        vault.refresh(type(uint256).max);
        assertEq(vault.markedAssets(), marked);
    }

    // ---------------------------------------------------------------- losses the books cannot see yet

    /// @dev Finalization books every loss the books can see, but a slash is seen only once a delegator is refreshed:
    /// a matured request finalized right after a slash, before anyone refreshes, is paid its pre-slash value and
    /// leaves the loss to the others. See /work/notes/exits-sol.md (finding 1): the fix belongs in the queue's
    /// finalize (refresh the delegators first) or in the keeper's cadence; until then this documents the gap.
    /// @dev A matured request finalized right after a slash, before the delegators were refreshed, was paid its
    /// pre-slash value. Now a request is paid only after a refresh round that started once it matured; its owner
    /// cannot finalize it before the keeper has had its grace period.
    function test_finalize_rightAfterASlash_seesTheLoss() public {
        _depositViaEntry(alice, RE, 100 ether);
        _depositViaEntry(bob, RE, 100 ether);
        _allocate(0, address(rETH), 150 ether);
        uint256 id = _request(alice, RE, 20 ether);
        _mature();
        vault.refresh(type(uint256).max); // a round that started after maturity, then the slash lands
        _slash(0, avsA, 0, 0.2e18);
        // Her own finalize in the slash's block: too early for anyone but the keeper.
        assertEq(queue.finalize(_ids(id)), 0);
        // The keeper refreshes, which books the loss, then finalizes.
        assertEq(_finalize(id), 1);
        (, uint256 paid) = queue.claimableOf(address(rETH), alice);
        // 10% of op0's 150 rETH is gone: her 20 trETH are worth 18.5 ETH (16.8 rETH), not 20 ETH (18.2 rETH).
        assertLe(paid, uint256(18.5 ether) * 1e18 / 1.1e18 + 1e9, "paid the pre-slash value");
    }

    /// @dev If the keeper stalls, anyone finalizes a request the grace period after it matured, once a refresh
    /// round has started after maturity.
    function test_finalize_byAnyone_afterTheGracePeriod() public {
        _depositViaEntry(alice, RE, 100 ether);
        uint256 id = _request(alice, RE, 20 ether);
        _mature();
        vault.refresh(type(uint256).max);
        vm.prank(alice);
        assertEq(queue.finalize(_ids(id)), 0);
        vm.warp(block.timestamp + queue.SELF_FINALIZE_GRACE());
        vm.prank(alice);
        assertEq(queue.finalize(_ids(id)), 1);
    }

    /// @dev The instant lane pays only right after a refresh: an unrefreshed slash cannot be dodged for the fee.
    function test_instant_refusedWhenTheRefreshIsOld() public {
        _depositViaEntry(alice, RE, 100 ether);
        vm.warp(block.timestamp + queue.INSTANT_MAX_REFRESH_AGE() + 1);
        bytes memory stale =
            abi.encodeWithSelector(IVaultTypes.MeasurementStale.selector, vault.lastFullRefresh(), queue.INSTANT_MAX_REFRESH_AGE());
        vm.prank(alice);
        vm.expectRevert(stale);
        entries[RE].instantRedeem(1 ether, alice, alice, 0);
    }
}
