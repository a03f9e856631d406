// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IDelegationManagerTypes} from "./eigenlayer/IDelegationManager.sol";
import {IRewardsCoordinatorTypes} from "./eigenlayer/IRewardsCoordinator.sol";

/// @title IVault
/// @notice Takes LST deposits, mints trETH, and keeps Trellis' total assets and rate.
/// @dev Total assets are cached: a deposit adds its value (O(1) gas whatever the number of operators),
/// `sync()` recomputes them from the vault's tracked idle balances and every delegator's EigenLayer shares.
/// A plain token transfer to the vault or a delegator never moves the rate: idle balances are tracked,
/// not read with `balanceOf`, and delegators' shares can only be created by the vault.
/// Warning: between two syncs the rate lags the LSTs' own rates; the keeper syncs often, and a rise is
/// capped per elapsed time so that a manipulated LST rate or strategy donation cannot jump it.
interface IVault {
    enum Action {
        Deposit,
        Allocate,
        Sync,
        Withdraw
    }

    struct SyncParams {
        /// @dev Max rise of total assets per year, as bps of total assets (an APR bound).
        uint16 maxAprBps;
        /// @dev Share of each rise minted to the treasury as trETH.
        uint16 feeBps;
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
    error OnlyWithdrawalQueue(address caller);
    error RewardTokensNotAscending(address previous, address token);

    event Deposited(
        address indexed sender, address indexed receiver, address indexed asset, uint256 amount, uint256 value, uint256 shares
    );
    event Allocated(address indexed delegator, address indexed asset, uint256 amount, uint256 shares);
    event RateSynced(
        uint256 oldTotalAssets, uint256 newTotalAssets, uint256 measuredAssets, uint256 oldRate, uint256 newRate, uint256 feeShares
    );
    event OperatorDelegatorAdded(address indexed operator, address indexed delegator);
    event Paused(Action indexed action);
    event Unpaused(Action indexed action);
    event SyncParamsSet(uint16 maxAprBps, uint16 feeBps);
    event TreasurySet(address indexed treasury);
    event WithdrawalQueueSet(address indexed withdrawalQueue);
    event ReleasedToQueue(address indexed asset, uint256 amount, uint256 value, uint256 shares);
    event DelegatorWithdrawalQueued(address indexed delegator, address indexed asset, uint256 depositShares, bytes32 root);
    event DelegatorWithdrawalCompleted(address indexed delegator, address indexed asset, uint256 amount);
    event RewardsClaimed(address indexed delegator, address indexed token, uint256 amount, bool toTreasury);

    /// @notice Deposits `amount` of the LST `asset` and mints trETH to `receiver`.
    /// @dev Reverts with `ActionPaused`, `AssetNotSupported`, `ZeroAmount`, `DepositBelowMinimum`,
    /// `DepositCapExceeded`, `PriceOutOfBounds` or `SlippageExceeded` (fewer than `minShares`).
    /// For stETH the value counted is the one actually received (Lido's 1-2 wei transfer rounding).
    function deposit(address asset, uint256 amount, uint256 minShares, address receiver) external returns (uint256 shares);

    /// @notice The trETH a deposit of `amount` of `asset` would mint now, rounded down.
    function previewDeposit(address asset, uint256 amount) external view returns (uint256 shares);

    /// @notice Total assets in ETH (18 decimals) as of the last deposit or sync.
    function totalAssets() external view returns (uint256);

    /// @notice ETH per trETH, 18 decimals, rounded down.
    function rate() external view returns (uint256);

    /// @notice Same as `rate()`, under the name Balancer-style rate providers use.
    function getRate() external view returns (uint256);

    /// @notice Timestamp of the last sync.
    function lastSyncTimestamp() external view returns (uint256);

    /// @notice Recomputes total assets (KEEPER). A rise is capped at `maxAprBps` over the time since the
    /// last sync, the excess is left for later syncs; the fee on the applied rise above the fee high-water
    /// mark is minted to the treasury.
    /// A fall (slashing) is applied at once.
    function sync() external returns (uint256 newTotalAssets);

    /// @notice What `sync()` would measure before the cap: idle plus restaked plus queued, in ETH.
    function measureTotalAssets() external view returns (uint256);

    /// @notice Deploys a delegator for `operator` as a beacon proxy and delegates it (ADMIN).
    function addOperatorDelegator(address operator) external returns (address delegator);

