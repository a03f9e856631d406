// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IDelegationManagerTypes} from "./eigenlayer/IDelegationManager.sol";
import {IRewardsCoordinatorTypes} from "./eigenlayer/IRewardsCoordinator.sol";

/// @title IOperatorDelegator
/// @notice One per EigenLayer operator, deployed by the vault as a beacon proxy. It holds Trellis' strategy
/// shares, delegates once to its operator and is the EigenLayer staker and rewards earner.
/// @dev Warning: the operator's AVSs can slash the stake held here; the vault's `sync()` reads the
/// withdrawable shares after slashing.
interface IOperatorDelegator {
    error OnlyVault(address caller);

    event Delegated(address indexed operator);
    event Restaked(address indexed strategy, address indexed token, uint256 amount, uint256 shares);
    event WithdrawalQueued(bytes32 indexed withdrawalRoot, address indexed strategy, uint256 depositShares);
    event WithdrawalCompleted(bytes32 indexed withdrawalRoot, address indexed token, uint256 amount);
    event RewardsClaimed(address indexed recipient, uint32 rootIndex);
    event Undelegated(address indexed operator, bytes32[] withdrawalRoots);
    event Redelegated(address indexed oldOperator, address indexed newOperator);

    function initialize(address vault, address operator) external;

    /// @notice Deposits `amount` of `token`, already sent here by the vault, into `strategy`. Only the vault.
    function restake(address strategy, address token, uint256 amount) external returns (uint256 shares);

    /// @notice Queues an EigenLayer withdrawal of `depositShares` from `strategy`. Only the vault.
    /// @dev The queued shares stay slashable and keep counting in `underlyingBalances` until completed.
    function queueWithdrawal(address strategy, uint256 depositShares) external returns (bytes32 withdrawalRoot);

    /// @notice Completes a matured withdrawal as tokens and sends what EigenLayer paid to the vault.
    /// Only the vault. Returns the amount sent.
    function completeWithdrawal(IDelegationManagerTypes.Withdrawal calldata withdrawal, address token)
        external
        returns (uint256 amount);

    /// @notice Submits an EigenLayer rewards claim for this earner, paid to `recipient`. Only the vault.
    function claimRewards(IRewardsCoordinatorTypes.RewardsMerkleClaim calldata claim, address recipient) external;

    /// @notice Undelegates from the operator, queueing withdrawals of everything held (one per strategy), unless
    /// it is undelegated already (then none). Only the vault.
    function undelegate() external returns (bytes32[] memory withdrawalRoots);

    /// @notice Undelegates as `undelegate` does, then delegates to `newOperator` and records it. Only the vault.
    /// Returns the former operator.
    function redelegate(address newOperator) external returns (address oldOperator);

    /// @notice Whether it holds nothing on EigenLayer: no deposit shares and no queued withdrawal.
    function isEmpty() external view returns (bool);

    function vault() external view returns (address);
    function operator() external view returns (address);

    /// @notice The underlying tokens held through each strategy: withdrawable shares plus queued withdrawals,
    /// both after slashing, converted by each strategy.
    function underlyingBalances(address[] calldata strategies) external view returns (uint256[] memory amounts);
}
