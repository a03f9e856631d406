// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IStrategy, IStrategyErrors} from "../../../contracts/interfaces/eigenlayer/IStrategy.sol";
import {IStrategyManagerErrors} from "../../../contracts/interfaces/eigenlayer/IStrategyManager.sol";
import {IDelegationManagerTypes} from "../../../contracts/interfaces/eigenlayer/IDelegationManager.sol";
import {StrategyBase} from "../../../contracts/devnet/eigenlayer/StrategyBase.sol";
import {ERC20__Mock} from "../../mocks/ERC20__Mock.sol";
import {EigenLayerDevnetBase} from "./EigenLayerDevnetBase.sol";

/// @dev StrategyManager.depositIntoStrategy and the StrategyBase share math (1e3 virtual shares and wei).
contract StrategyDepositsTest is EigenLayerDevnetBase {
    uint256 internal constant OFFSET = 1e3;

    function testFuzz_firstDeposit_mintsOneSharePerWei(uint256 amount) public {
        amount = bound(amount, 1, MAX_AMOUNT);
        uint256 shares = _deposit(alice, strategy, amount);
        assertEq(shares, amount, "(amount * 1e3) / 1e3");
        assertEq(el.strategyManager.stakerDepositShares(alice, strategy), amount);
        assertEq(strategy.totalShares(), amount);
        assertEq(strategy.shares(alice), amount);
        assertEq(token.balanceOf(address(strategy)), amount);
    }

    function testFuzz_deposit_followsVirtualOffsetFormula(uint256 first, uint256 donation, uint256 amount) public {
        first = bound(first, 0, MAX_AMOUNT);
        donation = bound(donation, 0, MAX_AMOUNT);
        amount = bound(amount, 1, MAX_AMOUNT);
        if (first != 0) _deposit(bob, strategy, first);
        token.mint(address(strategy), donation);

        uint256 totalBefore = strategy.totalShares();
        uint256 balanceBefore = token.balanceOf(address(strategy));
        uint256 expected = (amount * (totalBefore + OFFSET)) / (balanceBefore + OFFSET);
        vm.assume(expected != 0);

        assertEq(_deposit(alice, strategy, amount), expected);
        assertEq(strategy.totalShares(), totalBefore + expected);
    }

    function testFuzz_sharesToUnderlying_followsVirtualOffsetFormula(uint256 first, uint256 donation, uint256 shares)
        public
    {
        first = bound(first, 1, MAX_AMOUNT);
        donation = bound(donation, 0, MAX_AMOUNT);
        _deposit(bob, strategy, first);
        token.mint(address(strategy), donation);
        shares = bound(shares, 0, strategy.totalShares());
        uint256 balance = token.balanceOf(address(strategy));
        assertEq(strategy.sharesToUnderlyingView(shares), ((balance + OFFSET) * shares) / (strategy.totalShares() + OFFSET));
        assertEq(strategy.underlyingToSharesView(shares), (shares * (strategy.totalShares() + OFFSET)) / (balance + OFFSET));
        assertEq(strategy.userUnderlyingView(bob), strategy.sharesToUnderlyingView(first));
    }

    /// @dev Deposit, queue, wait, withdraw as tokens: never more than deposited, and at most one share's worth less.
    function testFuzz_roundTrip_neverGainsAndLosesAtMostOneShare(uint256 first, uint256 donation, uint256 amount)
        public
    {
        first = bound(first, 0, MAX_AMOUNT);
        donation = bound(donation, 0, MAX_AMOUNT);
        amount = bound(amount, MIN_AMOUNT, MAX_AMOUNT);
        if (first != 0) _deposit(bob, strategy, first);
        token.mint(address(strategy), donation);
        uint256 pricePerShareCeil =
            (token.balanceOf(address(strategy)) + OFFSET + strategy.totalShares()) / (strategy.totalShares() + OFFSET);
        vm.assume(strategy.underlyingToSharesView(amount) != 0);

        uint256 shares = _deposit(alice, strategy, amount);
        (, IDelegationManagerTypes.Withdrawal memory w) = _queue(alice, strategy, shares);
        vm.roll(block.number + MIN_WITHDRAWAL_DELAY + 1);
        _complete(alice, w, true);

        uint256 received = token.balanceOf(alice);
        assertLe(received, amount, "a round trip never gains");
        assertLe(amount - received, pricePerShareCeil + 1, "loses at most one share's worth");
        if (first == 0 && donation == 0) assertEq(received, amount, "sole depositor at 1:1 gets everything back");
    }

    function test_deposit_revertsWhenStrategyNotWhitelisted() public {
        StrategyBase unlisted = new StrategyBase(el.strategyManager, token);
        token.mint(alice, 1e18);
        vm.startPrank(alice);
        token.approve(address(el.strategyManager), 1e18);
        vm.expectRevert(IStrategyManagerErrors.StrategyNotWhitelisted.selector);
        el.strategyManager.depositIntoStrategy(unlisted, token, 1e18);
        vm.stopPrank();
    }

    function test_deposit_revertsForWrongToken() public {
        otherToken.mint(alice, 1e18);
        vm.startPrank(alice);
        otherToken.approve(address(el.strategyManager), 1e18);
        vm.expectRevert(IStrategyErrors.OnlyUnderlyingToken.selector);
        el.strategyManager.depositIntoStrategy(strategy, otherToken, 1e18);
        vm.stopPrank();
    }

    function test_deposit_revertsWhenDonationRoundsSharesToZero() public {
        _deposit(bob, strategy, 1);
        token.mint(address(strategy), 1e30);
        token.mint(alice, 1e18);
        vm.startPrank(alice);
        token.approve(address(el.strategyManager), 1e18);
        vm.expectRevert(IStrategyErrors.NewSharesZero.selector);
        el.strategyManager.depositIntoStrategy(strategy, token, 1e18);
        vm.stopPrank();
    }

    function test_deposit_revertsAboveMaxTotalShares() public {
        uint256 maxShares = StrategyBase(address(strategy)).MAX_TOTAL_SHARES();
        token.mint(alice, maxShares + 1);
        vm.startPrank(alice);
        token.approve(address(el.strategyManager), maxShares + 1);
        vm.expectRevert(IStrategyErrors.TotalSharesExceedsMax.selector);
        el.strategyManager.depositIntoStrategy(strategy, token, maxShares + 1);
        vm.stopPrank();
    }

    function test_strategyCalls_onlyStrategyManager() public {
        vm.expectRevert(IStrategyErrors.OnlyStrategyManager.selector);
        strategy.deposit(token, 1);
        vm.expectRevert(IStrategyErrors.OnlyStrategyManager.selector);
        strategy.withdraw(alice, token, 1);
    }

    function testFuzz_getDeposits_listsEachStrategyOnce(uint256 a, uint256 b) public {
        a = bound(a, 1, MAX_AMOUNT);
        b = bound(b, 1, MAX_AMOUNT);
        _deposit(alice, strategy, a);
        _deposit(alice, otherStrategy, b);
        _deposit(alice, strategy, a);
        (IStrategy[] memory strategies, uint256[] memory shares) = el.strategyManager.getDeposits(alice);
        assertEq(strategies.length, 2);
        assertEq(address(strategies[0]), address(strategy));
        assertEq(shares[0], 2 * a);
        assertEq(address(strategies[1]), address(otherStrategy));
        assertEq(shares[1], b);
        assertEq(el.strategyManager.stakerStrategyListLength(alice), 2);
    }

    function test_whitelist_onlyWhitelister() public {
        vm.expectRevert(IStrategyManagerErrors.OnlyStrategyWhitelister.selector);
        vm.prank(alice);
        el.strategyManager.addStrategiesToDepositWhitelist(_one(strategy));
        assertTrue(el.strategyManager.strategyIsWhitelistedForDeposit(strategy));
        assertEq(el.strategyManager.strategyWhitelister(), owner);
    }

    function test_mockToken_isPlainErc20() public {
        ERC20__Mock t = new ERC20__Mock("x", "x", 6);
        assertEq(t.decimals(), 6);
    }
}
