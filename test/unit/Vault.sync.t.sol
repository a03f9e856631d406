// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {BaseTest} from "../BaseTest.sol";
import {IVault, IVaultTypes} from "../../contracts/interfaces/IVault.sol";
import {SharesMathLib} from "../../contracts/libraries/SharesMathLib.sol";

contract VaultSyncTest is BaseTest {
    function setUp() public override {
        super.setUp();
        // 100 rETH at 1.1 ETH: 110 ETH of total assets, 110 trETH.
        _deposit(alice, address(rETH), 100 ether);
    }

    function test_sync_capsARise_andCarriesTheExcess() public {
        rETH.accrue(500); // 1.1 -> 1.155: measured 115.5 ETH, a 5% rise
        vm.warp(block.timestamp + 73 days); // a fifth of a year: 10% APR allows 2% = 2.2 ETH

        uint256 total = _sync();
        assertEq(vault.markedAssets(), 115.5 ether);
        assertEq(total, 112.2 ether, "rise capped at 10% APR over 73 days");

        // Fee: 10% of the 2.2 ETH rise, minted as trETH worth 0.22 ETH at the post-fee rate.
        uint256 feeShares = trETH.balanceOf(treasury);
        assertEq(feeShares, SharesMathLib.toSharesDown(0.22 ether, 112.2 ether - 0.22 ether, 110 ether));
        assertApproxEqAbs(vault.convertToAssets(feeShares), 0.22 ether, 2);
        // Holders keep 90% of the rise: 110 -> 111.98 ETH for 110 trETH.
        // (The 1 gwei of virtual assets takes its pro-rata crumb: within 1e-9.)
        assertApproxEqRel(vault.convertToAssets(trETH.balanceOf(alice)), 111.98 ether, 1e9);

        // The excess (3.3 - 2.2 = 1.1 ETH) is not lost: the next 73 days apply 2% of 112.2 = 2.244 ETH, capped
        // by what is left (1.1 + nothing new) -> 115.5.
        vm.warp(block.timestamp + 73 days);
        assertEq(_sync(), 114.444 ether);
        vm.warp(block.timestamp + 73 days);
        assertEq(_sync(), 115.5 ether);
    }

    function test_sync_appliesAFallAtOnce_withoutFee() public {
        rETH.setExchangeRate(1.0e18); // the LST loses 1/11 of its value
        vm.expectEmit(address(vault));
        emit IVaultTypes.RateSynced(110 ether, 100 ether, 100 ether, 1e18, uint256(100e18 + 1e9) * 1e18 / (110e18 + 1e9), 0);
        assertEq(_sync(), 100 ether);
        assertEq(trETH.balanceOf(treasury), 0);
    }

    function test_sync_twiceInOneBlock_takesNoSecondFee() public {
        rETH.accrue(100);
        vm.warp(block.timestamp + 365 days);
        _sync();
        uint256 fee = trETH.balanceOf(treasury);
        assertGt(fee, 0);
        _sync();
        assertEq(trETH.balanceOf(treasury), fee);
    }

    function testFuzz_sync_neverRaisesMoreThanTheCap(uint16 accrueBps, uint32 elapsed) public {
        accrueBps = uint16(bound(accrueBps, 0, 5_000));
        elapsed = uint32(bound(elapsed, 0, 2 * 365 days));
        uint256 before = vault.totalAssets();
        rETH.accrue(accrueBps);
        vm.warp(block.timestamp + elapsed);
        uint256 total = _sync();
        uint256 cap = before * 1_000 * elapsed / (10_000 * 365 days);
        assertLe(total - before, cap);
        assertLe(total, vault.markedAssets());
        // The fee never exceeds 10% of the applied rise.
        assertLe(vault.convertToAssets(trETH.balanceOf(treasury)), (total - before) / 10 + 1);
    }

    function test_rateFeed_reportsTheLastSync() public {
        (uint80 round0, int256 answer0,, uint256 updated0,) = d.rateFeed.latestRoundData();
        assertEq(answer0, 1e18);
        assertEq(round0, 1);
        rETH.setExchangeRate(1.0e18);
        vm.warp(block.timestamp + 1 hours);
        _sync();
        (uint80 round1, int256 answer1,, uint256 updated1, uint80 answeredIn) = d.rateFeed.latestRoundData();
        assertEq(round1, 2);
        assertEq(answeredIn, 2);
        assertEq(updated1, block.timestamp);
        assertGt(updated1, updated0);
        assertEq(uint256(answer1), vault.getRate());
        assertLt(answer1, answer0);
        assertEq(d.rateFeed.decimals(), 18);
    }

    /// @dev Fee over-minting regression: after a loss, the recovery back to the old rate is not yield and
    /// pays no fee; only the rise above the previous high-water rate does.
    function test_sync_noFeeOnRecoveryFromALoss() public {
        rETH.setExchangeRate(1.0e18); // 110 -> 100 ETH
        _sync();
        uint256 hwm = vault.feeHighWaterRate();
        assertEq(hwm, 1e18);
        rETH.setExchangeRate(1.1e18); // back to 110 ETH
        vm.warp(block.timestamp + 365 days);
        assertEq(_sync(), 110 ether);
        assertEq(trETH.balanceOf(treasury), 0, "fee charged on a recovery");
        // Above the old high-water mark the fee applies again: 110 -> 115.5, fee on 5.5 ETH.
        rETH.setExchangeRate(1.155e18);
        vm.warp(block.timestamp + 365 days);
        assertEq(_sync(), 115.5 ether);
        assertApproxEqAbs(vault.convertToAssets(trETH.balanceOf(treasury)), 0.55 ether, 2);
        assertGt(vault.feeHighWaterRate(), hwm);
    }

    function testFuzz_sync_feeNeverExceedsRiseAboveHighWater(uint16 fallBps, uint16 riseBps) public {
        uint256 start = 1.1e18;
        rETH.setExchangeRate(start - start * bound(fallBps, 0, 900) / 10_000);
        _sync();
        rETH.setExchangeRate(start + start * bound(riseBps, 0, 5_000) / 10_000);
        vm.warp(block.timestamp + 10 * 365 days);
        uint256 total = _sync();
        // The vault started at 110 ETH for 110 trETH (rate 1): only value above that is charged.
        uint256 above = total > 110 ether ? total - 110 ether : 0;
        assertLe(vault.convertToAssets(trETH.balanceOf(treasury)), above / 10 + 2);
    }
}
