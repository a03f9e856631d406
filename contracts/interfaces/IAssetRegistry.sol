// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IPriceAdapter} from "./IPriceAdapter.sol";

/// @title IAssetRegistry
/// @notice The LSTs Trellis accepts: for each, its EigenLayer strategy, price adapter, price bounds and caps.
interface IAssetRegistry {
    struct AssetConfig {
        /// @dev The EigenLayer strategy this asset is restaked into.
        address strategy;
        IPriceAdapter adapter;
        /// @dev Rebasing by shares (stETH): the vault accounts its idle balance in Lido shares.
        bool rebasing;
        /// @dev Sanity bounds on `adapter.price()` (ETH per 1e18 units). Outside them deposits revert.
        uint128 minPrice;
        uint128 maxPrice;
        /// @dev Cap on net deposits in asset units; 0 disables deposits.
        uint128 depositCap;
        /// @dev Smallest single deposit in asset units.
        uint128 minDeposit;
    }

    error AssetNotSupported(address asset);
    error AssetAlreadyAdded(address asset);
    error PriceOutOfBounds(address asset, uint256 price, uint256 minPrice, uint256 maxPrice);
    error InvalidAssetConfig(address asset);
    error ZeroAddress();

    event AssetAdded(address indexed asset, address indexed strategy, address adapter);
    event AssetConfigUpdated(address indexed asset, AssetConfig config);

    /// @notice Adds `asset` (ADMIN).
    function addAsset(address asset, AssetConfig calldata config) external;

    /// @notice Replaces the configuration of an added asset (ADMIN). The strategy cannot change.
    function setAssetConfig(address asset, AssetConfig calldata config) external;

    function isSupported(address asset) external view returns (bool);

    /// @notice The configuration of `asset`; reverts with `AssetNotSupported` when it is not added.
    function getAssetConfig(address asset) external view returns (AssetConfig memory);

    /// @notice Every supported asset, in the order added.
    function getAssets() external view returns (address[] memory);

    /// @notice What a deposit of `asset` needs, in one call: its bounded price, cap, minimum and kind.
    /// @dev Reverts with `AssetNotSupported` or `PriceOutOfBounds`.
    function depositTerms(address asset)
        external
        view
        returns (uint256 price, uint256 depositCap, uint256 minDeposit, bool rebasing);

    /// @notice ETH per 1e18 units of `asset`, checked against its bounds.
    /// @dev Reverts with `PriceOutOfBounds` outside [minPrice, maxPrice].
    function price(address asset) external view returns (uint256);
}
