// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

/// @notice StakeWise v3's OsTokenVaultController: `convertToAssets(shares)` is the ETH value of osETH.
interface IOsTokenVaultController {
    function convertToAssets(uint256 shares) external view returns (uint256 assets);
    function convertToShares(uint256 assets) external view returns (uint256 shares);
    function totalAssets() external view returns (uint256);
    function totalShares() external view returns (uint256);
}