    /// @notice Moves `amount` of idle `asset` into `delegator`'s EigenLayer strategy (KEEPER).
    /// @dev Reverts with a RiskRegistry error when the result breaks any risk limit.
    function allocate(address delegator, address asset, uint256 amount) external returns (uint256 shares);

    /// @notice Queues an EigenLayer withdrawal of `depositShares` of `asset`'s strategy from `delegator`
    /// (KEEPER). The shares keep counting in total assets and stay slashable until completed.
    function queueDelegatorWithdrawal(address delegator, address asset, uint256 depositShares)
        external
        returns (bytes32 withdrawalRoot);

    /// @notice Completes a matured EigenLayer withdrawal of `delegator` as tokens of `asset`, which become
    /// idle in the vault (KEEPER). Total assets do not change: the queued shares were already counted.
    function completeDelegatorWithdrawal(
        address delegator,
        IDelegationManagerTypes.Withdrawal calldata withdrawal,
        address asset
    ) external returns (uint256 amount);

    /// @notice Claims `delegator`'s EigenLayer rewards (KEEPER). Rewards in a supported asset become idle
    /// and raise the rate at the next sync, where the fee is taken once; any other token goes to the treasury.
    /// The claim's token leaves must be in strictly ascending token order (as EigenLayer's trees are built),
    /// so no token is counted twice; otherwise `RewardTokensNotAscending`.
    function claimRewards(address delegator, IRewardsCoordinatorTypes.RewardsMerkleClaim calldata claim) external;

    /// @notice Sends `amount` idle `asset` to the withdrawal queue for finalized requests worth `value` ETH,
    /// backed by `shares` escrowed trETH. Only the queue. Returns the payout the queue holds for them: asset
    /// units, or Lido shares for a rebasing asset.
    function releaseToQueue(address asset, uint256 amount, uint256 value, uint256 shares) external returns (uint256 payout);

    /// @notice The queue burned `shares` escrowed trETH it had been paid for. Only the queue.
    function onQueueBurn(uint256 shares) external;

    /// @notice ETH value of `shares` trETH at the current rate, rounded down.
    function convertToAssets(uint256 shares) external view returns (uint256);

    /// @notice trETH supply minus the escrowed trETH of finalized, unclaimed requests (already paid out).
    function effectiveSupply() external view returns (uint256);

    /// @notice The highest rate after any sync. The fee is charged only on a rise above it: a recovery from a
    /// loss is not new yield.
    function feeHighWaterRate() external view returns (uint256);

    /// @notice Number of syncs so far (the rate feed's round id).
    function syncCount() external view returns (uint256);

    function setWithdrawalQueue(address queue) external;
    function withdrawalQueue() external view returns (address);

    function pause(Action action) external;
    function unpause(Action action) external;
    function isPaused(Action action) external view returns (bool);

    function setSyncParams(SyncParams calldata params) external;
    function setTreasury(address treasury) external;

    function syncParams() external view returns (SyncParams memory);
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

    /// @notice Net deposits of `asset` counted against its cap, in asset units.
    function depositedOf(address asset) external view returns (uint256);

    // ---- delegator lifecycle

    event DelegatorRedelegated(address indexed delegator, address indexed oldOperator, address indexed newOperator);
    event DelegatorRemoved(address indexed delegator);

    /// @notice Retires `delegator` (RISK_MANAGER: a tightening): the RiskRegistry refuses it any more stake, and it
    /// undelegates from its operator, which queues EigenLayer withdrawals of everything it holds (none if its
    /// operator already undelegated it). The queued stake keeps counting in total assets and stays slashable by the
    /// operator until the keeper completes the withdrawals into idle; `removeDelegator` then drops it.
    function retireDelegator(address delegator) external;

    /// @notice Points `delegator` at `newOperator` (ADMIN): EigenLayer's redelegation (undelegate, which queues
    /// withdrawals of everything held, then delegate to `newOperator`). The queued stake keeps counting and stays
    /// slashable by the former operator through EigenLayer's withdrawal delay; the keeper completes it into idle
    /// and may allocate it again under the limits. Works as well after the operator forced an undelegation.
    /// @dev Reverts with `DelegatorAlreadyExists` if `newOperator` has a delegator, and with the RiskRegistry's
    /// `RetiredDelegator` or operator-policy errors (`checkRedelegation`).
    function redelegateDelegator(address delegator, address newOperator) external;

    /// @notice Drops a retired delegator that holds nothing any more, nothing queued either (KEEPER); otherwise the
    /// RiskRegistry's `DelegatorNotRetired` or `DelegatorNotEmpty`.
    function removeDelegator(address delegator) external;
}
