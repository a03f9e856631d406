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
import {IVault} from "./interfaces/IVault.sol";
import {ITrETH} from "./interfaces/ITrETH.sol";
import {IAssetRegistry} from "./interfaces/IAssetRegistry.sol";
import {IRiskRegistry} from "./interfaces/IRiskRegistry.sol";
import {IOperatorDelegator} from "./interfaces/IOperatorDelegator.sol";
import {IStETH} from "./interfaces/lst/IStETH.sol";
import {IDelegationManagerTypes} from "./interfaces/eigenlayer/IDelegationManager.sol";
import {IRewardsCoordinatorTypes} from "./interfaces/eigenlayer/IRewardsCoordinator.sol";
import {SharesMathLib} from "./libraries/SharesMathLib.sol";
import {BPS, WAD, YEAR} from "./libraries/Constants.sol";

/// @title Vault
contract Vault is IVault, AccessManagedUpgradeable, UUPSUpgradeable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SharesMathLib for uint256;
    using SafeCast for uint256;

    uint256 public constant MAX_FEE_BPS = 3_000;

    /// @custom:storage-location erc7201:trellis.Vault
    struct VaultStorage {
        ITrETH trETH;
        IAssetRegistry assetRegistry;
        IRiskRegistry riskRegistry;
        address delegatorBeacon;
        address treasury;
        address withdrawalQueue;
        // One slot, read and written together by every deposit.
        uint128 totalAssets;
        /// @dev Escrowed trETH of finalized requests: paid out already, burned at claim, out of the supply.
        uint120 finalizedShares;
        uint8 pausedMask;
        uint64 lastSync;
        uint64 syncCount;
        SyncParams syncParams;
        address[] delegators;
        mapping(address delegator => bool) isDelegator;
        mapping(address operator => address delegator) delegatorOf;
        mapping(address asset => AssetBalance) balances;
        /// @dev The highest rate after any sync: the fee is charged only on a rise above it, so recovering
        /// from a loss (a slash reversed, an LST re-pegging) is never charged as new yield.
        uint256 feeHighWaterRate;
    }

    /// @dev One slot per asset.
    struct AssetBalance {
        /// @dev Idle balance in asset units, or in Lido shares for a rebasing asset.
        uint128 idle;
        /// @dev Net deposits in asset units, checked against the deposit cap.
        uint128 deposited;
    }

    // keccak256(abi.encode(uint256(keccak256("trellis.Vault")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 public constant STORAGE_LOCATION = 0x0ed6b65434e6b1ea0e36d09b817d2be99c9290f67566cb3869a49e5632a2b000;

    constructor() {
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
        $.lastSync = uint64(block.timestamp);
        $.feeHighWaterRate = WAD;
        _setSyncParams(syncParams_);
    }

    // ---------------------------------------------------------------- deposits

    /// @inheritdoc IVault
    function deposit(address asset, uint256 amount, uint256 minShares, address receiver)
        external
        nonReentrant
        returns (uint256 shares)
    {
        VaultStorage storage $ = _s();
        _requireNotPaused(Action.Deposit);
        if (amount == 0) revert ZeroAmount();
        if (receiver == address(0)) revert ZeroAddress();
        (uint256 price, uint256 depositCap, uint256 minDeposit, bool rebasing) = $.assetRegistry.depositTerms(asset);
        if (amount < minDeposit) revert DepositBelowMinimum(asset, minDeposit, amount);
        uint256 deposited = $.balances[asset].deposited + amount;
        if (deposited > depositCap) revert DepositCapExceeded(asset, depositCap, deposited);

        uint256 received = _pull(asset, amount, rebasing);
        uint256 value = Math.mulDiv(received, price, WAD);
        shares = value.toSharesDown($.totalAssets, _effectiveSupply());
        if (shares == 0) revert ZeroAmount();
        if (shares < minShares) revert SlippageExceeded(minShares, shares);
        $.totalAssets += value.toUint128();
        $.balances[asset].deposited = uint128(deposited); // <= depositCap, a uint128
        $.trETH.mint(receiver, shares);
        emit Deposited(msg.sender, receiver, asset, amount, value, shares);
    }

    /// @inheritdoc IVault
    function previewDeposit(address asset, uint256 amount) external view returns (uint256) {
        VaultStorage storage $ = _s();
        IAssetRegistry.AssetConfig memory config = $.assetRegistry.getAssetConfig(asset);
        uint256 received = amount;
        if (config.rebasing) received = IStETH(asset).getPooledEthByShares(IStETH(asset).getSharesByPooledEth(amount));
        uint256 value = Math.mulDiv(received, $.assetRegistry.price(asset), WAD);
        return value.toSharesDown($.totalAssets, _effectiveSupply());
    }

    // ---------------------------------------------------------------- rate

    /// @inheritdoc IVault
    function totalAssets() external view returns (uint256) {
        return _s().totalAssets;
    }

    /// @inheritdoc IVault
    function rate() public view returns (uint256) {
        return WAD.toAssetsDown(_s().totalAssets, _effectiveSupply());
    }

    /// @inheritdoc IVault
    function getRate() external view returns (uint256) {
        return rate();
    }

    /// @inheritdoc IVault
    function lastSyncTimestamp() external view returns (uint256) {
        return _s().lastSync;
    }

    /// @inheritdoc IVault
    function sync() external restricted nonReentrant returns (uint256 newTotalAssets) {
        VaultStorage storage $ = _s();
        _requireNotPaused(Action.Sync);
        uint256 oldTotalAssets = $.totalAssets;
        uint256 oldRate = rate();
        uint256 measured = measureTotalAssets();
        uint256 feeShares;
        if (measured > oldTotalAssets) {
            uint256 elapsed = block.timestamp - $.lastSync;
            uint256 maxRise = Math.mulDiv(oldTotalAssets, uint256($.syncParams.maxAprBps) * elapsed, BPS * YEAR);
            // Whatever is above the bound stays in the measurement and is applied by later syncs.
            uint256 rise = Math.min(measured - oldTotalAssets, maxRise);
            newTotalAssets = oldTotalAssets + rise;
            uint256 fee = _feeOnRise(oldTotalAssets, newTotalAssets, $.feeHighWaterRate, $.syncParams.feeBps);
            if (fee != 0) {
                // Shares worth `fee` at the post-fee rate: fee * S / (A - fee), rounded down so the
                // treasury never takes more than its bps.
                feeShares = fee.toSharesDown(newTotalAssets - fee, _effectiveSupply());
            }
        } else {
            // A loss (slashing, an LST rate falling) is applied at once: nobody exits ahead of it.
            newTotalAssets = measured;
        }
        $.totalAssets = newTotalAssets.toUint128();
        $.lastSync = uint64(block.timestamp);
        ++$.syncCount;
        if (feeShares != 0) $.trETH.mint($.treasury, feeShares);
        uint256 newRate = rate();
        if (newRate > $.feeHighWaterRate) $.feeHighWaterRate = newRate;
        emit RateSynced(oldTotalAssets, newTotalAssets, measured, oldRate, newRate, feeShares);
    }

    /// @inheritdoc IVault
    function measureTotalAssets() public view returns (uint256 total) {
        VaultStorage storage $ = _s();
        IAssetRegistry registry = $.assetRegistry;
        address[] memory assets = registry.getAssets();
        address[] memory strategies = new address[](assets.length);
        uint256[] memory units = new uint256[](assets.length);
        bool[] memory rebasing = new bool[](assets.length);
        for (uint256 i; i < assets.length; ++i) {
            IAssetRegistry.AssetConfig memory config = registry.getAssetConfig(assets[i]);
            strategies[i] = config.strategy;
            rebasing[i] = config.rebasing;
        }
        address[] memory delegators = $.delegators;
        for (uint256 d; d < delegators.length; ++d) {
            uint256[] memory amounts = IOperatorDelegator(delegators[d]).underlyingBalances(strategies);
            for (uint256 i; i < assets.length; ++i) units[i] += amounts[i];
        }
        for (uint256 i; i < assets.length; ++i) {
            units[i] += _idleUnits(assets[i], rebasing[i]);
            if (units[i] != 0) total += Math.mulDiv(units[i], registry.price(assets[i]), WAD);
        }
    }

    // ---------------------------------------------------------------- operators and allocation

    /// @inheritdoc IVault
    function addOperatorDelegator(address operator) external restricted returns (address delegator) {
        VaultStorage storage $ = _s();
        if (operator == address(0)) revert ZeroAddress();
        if ($.delegatorOf[operator] != address(0)) revert DelegatorAlreadyExists(operator, $.delegatorOf[operator]);
        delegator = address(
            new BeaconProxy($.delegatorBeacon, abi.encodeCall(IOperatorDelegator.initialize, (address(this), operator)))
        );
        $.delegators.push(delegator);
        $.isDelegator[delegator] = true;
        $.delegatorOf[operator] = delegator;
        emit OperatorDelegatorAdded(operator, delegator);
    }

    /// @inheritdoc IVault
    function allocate(address delegator, address asset, uint256 amount)
        external
        restricted
        nonReentrant
        returns (uint256 shares)
    {
        VaultStorage storage $ = _s();
        _requireNotPaused(Action.Allocate);
        if (amount == 0) revert ZeroAmount();
        if (!$.isDelegator[delegator]) revert UnknownDelegator(delegator);
        IAssetRegistry.AssetConfig memory config = $.assetRegistry.getAssetConfig(asset);
        uint256 sent = _sendIdle(asset, config.rebasing, delegator, amount);
        shares = IOperatorDelegator(delegator).restake(config.strategy, asset, sent);
        // Checked on the state after the move, so the check sees exactly what EigenLayer holds.
        $.riskRegistry.checkAllocation(delegator);
        emit Allocated(delegator, asset, sent, shares);
    }

    /// @inheritdoc IVault
    function queueDelegatorWithdrawal(address delegator, address asset, uint256 depositShares)
        external
        restricted
        returns (bytes32 root)
    {
        VaultStorage storage $ = _s();
        if (depositShares == 0) revert ZeroAmount();
        if (!$.isDelegator[delegator]) revert UnknownDelegator(delegator);
        root = IOperatorDelegator(delegator).queueWithdrawal($.assetRegistry.getAssetConfig(asset).strategy, depositShares);
        emit DelegatorWithdrawalQueued(delegator, asset, depositShares, root);
    }

    /// @inheritdoc IVault
    function completeDelegatorWithdrawal(
        address delegator,
        IDelegationManagerTypes.Withdrawal calldata withdrawal,
        address asset
    ) external restricted nonReentrant returns (uint256 amount) {
        VaultStorage storage $ = _s();
        if (!$.isDelegator[delegator]) revert UnknownDelegator(delegator);
        bool rebasing = $.assetRegistry.getAssetConfig(asset).rebasing;
        uint256 before = _heldUnits(asset, rebasing);
        IOperatorDelegator(delegator).completeWithdrawal(withdrawal, asset);
        amount = _heldUnits(asset, rebasing) - before;
        $.balances[asset].idle += amount.toUint128();
        emit DelegatorWithdrawalCompleted(delegator, asset, amount);
    }

    /// @inheritdoc IVault
    function claimRewards(address delegator, IRewardsCoordinatorTypes.RewardsMerkleClaim calldata claim)
        external
        restricted
        nonReentrant
    {
        VaultStorage storage $ = _s();
        if (!$.isDelegator[delegator]) revert UnknownDelegator(delegator);
        uint256 n = claim.tokenLeaves.length;
        uint256[] memory before = new uint256[](n);
        bool[] memory supported = new bool[](n);
        bool[] memory rebasing = new bool[](n);
        for (uint256 i; i < n; ++i) {
            address token = address(claim.tokenLeaves[i].token);
            // Each token's arrival is measured as a balance difference: a repeated token would be counted twice.
            if (i != 0 && token <= address(claim.tokenLeaves[i - 1].token)) {
                revert RewardTokensNotAscending(address(claim.tokenLeaves[i - 1].token), token);
            }
            supported[i] = $.assetRegistry.isSupported(token);
            if (supported[i]) rebasing[i] = $.assetRegistry.getAssetConfig(token).rebasing;
            before[i] = _heldUnits(token, rebasing[i]);
        }
        IOperatorDelegator(delegator).claimRewards(claim, address(this));
        for (uint256 i; i < n; ++i) {
            address token = address(claim.tokenLeaves[i].token);
            uint256 received = _heldUnits(token, rebasing[i]) - before[i];
            if (received == 0) continue;
            if (supported[i]) {
                // Counted at the next sync, under its APR bound, where the fee is taken once.
                $.balances[token].idle += received.toUint128();
            } else {
                IERC20(token).safeTransfer($.treasury, received);
            }
            emit RewardsClaimed(delegator, token, received, !supported[i]);
        }
    }

    /// @inheritdoc IVault
    function releaseToQueue(address asset, uint256 amount, uint256 value, uint256 shares)
        external
        returns (uint256 payout)
    {
        VaultStorage storage $ = _s();
        if (msg.sender != $.withdrawalQueue) revert OnlyWithdrawalQueue(msg.sender);
        bool rebasing = $.assetRegistry.getAssetConfig(asset).rebasing;
        uint256 idleUnits = _idleUnits(asset, rebasing);
        if (amount > idleUnits) revert InsufficientIdle(asset, idleUnits, amount);
        if (rebasing) {
            payout = IStETH(asset).getSharesByPooledEth(amount);
            $.balances[asset].idle -= payout.toUint128();
            IStETH(asset).transferShares(msg.sender, payout);
        } else {
            payout = amount;
            $.balances[asset].idle -= amount.toUint128();
            IERC20(asset).safeTransfer(msg.sender, amount);
        }
        // `value` is at most the shares' value at the current rate, so the rate of those who stay cannot fall.
        $.totalAssets -= value.toUint128();
        $.finalizedShares += shares.toUint120();
        uint128 deposited = $.balances[asset].deposited;
        $.balances[asset].deposited = deposited > amount ? deposited - uint128(amount) : 0;
        emit ReleasedToQueue(asset, amount, value, shares);
    }

    /// @inheritdoc IVault
    function onQueueBurn(uint256 shares) external {
        VaultStorage storage $ = _s();
        if (msg.sender != $.withdrawalQueue) revert OnlyWithdrawalQueue(msg.sender);
        $.finalizedShares -= shares.toUint120();
    }

    /// @inheritdoc IVault
    function convertToAssets(uint256 shares) external view returns (uint256) {
        return shares.toAssetsDown(_s().totalAssets, _effectiveSupply());
    }

    /// @inheritdoc IVault
    function effectiveSupply() external view returns (uint256) {
        return _effectiveSupply();
    }

    /// @inheritdoc IVault
    function feeHighWaterRate() external view returns (uint256) {
        return _s().feeHighWaterRate;
    }

    /// @inheritdoc IVault
    function syncCount() external view returns (uint256) {
        return _s().syncCount;
    }

    /// @inheritdoc IVault
    function setWithdrawalQueue(address queue) external restricted {
        if (queue == address(0)) revert ZeroAddress();
        _s().withdrawalQueue = queue;
        emit WithdrawalQueueSet(queue);
    }

    /// @inheritdoc IVault
    function withdrawalQueue() external view returns (address) {
        return _s().withdrawalQueue;
    }

    // ---- delegator lifecycle
    // Retired flags and the checks live in the RiskRegistry (it refuses stake); here, what moves the vault's books.

    /// @inheritdoc IVault
    function retireDelegator(address delegator) external restricted {
        VaultStorage storage $ = _s();
        if (!$.isDelegator[delegator]) revert UnknownDelegator(delegator);
        // Everything it holds is queued at once; it stays counted and slashable until the keeper completes it.
        IOperatorDelegator(delegator).undelegate();
        $.riskRegistry.retire(delegator);
    }

    /// @inheritdoc IVault
    function redelegateDelegator(address delegator, address newOperator) external restricted {
        VaultStorage storage $ = _s();
        if (!$.isDelegator[delegator]) revert UnknownDelegator(delegator);
        if ($.delegatorOf[newOperator] != address(0)) revert DelegatorAlreadyExists(newOperator, $.delegatorOf[newOperator]);
        $.riskRegistry.checkRedelegation(delegator, newOperator);
        address oldOperator = IOperatorDelegator(delegator).redelegate(newOperator);
        delete $.delegatorOf[oldOperator];
        $.delegatorOf[newOperator] = delegator;
        $.riskRegistry.refresh(delegator);
        emit DelegatorRedelegated(delegator, oldOperator, newOperator);
    }

    /// @inheritdoc IVault
    function removeDelegator(address delegator) external restricted {
        VaultStorage storage $ = _s();
        if (!$.isDelegator[delegator]) revert UnknownDelegator(delegator);
        $.riskRegistry.checkRemovable(delegator);
        // O(delegators) once per removal, never on a user's path; found, as it is a delegator.
        address[] storage list = $.delegators;
        uint256 i;
        while (list[i] != delegator) ++i;
        list[i] = list[list.length - 1];
        list.pop();
        delete $.isDelegator[delegator];
        delete $.delegatorOf[IOperatorDelegator(delegator).operator()];
        // The registry drops the cached exposure of a delegator the vault no longer has.
        $.riskRegistry.refresh(delegator);
        emit DelegatorRemoved(delegator);
    }

    // ---------------------------------------------------------------- pause and parameters

    /// @inheritdoc IVault
    function pause(Action action) external restricted {
        _s().pausedMask |= uint8(1 << uint8(action));
        emit Paused(action);
    }

    /// @inheritdoc IVault
    function unpause(Action action) external restricted {
        _s().pausedMask &= ~uint8(1 << uint8(action));
        emit Unpaused(action);
    }

    /// @inheritdoc IVault
    function isPaused(Action action) public view returns (bool) {
        return _s().pausedMask & uint8(1 << uint8(action)) != 0;
    }

    /// @inheritdoc IVault
    function setSyncParams(SyncParams calldata params) external restricted {
        _setSyncParams(params);
    }

    /// @inheritdoc IVault
    function setTreasury(address treasury_) external restricted {
        if (treasury_ == address(0)) revert ZeroAddress();
        _s().treasury = treasury_;
        emit TreasurySet(treasury_);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IVault
    function syncParams() external view returns (SyncParams memory) {
        return _s().syncParams;
    }

    /// @inheritdoc IVault
    function treasury() external view returns (address) {
        return _s().treasury;
    }

    /// @inheritdoc IVault
    function trETH() external view returns (address) {
        return address(_s().trETH);
    }

    /// @inheritdoc IVault
    function assetRegistry() external view returns (address) {
        return address(_s().assetRegistry);
    }

    /// @inheritdoc IVault
    function riskRegistry() external view returns (address) {
        return address(_s().riskRegistry);
    }

    /// @inheritdoc IVault
    function getDelegators() external view returns (address[] memory) {
        return _s().delegators;
    }

    /// @inheritdoc IVault
    function isDelegator(address delegator) external view returns (bool) {
        return _s().isDelegator[delegator];
    }

    /// @inheritdoc IVault
    function delegatorOf(address operator) external view returns (address) {
        return _s().delegatorOf[operator];
    }

    /// @inheritdoc IVault
    function idleBalance(address asset) external view returns (uint256) {
        return _idleUnits(asset, _s().assetRegistry.getAssetConfig(asset).rebasing);
    }

    /// @inheritdoc IVault
    function idleValue() external view returns (uint256 value) {
        IAssetRegistry registry = _s().assetRegistry;
        address[] memory assets = registry.getAssets();
        for (uint256 i; i < assets.length; ++i) {
            uint256 units = _idleUnits(assets[i], registry.getAssetConfig(assets[i]).rebasing);
            if (units != 0) value += Math.mulDiv(units, registry.price(assets[i]), WAD);
        }
    }

    /// @inheritdoc IVault
    function depositedOf(address asset) external view returns (uint256) {
        return _s().balances[asset].deposited;
    }

    // ---------------------------------------------------------------- internal

    /// @dev Takes `amount` of `asset` from the caller into idle and returns what actually arrived, in asset
    /// units: a stETH transfer can land 1-2 wei short, so it is measured by Lido shares.
    function _pull(address asset, uint256 amount, bool rebasing) internal returns (uint256 received) {
        AssetBalance storage balance = _s().balances[asset];
        if (rebasing) {
            uint256 before = IStETH(asset).sharesOf(address(this));
            IERC20(asset).safeTransferFrom(msg.sender, address(this), amount);
            uint256 lidoShares = IStETH(asset).sharesOf(address(this)) - before;
            balance.idle += lidoShares.toUint128();
            received = IStETH(asset).getPooledEthByShares(lidoShares);
        } else {
            uint256 before = IERC20(asset).balanceOf(address(this));
            IERC20(asset).safeTransferFrom(msg.sender, address(this), amount);
            received = IERC20(asset).balanceOf(address(this)) - before;
            balance.idle += received.toUint128();
        }
    }

    /// @dev The fee on a rise of total assets from `oldTotal` to `newTotal`: `feeBps` of the part that lifts
    /// the rate above its high-water mark `hwm` (the total assets at which the rate equals `hwm`).
    function _feeOnRise(uint256 oldTotal, uint256 newTotal, uint256 hwm, uint256 feeBps) internal view returns (uint256) {
        uint256 atHighWater = hwm.assetsAtRateUp(_effectiveSupply());
        uint256 base = Math.max(oldTotal, atHighWater);
        return newTotal > base ? Math.mulDiv(newTotal - base, feeBps, BPS) : 0;
    }

    function _effectiveSupply() internal view returns (uint256) {
        VaultStorage storage $ = _s();
        return $.trETH.totalSupply() - $.finalizedShares;
    }

    /// @dev The vault's whole holding of `token`: Lido shares for a rebasing asset, units otherwise.
    function _heldUnits(address token, bool rebasing) internal view returns (uint256) {
        return rebasing ? IStETH(token).sharesOf(address(this)) : IERC20(token).balanceOf(address(this));
    }

    function _idleUnits(address asset, bool rebasing) internal view returns (uint256) {
        uint256 idle = _s().balances[asset].idle;
        return rebasing && idle != 0 ? IStETH(asset).getPooledEthByShares(idle) : idle;
    }

    /// @dev Sends `amount` units of idle `asset` to `to` and returns the units `to` can count on receiving.
    /// A rebasing asset moves by Lido shares, so the vault's tracked shares stay exact.
    function _sendIdle(address asset, bool rebasing, address to, uint256 amount) internal returns (uint256 sent) {
        VaultStorage storage $ = _s();
        uint256 idleUnits = _idleUnits(asset, rebasing);
        if (amount > idleUnits) revert InsufficientIdle(asset, idleUnits, amount);
        if (rebasing) {
            uint256 lidoShares = IStETH(asset).getSharesByPooledEth(amount);
            // Below one Lido share nothing would move (and EigenLayer refuses a zero-share deposit).
            if (lidoShares == 0) revert ZeroAmount();
            $.balances[asset].idle -= lidoShares.toUint128();
            IStETH(asset).transferShares(to, lidoShares);
            sent = IStETH(asset).getPooledEthByShares(lidoShares);
        } else {
            $.balances[asset].idle -= amount.toUint128();
            IERC20(asset).safeTransfer(to, amount);
            sent = amount;
        }
    }

    function _setSyncParams(SyncParams calldata params) internal {
        if (params.feeBps > MAX_FEE_BPS) revert FeeTooHigh(params.feeBps);
        _s().syncParams = params;
        emit SyncParamsSet(params.maxAprBps, params.feeBps);
    }

    function _requireNotPaused(Action action) internal view {
        if (isPaused(action)) revert ActionPaused(action);
    }

    function _authorizeUpgrade(address) internal override restricted {}

    function _s() internal pure returns (VaultStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }
}
