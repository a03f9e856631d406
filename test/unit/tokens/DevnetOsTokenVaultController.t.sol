// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {DevnetOsETH} from "../../../contracts/devnet/tokens/DevnetOsETH.sol";
import {DevnetOsTokenVaultController} from "../../../contracts/devnet/tokens/DevnetOsTokenVaultController.sol";

contract DevnetOsTokenVaultControllerTest is Test {
    DevnetOsETH internal osETH;
    DevnetOsTokenVaultController internal controller;
    address internal keeper = makeAddr("keeper");
    address internal alice = makeAddr("alice");

    /// @dev About 3% a year.
    uint256 internal constant REWARD_PER_SECOND = 951_293_759;

    function setUp() public {
        osETH = new DevnetOsETH(keeper);
        controller = new DevnetOsTokenVaultController(keeper, osETH, 1.05 ether, REWARD_PER_SECOND);
    }

    function testFuzz_rateAccruesWithTime(uint256 elapsed) public {
        elapsed = bound(elapsed, 1, 10 * 365 days);
        uint256 before = controller.rate();
        skip(elapsed);
        uint256 expected = before + before * REWARD_PER_SECOND * elapsed / 1e18;
        assertEq(controller.rate(), expected);
        assertGt(controller.convertToAssets(1 ether), before);
    }

    function testFuzz_checkpointsCompound(uint256 elapsed) public {
        elapsed = bound(elapsed, 1 days, 365 days);
        skip(elapsed);
        controller.updateState();
        uint256 checkpointed = controller.rate();
        skip(elapsed);
        assertEq(controller.rate(), checkpointed + checkpointed * REWARD_PER_SECOND * elapsed / 1e18);
    }

    function testFuzz_conversionRoundTripNeverCreatesAssets(uint256 assets, uint256 rate, uint256 elapsed) public {
        assets = bound(assets, 0, 1e30);
        rate = bound(rate, 0.5 ether, 3 ether);
        elapsed = bound(elapsed, 0, 365 days);
        vm.prank(keeper);
        controller.setRate(rate);
        skip(elapsed);
        assertLe(controller.convertToAssets(controller.convertToShares(assets)), assets);
    }

    function test_totalsFollowTheOsTokenSupply() public {
        vm.prank(keeper);
        osETH.mint(alice, 10 ether);
        assertEq(controller.totalShares(), 10 ether);
        assertEq(controller.totalAssets(), 10.5 ether);
    }

    function test_rateCanBeSetDown() public {
        vm.prank(keeper);
        controller.setRate(0.9 ether);
        assertEq(controller.convertToAssets(1 ether), 0.9 ether);
    }

    function test_rewardRateIsBounded() public {
        uint256 max = controller.MAX_AVG_REWARD_PER_SECOND();
        vm.prank(keeper);
        vm.expectRevert(
            abi.encodeWithSelector(DevnetOsTokenVaultController.AvgRewardPerSecondTooHigh.selector, max + 1, max)
        );
        controller.setAvgRewardPerSecond(max + 1);
    }
}
