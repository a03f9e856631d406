// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IDelegationManagerTypes} from "./eigenlayer/IDelegationManager.sol";
import {IRewardsCoordinatorTypes} from "./eigenlayer/IRewardsCoordinator.sol";

/// @title IVaultTypes
/// @notice Takes LST deposits, mints trETH, and keeps Trellis' books: what it holds, what is booked into the rate.
/// @dev Two totals, both in ETH (18 decimals):
/// - the **mark**: every held unit (idle, restaked and in flight, per asset) at the LSTs' current prices. Held
///   units are kept per asset: idle exactly, restaked as a cache per delegator refreshed by `refresh*` (anyone
///   may call them), so the mark costs O(assets), never O(operators).
/// - the **booked** total (`totalAssets()`), behind `rate()`: gains enter it streamed, at a speed fixed at each
///   `sync()` to the smaller of "the whole pending gain over `streamWindow`" and "`maxAprBps` of the booked total
///   per year"; losses enter it at once (any call that sees the mark below the booked total books the fall).
/// A deposit is priced against the mark (at least the booked total, at most `maxDepositPremiumBps` above it), so
/// it pays for the gains already held, booked or not; what it paid above the booked rate joins the pending gains,
/// so a deposit never moves `rate()`.
/// A plain token transfer never moves either total: idle balances are tracked, not read with `balanceOf`.
/// Warning: the mark trusts the price adapters (each LST's own rate, within bounds) and EigenLayer's share
/// accounting as last refreshed; a slash is seen once its delegator is refreshed. Deposits stop while any price
/// is out of bounds or the last full refresh is older than `maxMeasurementAge`.
interface IVaultTypes {
    enum Action {
        Deposit,
        Allocate,
        Sync,
        Withdraw
    }

    struct SyncParams {
        /// @dev Max rise of the booked total per year, as bps of the booked total (an APR bound).
        uint16 maxAprBps;
        /// @dev Share of each rise above the fee high-water rate minted to the treasury as trETH.
        uint16 feeBps;
    }

    struct RateParams {
        /// @dev Gains pending at a sync are released linearly over at least this many seconds.
        uint32 streamWindow;
        /// @dev Deposits stop when the last completed full refresh of the delegators is older than this.
        uint32 maxMeasurementAge;
        /// @dev A deposit is priced at the mark, but at most this far above the booked total (bps).
        uint16 maxDepositPremiumBps;
    }

    /// @dev The booked total's state: `booked` at `checkpoint`, plus `pending` gains released at `releasePerSecond`.
    struct Books {
        uint256 booked;
        uint256 pending;
        uint256 releasePerSecond;
        uint256 checkpoint;
    }

    error ZeroAmount();
    error ZeroAddress();
    error DepositBelowMinimum(address asset, uint256 minDeposit, uint256 amount);
    error DepositCapExceeded(address asset, uint256 cap, uint256 wanted);
    error SlippageExceeded(uint256 minShares, uint256 shares);
    error ActionPaused(Action action);
    error UnknownDelegator(address delegator);
    error DelegatorAlreadyExists(address operator, address delegator);
    error InsufficientIdle(address asset, uint256 idle, uint256 wanted);
    error FeeTooHigh(uint256 feeBps);
    error InvalidRateParams(uint256 streamWindow, uint256 maxMeasurementAge);
    error OnlyWithdrawalQueue(address caller);
    error OnlyEntry(address caller, address asset);
    error RewardTokensNotAscending(address previous, address token);
    error MeasurementStale(uint256 lastFullRefresh, uint256 maxAge);
    error EntryAlreadySet(address asset, address entry);
    error RetiredDelegator(address delegator);
    error DelegatorNotRetired(address delegator);
    error DelegatorNotEmpty(address delegator);

    event DelegatorRetired(address indexed delegator);
    event DelegatorRedelegated(address indexed delegator, address indexed oldOperator, address indexed newOperator);
    event DelegatorRemoved(address indexed delegator);

