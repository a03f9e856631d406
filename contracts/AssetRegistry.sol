// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IAssetRegistry} from "./interfaces/IAssetRegistry.sol";
import {IPriceAdapter} from "./interfaces/IPriceAdapter.sol";

/// @title AssetRegistry
contract AssetRegistry is IAssetRegistry, AccessManagedUpgradeable, UUPSUpgradeable {
    /// @custom:storage-location erc7201:trellis.AssetRegistry
    struct AssetRegistryStorage {
        address[] assets;
        mapping(address asset => AssetConfig) configs;
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
    function depositTerms(address asset)
        external
        view
        returns (uint256 p, uint256 depositCap, uint256 minDeposit, bool rebasing)
    {
        AssetConfig storage config = _s().configs[asset];
        p = _boundedPrice(asset, config);
        return (p, config.depositCap, config.minDeposit, config.rebasing);
    }

    /// @inheritdoc IAssetRegistry
    function price(address asset) external view returns (uint256) {
        return _boundedPrice(asset, _s().configs[asset]);
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
        if (config.adapter.asset() != asset || config.minPrice == 0 || config.minPrice > config.maxPrice) {
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
