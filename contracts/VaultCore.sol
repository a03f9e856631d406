// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IVaultTypes} from "./interfaces/IVault.sol";
import {ITrETH} from "./interfaces/ITrETH.sol";
import {IAssetRegistry} from "./interfaces/IAssetRegistry.sol";
import {IRiskRegistry} from "./interfaces/IRiskRegistry.sol";
import {IOperatorDelegator} from "./interfaces/IOperatorDelegator.sol";
import {IStETH} from "./interfaces/lst/IStETH.sol";
import {SharesMathLib} from "./libraries/SharesMathLib.sol";
import {WAD} from "./libraries/Constants.sol";

/// @title VaultCore
/// @notice The vault's storage and the internals both halves of the vault share: `Vault` (deposits, rate, exits)
/// and `VaultOperations` (the keeper's plumbing), which the vault runs by delegatecall on the same storage.
abstract contract VaultCore is IVaultTypes {
    using SafeERC20 for IERC20;
    using SharesMathLib for uint256;
    using SafeCast for uint256;

    /// @custom:storage-location erc7201:trellis.Vault
    struct VaultStorage {
        ITrETH trETH;
        IAssetRegistry assetRegistry;
        IRiskRegistry riskRegistry;
        address delegatorBeacon;
        address treasury;
        address withdrawalQueue;
        // The books, two slots read and written by every deposit.
        uint128 booked;
        uint128 pending;
        uint96 releasePerSecond;
        uint40 checkpoint;
        uint40 lastSync;
        uint40 lastFullRefresh;
        uint8 pausedMask;
        uint64 syncCount;
        uint40 refreshRoundStart;
        uint32 refreshCursor;
        SyncParams syncParams;
        RateParams rateParams;
        address[] delegators;
        mapping(address delegator => bool) isDelegator;
        mapping(address operator => address delegator) delegatorOf;
        mapping(address asset => AssetBalance) balances;
        mapping(address delegator => mapping(address asset => uint256 units)) delegatorUnits;
        mapping(address asset => address entry) entryOf;
        mapping(address wrapper => address underlying) underlyingOf;
        /// @dev The highest rate after any sync: the fee is charged only on a rise above it.
        uint256 feeHighWaterRate;
    }

    /// @dev One slot per asset, in asset units (Lido shares for a rebasing asset).
    struct AssetBalance {
        uint128 idle;
        /// @dev Sum of the delegators' cached holdings (restaked and queued in EigenLayer).
        uint128 restaked;
    }

    struct DepositTerms {
        uint256 price;
        uint256 cap;
        uint256 minDeposit;
        bool rebasing;
    }

    // keccak256(abi.encode(uint256(keccak256("trellis.Vault")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 public constant STORAGE_LOCATION = 0x0ed6b65434e6b1ea0e36d09b817d2be99c9290f67566cb3869a49e5632a2b000;

    function _isPaused(Action action) internal view returns (bool) {
        return _s().pausedMask & uint8(1 << uint8(action)) != 0;
    }

    /// @dev The booked total and the pending gains now: pending is released linearly since the checkpoint.
    function _booksNow() internal view returns (uint256 booked, uint256 pending) {
        VaultStorage storage $ = _s();
        booked = $.booked;
        pending = $.pending;
        uint256 released = Math.min(pending, uint256($.releasePerSecond) * (block.timestamp - $.checkpoint));
        // Cannot underflow: released <= pending.
        unchecked {
            return (booked + released, pending - released);
        }
    }

    function _writeBooks(uint256 booked, uint256 pending) internal {
        VaultStorage storage $ = _s();
        $.booked = booked.toUint128();
        $.pending = pending.toUint128();
        $.checkpoint = uint40(block.timestamp);
    }

    /// @dev Books a fall of `mark` below the booked total at once, and trims pending gains the mark no longer
    /// holds. Returns the loss booked.
    function _settle(uint256 mark) internal returns (uint256 loss) {
        (uint256 booked, uint256 pending) = _booksNow();
        if (mark >= booked + pending) return 0;
        VaultStorage storage $ = _s();
        if (mark >= booked) {
            _writeBooks(booked, mark - booked);
            emit GainsStreamed(mark - booked, $.releasePerSecond);
            return 0;
        }
        uint256 supply = $.trETH.totalSupply();
        uint256 oldRate = WAD.toAssetsDown(booked, supply);
        loss = booked - mark;
        $.releasePerSecond = 0;
        _writeBooks(mark, 0);
        // A booked loss is a measurement like a sync: the rate feed opens a round for it.
        $.lastSync = uint40(block.timestamp);
        ++$.syncCount;
        emit LossBooked(msg.sender, booked, mark, oldRate, WAD.toAssetsDown(mark, supply));
    }

    /// @dev Every held unit at current prices: O(assets). Reverts while any price is out of bounds.
    function _mark() internal view returns (uint256) {
        (address[] memory assets, uint256[] memory prices, bool[] memory rebasing) = _s().assetRegistry.markPrices();
        return _markAt(assets, prices, rebasing);
    }

    /// @dev The held units of `assets` at `prices`.
    function _markAt(address[] memory assets, uint256[] memory prices, bool[] memory rebasing)
        internal
        view
        returns (uint256 total)
    {
        VaultStorage storage $ = _s();
        for (uint256 i; i < assets.length; ++i) {
            AssetBalance memory balance = $.balances[assets[i]];
            uint256 units = balance.idle + balance.restaked;
            if (units != 0) total += Math.mulDiv(_toAssetUnits(assets[i], rebasing[i], units), prices[i], WAD);
        }
    }

    function _heldAssets()
        internal
        view
        returns (address[] memory assets, address[] memory strategies, bool[] memory rebasing)
    {
        IAssetRegistry registry = _s().assetRegistry;
        assets = registry.getAssets();
        strategies = new address[](assets.length);
        rebasing = new bool[](assets.length);
        for (uint256 i; i < assets.length; ++i) {
            IAssetRegistry.AssetConfig memory config = registry.getAssetConfig(assets[i]);
            strategies[i] = config.strategy;
            rebasing[i] = config.rebasing;
        }
    }

    function _refreshDelegator(address delegator, address[] memory assets, address[] memory strategies, bool[] memory rebasing)
        internal
    {
        uint256[] memory amounts = IOperatorDelegator(delegator).underlyingBalances(strategies);
        for (uint256 i; i < assets.length; ++i) {
            _setDelegatorUnits(delegator, assets[i], rebasing[i] ? _toLidoShares(assets[i], amounts[i]) : amounts[i]);
        }
    }

    function _refreshDelegatorAsset(address delegator, address asset, address strategy, bool rebasing) internal {
        address[] memory strategies = new address[](1);
        strategies[0] = strategy;
        uint256 amount = IOperatorDelegator(delegator).underlyingBalances(strategies)[0];
        _setDelegatorUnits(delegator, asset, rebasing ? _toLidoShares(asset, amount) : amount);
    }

    function _setDelegatorUnits(address delegator, address asset, uint256 units) internal {
        VaultStorage storage $ = _s();
        uint256 old = $.delegatorUnits[delegator][asset];
        if (old == units) return;
        $.delegatorUnits[delegator][asset] = units;
        AssetBalance storage balance = $.balances[asset];
        balance.restaked = (uint256(balance.restaked) + units - old).toUint128();
        emit DelegatorRefreshed(delegator, asset, old, units);
    }

    /// @dev The vault's whole token holding: Lido shares for a rebasing asset, units otherwise.
    function _heldTokenUnits(address token, bool rebasing) internal view returns (uint256) {
        return rebasing ? IStETH(token).sharesOf(address(this)) : IERC20(token).balanceOf(address(this));
    }

    /// @dev Tracked units (Lido shares for a rebasing asset) in asset units, rounded down.
    function _toAssetUnits(address asset, bool rebasing, uint256 units) internal view returns (uint256) {
        return rebasing && units != 0 ? IStETH(asset).getPooledEthByShares(units) : units;
    }

    function _toLidoShares(address asset, uint256 amount) internal view returns (uint256) {
        return amount == 0 ? 0 : IStETH(asset).getSharesByPooledEth(amount);
    }

    /// @dev Sends `amount` units of idle `asset` to `to` and returns the units `to` can count on receiving.
    /// A rebasing asset moves by Lido shares, so the vault's tracked shares stay exact.
    function _sendIdle(address asset, bool rebasing, address to, uint256 amount) internal returns (uint256 sent) {
        uint256 moved = _sendIdleExact(asset, rebasing, to, amount);
        sent = rebasing ? IStETH(asset).getPooledEthByShares(moved) : moved;
    }

    /// @dev Like `_sendIdle`, returning what moved: Lido shares for a rebasing asset, units otherwise.
    function _sendIdleExact(address asset, bool rebasing, address to, uint256 amount) internal returns (uint256 moved) {
        VaultStorage storage $ = _s();
        uint256 idle = $.balances[asset].idle;
        uint256 idleUnits = _toAssetUnits(asset, rebasing, idle);
        if (amount > idleUnits) revert InsufficientIdle(asset, idleUnits, amount);
        if (rebasing) {
            moved = Math.min(IStETH(asset).getSharesByPooledEth(amount), idle);
            // Below one Lido share nothing would move (and EigenLayer refuses a zero-share deposit).
            if (moved == 0) revert ZeroAmount();
            $.balances[asset].idle = uint128(idle - moved); // moved <= idle
            IStETH(asset).transferShares(to, moved);
        } else {
            moved = amount;
            $.balances[asset].idle = uint128(idle - amount); // amount <= idle
            IERC20(asset).safeTransfer(to, amount);
        }
    }

    function _requireNotPaused(Action action) internal view {
        if (_isPaused(action)) revert ActionPaused(action);
    }

    function _s() internal pure returns (VaultStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }
}
