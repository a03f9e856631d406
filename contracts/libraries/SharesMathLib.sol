// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title SharesMathLib
/// @notice Share/asset conversion with virtual shares and assets against first-depositor inflation.
/// @dev The rounding direction is in each name; callers pick the one that favours the vault.
library SharesMathLib {
    /// @dev 1 gwei of virtual assets backs 1e9 virtual shares, so the empty vault starts at a rate of exactly 1.
    /// An attacker who inflates the assets per share by D wei keeps only 1/(1e9+1) of D for himself; a later
    /// depositor loses at most one share's worth, about D / 1e9 wei. The attack always loses money.
    uint256 internal constant VIRTUAL_SHARES = 1e9;
    uint256 internal constant VIRTUAL_ASSETS = 1e9;

    function toSharesDown(uint256 assets, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return Math.mulDiv(assets, totalShares + VIRTUAL_SHARES, totalAssets + VIRTUAL_ASSETS, Math.Rounding.Floor);
    }

    function toSharesUp(uint256 assets, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return Math.mulDiv(assets, totalShares + VIRTUAL_SHARES, totalAssets + VIRTUAL_ASSETS, Math.Rounding.Ceil);
    }

    function toAssetsDown(uint256 shares, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return Math.mulDiv(shares, totalAssets + VIRTUAL_ASSETS, totalShares + VIRTUAL_SHARES, Math.Rounding.Floor);
    }

    function toAssetsUp(uint256 shares, uint256 totalAssets, uint256 totalShares) internal pure returns (uint256) {
        return Math.mulDiv(shares, totalAssets + VIRTUAL_ASSETS, totalShares + VIRTUAL_SHARES, Math.Rounding.Ceil);
    }

    /// @dev The total assets at which `totalShares` are worth `rate` (assets per 1e18 shares) each, rounded up.
    function assetsAtRateUp(uint256 rate, uint256 totalShares) internal pure returns (uint256) {
        uint256 withVirtual = Math.mulDiv(rate, totalShares + VIRTUAL_SHARES, 1e18, Math.Rounding.Ceil);
        return withVirtual > VIRTUAL_ASSETS ? withVirtual - VIRTUAL_ASSETS : 0;
    }
}
