// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ITrellisEntry, ITrellisEntryPull} from "./interfaces/ITrellisEntry.sol";
import {IVault, IVaultTypes} from "./interfaces/IVault.sol";
import {IWithdrawalQueue} from "./interfaces/IWithdrawalQueue.sol";
import {IAssetRegistry} from "./interfaces/IAssetRegistry.sol";
import {IWstETH} from "./interfaces/lst/IWstETH.sol";
import {IStETH} from "./interfaces/lst/IStETH.sol";
import {WAD} from "./libraries/Constants.sol";

/// @title TrellisEntry
/// @notice One per LST: the ERC-7575 / ERC-7540 face of the vault for that asset. It holds nothing and keeps no
/// state: deposits go to the vault (which pulls the asset through `pullAssets`), redemptions to the queue.
/// Immutable by design: the logic it forwards to is upgradeable, the entry itself has nothing to upgrade.
contract TrellisEntry is ITrellisEntry {
    using SafeERC20 for IERC20;

    IVault internal immutable VAULT;
    IWithdrawalQueue internal immutable QUEUE;
    address internal immutable SHARE;
    address internal immutable ASSET;
    /// @dev The stETH behind a wstETH entry, or zero.
    address internal immutable UNDERLYING;

    constructor(IVault vault_, address asset_) {
        VAULT = vault_;
        QUEUE = IWithdrawalQueue(vault_.withdrawalQueue());
        SHARE = vault_.trETH();
        ASSET = asset_;
        UNDERLYING = IAssetRegistry(vault_.assetRegistry()).underlyingOf(asset_);
    }

    // ---------------------------------------------------------------- ERC-7575 deposits

    /// @inheritdoc ITrellisEntry
    function deposit(uint256 assets, address receiver) external returns (uint256 shares) {
        shares = VAULT.depositFromEntry(ASSET, msg.sender, assets, 0, receiver);
        emit Deposit(msg.sender, receiver, assets, shares);
    }

    /// @inheritdoc ITrellisEntry
    function deposit(uint256 assets, address receiver, uint256 minShares) external returns (uint256 shares) {
        shares = VAULT.depositFromEntry(ASSET, msg.sender, assets, minShares, receiver);
        emit Deposit(msg.sender, receiver, assets, shares);
    }

    /// @inheritdoc ITrellisEntry
    function mint(uint256 shares, address receiver) external returns (uint256 assets) {
        assets = VAULT.previewMint(ASSET, shares);
        uint256 minted = VAULT.depositFromEntry(ASSET, msg.sender, assets, shares, receiver);
        emit Deposit(msg.sender, receiver, assets, minted);
    }

    /// @inheritdoc ITrellisEntryPull
    function pullAssets(address owner, uint256 amount) external {
        if (msg.sender != address(VAULT)) revert OnlyVault(msg.sender);
        IERC20(ASSET).safeTransferFrom(owner, address(VAULT), amount);
    }

    /// @inheritdoc ITrellisEntry
    function previewDeposit(uint256 assets) external view returns (uint256) {
        return VAULT.previewDeposit(ASSET, _arriving(assets));
    }

    /// @inheritdoc ITrellisEntry
    function previewMint(uint256 shares) external view returns (uint256) {
        return VAULT.previewMint(ASSET, shares);
    }

    /// @inheritdoc ITrellisEntry
    function maxDeposit(address) public view returns (uint256) {
        address held = UNDERLYING == address(0) ? ASSET : UNDERLYING;
        if (!_depositsOpen(held)) return 0;
        uint256 cap = IAssetRegistry(VAULT.assetRegistry()).getAssetConfig(held).depositCap;
        uint256 holding = VAULT.heldUnits(held);
        uint256 room = cap > holding ? cap - holding : 0;
        return UNDERLYING == address(0) ? room : IWstETH(ASSET).getWstETHByStETH(room);
    }

    /// @inheritdoc ITrellisEntry
    function maxMint(address receiver) external view returns (uint256) {
        uint256 room = maxDeposit(receiver);
        return room == 0 ? 0 : VAULT.previewDeposit(ASSET, room);
    }

    /// @inheritdoc ITrellisEntry
    function totalAssets() external view returns (uint256) {
        return _toAssetUnits(VAULT.totalAssets());
    }

    /// @inheritdoc ITrellisEntry
    function convertToShares(uint256 assets) external view returns (uint256) {
        return VAULT.convertToShares(Math.mulDiv(_units(assets), _price(), WAD));
    }

    /// @inheritdoc ITrellisEntry
    function convertToAssets(uint256 shares) external view returns (uint256) {
        return _toAssetUnits(VAULT.convertToAssets(shares));
    }

    // ---------------------------------------------------------------- ERC-7540 redemption

    /// @inheritdoc ITrellisEntry
    function requestRedeem(uint256 shares, address controller, address owner) external returns (uint256 requestId) {
        _requireRedeemable();
        requestId = QUEUE.requestRedeem(ASSET, msg.sender, shares, controller, owner);
        emit RedeemRequest(controller, owner, requestId, msg.sender, shares);
    }

    /// @inheritdoc ITrellisEntry
    function pendingRedeemRequest(uint256 requestId, address controller) external view returns (uint256) {
        IWithdrawalQueue.Request memory r = QUEUE.getRequest(requestId);
        return r.status == IWithdrawalQueue.Status.Pending && r.controller == controller && r.asset == ASSET ? r.shares : 0;
    }

    /// @inheritdoc ITrellisEntry
    function claimableRedeemRequest(uint256 requestId, address controller) external view returns (uint256) {
        IWithdrawalQueue.Request memory r = QUEUE.getRequest(requestId);
        if (r.status != IWithdrawalQueue.Status.Claimable || r.controller != controller || r.asset != ASSET) return 0;
        // Claims are pooled per controller: what is still unclaimed of this request is at most the pool.
        (uint256 pooled,) = QUEUE.claimableOf(ASSET, controller);
        return Math.min(r.shares, pooled);
    }

    /// @inheritdoc ITrellisEntry
    function redeem(uint256 shares, address receiver, address controller) external returns (uint256 assets) {
        assets = QUEUE.claim(ASSET, msg.sender, shares, receiver, controller);
        emit Withdraw(msg.sender, receiver, controller, assets, shares);
    }

    /// @inheritdoc ITrellisEntry
    function withdraw(uint256 assets, address receiver, address controller) external returns (uint256 shares) {
        shares = QUEUE.claimAssets(ASSET, msg.sender, assets, receiver, controller);
        emit Withdraw(msg.sender, receiver, controller, assets, shares);
    }

    /// @inheritdoc ITrellisEntry
    function maxRedeem(address controller) external view returns (uint256 shares) {
        (shares,) = QUEUE.claimableOf(ASSET, controller);
    }

    /// @inheritdoc ITrellisEntry
    function maxWithdraw(address controller) external view returns (uint256 assets) {
        (, assets) = QUEUE.claimableOf(ASSET, controller);
    }

    /// @inheritdoc ITrellisEntry
    function previewRedeem(uint256) external pure returns (uint256) {
        revert AsyncRedeem();
    }

    /// @inheritdoc ITrellisEntry
    function previewWithdraw(uint256) external pure returns (uint256) {
        revert AsyncRedeem();
    }

    /// @inheritdoc ITrellisEntry
    function cancelRedeemRequest(uint256 requestId, address controller) external {
        uint256 shares = QUEUE.getRequest(requestId).shares;
        QUEUE.cancel(ASSET, msg.sender, requestId, controller);
        emit RedeemRequestCanceled(requestId, controller, shares);
    }

    /// @inheritdoc ITrellisEntry
    function instantRedeem(uint256 shares, address receiver, address owner, uint256 minAssets)
        external
        returns (uint256 assets)
    {
        _requireRedeemable();
        uint256 fee;
        (assets, fee) = QUEUE.instantRedeem(ASSET, msg.sender, shares, receiver, owner, minAssets);
        emit InstantRedeemed(owner, receiver, assets, shares, fee);
    }

    /// @inheritdoc ITrellisEntry
    function previewInstantRedeem(uint256 shares) external view returns (uint256 assets, uint256 feeValue) {
        return QUEUE.previewInstant(ASSET, shares);
    }

    /// @inheritdoc ITrellisEntry
    function setOperator(address operator, bool approved) external returns (bool) {
        QUEUE.setOperator(ASSET, msg.sender, operator, approved);
        emit OperatorSet(msg.sender, operator, approved);
        return true;
    }

    /// @inheritdoc ITrellisEntry
    function isOperator(address controller, address operator) external view returns (bool) {
        return QUEUE.isOperator(ASSET, controller, operator);
    }

    // ---------------------------------------------------------------- metadata

    /// @inheritdoc ITrellisEntry
    function asset() external view returns (address) {
        return ASSET;
    }

    /// @inheritdoc ITrellisEntry
    function share() external view returns (address) {
        return SHARE;
    }

    /// @inheritdoc ITrellisEntry
    function vault() external view returns (address) {
        return address(VAULT);
    }

    /// @inheritdoc ITrellisEntry
    function withdrawalQueue() external view returns (address) {
        return address(QUEUE);
    }

    /// @inheritdoc ITrellisEntry
    function supportsInterface(bytes4 interfaceId) external view returns (bool) {
        return interfaceId == 0x01ffc9a7 // ERC-165
            || interfaceId == 0x2f0a18c5 // ERC-7575
            || interfaceId == 0xe3bc4e65 // ERC-7540 operator methods
            || (interfaceId == 0x620ee8e4 && UNDERLYING == address(0)); // ERC-7540 asynchronous redemption
    }

    // ---------------------------------------------------------------- internal

    /// @dev ERC-4626: maxDeposit is 0 while deposits stop, even for a while: paused, a stale measurement, a held
    /// asset's price out of its bounds (the mark reverts), or this asset's market guard refusing its price.
    function _depositsOpen(address held) internal view returns (bool) {
        if (VAULT.isPaused(IVaultTypes.Action.Deposit)) return false;
        if (block.timestamp > VAULT.lastFullRefresh() + VAULT.rateParams().maxMeasurementAge) return false;
        try VAULT.markedAssets() returns (uint256) {}
        catch {
            return false;
        }
        try IAssetRegistry(VAULT.assetRegistry()).depositPrice(held) returns (uint256) {}
        catch {
            return false;
        }
        return true;
    }

    /// @dev What a deposit of `assets` counts: a rebasing asset (stETH) moves by whole Lido shares, so it arrives up
    /// to a wei or two short; previewDeposit must never promise more than the deposit mints (ERC-4626).
    function _arriving(uint256 assets) internal view returns (uint256) {
        if (UNDERLYING != address(0) || !IAssetRegistry(VAULT.assetRegistry()).getAssetConfig(ASSET).rebasing) {
            return assets;
        }
        return IStETH(ASSET).getPooledEthByShares(IStETH(ASSET).getSharesByPooledEth(assets));
    }

    /// @dev A wrapper entry (wstETH) takes deposits only: its asset is held as the underlying, so exits are made
    /// through the underlying's entry.
    function _requireRedeemable() internal view {
        if (UNDERLYING != address(0)) revert RedeemNotSupported(ASSET);
    }

    function _units(uint256 assets) internal view returns (uint256) {
        return UNDERLYING == address(0) ? assets : IWstETH(ASSET).getStETHByWstETH(assets);
    }

    function _price() internal view returns (uint256) {
        return IAssetRegistry(VAULT.assetRegistry()).price(UNDERLYING == address(0) ? ASSET : UNDERLYING);
    }

    /// @dev ETH value in this entry's asset units, rounded down.
    function _toAssetUnits(uint256 value) internal view returns (uint256) {
        uint256 units = Math.mulDiv(value, WAD, _price());
        return UNDERLYING == address(0) ? units : IWstETH(ASSET).getWstETHByStETH(units);
    }
}
