// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {BaseTest} from "../BaseTest.sol";
import {ReentrantToken__Mock} from "../mocks/ReentrantToken__Mock.sol";
import {PriceAdapter__Mock} from "../mocks/PriceAdapter__Mock.sol";
import {IStrategy} from "../../contracts/interfaces/eigenlayer/IStrategy.sol";
import {IAllocationManagerTypes} from "../../contracts/interfaces/eigenlayer/IAllocationManager.sol";
import {IDelegationManagerTypes} from "../../contracts/interfaces/eigenlayer/IDelegationManager.sol";
import {IAssetRegistry} from "../../contracts/interfaces/IAssetRegistry.sol";
import {IVault} from "../../contracts/interfaces/IVault.sol";
import {IWithdrawalQueue} from "../../contracts/interfaces/IWithdrawalQueue.sol";

/// @dev Regression tests for the bug classes that hurt LRTs: donations moving the rate, withdrawal value
/// locked at the wrong time, fee over-minting, stale prices, re-entrancy through a hostile token, and queued
/// EigenLayer withdrawals dropping out of the books or out of slashing.
contract RegressionsTest is BaseTest {
    uint256 internal constant APR_BPS = 1_000;
    uint256 internal constant FEE_BPS = 1_000;

    // ---------------------------------------------------------------- helpers

    function _request(address user, uint256 shares, address asset) internal returns (uint256 id) {
        vm.startPrank(user);
        trETH.approve(address(queue), shares);
        id = queue.requestWithdrawal(shares, asset, user);
        vm.stopPrank();
    }

    function _finalize() internal returns (uint256) {
        vm.prank(keeper);
        return queue.finalize(type(uint256).max);
    }

    /// @dev The AVS slashes `operators[op]` by `wad` of its allocation on (avs, setId), in every strategy.
    function _slash(uint256 op, address avs, uint32 setId, uint256 wad) internal {
        IStrategy[] memory sorted = new IStrategy[](4);
        for (uint256 i; i < 4; ++i) sorted[i] = strategies[i];
        for (uint256 i; i < 4; ++i) {
            for (uint256 j = i + 1; j < 4; ++j) {
                if (address(sorted[j]) < address(sorted[i])) (sorted[i], sorted[j]) = (sorted[j], sorted[i]);
            }
        }
        uint256[] memory wads = new uint256[](4);
        for (uint256 i; i < 4; ++i) wads[i] = wad;
        vm.prank(avs);
        el.allocationManager.slashOperator(
            avs,
            IAllocationManagerTypes.SlashingParams({
                operator: operators[op],
                operatorSetId: setId,
                strategies: sorted,
                wadsToSlash: wads,
                description: "regression"
            })
        );
    }

    function _maxRise(uint256 total, uint256 elapsed) internal pure returns (uint256) {
        return total * APR_BPS * elapsed / (10_000 * 365 days);
    }

    // ---------------------------------------------------------------- donations

    /// @dev A plain transfer of an LST to the vault is not counted: not in the rate, not at the next sync.
    function testFuzz_donationToVault_doesNotMoveRate(uint256 amount, uint256 donation, uint8 assetIndex) public {
        address asset = assets[assetIndex % 4];
        amount = bound(amount, 1 ether, MAX_DEPOSIT);
        donation = bound(donation, MIN_DEPOSIT, MAX_DEPOSIT);
        _deposit(alice, asset, amount);
        // Minted first: minting stETH moves Lido's share rate by its own rounding, which is not the donation.
        _mintLst(asset, attacker, donation);
        skip(1 days);
        _sync();
        uint256 rateBefore = vault.rate();
        uint256 totalBefore = vault.totalAssets();
        uint256 measuredBefore = vault.measureTotalAssets();
        uint256 feeShares = trETH.balanceOf(treasury);
        uint256 preview = vault.previewDeposit(asset, 1 ether);

        vm.startPrank(attacker);
        IERC20(asset).transfer(address(vault), IERC20(asset).balanceOf(attacker));
        vm.stopPrank();

        assertEq(vault.rate(), rateBefore);
        assertEq(vault.measureTotalAssets(), measuredBefore);
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
        // Half only: the risk check rounds stake up against the cached TVL, so 100% can miss a 100% cap by a wei.
        _allocate(op % 3, asset, vault.idleBalance(asset) / 2);
        _mintLst(asset, attacker, donation);
        skip(1 days);
        _sync();
        uint256 rateBefore = vault.rate();
        uint256 totalBefore = vault.totalAssets();
        uint256 measuredBefore = vault.measureTotalAssets();

        vm.startPrank(attacker);
        IERC20(asset).transfer(delegator, IERC20(asset).balanceOf(attacker));
        vm.stopPrank();

        assertEq(vault.measureTotalAssets(), measuredBefore);
        skip(30 days);
        _sync();
        assertEq(vault.totalAssets(), totalBefore);
        assertEq(vault.rate(), rateBefore);
    }

    /// @dev A donation into the EigenLayer strategy does raise the delegators' underlying, but a sync applies at
    /// most the APR bound over the elapsed time, and the fee is taken on that applied rise only.
    function testFuzz_donationToStrategy_cappedByAprBound(uint256 donation, uint256 elapsed) public {
        donation = bound(donation, 1 ether, 1_000 ether);
        elapsed = bound(elapsed, 1 hours, 30 days);
        _deposit(alice, address(rETH), 100 ether);
        _allocate(0, address(rETH), 100 ether);
        _sync();
        uint256 totalBefore = vault.totalAssets();
        uint256 supply = vault.effectiveSupply();

        rETH.mint(attacker, donation);
        vm.prank(attacker);
        rETH.transfer(address(strategies[2]), donation);
        assertGt(vault.measureTotalAssets(), totalBefore + _maxRise(totalBefore, elapsed), "donation under the cap");

        skip(elapsed);
        _sync();
        uint256 rise = _maxRise(totalBefore, elapsed);
        assertEq(vault.totalAssets(), totalBefore + rise);
        uint256 fee = rise * FEE_BPS / 10_000;
        assertEq(trETH.balanceOf(treasury), fee * (supply + 1e9) / (totalBefore + rise - fee + 1e9));
        // The rate rose by at most the APR bound.
        assertLe(vault.rate(), 1e18 + 1e18 * APR_BPS * elapsed / (10_000 * 365 days) + 1);
    }

    /// @dev An LST's own rate jumping (a manipulated or faulty oracle, inside the registry bounds) moves the
    /// trETH rate by at most the APR bound per elapsed time, whatever the jump.
    function testFuzz_lstRateJump_cappedByAprBound(uint256 newRate, uint256 elapsed) public {
        newRate = bound(newRate, 1.1e18, 2e18);
        elapsed = bound(elapsed, 1, 365 days);
        _deposit(alice, address(rETH), 100 ether);
        _allocate(1, address(rETH), 50 ether);
        skip(1 days);
        _sync();
        uint256 rateBefore = vault.rate();
        uint256 totalBefore = vault.totalAssets();

        rETH.setExchangeRate(newRate);
        skip(elapsed);
        _sync();
        uint256 measuredRise = vault.measureTotalAssets() - totalBefore;
        uint256 rise = _maxRise(totalBefore, elapsed);
        if (measuredRise < rise) rise = measuredRise;
        assertEq(vault.totalAssets(), totalBefore + rise);
        assertLe(vault.rate(), rateBefore + rateBefore * APR_BPS * elapsed / (10_000 * 365 days) + 1);
    }

    // ---------------------------------------------------------------- withdrawal value locked at the wrong time

    /// @dev Requested, then slashed, then finalized: the request bears the loss (finalize syncs first, so nobody
    /// exits ahead of a loss EigenLayer already knows of).
    function test_withdrawal_requestThenSlashThenFinalize_paysPostSlash() public {
        _deposit(alice, address(rETH), 100 ether);
        _allocate(0, address(rETH), 90 ether);
        _sync();
        uint256 id = _request(alice, 5 ether, address(rETH));
        uint256 valueAtRequest = queue.getRequest(id).valueAtRequest;

        _slash(0, avsA, 0, 0.1e18);
        // No sync in between: finalize must see the loss on its own.
        uint256 measured = vault.measureTotalAssets();
        uint256 postSlashValue = 5 ether * (measured + 1e9) / (vault.effectiveSupply() + 1e9);
        assertLt(postSlashValue, valueAtRequest);
        assertEq(_finalize(), 1);

        IWithdrawalQueue.Request memory r = queue.getRequest(id);
        assertEq(vault.totalAssets() + r.valueFinalized, measured, "finalize did not sync the loss");
        assertEq(r.valueFinalized, postSlashValue);
        assertEq(r.payout, postSlashValue * 1e18 / registry.price(address(rETH)));
        vm.prank(alice);
        assertEq(queue.claim(id), r.payout);
    }

    /// @dev Requested, then yield, then finalized: the request is paid its value at request; the yield stays
    /// with those who did not leave.
    function test_withdrawal_requestThenYieldThenFinalize_paysValueAtRequest() public {
        _deposit(alice, address(rETH), 100 ether);
        _deposit(bob, address(rETH), 100 ether);
        uint256 id = _request(alice, trETH.balanceOf(alice), address(rETH));
        uint256 valueAtRequest = queue.getRequest(id).valueAtRequest;

        rETH.accrue(50);
        skip(30 days);
        assertEq(_finalize(), 1);
        IWithdrawalQueue.Request memory r = queue.getRequest(id);
        assertGt(vault.convertToAssets(r.shares), valueAtRequest, "no yield to keep");
        assertEq(r.valueFinalized, valueAtRequest);
        assertEq(r.payout, valueAtRequest * 1e18 / registry.price(address(rETH)));
        assertLt(r.payout, 100 ether);
        // Bob keeps the whole rise less the fee.
        assertGt(vault.convertToAssets(trETH.balanceOf(bob)), 110 ether);
    }

    // ---------------------------------------------------------------- fee over-minting

    /// @dev Two syncs in one block (a keeper sync, then finalize's own) mint one fee.
    function testFuzz_fee_notMintedTwiceInOneBlock(uint16 accrueBps, uint256 elapsed) public {
        _deposit(alice, address(rETH), 100 ether);
        rETH.accrue(bound(accrueBps, 1, 1_000));
        skip(bound(elapsed, 1 hours, 365 days));
        _sync();
        uint256 fee = trETH.balanceOf(treasury);
        uint256 total = vault.totalAssets();
        assertGt(fee, 0);
        _sync();
        _finalize();
        assertEq(trETH.balanceOf(treasury), fee);
        assertEq(vault.totalAssets(), total);
    }

    /// @dev A rise far above the bound: the fee is 10% of the applied, capped rise, never of the measured one;
    /// the excess is applied (and charged) by later syncs, once.
    function test_fee_onlyOnAppliedCappedRise() public {
        _deposit(alice, address(rETH), 100 ether);
        uint256 supply = vault.effectiveSupply();
        rETH.accrue(5_000);
        uint256 measured = vault.measureTotalAssets();
        uint256 total = vault.totalAssets();

        skip(1 days);
        _sync();
        uint256 rise = _maxRise(total, 1 days);
        uint256 fee = rise * FEE_BPS / 10_000;
        assertEq(vault.totalAssets(), total + rise);
        uint256 feeShares = trETH.balanceOf(treasury);
        assertEq(feeShares, fee * (supply + 1e9) / (total + rise - fee + 1e9));
        assertApproxEqAbs(vault.convertToAssets(feeShares), fee, 2);
        assertLt(vault.convertToAssets(feeShares), (measured - total) * FEE_BPS / 10_000 / 100);

        // The next day applies the next slice of the excess, with its own fee, on the new total.
        total = vault.totalAssets();
        supply = vault.effectiveSupply();
        skip(1 days);
        _sync();
        uint256 rise2 = _maxRise(total, 1 days);
        uint256 fee2 = rise2 * FEE_BPS / 10_000;
        assertEq(vault.totalAssets(), total + rise2);
        assertEq(trETH.balanceOf(treasury) - feeShares, fee2 * (supply + 1e9) / (total + rise2 - fee2 + 1e9));
    }

    // ---------------------------------------------------------------- stale price

    /// @dev A price outside its bounds blocks deposits, syncs and finalization (which syncs) with PriceOutOfBounds.
    function testFuzz_priceOutOfBounds_blocksDepositsAndSyncs(uint256 badPrice, bool tooHigh) public {
        _deposit(alice, address(rETH), 10 ether);
        badPrice = tooHigh ? bound(badPrice, 2e18 + 1, 100e18) : bound(badPrice, 1, 1e18 - 1);
        rETH.setExchangeRate(badPrice);
        bytes memory err =
            abi.encodeWithSelector(IAssetRegistry.PriceOutOfBounds.selector, address(rETH), badPrice, 1e18, 2e18);

        _mintLst(address(rETH), bob, 1 ether);
        vm.startPrank(bob);
        rETH.approve(address(vault), 1 ether);
        vm.expectRevert(err);
        vault.deposit(address(rETH), 1 ether, 0, bob);
        vm.stopPrank();

        vm.prank(keeper);
        vm.expectRevert(err);
        vault.sync();
        vm.prank(keeper);
        vm.expectRevert(err);
        queue.finalize(1);

        // osETH has no holdings, but a deposit of it checks its own price.
        osController.setRate(0.5e18);
        _mintLst(address(osETH), bob, 1 ether);
        vm.startPrank(bob);
        osETH.approve(address(vault), 1 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IAssetRegistry.PriceOutOfBounds.selector, address(osETH), 0.5e18, 1e18, 2e18)
        );
        vault.deposit(address(osETH), 1 ether, 0, bob);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- re-entrancy

    /// @dev Lists a hostile token as an asset (priced 1:1, with a placeholder strategy that holds nothing).
    function _listReentrantToken() internal returns (ReentrantToken__Mock token) {
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
    }

    /// @dev A hostile token listed as an asset re-enters deposit from its transferFrom: refused.
    function test_reentrantToken_cannotReenterDeposit() public {
        ReentrantToken__Mock token = _listReentrantToken();
        token.mint(attacker, 10 ether);

        token.arm(address(vault), abi.encodeCall(IVault.deposit, (address(token), 5 ether, 0, attacker)));
        vm.startPrank(attacker);
        token.approve(address(vault), 10 ether);
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        vault.deposit(address(token), 1 ether, 0, attacker);
        vm.stopPrank();
        assertEq(trETH.totalSupply(), 0);

        // Disarmed, the same deposit goes through.
        token.arm(address(0), "");
        vm.prank(attacker);
        assertEq(vault.deposit(address(token), 1 ether, 0, attacker), 1 ether);
    }

    /// @dev The same token re-enters claim from the queue's payout transfer: refused, and the request stays
    /// claimable once.
    function test_reentrantToken_cannotReenterClaim() public {
        ReentrantToken__Mock token = _listReentrantToken();
        token.mint(attacker, 10 ether);
        vm.startPrank(attacker);
        token.approve(address(vault), 10 ether);
        vault.deposit(address(token), 10 ether, 0, attacker);
        vm.stopPrank();
        uint256 id = _request(attacker, 4 ether, address(token));
        _finalize();

        token.arm(address(queue), abi.encodeCall(IWithdrawalQueue.claim, (id)));
        vm.prank(attacker);
        vm.expectRevert(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector);
        queue.claim(id);

        token.arm(address(0), "");
        vm.prank(attacker);
        assertEq(queue.claim(id), 4 ether);
        assertEq(token.balanceOf(attacker), 4 ether);
    }

    // ---------------------------------------------------------------- queued shares

    /// @dev Shares queued for withdrawal still count in total assets and are still slashed until the
    /// withdrawal leaves EigenLayer's slashable window.
    function test_queuedShares_countedAndSlashable() public {
        _deposit(alice, address(rETH), 100 ether);
        _allocate(0, address(rETH), 100 ether);
        _sync();
        uint256 total = vault.totalAssets();
        uint256 depositShares = el.strategyManager.stakerDepositShares(delegators[0], strategies[2]);

        vm.prank(keeper);
        bytes32 root = vault.queueDelegatorWithdrawal(delegators[0], address(rETH), depositShares);
        assertEq(el.strategyManager.stakerDepositShares(delegators[0], strategies[2]), 0);
        assertApproxEqAbs(vault.measureTotalAssets(), total, 1, "queued shares dropped out of the books");
        _sync();
        assertApproxEqAbs(vault.totalAssets(), total, 1);

        // op0 allocates 50% to (avsA, 0): a 10% slash takes 5% of the queued rETH.
        total = vault.totalAssets();
        _slash(0, avsA, 0, 0.1e18);
        uint256 expectedLoss = 100 ether * 5 / 100 * registry.price(address(rETH)) / 1e18;
        assertApproxEqAbs(total - vault.measureTotalAssets(), expectedLoss, 4, "queued shares escaped the slash");
        _sync();
        assertApproxEqAbs(total - vault.totalAssets(), expectedLoss, 4);

        // The completed withdrawal pays the post-slash amount, which the books already hold.
        (IDelegationManagerTypes.Withdrawal memory w,) = el.delegationManager.getQueuedWithdrawal(root);
        vm.roll(w.startBlock + MIN_WITHDRAWAL_DELAY + 1);
        total = vault.totalAssets();
        vm.prank(keeper);
        uint256 amount = vault.completeDelegatorWithdrawal(delegators[0], w, address(rETH));
        assertApproxEqAbs(amount, 95 ether, 2);
        assertEq(vault.idleBalance(address(rETH)), amount);
        assertApproxEqAbs(vault.measureTotalAssets(), total, 1);
    }

    /// @dev Once past its slashable window a queued withdrawal is final: a later slash does not touch it.
    function test_queuedShares_pastWindowNotSlashed() public {
        _deposit(alice, address(rETH), 100 ether);
        _allocate(0, address(rETH), 100 ether);
        uint256 depositShares = el.strategyManager.stakerDepositShares(delegators[0], strategies[2]);
        vm.prank(keeper);
        bytes32 root = vault.queueDelegatorWithdrawal(delegators[0], address(rETH), depositShares);
        (IDelegationManagerTypes.Withdrawal memory w,) = el.delegationManager.getQueuedWithdrawal(root);
        vm.roll(w.startBlock + MIN_WITHDRAWAL_DELAY + 1);
        uint256 measured = vault.measureTotalAssets();
        _slash(0, avsA, 0, 0.1e18);
        assertEq(vault.measureTotalAssets(), measured);
    }
}
