// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IAssetRegistry} from "./interfaces/IAssetRegistry.sol";
import {IPriceAdapter} from "./interfaces/IPriceAdapter.sol";
import {AggregatorV3Interface} from "./interfaces/AggregatorV3Interface.sol";
import {BPS} from "./libraries/Constants.sol";

/// @title AssetRegistry
contract AssetRegistry is IAssetRegistry, AccessManagedUpgradeable, UUPSUpgradeable {
    /// @custom:storage-location erc7201:trellis.AssetRegistry
    struct AssetRegistryStorage {
        address[] assets;
        mapping(address asset => AssetConfig) configs;
        mapping(address wrapper => address underlying) underlyingOf;
        mapping(address asset => MarketGuard) marketGuards;
        /// @dev What every deposit reads, two slots per held asset in the order added (a copy of the configs').
        PriceRow[] rows;
    }

    struct PriceRow {
        address asset;
        uint88 minPrice;
        bool rebasing;
        IPriceAdapter adapter;
        uint96 maxPrice;
    }

    // keccak256(abi.encode(uint256(keccak256("trellis.AssetRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 public constant STORAGE_LOCATION = 0x5373991fb7ea15017b92244d43e6e5866daebfde08c28c5316d298abb10a4900;

    constructor() {
        _disableInitializers();
    }

    function initialize(address authority_) external initializer {
        __AccessManaged_init(authority_);
    }

    /// @inheritdoc IAssetRegistry
    function addAsset(address asset, AssetConfig calldata config) external restricted {
        AssetRegistryStorage storage $ = _s();
        if (asset == address(0)) revert ZeroAddress();
        if ($.configs[asset].strategy != address(0)) revert AssetAlreadyAdded(asset);
        _validate(asset, config);
        $.configs[asset] = config;
        $.assets.push(asset);
        $.rows.push(_row(asset, config));
        emit AssetAdded(asset, config.strategy, address(config.adapter));
        emit AssetConfigUpdated(asset, config);
    }

    /// @inheritdoc IAssetRegistry
    function setAssetConfig(address asset, AssetConfig calldata config) external restricted {
        AssetRegistryStorage storage $ = _s();
        address strategy = $.configs[asset].strategy;
        if (strategy == address(0)) revert AssetNotSupported(asset);
        // The vault's restaked balances are keyed by strategy: moving an asset to another one would lose them.
        if (config.strategy != strategy) revert InvalidAssetConfig(asset);
        _validate(asset, config);
        $.configs[asset] = config;
        uint256 n = $.assets.length;
        for (uint256 i; i < n; ++i) {
            if ($.assets[i] == asset) $.rows[i] = _row(asset, config);
        }
        emit AssetConfigUpdated(asset, config);
    }

    /// @inheritdoc IAssetRegistry
    function isSupported(address asset) external view returns (bool) {
        return _s().configs[asset].strategy != address(0);
    }

    /// @inheritdoc IAssetRegistry
    function getAssetConfig(address asset) public view returns (AssetConfig memory config) {
        config = _s().configs[asset];
        if (config.strategy == address(0)) revert AssetNotSupported(asset);
    }

    /// @inheritdoc IAssetRegistry
    function getAssets() external view returns (address[] memory) {
        return _s().assets;
    }

    /// @inheritdoc IAssetRegistry
    function depositQuote(address asset)
        external
        view
        returns (
            address[] memory assets,
            uint256[] memory prices,
            bool[] memory rebasing,
            uint256 depositPrice_,
            uint256 depositCap,
            uint256 minDeposit
        )
    {
        (assets, prices, rebasing) = _rowPrices();
        uint256 n = assets.length;
        uint256 i;
        while (i < n && assets[i] != asset) ++i;
        if (i == n) revert AssetNotSupported(asset);
        depositPrice_ = _guarded(asset, prices[i]);
        AssetConfig storage config = _s().configs[asset];
        return (assets, prices, rebasing, depositPrice_, config.depositCap, config.minDeposit);
    }

    /// @inheritdoc IAssetRegistry
    function price(address asset) external view returns (uint256) {
        return _boundedPrice(asset, _s().configs[asset]);
    }

    /// @inheritdoc IAssetRegistry
    function markPrices() external view returns (address[] memory assets, uint256[] memory prices, bool[] memory rebasing) {
        // From the full configs, not the deposit rows: the keeper's paths (allocate's buffer check) have read
        // those configs already in the same transaction and find them warm.
        AssetRegistryStorage storage $ = _s();
        assets = $.assets;
        prices = new uint256[](assets.length);
        rebasing = new bool[](assets.length);
        for (uint256 i; i < assets.length; ++i) {
            AssetConfig storage config = $.configs[assets[i]];
            prices[i] = _boundedPrice(assets[i], config);
            rebasing[i] = config.rebasing;
        }
    }

    /// @inheritdoc IAssetRegistry
    function depositPrice(address asset) external view returns (uint256) {
        return _depositPrice(asset, _s().configs[asset]);
    }

    /// @inheritdoc IAssetRegistry
    function addWrapper(address wrapper, address underlying) external restricted {
        AssetRegistryStorage storage $ = _s();
        if (wrapper == address(0)) revert ZeroAddress();
        if (!$.configs[underlying].rebasing || $.configs[wrapper].strategy != address(0)) revert InvalidAssetConfig(wrapper);
        $.underlyingOf[wrapper] = underlying;
        emit WrapperAdded(wrapper, underlying);
    }

    /// @inheritdoc IAssetRegistry
    function underlyingOf(address wrapper) external view returns (address) {
        return _s().underlyingOf[wrapper];
    }

    /// @inheritdoc IAssetRegistry
    function setMarketGuard(address asset, MarketGuard calldata guard) external restricted {
        AssetRegistryStorage storage $ = _s();
        if ($.configs[asset].strategy == address(0)) revert AssetNotSupported(asset);
        if (guard.feed != address(0) && (guard.maxAge == 0 || AggregatorV3Interface(guard.feed).decimals() != 18)) {
            revert InvalidMarketGuard(asset);
        }
        $.marketGuards[asset] = guard;
        emit MarketGuardSet(asset, guard.feed, guard.maxAge, guard.maxDivergenceBps);
    }

    /// @inheritdoc IAssetRegistry
    function marketGuard(address asset) external view returns (MarketGuard memory) {
        return _s().marketGuards[asset];
    }

    /// @dev The protocol price, lowered to the market's when a guard's feed is below it; refused when stale or
    /// too far apart (a depeg: the protocol rate no longer says what the token is worth).
    function _depositPrice(address asset, AssetConfig storage config) private view returns (uint256) {
        return _guarded(asset, _boundedPrice(asset, config));
    }

    /// @dev `p` (the bounded protocol price) through `asset`'s market guard, if it has one.
    function _guarded(address asset, uint256 p) private view returns (uint256) {
        MarketGuard storage guard = _s().marketGuards[asset];
        address feed = guard.feed;
        if (feed == address(0)) return p;
        (, int256 answer,, uint256 updatedAt,) = AggregatorV3Interface(feed).latestRoundData();
        if (answer <= 0 || block.timestamp > updatedAt + guard.maxAge) {
            revert MarketPriceStale(asset, updatedAt, guard.maxAge);
        }
        uint256 market = uint256(answer);
        uint256 gap = market > p ? market - p : p - market;
        if (gap * BPS > p * guard.maxDivergenceBps) revert MarketPriceDiverged(asset, p, market, guard.maxDivergenceBps);
        return market < p ? market : p;
    }

    /// @dev Every held asset's bounded price from the packed rows (a deposit's mark): two slots and one adapter call
    /// per asset.
    function _rowPrices() private view returns (address[] memory assets, uint256[] memory prices, bool[] memory rebasing) {
        PriceRow[] storage rows = _s().rows;
        uint256 n = rows.length;
        assets = new address[](n);
        prices = new uint256[](n);
        rebasing = new bool[](n);
        for (uint256 i; i < n; ++i) {
            PriceRow memory row = rows[i];
            uint256 p = row.adapter.price();
            if (p < row.minPrice || p > row.maxPrice) revert PriceOutOfBounds(row.asset, p, row.minPrice, row.maxPrice);
            (assets[i], prices[i], rebasing[i]) = (row.asset, p, row.rebasing);
        }
    }

    function _row(address asset, AssetConfig calldata config) private pure returns (PriceRow memory) {
        return PriceRow({
            asset: asset,
            minPrice: uint88(config.minPrice),
            rebasing: config.rebasing,
            adapter: config.adapter,
            maxPrice: uint96(config.maxPrice)
        });
    }

    /// @dev Reads only the adapter and bounds slots (the hot path of every deposit).
    function _boundedPrice(address asset, AssetConfig storage config) private view returns (uint256 p) {
        IPriceAdapter adapter = config.adapter;
        if (address(adapter) == address(0)) revert AssetNotSupported(asset);
        p = adapter.price();
        if (p < config.minPrice || p > config.maxPrice) revert PriceOutOfBounds(asset, p, config.minPrice, config.maxPrice);
    }

    function _validate(address asset, AssetConfig calldata config) private view {
        if (config.strategy == address(0) || address(config.adapter) == address(0)) revert ZeroAddress();
        if (
            config.adapter.asset() != asset || config.minPrice == 0 || config.minPrice > config.maxPrice
                || config.maxPrice > type(uint88).max
        ) {
            revert InvalidAssetConfig(asset);
        }
    }

    function _authorizeUpgrade(address) internal override restricted {}

    function _s() private pure returns (AssetRegistryStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }
}
