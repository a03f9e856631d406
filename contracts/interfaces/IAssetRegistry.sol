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
        /// @dev Cap on what the vault holds of the asset (idle, restaked, in flight) in asset units; 0 disables deposits.
        uint128 depositCap;
        /// @dev Smallest single deposit in asset units.
        uint128 minDeposit;
    }

    error AssetNotSupported(address asset);
    error AssetAlreadyAdded(address asset);
    error PriceOutOfBounds(address asset, uint256 price, uint256 minPrice, uint256 maxPrice);
    error InvalidAssetConfig(address asset);
    error ZeroAddress();
    error UnknownWrapper(address wrapper);
    error MarketPriceStale(address asset, uint256 updatedAt, uint256 maxAge);
    error MarketPriceDiverged(address asset, uint256 protocolPrice, uint256 marketPrice, uint256 maxDivergenceBps);
    error InvalidMarketGuard(address asset);

    /// @dev An optional AggregatorV3 market feed per asset (Chainlink's stETH/ETH is the model), 18 decimals.
    struct MarketGuard {
        address feed;
        /// @dev A feed answer older than this (seconds) stops deposits of the asset.
        uint32 maxAge;
        /// @dev Protocol price and market price further apart than this (bps) stop deposits of the asset.
        uint16 maxDivergenceBps;
    }

    event WrapperAdded(address indexed wrapper, address indexed underlying);
    event MarketGuardSet(address indexed asset, address feed, uint32 maxAge, uint16 maxDivergenceBps);

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

    /// @notice Everything a deposit of `asset` needs, in one call: every held asset with its bounded price and kind
    /// (the vault's mark, as `markPrices`), and `asset`'s deposit price (see `depositPrice`), cap and minimum.
    /// @dev Reverts with `AssetNotSupported`, `PriceOutOfBounds` (any held asset), `MarketPriceStale` or
    /// `MarketPriceDiverged`.
    function depositQuote(address asset)
        external
        view
        returns (
            address[] memory assets,
            uint256[] memory prices,
            bool[] memory rebasing,
            uint256 depositPrice,
            uint256 depositCap,
            uint256 minDeposit
        );

    /// @notice ETH per 1e18 units of `asset`, checked against its bounds.
    /// @dev Reverts with `PriceOutOfBounds` outside [minPrice, maxPrice].
    function price(address asset) external view returns (uint256);

    /// @notice Every held asset with its bounded price and kind, in one call (the vault's mark).
    /// @dev Reverts with `PriceOutOfBounds` if any price is out of its bounds: the books cannot be marked then.
    function markPrices() external view returns (address[] memory assets, uint256[] memory prices, bool[] memory rebasing);

    /// @notice What a deposit of `asset` is priced at: the protocol price, or the market price when the asset has
    /// a market guard and the market is lower.
    /// @dev Reverts with `PriceOutOfBounds`, `MarketPriceStale` or `MarketPriceDiverged`.
    function depositPrice(address asset) external view returns (uint256);

    /// @notice Registers `wrapper` (wstETH) as a deposit-only token held as `underlying` (stETH), which must be a
    /// supported rebasing asset: deposits are unwrapped and restaked in the underlying's strategy (ADMIN).
    function addWrapper(address wrapper, address underlying) external;

    /// @notice The underlying of a registered wrapper, or zero.
    function underlyingOf(address wrapper) external view returns (address);

    /// @notice Sets (or, with a zero feed, removes) `asset`'s market guard (ADMIN).
    function setMarketGuard(address asset, MarketGuard calldata guard) external;

    function marketGuard(address asset) external view returns (MarketGuard memory);
}
