// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {DevnetStETH} from "../../../contracts/devnet/tokens/DevnetStETH.sol";
import {DevnetWstETH} from "../../../contracts/devnet/tokens/DevnetWstETH.sol";

contract DevnetWstETHTest is Test {
    DevnetStETH internal stETH;
    DevnetWstETH internal wstETH;
    address internal oracle = makeAddr("oracle");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    function setUp() public {
        stETH = new DevnetStETH(oracle);
        wstETH = new DevnetWstETH(stETH);
    }

    function _setUpPool(uint256 aliceEth, uint256 bobEth, uint256 rateBps) internal {
        aliceEth = bound(aliceEth, 1e6, 1e30);
        bobEth = bound(bobEth, 1, 1e30);
        rateBps = bound(rateBps, 5_000, 30_000);
        vm.startPrank(oracle);
        stETH.mint(alice, aliceEth);
        stETH.mint(bob, bobEth);
        stETH.setTotalPooledEther(stETH.getTotalPooledEther() * rateBps / 10_000);
        vm.stopPrank();
        vm.prank(alice);
        stETH.approve(address(wstETH), type(uint256).max);
    }

    function testFuzz_wrapUnwrapRoundTripNeverCreatesValue(
        uint256 aliceEth,
        uint256 bobEth,
        uint256 rateBps,
        uint256 amount
    ) public {
        _setUpPool(aliceEth, bobEth, rateBps);
        uint256 before = stETH.balanceOf(alice);
        // At most 3 ETH per share: 3 wei always buy a share, so the wrap mints something.
        amount = bound(amount, 3, before);
        uint256 sharesBefore = stETH.sharesOf(alice);

        vm.startPrank(alice);
        uint256 wrapped = wstETH.wrap(amount);
        uint256 unwrapped = wstETH.unwrap(wrapped);
        vm.stopPrank();

        assertLe(unwrapped, amount, "unwrap returned more stETH than wrapped");
        assertLe(stETH.balanceOf(alice), before, "round trip created stETH");
        assertEq(stETH.sharesOf(alice), sharesBefore, "round trip moved shares");
        assertEq(wstETH.totalSupply(), 0);
        assertEq(stETH.sharesOf(address(wstETH)), 0, "wstETH kept shares");
    }

    function testFuzz_wrapMintsOneTokenPerShare(uint256 aliceEth, uint256 bobEth, uint256 rateBps, uint256 amount)
        public
    {
        _setUpPool(aliceEth, bobEth, rateBps);
        amount = bound(amount, 3, stETH.balanceOf(alice));
        vm.prank(alice);
        uint256 wrapped = wstETH.wrap(amount);
        assertEq(wrapped, stETH.getSharesByPooledEth(amount));
        assertEq(stETH.sharesOf(address(wstETH)), wrapped, "wstETH supply is backed share for share");
        assertLe(wstETH.getStETHByWstETH(wrapped), amount);
    }

    function testFuzz_stEthPerTokenFollowsAccrual(uint256 bps) public {
        bps = bound(bps, 1, 10_000);
        vm.startPrank(oracle);
        stETH.mint(bob, 100 ether);
        assertEq(wstETH.stEthPerToken(), 1 ether);
        stETH.accrue(bps);
        vm.stopPrank();
        assertEq(wstETH.stEthPerToken(), stETH.getPooledEthByShares(1 ether));
        assertEq(wstETH.stEthPerToken(), 1 ether + 1 ether * bps / 10_000);
        assertLe(wstETH.tokensPerStEth(), 1 ether);
    }

    function test_wrapZeroReverts() public {
        vm.expectRevert(DevnetWstETH.ZeroAmount.selector);
        wstETH.wrap(0);
        vm.expectRevert(DevnetWstETH.ZeroAmount.selector);
        wstETH.unwrap(0);
    }

    function test_sendingEthStakesAndWraps() public {
        vm.deal(alice, 2 ether);
        vm.prank(alice);
        (bool ok,) = address(wstETH).call{value: 2 ether}("");
        assertTrue(ok);
        assertEq(wstETH.balanceOf(alice), 2 ether);
        assertEq(stETH.balanceOf(address(wstETH)), 2 ether);
        assertEq(wstETH.stETH(), address(stETH));
    }
}
