// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {DevnetRETH} from "../../../contracts/devnet/tokens/DevnetRETH.sol";

contract DevnetRETHTest is Test {
    DevnetRETH internal rETH;
    address internal oracle = makeAddr("oracle");
    address internal alice = makeAddr("alice");

    function setUp() public {
        rETH = new DevnetRETH(oracle, 1.1 ether);
    }

    function testFuzz_valueRoundTripNeverCreatesEth(uint256 rate, uint256 ethAmount) public {
        rate = bound(rate, 0.5 ether, 3 ether);
        ethAmount = bound(ethAmount, 0, 1e30);
        vm.prank(oracle);
        rETH.setExchangeRate(rate);
        assertLe(rETH.getEthValue(rETH.getRethValue(ethAmount)), ethAmount);
    }

    function testFuzz_accrueRaisesTheRate(uint256 bps) public {
        bps = bound(bps, 1, rETH.MAX_ACCRUE_BPS());
        uint256 before = rETH.getExchangeRate();
        vm.prank(oracle);
        rETH.accrue(bps);
        assertEq(rETH.getExchangeRate(), before + before * bps / 10_000);
        assertEq(rETH.getEthValue(1 ether), rETH.getExchangeRate());
    }

    function test_rateCanFallButNotToZero() public {
        vm.startPrank(oracle);
        rETH.setExchangeRate(1 ether);
        assertEq(rETH.getRethValue(2 ether), 2 ether);
        vm.expectRevert(DevnetRETH.ZeroExchangeRate.selector);
        rETH.setExchangeRate(0);
        vm.stopPrank();
    }

    function test_mintAndOracleAreOwnerOnly() public {
        vm.prank(oracle);
        rETH.mint(alice, 3 ether);
        assertEq(rETH.balanceOf(alice), 3 ether);
        vm.startPrank(alice);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        rETH.mint(alice, 1);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        rETH.setExchangeRate(2 ether);
        vm.stopPrank();
    }
}