    event Deposited(
        address indexed sender, address indexed receiver, address indexed asset, uint256 amount, uint256 value, uint256 shares
    );
    event Allocated(address indexed delegator, address indexed asset, uint256 amount, uint256 shares);
    /// @dev `measuredAssets` is the mark; `newTotalAssets` the booked total after the sync (fee included).
    event RateSynced(
        uint256 oldTotalAssets, uint256 newTotalAssets, uint256 measuredAssets, uint256 oldRate, uint256 newRate, uint256 feeShares
    );
    /// @dev Gains pending after a sync and the speed at which they enter the rate.
    event GainsStreamed(uint256 pending, uint256 releasePerSecond);
    /// @dev A fall of the mark below the booked total, applied at once. `caller` is whoever noticed it.
    event LossBooked(address indexed caller, uint256 oldTotalAssets, uint256 newTotalAssets, uint256 oldRate, uint256 newRate);
    event DelegatorRefreshed(address indexed delegator, address indexed asset, uint256 oldUnits, uint256 newUnits);
    event RefreshRoundCompleted(uint256 startedAt, uint256 delegators);
    event OperatorDelegatorAdded(address indexed operator, address indexed delegator);
    event Paused(Action indexed action);
    event Unpaused(Action indexed action);
    event SyncParamsSet(uint16 maxAprBps, uint16 feeBps);
    event RateParamsSet(uint32 streamWindow, uint32 maxMeasurementAge, uint16 maxDepositPremiumBps);
    event TreasurySet(address indexed treasury);
    event WithdrawalQueueSet(address indexed withdrawalQueue);
    event EntrySet(address indexed asset, address indexed entry);
    event ReleasedToQueue(address indexed asset, uint256 amount, uint256 value, uint256 shares);
    event DelegatorWithdrawalQueued(address indexed delegator, address indexed asset, uint256 depositShares, bytes32 root);
    event DelegatorWithdrawalCompleted(address indexed delegator, address indexed asset, uint256 amount);
    event RewardsClaimed(address indexed delegator, address indexed token, uint256 amount, bool toTreasury);
}

/// @title IVaultCore
/// @notice Deposits, the rate, exits and parameters: implemented by `Vault` itself.
interface IVaultCore is IVaultTypes {
    // ---------------------------------------------------------------- deposits

    /// @notice Deposits `amount` of the LST `asset` from the caller and mints trETH to `receiver`.
    /// @dev Reverts with `ActionPaused`, `AssetNotSupported`, `ZeroAmount`, `DepositBelowMinimum`,
    /// `DepositCapExceeded`, `PriceOutOfBounds` (any held asset), `MarketPriceDiverged`, `MeasurementStale` or
    /// `SlippageExceeded` (fewer than `minShares`). A wrapped asset (wstETH) is unwrapped and held as its
    /// underlying (stETH). For stETH the value counted is what actually arrived (Lido's 1-2 wei rounding).
    function deposit(address asset, uint256 amount, uint256 minShares, address receiver) external returns (uint256 shares);

    /// @notice The entry of `asset` deposits for `owner`: the vault pulls `amount` through the entry.
    /// Only the entry registered for `asset`.
    function depositFromEntry(address asset, address owner, uint256 amount, uint256 minShares, address receiver)
        external
        returns (uint256 shares);

    /// @notice The trETH a deposit of `amount` of `asset` would mint now, rounded down.
    function previewDeposit(address asset, uint256 amount) external view returns (uint256 shares);

    /// @notice The amount of `asset` a deposit needs to mint `shares` now, rounded up.
    function previewMint(address asset, uint256 shares) external view returns (uint256 amount);

    /// @notice The entry (ERC-7575) of `asset`, or zero.
    function entryOf(address asset) external view returns (address);

    // ---------------------------------------------------------------- rate

    /// @notice The booked total in ETH (18 decimals) now: what `rate()` divides.
    function totalAssets() external view returns (uint256);

    /// @notice Every held unit at current prices (the deposit price basis). Reverts while a price is out of bounds.
    function markedAssets() external view returns (uint256);

