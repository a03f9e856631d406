// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {BeaconProxy} from "@openzeppelin/contracts/proxy/beacon/BeaconProxy.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IVaultCore} from "./interfaces/IVault.sol";
import {VaultCore} from "./VaultCore.sol";
import {ITrETH} from "./interfaces/ITrETH.sol";
import {IAssetRegistry} from "./interfaces/IAssetRegistry.sol";
import {IRiskRegistry} from "./interfaces/IRiskRegistry.sol";
import {IOperatorDelegator} from "./interfaces/IOperatorDelegator.sol";
import {ITrellisEntryPull} from "./interfaces/ITrellisEntry.sol";
import {IStETH} from "./interfaces/lst/IStETH.sol";
import {IWstETH} from "./interfaces/lst/IWstETH.sol";
import {IDelegationManagerTypes} from "./interfaces/eigenlayer/IDelegationManager.sol";
import {IRewardsCoordinatorTypes} from "./interfaces/eigenlayer/IRewardsCoordinator.sol";
import {SharesMathLib} from "./libraries/SharesMathLib.sol";
import {BPS, WAD, YEAR} from "./libraries/Constants.sol";

/// @title Vault
contract Vault is IVaultCore, VaultCore, AccessManagedUpgradeable, UUPSUpgradeable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SharesMathLib for uint256;
    using SafeCast for uint256;

    uint256 public constant MAX_FEE_BPS = 3_000;
    uint256 public constant MIN_STREAM_WINDOW = 1 hours;
    uint256 public constant MAX_STREAM_WINDOW = 30 days;
    uint256 public constant MAX_MEASUREMENT_AGE = 7 days;
    uint256 public constant MAX_DEPOSIT_PREMIUM_BPS = 500;

    /// @dev The keeper's plumbing, run by delegatecall (see `fallback`). An immutable of this implementation, so an
    /// upgrade replaces both halves together.
    address public immutable OPERATIONS;

    constructor(address operations) {
        OPERATIONS = operations;
        _disableInitializers();
    }

    function initialize(
        address authority_,
        ITrETH trETH_,
        IAssetRegistry assetRegistry_,
        IRiskRegistry riskRegistry_,
        address delegatorBeacon_,
        address treasury_,
        SyncParams calldata syncParams_
    ) external initializer {
        __AccessManaged_init(authority_);
        if (
            address(trETH_) == address(0) || address(assetRegistry_) == address(0) || address(riskRegistry_) == address(0)
                || delegatorBeacon_ == address(0) || treasury_ == address(0)
        ) revert ZeroAddress();
        VaultStorage storage $ = _s();
        $.trETH = trETH_;
        $.assetRegistry = assetRegistry_;
        $.riskRegistry = riskRegistry_;
        $.delegatorBeacon = delegatorBeacon_;
        $.treasury = treasury_;
        $.lastSync = uint40(block.timestamp);
        $.checkpoint = uint40(block.timestamp);
        $.lastFullRefresh = uint40(block.timestamp);
        $.feeHighWaterRate = WAD;
        _setSyncParams(syncParams_);
        _setRateParams(RateParams({streamWindow: 7 days, maxMeasurementAge: 2 days, maxDepositPremiumBps: 100}));
    }

    /// @dev Every selector the vault does not implement runs in `VaultOperations` on this storage.
    fallback() external {
        address operations = OPERATIONS;
        assembly ("memory-safe") {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), operations, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) { revert(0, returndatasize()) }
            return(0, returndatasize())
        }
    }

    // ---------------------------------------------------------------- deposits

    /// @inheritdoc IVaultCore
    function deposit(address asset, uint256 amount, uint256 minShares, address receiver)
        external
        nonReentrant
        returns (uint256 shares)
    {
        return _deposit(asset, msg.sender, amount, minShares, receiver, false);
    }

    /// @inheritdoc IVaultCore
    function depositFromEntry(address asset, address owner, uint256 amount, uint256 minShares, address receiver)
        external
        nonReentrant
        returns (uint256 shares)
    {
        if (_s().entryOf[asset] != msg.sender) revert OnlyEntry(msg.sender, asset);
        return _deposit(asset, owner, amount, minShares, receiver, true);
    }

    /// @inheritdoc IVaultCore
    function previewDeposit(address asset, uint256 amount) external view returns (uint256) {
        (uint256 value, uint256 mark, uint256 supply) = _quote(asset, amount);
        return value.toSharesDown(mark, supply);
    }

    /// @inheritdoc IVaultCore
    function previewMint(address asset, uint256 shares) external view returns (uint256 amount) {
        (uint256 price, uint256 mark, uint256 supply) = _quote(asset, WAD);
        uint256 value = shares.toAssetsUp(mark, supply);
        amount = Math.mulDiv(value, WAD, price, Math.Rounding.Ceil);
        // A rebasing asset can land 1-2 wei short (Lido's share rounding); ask for that much more.
        (, address held) = _heldAsset(asset);
        if (_s().assetRegistry.getAssetConfig(held).rebasing) amount += 2;
    }

    /// @inheritdoc IVaultCore
    function entryOf(address asset) external view returns (address) {
        return _s().entryOf[asset];
    }

    // ---------------------------------------------------------------- rate

    /// @inheritdoc IVaultCore
    function totalAssets() external view returns (uint256 booked) {
        (booked,) = _booksNow();
    }

    /// @inheritdoc IVaultCore
    function markedAssets() external view returns (uint256) {
        return _mark();
    }

    /// @inheritdoc IVaultCore
    function rate() public view returns (uint256) {
        (uint256 booked,) = _booksNow();
        return WAD.toAssetsDown(booked, _s().trETH.totalSupply());
    }

    /// @inheritdoc IVaultCore
    function getRate() external view returns (uint256) {
        return rate();
    }

    /// @inheritdoc IVaultCore
    function rateSnapshot() external view returns (uint256 snapshotRate, uint256 snapshotTimestamp, uint256 maxYearlyGrowthBps) {
        VaultStorage storage $ = _s();
        snapshotTimestamp = $.checkpoint;
        snapshotRate = WAD.toAssetsDown($.booked, $.trETH.totalSupply());
        maxYearlyGrowthBps = $.syncParams.maxAprBps;
    }

    /// @inheritdoc IVaultCore
    function books() external view returns (Books memory b) {
        VaultStorage storage $ = _s();
        (b.booked, b.pending) = _booksNow();
        b.releasePerSecond = $.releasePerSecond;
        b.checkpoint = block.timestamp;
    }

    /// @inheritdoc IVaultCore
    function lastSyncTimestamp() external view returns (uint256) {
        return _s().lastSync;
    }

    /// @inheritdoc IVaultCore
    function lastFullRefresh() external view returns (uint256) {
        return _s().lastFullRefresh;
    }

    /// @inheritdoc IVaultCore
    function sync() external restricted nonReentrant returns (uint256 newTotalAssets) {
        VaultStorage storage $ = _s();
        _requireNotPaused(Action.Sync);
        (uint256 booked, uint256 pending) = _booksNow();
        uint256 oldBooked = booked;
        uint256 supply = $.trETH.totalSupply();
        uint256 oldRate = WAD.toAssetsDown(booked, supply);
        uint256 mark = _mark();
        uint256 feeShares;
        if (mark < booked) {
            // A loss (slashing, an LST rate falling) is applied at once: nobody exits ahead of it.
            booked = mark;
            pending = 0;
            $.releasePerSecond = 0;
        } else {
            feeShares = _feeShares(mark, booked, supply);
            // The treasury's shares enter the booked total at the current rate (rounded up: the rate cannot fall)
            // and, like every share, reach their full worth as the pending gains stream in.
            booked += feeShares.toAssetsUp(booked, supply);
            // Everything else held above the booked total is pending, released at the bounded speed.
            pending = mark - booked;
            uint256 aprSpeed = Math.mulDiv(booked, $.syncParams.maxAprBps, BPS * YEAR);
            $.releasePerSecond = Math.min(Math.ceilDiv(pending, $.rateParams.streamWindow), aprSpeed).toUint96();
        }
        _writeBooks(booked, pending);
        $.lastSync = uint40(block.timestamp);
        ++$.syncCount;
        if (feeShares != 0) $.trETH.mint($.treasury, feeShares);
        // The high-water mark is the rate the holders are heading to, net of the fee just taken.
        uint256 target = WAD.toAssetsDown(mark, supply + feeShares);
        if (target > $.feeHighWaterRate) $.feeHighWaterRate = target;
        emit RateSynced(oldBooked, booked, mark, oldRate, rate(), feeShares);
        emit GainsStreamed(pending, $.releasePerSecond);
        return booked;
    }

    /// @inheritdoc IVaultCore
    function bookLoss() external nonReentrant returns (uint256 loss) {
        return _settle(_mark());
    }

    /// @inheritdoc IVaultCore
    function heldUnits(address asset) public view returns (uint256) {
        AssetBalance memory balance = _s().balances[asset];
        return _toAssetUnits(asset, _s().assetRegistry.getAssetConfig(asset).rebasing, balance.idle + balance.restaked);
    }

    /// @inheritdoc IVaultCore
    function delegatorHolding(address delegator, address asset) external view returns (uint256) {
        return _toAssetUnits(asset, _s().assetRegistry.getAssetConfig(asset).rebasing, _s().delegatorUnits[delegator][asset]);
    }

    // ---------------------------------------------------------------- operators and allocation

    // ---------------------------------------------------------------- exits

    /// @inheritdoc IVaultCore
    function releaseToQueue(address asset, uint256 amount, uint256 value, uint256 gain)
        external
        returns (uint256 payout)
    {
        VaultStorage storage $ = _s();
        if (msg.sender != $.withdrawalQueue) revert OnlyWithdrawalQueue(msg.sender);
        bool rebasing = $.assetRegistry.getAssetConfig(asset).rebasing;
        (uint256 booked, uint256 pending) = _booksNow();
        payout = _sendIdleExact(asset, rebasing, msg.sender, amount);
        // `value` is at most the burned shares' worth at the booked rate, so the rate of those who stay cannot
        // fall; `gain` (an instant-lane fee) is theirs, streamed like any other gain.
        _writeBooks(booked - value, pending + gain);
        emit ReleasedToQueue(asset, amount, value, gain);
    }

    /// @inheritdoc IVaultCore
    function settleValue(uint256 shares) external returns (uint256) {
        if (msg.sender != _s().withdrawalQueue) revert OnlyWithdrawalQueue(msg.sender);
        _settle(_mark());
        return convertToAssets(shares);
    }

    /// @inheritdoc IVaultCore
    function convertToAssets(uint256 shares) public view returns (uint256) {
        (uint256 booked,) = _booksNow();
        // Virtual shares would promise the last holders a little more than is booked after a loss: never pay it.
        return Math.min(shares.toAssetsDown(booked, _s().trETH.totalSupply()), booked);
    }

    /// @inheritdoc IVaultCore
    function convertToShares(uint256 assets) external view returns (uint256) {
        (uint256 booked,) = _booksNow();
        return assets.toSharesDown(booked, _s().trETH.totalSupply());
    }

    /// @inheritdoc IVaultCore
    function feeHighWaterRate() external view returns (uint256) {
        return _s().feeHighWaterRate;
    }

    /// @inheritdoc IVaultCore
    function syncCount() external view returns (uint256) {
        return _s().syncCount;
    }

    /// @inheritdoc IVaultCore
    function setWithdrawalQueue(address queue) external restricted {
        if (queue == address(0)) revert ZeroAddress();
        _s().withdrawalQueue = queue;
        emit WithdrawalQueueSet(queue);
    }

    /// @inheritdoc IVaultCore
    function withdrawalQueue() external view returns (address) {
        return _s().withdrawalQueue;
    }

    /// @inheritdoc IVaultCore
    function setEntry(address asset, address entry) external restricted {
        VaultStorage storage $ = _s();
        if (entry == address(0)) revert ZeroAddress();
        if ($.entryOf[asset] != address(0)) revert EntryAlreadySet(asset, $.entryOf[asset]);
        address underlying = $.assetRegistry.underlyingOf(asset);
        // Reverts with AssetNotSupported for an asset that is neither held nor a registered wrapper.
        if (underlying == address(0)) $.assetRegistry.getAssetConfig(asset);
        $.underlyingOf[asset] = underlying;
        $.entryOf[asset] = entry;
        emit EntrySet(asset, entry);
    }

    // ---------------------------------------------------------------- pause and parameters

    /// @inheritdoc IVaultCore
    function pause(Action action) external restricted {
        _s().pausedMask |= uint8(1 << uint8(action));
        emit Paused(action);
    }

    /// @inheritdoc IVaultCore
    function unpause(Action action) external restricted {
        _s().pausedMask &= ~uint8(1 << uint8(action));
        emit Unpaused(action);
    }

    /// @inheritdoc IVaultCore
    function isPaused(Action action) external view returns (bool) {
        return _isPaused(action);
    }

    /// @inheritdoc IVaultCore
    function setSyncParams(SyncParams calldata params) external restricted {
        _setSyncParams(params);
    }

    /// @inheritdoc IVaultCore
    function setRateParams(RateParams calldata params) external restricted {
        _setRateParams(params);
    }

    /// @inheritdoc IVaultCore
    function setTreasury(address treasury_) external restricted {
        if (treasury_ == address(0)) revert ZeroAddress();
        _s().treasury = treasury_;
        emit TreasurySet(treasury_);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IVaultCore
    function syncParams() external view returns (SyncParams memory) {
        return _s().syncParams;
    }

    /// @inheritdoc IVaultCore
    function rateParams() external view returns (RateParams memory) {
        return _s().rateParams;
    }

    /// @inheritdoc IVaultCore
    function treasury() external view returns (address) {
        return _s().treasury;
    }

    /// @inheritdoc IVaultCore
    function trETH() external view returns (address) {
        return address(_s().trETH);
    }

    /// @inheritdoc IVaultCore
    function assetRegistry() external view returns (address) {
        return address(_s().assetRegistry);
    }

    /// @inheritdoc IVaultCore
    function riskRegistry() external view returns (address) {
        return address(_s().riskRegistry);
    }

    /// @inheritdoc IVaultCore
    function getDelegators() external view returns (address[] memory) {
        return _s().delegators;
    }

    /// @inheritdoc IVaultCore
    function isDelegator(address delegator) external view returns (bool) {
        return _s().isDelegator[delegator];
    }

    /// @inheritdoc IVaultCore
    function delegatorOf(address operator) external view returns (address) {
        return _s().delegatorOf[operator];
    }

    /// @inheritdoc IVaultCore
    function idleBalance(address asset) external view returns (uint256) {
        return _toAssetUnits(asset, _s().assetRegistry.getAssetConfig(asset).rebasing, _s().balances[asset].idle);
    }

    /// @inheritdoc IVaultCore
    function idleValue() external view returns (uint256 value) {
        (address[] memory assets, uint256[] memory prices, bool[] memory rebasing) = _s().assetRegistry.markPrices();
        for (uint256 i; i < assets.length; ++i) {
            uint256 units = _toAssetUnits(assets[i], rebasing[i], _s().balances[assets[i]].idle);
            value += Math.mulDiv(units, prices[i], WAD);
        }
    }

    // ---------------------------------------------------------------- internal: deposits

    function _deposit(address asset, address payer, uint256 amount, uint256 minShares, address receiver, bool viaEntry)
        internal
        returns (uint256 shares)
    {
        VaultStorage storage $ = _s();
        _requireNotPaused(Action.Deposit);
        if (amount == 0) revert ZeroAmount();
        if (receiver == address(0)) revert ZeroAddress();
        _requireFreshMeasurement();
        (uint256 mark, uint256 value) = _take(asset, payer, amount, viaEntry);
        (uint256 booked, uint256 pending) = _booksNow();
        uint256 supply = $.trETH.totalSupply();
        shares = value.toSharesDown(_depositBasis(mark, booked), supply);
        if (shares == 0) revert ZeroAmount();
        if (shares < minShares) revert SlippageExceeded(minShares, shares);
        // The new shares' worth at the booked rate enters the booked total (rounded up: the rate cannot fall); the
        // rest of what was paid (the newcomer's part of the gains already held) joins the pending gains and
        // streams like them. A deposit never moves the rate.
        uint256 addBooked = Math.min(shares.toAssetsUp(booked, supply), value);
        _writeBooks(booked + addBooked, pending + value - addBooked);
        $.trETH.mint(receiver, shares);
        emit Deposited(payer, receiver, asset, amount, value, shares);
    }

    /// @dev Pulls the deposit, checks its minimum and the asset's cap, and returns its value at the deposit price.
    function _receive(
        address asset,
        address wrapper,
        address held,
        address payer,
        uint256 amount,
        bool viaEntry,
        DepositTerms memory t
    ) internal returns (uint256 value) {
        uint256 heldAmount = wrapper == address(0) ? amount : IWstETH(wrapper).getStETHByWstETH(amount);
        if (heldAmount < t.minDeposit) revert DepositBelowMinimum(asset, t.minDeposit, heldAmount);
        uint256 received = _pull(asset, wrapper, held, payer, amount, t.rebasing, viaEntry);
        AssetBalance memory balance = _s().balances[held];
        uint256 holding = _toAssetUnits(held, t.rebasing, balance.idle + balance.restaked);
        if (holding > t.cap) revert DepositCapExceeded(held, t.cap, holding);
        value = Math.mulDiv(received, t.price, WAD);
    }

    /// @dev Takes `amount` of `asset` from `payer` into idle `held` and returns what arrived in `held` units: a
    /// stETH transfer can land 1-2 wei short, so it is measured by Lido shares; a wrapper is unwrapped.
    function _pull(
        address asset,
        address wrapper,
        address held,
        address payer,
        uint256 amount,
        bool rebasing,
        bool viaEntry
    ) internal returns (uint256 received) {
        uint256 before = _heldTokenUnits(held, rebasing);
        if (viaEntry) ITrellisEntryPull(msg.sender).pullAssets(payer, amount);
        else IERC20(asset).safeTransferFrom(payer, address(this), amount);
        if (wrapper != address(0)) IWstETH(wrapper).unwrap(amount);
        uint256 arrived = _heldTokenUnits(held, rebasing) - before;
        _s().balances[held].idle += arrived.toUint128();
        received = _toAssetUnits(held, rebasing, arrived);
    }

    /// @dev The value of `amount` of `asset` at its deposit price, the mark and the supply.
    function _quote(address asset, uint256 amount) internal view returns (uint256 value, uint256 mark, uint256 supply) {
        VaultStorage storage $ = _s();
        (address wrapper, address held) = _heldAsset(asset);
        uint256 units = wrapper == address(0) ? amount : IWstETH(wrapper).getStETHByWstETH(amount);
        // The same registry quote the deposit reads, so a preview and its deposit price alike.
        (uint256 marked, DepositTerms memory t) = _depositQuote(held);
        value = Math.mulDiv(units, t.price, WAD);
        (uint256 booked,) = _booksNow();
        mark = _depositBasis(Math.max(marked, booked), booked);
        supply = $.trETH.totalSupply();
    }

    /// @dev What a deposit is priced against: the mark, but no more than `maxDepositPremiumBps` above the booked
    /// total. Held-but-unbooked gains up to that premium (a claimed reward, an LST's rebase) are paid for by the
    /// newcomer; a larger gap (a donation into a strategy) is not charged to him.
    function _depositBasis(uint256 mark, uint256 booked) internal view returns (uint256) {
        return Math.min(mark, booked + Math.mulDiv(booked, _s().rateParams.maxDepositPremiumBps, BPS));
    }

    /// @dev Marks the books before the tokens arrive (the deposit pays for every gain already held; a loss is
    /// booked first), then takes the deposit. The mark and the deposit's terms come from one registry call.
    function _take(address asset, address payer, uint256 amount, bool viaEntry) internal returns (uint256 mark, uint256 value) {
        (address wrapper, address held) = _heldAsset(asset);
        DepositTerms memory t;
        (mark, t) = _depositQuote(held);
        _settle(mark);
        value = _receive(asset, wrapper, held, payer, amount, viaEntry, t);
    }

    function _depositQuote(address held) internal view returns (uint256 mark, DepositTerms memory t) {
        (address[] memory assets, uint256[] memory prices, bool[] memory rebasing, uint256 price, uint256 cap, uint256 min) =
            _s().assetRegistry.depositQuote(held);
        mark = _markAt(assets, prices, rebasing);
        t = DepositTerms({price: price, cap: cap, minDeposit: min, rebasing: _isRebasing(assets, rebasing, held)});
    }

    /// @dev The kind of `held` from a mark's arrays (the registry's quote found it there).
    function _isRebasing(address[] memory assets, bool[] memory rebasing, address held) internal pure returns (bool) {
        for (uint256 i; i < assets.length; ++i) {
            if (assets[i] == held) return rebasing[i];
        }
        return false;
    }

    /// @dev (wrapper or zero, the asset actually held).
    function _heldAsset(address asset) internal view returns (address wrapper, address held) {
        address underlying = _s().underlyingOf[asset];
        return underlying == address(0) ? (address(0), asset) : (asset, underlying);
    }

    // ---------------------------------------------------------------- internal: the books

    /// @dev The fee on gains above the fee high-water rate, as trETH: `feeBps` of the mark above the total at which
    /// the high-water rate would hold (never more than the pending gains), in shares worth exactly that once the
    /// booked total reaches the mark (rounded down: the treasury never takes more than its bps).
    function _feeShares(uint256 mark, uint256 booked, uint256 supply) internal view returns (uint256) {
        VaultStorage storage $ = _s();
        uint256 atHighWater = $.feeHighWaterRate.assetsAtRateUp(supply);
        if (mark <= atHighWater) return 0;
        uint256 fee = Math.min(Math.mulDiv(mark - atHighWater, $.syncParams.feeBps, BPS), mark - booked);
        return fee.toSharesDown(mark - fee, supply);
    }

    function _requireFreshMeasurement() internal view {
        VaultStorage storage $ = _s();
        uint256 maxAge = $.rateParams.maxMeasurementAge;
        if (block.timestamp > uint256($.lastFullRefresh) + maxAge) revert MeasurementStale($.lastFullRefresh, maxAge);
    }

    // ---------------------------------------------------------------- internal: holdings

    function _setSyncParams(SyncParams calldata params) internal {
        if (params.feeBps > MAX_FEE_BPS) revert FeeTooHigh(params.feeBps);
        _s().syncParams = params;
        emit SyncParamsSet(params.maxAprBps, params.feeBps);
    }

    function _setRateParams(RateParams memory params) internal {
        if (
            params.streamWindow < MIN_STREAM_WINDOW || params.streamWindow > MAX_STREAM_WINDOW
                || params.maxMeasurementAge == 0 || params.maxMeasurementAge > MAX_MEASUREMENT_AGE
                || params.maxDepositPremiumBps > MAX_DEPOSIT_PREMIUM_BPS
        ) revert InvalidRateParams(params.streamWindow, params.maxMeasurementAge);
        _s().rateParams = params;
        emit RateParamsSet(params.streamWindow, params.maxMeasurementAge, params.maxDepositPremiumBps);
    }

    function _authorizeUpgrade(address) internal override restricted {}

}
