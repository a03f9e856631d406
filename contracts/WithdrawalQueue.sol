// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {IWithdrawalQueue} from "./interfaces/IWithdrawalQueue.sol";
import {IVault, IVaultTypes} from "./interfaces/IVault.sol";
import {ITrETH} from "./interfaces/ITrETH.sol";
import {IAssetRegistry} from "./interfaces/IAssetRegistry.sol";
import {IStETH} from "./interfaces/lst/IStETH.sol";
import {BPS, WAD} from "./libraries/Constants.sol";

/// @title WithdrawalQueue
contract WithdrawalQueue is IWithdrawalQueue, AccessManagedUpgradeable, UUPSUpgradeable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    uint256 public constant MAX_REDEEM_DELAY = 60 days;
    uint256 public constant MAX_INSTANT_FEE_BPS = 3_000;
    /// @dev A payout may fall short of its value by this much (wei of the asset) when idle is short by rounding.
    uint256 public constant MAX_DUST = 1e9;
    /// @dev Anyone but the keeper may finalize a request this long after it matured (if the keeper stalls).
    uint256 public constant SELF_FINALIZE_GRACE = 3 days;
    /// @dev The instant lane pays only while the last full refresh of the delegators started this recently: an
    /// unrefreshed slash cannot be dodged for the fee.
    uint256 public constant INSTANT_MAX_REFRESH_AGE = 1 hours;
    /// @dev Most requests one `finalize` moves `firstPending` past (bounded gas: ~2,100 each when cold).
    uint256 internal constant HEAD_STEPS = 64;

    /// @custom:storage-location erc7201:trellis.WithdrawalQueue
    struct WithdrawalQueueStorage {
        IVault vault;
        ITrETH trETH;
        IAssetRegistry assetRegistry;
        uint256 nextRequestId;
        uint256 minRedeemDelayFloor;
        ExitParams params;
        uint40 periodStart;
        uint128 usedInPeriod;
        mapping(uint256 requestId => Request) requests;
        mapping(address asset => uint256) reservedUnits;
        mapping(address asset => mapping(address controller => Pool)) claimable;
        mapping(address asset => mapping(address controller => mapping(address operator => bool))) operators;
        /// @dev Every request below it is no longer pending (finalized or cancelled); ids from it to
        /// `nextRequestId` are what a reader scans, so a keeper's read grows with the backlog, not the history.
        uint256 firstPending;
    }

    /// @dev Finalized, unclaimed: escrowed trETH already burned, and the payout (Lido shares for stETH) held here.
    struct Pool {
        uint128 shares;
        uint128 payout;
    }

    // keccak256(abi.encode(uint256(keccak256("trellis.WithdrawalQueue")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 public constant STORAGE_LOCATION = 0x667733941b7b9c85348f5bb9795cf86b06bfc0712abf68f427cd6feac081b800;

    constructor() {
        _disableInitializers();
    }

    /// @param minRedeemDelayFloor_ EigenLayer's withdrawal delay on this network in seconds: `minRedeemDelay`
    /// can never be set below it.
    function initialize(address authority_, IVault vault_, uint256 minRedeemDelayFloor_, ExitParams calldata params_)
        external
        initializer
    {
        __AccessManaged_init(authority_);
        WithdrawalQueueStorage storage $ = _s();
        $.vault = vault_;
        $.trETH = ITrETH(vault_.trETH());
        $.assetRegistry = IAssetRegistry(vault_.assetRegistry());
        $.nextRequestId = 1;
        $.firstPending = 1;
        $.minRedeemDelayFloor = minRedeemDelayFloor_;
        $.periodStart = uint40(block.timestamp);
        _setExitParams(params_);
    }

    modifier onlyEntry(address asset) {
        if (_s().vault.entryOf(asset) != msg.sender) revert OnlyEntry(msg.sender, asset);
        _;
    }

    // ---------------------------------------------------------------- requests

    /// @inheritdoc IWithdrawalQueue
    function requestRedeem(address asset, address caller, uint256 shares, address controller, address owner)
        external
        onlyEntry(asset)
        nonReentrant
        returns (uint256 requestId)
    {
        WithdrawalQueueStorage storage $ = _s();
        if ($.vault.isPaused(IVaultTypes.Action.Withdraw)) revert WithdrawalsPaused();
        if (shares == 0) revert ZeroAmount();
        if (controller == address(0)) revert ZeroAddress();
        _escrow(asset, caller, owner, shares);
        uint256 value = $.vault.convertToAssets(shares);
        uint256 units = _reserve(asset, value);
        requestId = $.nextRequestId++;
        $.requests[requestId] = Request({
            controller: controller,
            shares: shares.toUint96(),
            asset: asset,
            requestedAt: uint40(block.timestamp),
            status: Status.Pending,
            valueAtRequest: value.toUint128(),
            unitsAtRequest: units.toUint128()
        });
        emit RedeemRequested(requestId, controller, asset, owner, shares, value, block.timestamp + $.params.minRedeemDelay);
    }

    /// @inheritdoc IWithdrawalQueue
    function finalize(uint256[] calldata requestIds) external nonReentrant returns (uint256 finalized) {
        WithdrawalQueueStorage storage $ = _s();
        if ($.vault.isPaused(IVaultTypes.Action.Withdraw)) revert WithdrawalsPaused();
        // Every loss the books can see is booked before anyone is paid.
        $.vault.settleValue(0);
        uint256 delay = $.params.minRedeemDelay;
        // A slash is seen once the delegators are refreshed: a request is paid only after a full refresh round
        // that started once it had matured, so a slash that landed while it waited is shared. The keeper refreshes
        // and finalizes in one cycle; anyone else may finalize a request a grace period after it matured.
        uint256 refreshedAt = $.vault.lastFullRefresh();
        uint256 grace = _isKeeper(msg.sender) ? 0 : SELF_FINALIZE_GRACE;
        for (uint256 i; i < requestIds.length; ++i) {
            uint256 id = requestIds[i];
            Request storage r = $.requests[id];
            uint256 maturedAt = uint256(r.requestedAt) + delay;
            if (r.status != Status.Pending || refreshedAt < maturedAt || block.timestamp < maturedAt + grace) continue;
            if (_finalizeOne(id, r)) ++finalized;
        }
        _advanceHead($);
    }

    /// @inheritdoc IWithdrawalQueue
    function claim(address asset, address caller, uint256 shares, address receiver, address controller)
        external
        onlyEntry(asset)
        nonReentrant
        returns (uint256 assets)
    {
        Pool storage pool = _claimPool(asset, caller, controller, shares);
        if (shares > pool.shares) revert ExceedsClaimable(controller, pool.shares, shares);
        // Pro rata, rounded down: what is left in the pool always covers the shares left in it.
        uint256 payout = shares == pool.shares ? pool.payout : Math.mulDiv(pool.payout, shares, pool.shares);
        assets = _payOut(asset, pool, shares, payout, receiver);
        emit RedeemClaimed(controller, asset, receiver, shares, assets);
    }

    /// @inheritdoc IWithdrawalQueue
    function claimAssets(address asset, address caller, uint256 assets, address receiver, address controller)
        external
        onlyEntry(asset)
        nonReentrant
        returns (uint256 shares)
    {
        Pool storage pool = _claimPool(asset, caller, controller, assets);
        uint256 payout = _isRebasing(asset) ? IStETH(asset).getSharesByPooledEth(assets) + 1 : assets;
        if (payout > pool.payout) revert ExceedsClaimable(controller, _toAssets(asset, pool.payout), assets);
        // Shares taken rounded up, so the pool is never drained faster than its shares.
        shares = Math.min(Math.mulDiv(pool.shares, payout, pool.payout, Math.Rounding.Ceil), pool.shares);
        uint256 paid = _payOut(asset, pool, shares, payout, receiver);
        emit RedeemClaimed(controller, asset, receiver, shares, paid);
    }

    /// @dev `controller`'s pool of claimable `asset`, once `caller` may claim from it a non-zero `amount`.
    function _claimPool(address asset, address caller, address controller, uint256 amount)
        internal
        view
        returns (Pool storage)
    {
        _requireController(asset, caller, controller);
        if (amount == 0) revert ZeroAmount();
        return _s().claimable[asset][controller];
    }

    /// @inheritdoc IWithdrawalQueue
    function cancel(address asset, address caller, uint256 requestId, address controller)
        external
        onlyEntry(asset)
        nonReentrant
    {
        WithdrawalQueueStorage storage $ = _s();
        Request storage r = $.requests[requestId];
        if (r.status != Status.Pending || r.controller != controller || r.asset != asset) revert RequestNotPending(requestId);
        _requireController(asset, caller, controller);
        r.status = Status.Cancelled;
        $.reservedUnits[asset] -= r.unitsAtRequest;
        uint256 shares = r.shares;
        IERC20(address($.trETH)).safeTransfer(controller, shares);
        emit RedeemCanceled(requestId, controller, shares);
    }

    /// @inheritdoc IWithdrawalQueue
    function retarget(uint256 requestId, address newAsset) external nonReentrant {
        WithdrawalQueueStorage storage $ = _s();
        Request storage r = $.requests[requestId];
        if (r.status != Status.Pending) revert RequestNotPending(requestId);
        address oldAsset = r.asset;
        if (newAsset == oldAsset) revert SameAsset(newAsset);
        _requireController(oldAsset, msg.sender, r.controller);
        if ($.vault.entryOf(newAsset) == address(0) || $.assetRegistry.underlyingOf(newAsset) != address(0)) {
            revert IAssetRegistry.AssetNotSupported(newAsset);
        }
        $.reservedUnits[oldAsset] -= r.unitsAtRequest;
        uint256 units = _reserve(newAsset, r.valueAtRequest);
        r.asset = newAsset;
        r.unitsAtRequest = units.toUint128();
        emit RedeemRetargeted(requestId, oldAsset, newAsset, units);
    }

    /// @inheritdoc IWithdrawalQueue
    function instantRedeem(address asset, address caller, uint256 shares, address receiver, address owner, uint256 minAssets)
        external
        onlyEntry(asset)
        nonReentrant
        returns (uint256 assets, uint256 fee)
    {
        WithdrawalQueueStorage storage $ = _s();
        if ($.vault.isPaused(IVaultTypes.Action.Withdraw)) revert WithdrawalsPaused();
        if (shares == 0) revert ZeroAmount();
        if (receiver == address(0)) revert ZeroAddress();
        _escrow(asset, caller, owner, shares);
        uint256 value = $.vault.settleValue(shares);
        uint256 amount;
        (amount, fee) = _instantQuote(asset, value);
        if (amount < minAssets) revert InstantSlippage(minAssets, amount);
        _rollPeriod();
        $.usedInPeriod += value.toUint128();
        uint256 payout = $.vault.releaseToQueue(asset, amount, value, fee);
        $.trETH.burn(address(this), shares);
        assets = _transferPayout(asset, payout, receiver);
        emit InstantRedeemed(owner, asset, receiver, shares, assets, fee);
    }

    /// @inheritdoc IWithdrawalQueue
    function previewInstant(address asset, uint256 shares) external view returns (uint256 assets, uint256 feeValue) {
        return _instantQuote(asset, _s().vault.convertToAssets(shares));
    }

    /// @inheritdoc IWithdrawalQueue
    function instantFeeBps(uint256 value) public view returns (uint256) {
        ExitParams memory p = _s().params;
        (uint256 used, uint256 limit) = _periodUsage();
        if (limit == 0) return p.maxFeeBps;
        // Linear in the utilisation the exit leaves behind, capped at the hard maximum.
        uint256 utilisation = Math.min(Math.mulDiv(used + value, BPS, limit, Math.Rounding.Ceil), BPS);
        return p.minFeeBps + Math.mulDiv(p.maxFeeBps - p.minFeeBps, utilisation, BPS, Math.Rounding.Ceil);
    }

    // ---------------------------------------------------------------- operators and parameters

    /// @inheritdoc IWithdrawalQueue
    function setOperator(address asset, address controller, address operator, bool approved) external onlyEntry(asset) {
        _s().operators[asset][controller][operator] = approved;
        emit OperatorSet(asset, controller, operator, approved);
    }

    /// @inheritdoc IWithdrawalQueue
    function isOperator(address asset, address controller, address operator) public view returns (bool) {
        return _s().operators[asset][controller][operator];
    }

    /// @inheritdoc IWithdrawalQueue
    function setExitParams(ExitParams calldata params) external restricted {
        _setExitParams(params);
    }

    /// @inheritdoc IWithdrawalQueue
    function exitParams() external view returns (ExitParams memory) {
        return _s().params;
    }

    /// @inheritdoc IWithdrawalQueue
    function minRedeemDelayFloor() external view returns (uint256) {
        return _s().minRedeemDelayFloor;
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IWithdrawalQueue
    function getRequest(uint256 requestId) external view returns (Request memory) {
        return _s().requests[requestId];
    }

    /// @inheritdoc IWithdrawalQueue
    function nextRequestId() external view returns (uint256) {
        return _s().nextRequestId;
    }

    /// @inheritdoc IWithdrawalQueue
    function firstPendingRequestId() external view returns (uint256) {
        return _s().firstPending;
    }

    /// @inheritdoc IWithdrawalQueue
    function payableFrom(uint256 requestId) external view returns (uint256) {
        Request storage r = _s().requests[requestId];
        return r.requestedAt == 0 ? 0 : uint256(r.requestedAt) + _s().params.minRedeemDelay;
    }

    /// @inheritdoc IWithdrawalQueue
    function reservedUnits(address asset) external view returns (uint256) {
        return _s().reservedUnits[asset];
    }

    /// @inheritdoc IWithdrawalQueue
    function claimableOf(address asset, address controller) external view returns (uint256 shares, uint256 assets) {
        Pool storage pool = _s().claimable[asset][controller];
        return (pool.shares, _toAssets(asset, pool.payout));
    }

    /// @inheritdoc IWithdrawalQueue
    function instantUsed() external view returns (uint256 periodStart, uint256 used) {
        WithdrawalQueueStorage storage $ = _s();
        (used,) = _periodUsage();
        periodStart = block.timestamp >= uint256($.periodStart) + $.params.period ? block.timestamp : $.periodStart;
    }

    // ---------------------------------------------------------------- internal

    function _finalizeOne(uint256 id, Request storage r) internal returns (bool) {
        WithdrawalQueueStorage storage $ = _s();
        address asset = r.asset;
        uint256 value = Math.min(r.valueAtRequest, $.vault.convertToAssets(r.shares));
        uint256 amount = Math.mulDiv(value, WAD, $.assetRegistry.price(asset));
        uint256 idle = $.vault.idleBalance(asset);
        if (amount > idle) {
            // Short by rounding only: pay what is there rather than wait forever for a few wei.
            if (amount - idle > MAX_DUST) return false;
            amount = idle;
        }
        if (amount == 0) return false;
        uint256 payout = $.vault.releaseToQueue(asset, amount, value, 0);
        uint256 shares = r.shares;
        $.trETH.burn(address(this), shares);
        $.reservedUnits[asset] -= r.unitsAtRequest;
        r.status = Status.Claimable;
        Pool storage pool = $.claimable[asset][r.controller];
        pool.shares += shares.toUint128();
        pool.payout += payout.toUint128();
        emit RedeemFinalized(id, r.controller, value, payout);
        return true;
    }

    /// @dev Moves `firstPending` past requests that are no longer pending, at most `HEAD_STEPS` a call so the
    /// caller's gas stays bounded. Only `finalize` (the keeper's call) moves it: a cancel leaves its id behind
    /// for the next finalize, so no user pays for skipping others' requests.
    function _advanceHead(WithdrawalQueueStorage storage $) internal {
        uint256 head = $.firstPending;
        uint256 end = Math.min($.nextRequestId, head + HEAD_STEPS);
        while (head < end && $.requests[head].status != Status.Pending) ++head;
        $.firstPending = head;
    }

    /// @dev Reserves what `value` ETH is in `asset` units against the asset's holdings; returns those units.
    function _reserve(address asset, uint256 value) internal returns (uint256 units) {
        WithdrawalQueueStorage storage $ = _s();
        if (value == 0) revert ZeroAmount();
        uint256 price = $.assetRegistry.price(asset);
        units = Math.mulDiv(value, WAD, price);
        // The asset's minimum bounds requests too: dust requests would cost the keeper more than they move.
        uint256 minimum = $.assetRegistry.getAssetConfig(asset).minDeposit;
        if (units < minimum) revert WithdrawalBelowMinimum(asset, minimum, units);
        uint256 reserved = $.reservedUnits[asset];
        uint256 held = $.vault.heldUnits(asset);
        // Up to MAX_DUST over: after a loss the virtual shares value the holders' parts at a few wei more than the
        // booked total, and finalization pays a shortfall that small from what is there (the last holder leaves).
        if (reserved + units > held + MAX_DUST) {
            revert InsufficientAssetLiquidity(asset, held > reserved ? held - reserved : 0, units);
        }
        $.reservedUnits[asset] = reserved + units;
    }

    /// @dev Moves `shares` trETH of `owner` into escrow here. ERC-7540: the caller is the owner, an operator of
    /// the owner on this entry, or spends a trETH allowance the owner gave it.
    function _escrow(address asset, address caller, address owner, uint256 shares) internal {
        WithdrawalQueueStorage storage $ = _s();
        if (owner == address(0)) revert ZeroAddress();
        bool direct = caller == owner || $.operators[asset][owner][caller];
        $.trETH.escrowFrom(owner, direct ? owner : caller, shares);
    }

    /// @dev Whether `account` holds the role the AccessManager requires for `finalize` (the keeper).
    function _isKeeper(address account) internal view returns (bool immediate) {
        (immediate,) = IAccessManager(authority()).canCall(account, address(this), this.finalize.selector);
    }

    function _requireController(address asset, address caller, address controller) internal view {
        if (caller != controller && !_s().operators[asset][controller][caller]) revert NotAuthorized(caller, controller);
    }

    function _payOut(address asset, Pool storage pool, uint256 shares, uint256 payout, address receiver)
        internal
        returns (uint256)
    {
        if (receiver == address(0)) revert ZeroAddress();
        pool.shares -= uint128(shares); // shares <= pool.shares, checked by the callers
        pool.payout -= uint128(payout); // payout <= pool.payout
        return _transferPayout(asset, payout, receiver);
    }

    function _transferPayout(address asset, uint256 payout, address receiver) internal returns (uint256) {
        if (_isRebasing(asset)) return IStETH(asset).transferShares(receiver, payout);
        IERC20(asset).safeTransfer(receiver, payout);
        return payout;
    }

    /// @dev (asset units paid, fee in ETH) for an instant exit worth `value`; reverts when the lane cannot pay.
    function _instantQuote(address asset, uint256 value) internal view returns (uint256 amount, uint256 fee) {
        WithdrawalQueueStorage storage $ = _s();
        uint256 refreshedAt = $.vault.lastFullRefresh();
        if (block.timestamp > refreshedAt + INSTANT_MAX_REFRESH_AGE) {
            revert IVaultTypes.MeasurementStale(refreshedAt, INSTANT_MAX_REFRESH_AGE);
        }
        (uint256 used, uint256 limit) = _periodUsage();
        if (used + value > limit) revert InstantLimitExceeded(limit > used ? limit - used : 0, value);
        fee = Math.mulDiv(value, instantFeeBps(value), BPS, Math.Rounding.Ceil);
        uint256 price = $.assetRegistry.price(asset);
        amount = Math.mulDiv(value - fee, WAD, price);
        uint256 idleValue = Math.mulDiv($.vault.idleBalance(asset), price, WAD);
        uint256 watermark = Math.mulDiv($.vault.totalAssets(), $.params.lowWatermarkBps, BPS);
        uint256 paid = Math.mulDiv(amount, price, WAD, Math.Rounding.Ceil);
        uint256 after_ = idleValue > paid ? idleValue - paid : 0;
        if (paid > idleValue || after_ < watermark) revert InstantLaneClosed(asset, after_, watermark);
    }

    /// @dev (used in the current period, the period's limit in ETH).
    function _periodUsage() internal view returns (uint256 used, uint256 limit) {
        WithdrawalQueueStorage storage $ = _s();
        used = block.timestamp >= uint256($.periodStart) + $.params.period ? 0 : $.usedInPeriod;
        limit = Math.mulDiv($.vault.totalAssets(), $.params.periodLimitBps, BPS);
    }

    function _rollPeriod() internal {
        WithdrawalQueueStorage storage $ = _s();
        if (block.timestamp >= uint256($.periodStart) + $.params.period) {
            $.periodStart = uint40(block.timestamp);
            $.usedInPeriod = 0;
        }
    }

    function _setExitParams(ExitParams calldata p) internal {
        if (
            p.minRedeemDelay < _s().minRedeemDelayFloor || p.minRedeemDelay > MAX_REDEEM_DELAY || p.period == 0
                || p.minFeeBps > p.maxFeeBps || p.maxFeeBps > MAX_INSTANT_FEE_BPS || p.periodLimitBps > BPS
                || p.lowWatermarkBps > BPS
        ) revert InvalidExitParams();
        _s().params = p;
        emit ExitParamsSet(p);
    }

    function _isRebasing(address asset) internal view returns (bool) {
        return _s().assetRegistry.getAssetConfig(asset).rebasing;
    }

    function _toAssets(address asset, uint256 payout) internal view returns (uint256) {
        return payout != 0 && _isRebasing(asset) ? IStETH(asset).getPooledEthByShares(payout) : payout;
    }

    function _authorizeUpgrade(address) internal override restricted {}

    function _s() private pure returns (WithdrawalQueueStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }
}