    /// @notice ETH per trETH, 18 decimals, rounded down. Moves only by streamed gains (never faster than
    /// `maxAprBps` per year on the booked total), by losses (at once) and by fees (at a sync).
    function rate() external view returns (uint256);

    /// @notice Same as `rate()`, under the name Balancer-style rate providers use.
    function getRate() external view returns (uint256);

    /// @notice For CAPO-style adapters: the rate at the last sync, its time, and the maximum yearly growth of
    /// the rate the vault itself enforces (bps).
    function rateSnapshot() external view returns (uint256 snapshotRate, uint256 snapshotTimestamp, uint256 maxYearlyGrowthBps);

    /// @notice The booked total's state (see `Books`).
    function books() external view returns (Books memory);

    /// @notice Timestamp of the last booked measurement: a sync or a booked loss.
    function lastSyncTimestamp() external view returns (uint256);

    /// @notice Timestamp at which the last completed full refresh round started.
    function lastFullRefresh() external view returns (uint256);

    /// @notice Books the current mark (KEEPER): a fall at once; a rise is left pending and streamed (see
    /// `IVault`), and the fee on the booked rise above the fee high-water rate is minted to the treasury.
    function sync() external returns (uint256 newTotalAssets);

    /// @notice Anyone: books a fall of the mark below the booked total at once. Never books a rise, never a
    /// fee. Returns the loss booked (0 when there is none).
    function bookLoss() external returns (uint256 loss);

    /// @notice What the vault holds of `asset` in asset units: idle, restaked and in flight (as last refreshed).
    function heldUnits(address asset) external view returns (uint256);

    /// @notice A delegator's cached holding of `asset`, in asset units.
    function delegatorHolding(address delegator, address asset) external view returns (uint256);

    // ---------------------------------------------------------------- exits (the withdrawal queue only)

    /// @notice Pays `amount` idle `asset` to the queue for `shares` escrowed trETH worth `value` ETH, which the
    /// queue burns; `gain` ETH of that value stays with the holders as a streamed gain (an instant-lane fee).
    /// Returns what the queue received: asset units, or Lido shares for a rebasing asset.
    function releaseToQueue(address asset, uint256 amount, uint256 value, uint256 gain) external returns (uint256 payout);

    /// @notice Books any pending loss, then returns the ETH value of `shares` at the booked rate, rounded down.
    function settleValue(uint256 shares) external returns (uint256 value);

    /// @notice ETH value of `shares` trETH at the current rate, rounded down.
    function convertToAssets(uint256 shares) external view returns (uint256);

    /// @notice trETH per `assets` ETH at the current rate, rounded down.
    function convertToShares(uint256 assets) external view returns (uint256);

    /// @notice The highest rate after any sync. The fee is charged only on a rise above it.
    function feeHighWaterRate() external view returns (uint256);

    /// @notice Number of booked measurements (syncs and booked losses) so far: the rate feed's round id.
    function syncCount() external view returns (uint256);

    function setWithdrawalQueue(address queue) external;
    function withdrawalQueue() external view returns (address);
    function setEntry(address asset, address entry) external;

    function pause(Action action) external;
    function unpause(Action action) external;
    function isPaused(Action action) external view returns (bool);

    function setSyncParams(SyncParams calldata params) external;
    function setRateParams(RateParams calldata params) external;
    function setTreasury(address treasury) external;

    function syncParams() external view returns (SyncParams memory);
    function rateParams() external view returns (RateParams memory);
    function treasury() external view returns (address);
    function trETH() external view returns (address);
    function assetRegistry() external view returns (address);
    function riskRegistry() external view returns (address);
    function getDelegators() external view returns (address[] memory);
    function isDelegator(address delegator) external view returns (bool);
    function delegatorOf(address operator) external view returns (address);

    /// @notice The idle amount of `asset` held by the vault, in asset units.
    function idleBalance(address asset) external view returns (uint256);

    /// @notice The ETH value of all idle assets at current prices.
    function idleValue() external view returns (uint256);
}

