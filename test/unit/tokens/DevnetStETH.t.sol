// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {DevnetStETH} from "../../../contracts/devnet/tokens/DevnetStETH.sol";

contract DevnetStETHTest is Test {
    DevnetStETH internal stETH;
    address internal oracle = makeAddr("oracle");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    function setUp() public {
        stETH = new DevnetStETH(oracle);
    }

    /// @dev Alice and Bob hold stETH, then the pooled ether moves to between 0.5x and 2x: ETH per share in [0.5, 2).
    function _setUpRebasedPool(uint256 aliceEth, uint256 bobEth, uint256 rateBps) internal {
        aliceEth = bound(aliceEth, 1, 1e30);
        bobEth = bound(bobEth, 1, 1e30);
        rateBps = bound(rateBps, 5_000, 19_999);
        vm.startPrank(oracle);
        stETH.mint(alice, aliceEth);
        stETH.mint(bob, bobEth);
        stETH.setTotalPooledEther(stETH.getTotalPooledEther() * rateBps / 10_000);
        vm.stopPrank();
    }

    function testFuzz_transferNeverCreditsMoreThanSentNorMoreThan2WeiShort(
        uint256 aliceEth,
        uint256 bobEth,
        uint256 rateBps,
        uint256 amount
    ) public {
        _setUpRebasedPool(aliceEth, bobEth, rateBps);
        amount = bound(amount, 0, stETH.balanceOf(alice));
        uint256 aliceBefore = stETH.balanceOf(alice);
        uint256 bobBefore = stETH.balanceOf(bob);

        vm.prank(alice);
        stETH.transfer(bob, amount);

        uint256 received = stETH.balanceOf(bob) - bobBefore;
        assertLe(received, amount, "recipient credited more than sent");
        assertGe(received + 2, amount, "recipient more than 2 wei short");
        assertLe(aliceBefore - stETH.balanceOf(alice), amount, "sender debited more than sent");
    }

    function testFuzz_transferFromSpendsAllowanceInStETH(uint256 aliceEth, uint256 bobEth, uint256 rateBps, uint256 amount)
        public
    {
        _setUpRebasedPool(aliceEth, bobEth, rateBps);
        amount = bound(amount, 0, stETH.balanceOf(alice));
        vm.prank(alice);
        stETH.approve(bob, amount + 5);
        vm.prank(bob);
        stETH.transferFrom(alice, bob, amount);
        assertEq(stETH.allowance(alice, bob), 5);
    }

    function testFuzz_transferSharesMovesExactShares(uint256 aliceEth, uint256 bobEth, uint256 rateBps, uint256 shares)
        public
    {
        _setUpRebasedPool(aliceEth, bobEth, rateBps);
        shares = bound(shares, 0, stETH.sharesOf(alice));
        uint256 bobShares = stETH.sharesOf(bob);
        vm.prank(alice);
        uint256 tokens = stETH.transferShares(bob, shares);
        assertEq(stETH.sharesOf(bob), bobShares + shares);
        assertEq(tokens, stETH.getPooledEthByShares(shares));
    }

    function testFuzz_accrueRaisesEveryBalance(uint256 aliceEth, uint256 bps) public {
        aliceEth = bound(aliceEth, 1 ether, 1e30);
        bps = bound(bps, 1, stETH.MAX_ACCRUE_BPS());
        vm.startPrank(oracle);
        stETH.mint(alice, aliceEth);
        stETH.accrue(bps);
        vm.stopPrank();
        assertEq(stETH.getTotalPooledEther(), aliceEth + aliceEth * bps / 10_000);
        assertEq(stETH.balanceOf(alice), stETH.getTotalPooledEther(), "sole holder owns the pool");
        assertGt(stETH.getPooledEthByShares(1 ether), 1 ether);
    }

    function test_accrueAboveMaxReverts() public {
        vm.prank(oracle);
        vm.expectRevert(abi.encodeWithSelector(DevnetStETH.AccrueTooLarge.selector, 10_001, 10_000));
        stETH.accrue(10_001);
    }

    function test_setTotalPooledEtherCanFall() public {
        vm.startPrank(oracle);
        stETH.mint(alice, 10 ether);
        stETH.setTotalPooledEther(9 ether);
        vm.stopPrank();
        assertEq(stETH.balanceOf(alice), 9 ether);
        assertEq(stETH.sharesOf(alice), 10 ether);
    }

    function test_setTotalPooledEtherToZeroWithHoldersReverts() public {
        vm.startPrank(oracle);
        stETH.mint(alice, 1 ether);
        vm.expectRevert(DevnetStETH.ZeroPooledEther.selector);
        stETH.setTotalPooledEther(0);
        vm.stopPrank();
    }

    function test_submitMintsSharesAtTheCurrentRate() public {
        vm.startPrank(oracle);
        stETH.mint(bob, 10 ether);
        stETH.accrue(1_000);
        vm.stopPrank();
        vm.deal(alice, 11 ether);
        vm.prank(alice);
        uint256 shares = stETH.submit{value: 11 ether}(address(0));
        assertEq(shares, 10 ether);
        assertEq(stETH.balanceOf(alice), 11 ether);
        assertEq(address(stETH).balance, 11 ether);
    }

    function test_oracleFunctionsAreOwnerOnly() public {
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        stETH.mint(alice, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        stETH.accrue(1);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        stETH.setTotalPooledEther(1);
        vm.stopPrank();
    }

    function test_transferToTheTokenReverts() public {
        vm.prank(oracle);
        stETH.mint(alice, 1 ether);
        vm.prank(alice);
        vm.expectRevert(DevnetStETH.TransferToStETHContract.selector);
        stETH.transfer(address(stETH), 1);
    }
}
