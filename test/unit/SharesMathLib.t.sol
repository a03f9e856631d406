// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {SharesMathLib} from "../../contracts/libraries/SharesMathLib.sol";

contract SharesMathLibTest is Test {
    uint256 internal constant MAX = 1e36;

    function testFuzz_roundTripNeverCreatesAssets(uint256 assets, uint256 totalAssets, uint256 totalShares) public pure {
        assets = bound(assets, 0, MAX);
        totalAssets = bound(totalAssets, 0, MAX);
        totalShares = bound(totalShares, 0, MAX);
        uint256 shares = SharesMathLib.toSharesDown(assets, totalAssets, totalShares);
        uint256 back = SharesMathLib.toAssetsDown(shares, totalAssets + assets, totalShares + shares);
        assertLe(back, assets, "deposit then redeem returned more than deposited");
    }

    function testFuzz_upIsAtLeastDown(uint256 x, uint256 totalAssets, uint256 totalShares) public pure {
        x = bound(x, 0, MAX);
        totalAssets = bound(totalAssets, 0, MAX);
        totalShares = bound(totalShares, 0, MAX);
        uint256 down = SharesMathLib.toSharesDown(x, totalAssets, totalShares);
        uint256 up = SharesMathLib.toSharesUp(x, totalAssets, totalShares);
        assertGe(up, down);
        assertLe(up - down, 1);
    }

    function test_firstDepositGetsVirtualRate() public pure {
        assertEq(SharesMathLib.toSharesDown(1 ether, 0, 0), 1 ether);
    }
}
