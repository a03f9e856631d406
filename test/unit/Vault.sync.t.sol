// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {BaseTest} from "../BaseTest.sol";
import {IVault, IVaultTypes} from "../../contracts/interfaces/IVault.sol";
import {SharesMathLib} from "../../contracts/libraries/SharesMathLib.sol";

/// @dev The booked total: gains streamed (window, APR cap on the booked total), losses at once, fee above the
/// high-water rate. Setup: 100 rETH at 1.1 ETH, 110 ETH booked, 110 trETH; 10% APR cap, 10% fee, 7-day window.
contract VaultSyncTest is BaseTest {
    uint256 internal constant APR_PER_SECOND_OF_110 = uint256(110 ether) * 1_000 / (10_000 * 365 days);

    function setUp() public override {
        super.setUp();
        _deposit(alice, address(rETH), 100 ether);
    }

    function test_sync_streamsAGain_atTheAprCap() public {
        rETH.accrue(500); // 1.1 -> 1.155: marked 115.5 ETH, a 5% rise
        assertEq(vault.markedAssets(), 115.5 ether);
        assertEq(vault.totalAssets(), 110 ether, "a price rise is not booked before a sync");

        uint256 rateBefore = vault.rate();
        _sync();
        // The fee (10% of the 5.5 ETH gain) is minted at once as trETH worth 0.55 ETH once the gain has streamed;
        // the rate does not move, and the gain streams to everyone, net of it.
        assertEq(vault.rate(), rateBefore, "the fee does not move the rate");
        uint256 feeShares = trETH.balanceOf(treasury);
        assertEq(feeShares, SharesMathLib.toSharesDown(0.55 ether, 115.5 ether - 0.55 ether, 110 ether));
        IVaultTypes.Books memory b = vault.books();
        assertEq(b.booked + b.pending, 115.5 ether);
        // 5.5 ETH over 7 days would be 28% a year: the 10% APR cap on the booked total binds.
        assertEq(b.releasePerSecond, b.booked * 1_000 / (10_000 * 365 days));

        vm.warp(block.timestamp + 73 days); // a fifth of a year: 2% of the booked total
        assertApproxEqAbs(vault.totalAssets(), b.booked * 102 / 100, 73 days);
        vm.warp(block.timestamp + 2 * 365 days);
        assertEq(vault.totalAssets(), 115.5 ether, "the stream ends at the mark");
        // Alice kept 90% of the rise, the treasury 10%.
        assertApproxEqRel(vault.convertToAssets(trETH.balanceOf(alice)), 114.95 ether, 1e9);
        assertApproxEqRel(vault.convertToAssets(feeShares), 0.55 ether, 1e9);
    }

    function test_sync_streamsASmallGain_overTheWindow() public {
        rETH.accrue(10); // +0.11 ETH: well under the APR cap over a week
        _sync();
        IVaultTypes.Books memory b = vault.books();
        uint256 window = vault.rateParams().streamWindow;
        assertEq(b.releasePerSecond, (b.pending + window - 1) / window);
        vm.warp(block.timestamp + window / 2);
        assertApproxEqAbs(vault.totalAssets(), b.booked + b.pending / 2, 1e6);
        vm.warp(block.timestamp + window / 2);
        assertEq(vault.totalAssets(), 110.11 ether);
        vm.warp(block.timestamp + window);
        assertEq(vault.totalAssets(), 110.11 ether, "never beyond the mark");
    }

    function test_sync_appliesAFallAtOnce_withoutFee() public {
        rETH.setExchangeRate(1.0e18); // the LST loses 1/11 of its value
        vm.expectEmit(address(vault));
        emit IVaultTypes.LossBooked(address(this), 110 ether, 100 ether, 1e18, uint256(100e18 + 1e9) * 1e18 / (110e18 + 1e9));
        vault.refresh(10);
        vm.prank(keeper);
        assertEq(vault.sync(), 100 ether);
        assertEq(trETH.balanceOf(treasury), 0);
    }

    /// @dev Lenders and holders do not wait for the keeper: anyone books a fall, and the feed falls with it.
    function test_bookLoss_byAnyone_feedFallsWithIt() public {
        (uint80 round0, int256 answer0,,,) = d.rateFeed.latestRoundData();
        rETH.setExchangeRate(1.0e18);
        assertEq(vault.rate(), 1e18, "the rate holds until someone books the loss");
        vm.prank(attacker);
        assertEq(vault.bookLoss(), 10 ether);
        assertEq(vault.totalAssets(), 100 ether);
        (uint80 round1, int256 answer1,, uint256 updated1,) = d.rateFeed.latestRoundData();
        assertEq(round1, round0 + 1);
        assertEq(updated1, block.timestamp);
        assertLt(answer1, answer0);
        assertEq(uint256(answer1), vault.rate());
        // It never books a rise, nor a fee.
        rETH.setExchangeRate(1.2e18);
        vm.prank(attacker);
        assertEq(vault.bookLoss(), 0);
        assertEq(vault.totalAssets(), 100 ether);
        assertEq(trETH.balanceOf(treasury), 0);
    }

    function test_sync_twiceInOneBlock_takesNoSecondFee() public {
        rETH.accrue(100);
        _sync();
        vm.warp(block.timestamp + 365 days);
        _sync();
        uint256 fee = trETH.balanceOf(treasury);
        assertGt(fee, 0);
        _sync();
        assertEq(trETH.balanceOf(treasury), fee);
    }

    function testFuzz_sync_rateNeverRisesFasterThanTheCap(uint16 accrueBps, uint32 elapsed, uint32 firstSync) public {
        accrueBps = uint16(bound(accrueBps, 0, 5_000));
        elapsed = uint32(bound(elapsed, 0, 2 * 365 days));
        firstSync = uint32(bound(firstSync, 0, elapsed));
        uint256 before = vault.rate();
        rETH.accrue(accrueBps);
        vm.warp(block.timestamp + firstSync);
        _sync();
        vm.warp(block.timestamp + elapsed - firstSync);
        uint256 rateAfter = vault.rate();
        // The speed is fixed at the sync on the booked total, so no deposit can widen it.
        assertLe(rateAfter - before, before * 1_000 * elapsed / (10_000 * 365 days) + 1);
        assertLe(vault.totalAssets(), vault.markedAssets());
    }

    /// @dev Fee over-minting regression: after a loss, the recovery back to the old rate is not yield and pays
    /// no fee; only the rise above the previous high-water rate does.
    function test_sync_noFeeOnRecoveryFromALoss() public {
        rETH.setExchangeRate(1.0e18); // 110 -> 100 ETH
        _sync();
        uint256 hwm = vault.feeHighWaterRate();
        assertEq(hwm, 1e18);
        rETH.setExchangeRate(1.1e18); // back to 110 ETH
        _sync();
        vm.warp(block.timestamp + 2 * 365 days);
        _sync();
        assertEq(vault.totalAssets(), 110 ether);
        assertEq(trETH.balanceOf(treasury), 0, "fee charged on a recovery");
        rETH.setExchangeRate(1.155e18); // above the old high-water mark: fee on 5.5 ETH
        _sync();
        vm.warp(block.timestamp + 2 * 365 days);
        _sync();
        assertEq(vault.totalAssets(), 115.5 ether);
        assertApproxEqAbs(vault.convertToAssets(trETH.balanceOf(treasury)), 0.55 ether, 2);
        assertGt(vault.feeHighWaterRate(), hwm);
    }

    function testFuzz_sync_feeNeverExceedsRiseAboveHighWater(uint16 fallBps, uint16 riseBps) public {
        uint256 start = 1.1e18;
        rETH.setExchangeRate(start - start * bound(fallBps, 0, 900) / 10_000);
        _sync();
        rETH.setExchangeRate(start + start * bound(riseBps, 0, 5_000) / 10_000);
        _sync();
        vm.warp(block.timestamp + 10 * 365 days);
        _sync();
        uint256 total = vault.totalAssets();
        uint256 above = total > 110 ether ? total - 110 ether : 0;
        assertLe(vault.convertToAssets(trETH.balanceOf(treasury)), above / 10 + 2);
    }

    function test_setRateParams_boundedAndAdminOnly() public {
        vm.expectRevert(abi.encodeWithSelector(IVaultTypes.InvalidRateParams.selector, 60, 1 days));
        vault.setRateParams(IVaultTypes.RateParams({streamWindow: 60, maxMeasurementAge: 1 days, maxDepositPremiumBps: 0}));
        vm.prank(keeper);
        vm.expectRevert();
        vault.setRateParams(IVaultTypes.RateParams({streamWindow: 1 days, maxMeasurementAge: 1 days, maxDepositPremiumBps: 0}));
    }

    function test_rateSnapshot_forCapoAdapters() public {
        rETH.accrue(500);
        _sync();
        (uint256 snapshotRate, uint256 at, uint256 growth) = vault.rateSnapshot();
        assertEq(snapshotRate, vault.rate());
        assertEq(at, block.timestamp);
        assertEq(growth, 1_000);
        vm.warp(block.timestamp + 30 days);
        // The live rate never outgrows the snapshot by more than the enforced yearly growth.
        assertLe(vault.rate(), snapshotRate + snapshotRate * growth * 30 days / (10_000 * 365 days) + 1);
    }
}
