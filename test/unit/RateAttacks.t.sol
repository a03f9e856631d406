// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {BaseTest} from "../BaseTest.sol";
import {RewardsTreeBuilder} from "./eigenlayer/RewardsCoordinator.t.sol";
import {IRewardsCoordinatorTypes} from "../../contracts/interfaces/eigenlayer/IRewardsCoordinator.sol";
import {IVaultTypes} from "../../contracts/interfaces/IVault.sol";
import {IAssetRegistry} from "../../contracts/interfaces/IAssetRegistry.sol";
import {DevnetPriceFeed} from "../../contracts/devnet/tokens/DevnetPriceFeed.sol";

/// @dev "A rate no one can game": each attack below netted the attacker most of the holders' gain on the old vault
/// (deposits priced at the cached total, the APR cap widened by deposits, stale books while a price was out of
/// bounds, stETH priced at 1 whatever the market). Each test fails on that code.
contract RateAttacksTest is BaseTest, RewardsTreeBuilder {
    /// @dev The holders' side of the reward sandwich: 1,000 rETH at 1.1 = 1,100 ETH, books settled.
    function _holders(address asset, uint256 amount) internal {
        _deposit(alice, asset, amount);
        _settleStream();
    }

    /// @dev The keeper claims `amount` rETH of EigenLayer rewards for delegator 0.
    function _claimRethReward(uint256 amount) internal {
        rETH.mint(address(rewards), amount);
        IRewardsCoordinatorTypes.TokenTreeMerkleLeaf[] memory leaves = new IRewardsCoordinatorTypes.TokenTreeMerkleLeaf[](1);
        leaves[0] = IRewardsCoordinatorTypes.TokenTreeMerkleLeaf(IERC20(address(rETH)), amount);
        bytes32[] memory tokenHashes = new bytes32[](1);
        tokenHashes[0] = rewards.calculateTokenLeafHash(leaves[0]);
        bytes32[] memory earnerHashes = new bytes32[](1);
        earnerHashes[0] = rewards.calculateEarnerLeafHash(
            IRewardsCoordinatorTypes.EarnerTreeMerkleLeaf(delegators[0], _merkleize(tokenHashes))
        );
        rewards.submitRoot(_merkleize(earnerHashes), uint32(block.timestamp - 1));
        IRewardsCoordinatorTypes.RewardsMerkleClaim memory claim;
        claim.rootIndex = uint32(rewards.getDistributionRootsLength() - 1);
        claim.earnerTreeProof = _proof(earnerHashes, 0);
        claim.earnerLeaf = IRewardsCoordinatorTypes.EarnerTreeMerkleLeaf(delegators[0], _merkleize(tokenHashes));
        claim.tokenIndices = new uint32[](1);
        claim.tokenTreeProofs = new bytes[](1);
        claim.tokenTreeProofs[0] = _proof(tokenHashes, 0);
        claim.tokenLeaves = leaves;
        vm.prank(keeper);
        vault.claimRewards(delegators[0], claim);
    }

    /// @dev What the attacker's trETH is worth once every pending gain has streamed in, minus what he paid.
    function _profitAfterStream(uint256 shares, uint256 paid) internal returns (int256) {
        _sync();
        vm.warp(block.timestamp + 3 * 365 days);
        vault.refresh(type(uint256).max);
        assertEq(vault.totalAssets(), vault.markedAssets(), "the stream has ended");
        return int256(vault.convertToAssets(shares)) - int256(paid);
    }

    /// @dev Right after the keeper claims a reward (2.2 ETH on 1,100 ETH) a whale deposits 22,000 ETH of rETH and
    /// stays until the gain is booked. On the old vault he took 86% of the reward. Now he pays for it.
    function test_rewardSandwich_attackerCapturesUnderOnePercent() public {
        _holders(address(rETH), 1_000 ether);
        _claimRethReward(2 ether); // 2.2 ETH
        uint256 paid = 22_000 ether;
        uint256 shares = _deposit(attacker, address(rETH), 20_000 ether);
        int256 profit = _profitAfterStream(shares, paid);
        assertLt(profit, int256(0.022 ether), "the attacker captured 1% or more of the reward");
        // The holders keep the reward, net of the 10% fee.
        assertGe(vault.convertToAssets(trETH.balanceOf(alice)), 1_100 ether + 1.98 ether - 0.01 ether);
    }

    /// @dev After Lido's daily rebase, before the keeper's sync, a whale deposits (stETH or another LST). On the old
    /// vault he took 82% of the day's yield, every day.
    function test_rebaseSandwich_attackerCapturesUnderOnePercent() public {
        _holders(address(stETH), 10_000 ether);
        uint256 before = vault.markedAssets();
        stETH.accrue(1); // a day of Lido yield, roughly
        uint256 gain = vault.markedAssets() - before;
        assertGt(gain, 0.9 ether);
        uint256 paid = 110_000 ether;
        uint256 shares = _deposit(attacker, address(rETH), 100_000 ether);
        int256 profit = _profitAfterStream(shares, paid);
        assertLt(profit, int256(gain / 100), "the attacker captured 1% or more of the rebase");
    }

    /// @dev The bound in the README: he captures at most f * max(0, G - c*B) of a held-but-unbooked gain G.
    function testFuzz_jitCapture_boundedByThePremiumCap(uint16 gainBps, uint256 whale) public {
        _holders(address(rETH), 1_000 ether);
        gainBps = uint16(bound(gainBps, 1, 1_000)); // up to 10% of the booked total
        whale = bound(whale, 1 ether, 100_000 ether);
        uint256 booked = vault.totalAssets();
        rETH.accrue(gainBps);
        uint256 gain = vault.markedAssets() - booked;
        uint256 paid = whale * registry.price(address(rETH)) / 1e18;
        uint256 shares = _deposit(attacker, address(rETH), whale);
        uint256 f = shares * 1e18 / trETH.totalSupply();
        uint256 c = vault.rateParams().maxDepositPremiumBps;
        uint256 uncharged = gain > booked * c / 10_000 ? gain - booked * c / 10_000 : 0;
        int256 profit = _profitAfterStream(shares, paid);
        assertLe(profit, int256(f * uncharged / 1e18 + 1e9), "captured more than the stated bound");
    }

    /// @dev Deposits stop in every asset while any held asset's price is out of bounds: the loss cannot land on
    /// newcomers after governance widens the bounds. And the books cannot be synced or marked then.
    function test_priceOutOfBounds_stopsDepositsInEveryAsset() public {
        _holders(address(stETH), 100 ether);
        _deposit(bob, address(rETH), 10 ether);
        rETH.setExchangeRate(0.9e18); // below its [1, 2] bounds
        _mintLst(address(stETH), bob, 10 ether);
        vm.startPrank(bob);
        IERC20(address(stETH)).approve(address(vault), 10 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IAssetRegistry.PriceOutOfBounds.selector, address(rETH), 0.9e18, 1e18, 2e18)
        );
        vault.deposit(address(stETH), 10 ether, 0, bob);
        vm.stopPrank();
        vm.expectRevert();
        vault.previewDeposit(address(stETH), 1 ether);
    }

    /// @dev Keeper lag after a fall: the first deposit books the loss before pricing itself.
    function test_keeperLag_theNextDepositBooksTheLossFirst() public {
        _holders(address(rETH), 100 ether); // 110 ETH
        rETH.setExchangeRate(1.0e18); // 100 ETH, nobody synced
        assertEq(vault.totalAssets(), 110 ether);
        uint256 shares = _deposit(bob, address(stETH), 100 ether);
        assertApproxEqAbs(vault.totalAssets(), 200 ether, 3, "the loss was booked before the deposit");
        assertApproxEqAbs(vault.convertToAssets(shares), 100 ether, 3, "the newcomer does not share an old loss");
    }

    function test_depositsStop_whenTheMeasurementIsStale() public {
        _holders(address(rETH), 10 ether);
        vm.warp(block.timestamp + vault.rateParams().maxMeasurementAge + 1);
        _mintLst(address(rETH), bob, 1 ether);
        vm.startPrank(bob);
        IERC20(address(rETH)).approve(address(vault), 1 ether);
        vm.expectRevert(
            abi.encodeWithSelector(
                IVaultTypes.MeasurementStale.selector, vault.lastFullRefresh(), vault.rateParams().maxMeasurementAge
            )
        );
        vault.deposit(address(rETH), 1 ether, 0, bob);
        vm.stopPrank();
        // Anyone refreshes the holdings (in batches that resume): deposits open again.
        (uint256 refreshed, bool done) = vault.refresh(2);
        assertEq(refreshed, 2);
        assertFalse(done);
        (refreshed, done) = vault.refresh(2);
        assertEq(refreshed, 1);
        assertTrue(done);
        vm.prank(bob);
        vault.deposit(address(rETH), 1 ether, 0, bob);
    }

    /// @dev A stETH depeg: deposits are priced at the market when it is a little lower, refused when far apart or
    /// when the feed is stale. Redeeming rETH for discounted stETH is no longer a free swap.
    function test_stEthDepeg_pricedAtMarketOrRefused() public {
        _holders(address(rETH), 100 ether);
        DevnetPriceFeed feed = new DevnetPriceFeed(address(this), "stETH / ETH", 0.99e18);
        registry.setMarketGuard(
            address(stETH), IAssetRegistry.MarketGuard({feed: address(feed), maxAge: 1 days, maxDivergenceBps: 200})
        );
        // 1% below Lido's rate: priced at the market.
        uint256 shares = _deposit(bob, address(stETH), 10 ether);
        assertApproxEqAbs(vault.convertToAssets(shares), 9.9 ether, 3);
        // 5% below: refused.
        feed.setAnswer(0.95e18);
        _mintLst(address(stETH), bob, 10 ether);
        vm.startPrank(bob);
        IERC20(address(stETH)).approve(address(vault), 10 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IAssetRegistry.MarketPriceDiverged.selector, address(stETH), 1e18, 0.95e18, 200)
        );
        vault.deposit(address(stETH), 10 ether, 0, bob);
        vm.stopPrank();
        // A stale feed stops stETH deposits too; other assets are unaffected.
        feed.setAnswer(1e18);
        vm.warp(block.timestamp + 1 days + 1);
        vault.refresh(type(uint256).max);
        vm.prank(bob);
        vm.expectRevert();
        vault.deposit(address(stETH), 10 ether, 0, bob);
        _deposit(bob, address(rETH), 1 ether);
    }

    /// @dev The rise cap is fixed at the sync on the booked total: a deposit after it cannot speed the rate up.
    function test_riseCap_doesNotMoveWithDeposits() public {
        _holders(address(rETH), 1_000 ether);
        rETH.accrue(500);
        _sync();
        uint256 speed = vault.books().releasePerSecond;
        uint256 rate0 = vault.rate();
        _deposit(attacker, address(stETH), 50_000 ether);
        assertEq(vault.books().releasePerSecond, speed, "the deposit widened the cap");
        assertEq(vault.rate(), rate0, "a deposit moved the rate");
        vm.warp(block.timestamp + 30 days);
        // 10% APR on the pre-deposit books over 30 days.
        assertLe(vault.rate() - rate0, rate0 * 1_000 * 30 days / (10_000 * 365 days) + 1);
    }
}