/// @title IVaultOperations
/// @notice The keeper's plumbing (allocation, EigenLayer withdrawals, rewards) and the holdings refresh: implemented by
/// `VaultOperations`, which the vault runs by delegatecall for every selector it does not have itself.
interface IVaultOperations is IVaultTypes {
    // ---------------------------------------------------------------- operators and allocation

    /// @notice Deploys a delegator for `operator` as a beacon proxy and delegates it (ADMIN).
    function addOperatorDelegator(address operator) external returns (address delegator);

    /// @notice Moves `amount` of idle `asset` into `delegator`'s EigenLayer strategy (KEEPER).
    /// @dev Reverts with a RiskRegistry error when the result breaks any risk limit.
    function allocate(address delegator, address asset, uint256 amount) external returns (uint256 shares);

    /// @notice Queues an EigenLayer withdrawal of `depositShares` of `asset`'s strategy from `delegator`
    /// (KEEPER). The shares keep counting and stay slashable until completed.
    function queueDelegatorWithdrawal(address delegator, address asset, uint256 depositShares)
        external
        returns (bytes32 withdrawalRoot);

    /// @notice Completes a matured EigenLayer withdrawal of `delegator` as tokens of `asset`, which become
    /// idle in the vault (KEEPER); the delegator's holding is refreshed.
    function completeDelegatorWithdrawal(
        address delegator,
        IDelegationManagerTypes.Withdrawal calldata withdrawal,
        address asset
    ) external returns (uint256 amount);

    /// @notice Claims `delegator`'s EigenLayer rewards (KEEPER). Rewards in a held asset become idle: the mark
    /// rises at once (deposits pay for them), the rate at the next syncs, where the fee is taken once; any other
    /// token goes to the treasury. Token leaves must be strictly ascending (`RewardTokensNotAscending`).
    function claimRewards(address delegator, IRewardsCoordinatorTypes.RewardsMerkleClaim calldata claim) external;

    /// @notice Anyone: refreshes the cached holdings of up to `maxDelegators` delegators, resuming where the last
    /// call stopped; a completed round updates `lastFullRefresh`. A fall it reveals is booked at once.
    function refresh(uint256 maxDelegators) external returns (uint256 refreshed, bool roundCompleted);

    /// @notice Anyone: refreshes one delegator's cached holdings; a fall it reveals is booked at once.
    function refreshDelegator(address delegator) external;

    // ---- delegator lifecycle

    /// @notice Retires `delegator` (RISK_MANAGER: a tightening): it gets no more stake, and it undelegates from
    /// its operator, which queues EigenLayer withdrawals of everything it holds (none if its operator already
    /// undelegated it). The queued stake keeps counting in the books and stays slashable by the operator
    /// until the keeper completes the withdrawals into idle; `removeDelegator` then drops it.
    function retireDelegator(address delegator) external;

    /// @notice Points `delegator` at `newOperator` (ADMIN): EigenLayer's redelegation (undelegate, which queues
    /// withdrawals of everything held, then delegate to `newOperator`). The queued stake keeps counting and stays
    /// slashable by the former operator through EigenLayer's withdrawal delay; the keeper completes it into idle
    /// and may allocate it again under the limits. Works as well after the operator forced an undelegation.
    /// @dev Reverts with the RiskRegistry's policy errors if `newOperator` does not meet the operator policy, and
    /// with `DelegatorAlreadyExists` if `newOperator` has a delegator.
    function redelegateDelegator(address delegator, address newOperator) external;

    /// @notice Drops a retired delegator that holds nothing any more, nothing queued either (KEEPER); otherwise
    /// `DelegatorNotRetired` or `DelegatorNotEmpty`. Restarts the current refresh round.
    function removeDelegator(address delegator) external;

    /// @notice Whether `delegator` is retired (gets no more stake).
    function isRetired(address delegator) external view returns (bool);
}

/// @title IVault
/// @notice The whole vault, as callers see it at the vault's address.
interface IVault is IVaultCore, IVaultOperations {}
