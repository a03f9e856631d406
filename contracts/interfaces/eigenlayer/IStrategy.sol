// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

interface IStrategyErrors {
    error OnlyStrategyManager();
    error NewSharesZero();
    error OnlyUnderlyingToken();
    error TotalSharesExceedsMax();
    error WithdrawalAmountExceedsTotalDeposits();
    error BalanceExceedsMaxTotalDeposits();
    error MaxPerDepositExceedsMax();
}

interface IStrategyEvents {
    /// @notice Emitted after every deposit and withdrawal: underlying per share (1e18-scaled).
    event ExchangeRateEmitted(uint256 rate);
    /// @notice Emitted once, when the strategy's token is set.
    event StrategyTokenSet(IERC20 token, uint8 decimals);
}

/// @title An EigenLayer strategy: holds one underlying token and accounts for it in shares.
/// @dev Subset of EigenLayer's `IStrategy`, ABI-identical. Shares use a virtual offset of 1e3 shares and
/// 1e3 wei, so `sharesToUnderlying(s) = (balance + 1e3) * s / (totalShares + 1e3)`.
/// @dev Warning: a token that rebases or charges transfer fees changes the exchange rate for every holder.
interface IStrategy is IStrategyErrors, IStrategyEvents {
    /// @notice Accounts for `amount` of `token` already transferred in; only the StrategyManager.
    /// @return newShares The shares minted for the deposit, rounded down.
    function deposit(IERC20 token, uint256 amount) external returns (uint256);

    /// @notice Burns `amountShares` and sends the underlying to `recipient`; only the StrategyManager.
    /// @return The amount of underlying sent, rounded down.
    function withdraw(address recipient, IERC20 token, uint256 amountShares) external returns (uint256);

    /// @notice Hook called by the StrategyManager before shares are credited to `staker`.
    function beforeAddShares(address staker, uint256 shares) external;

    /// @notice Hook called by the StrategyManager before shares are removed from `staker`.
    function beforeRemoveShares(address staker, uint256 shares) external;

    /// @notice Underlying for `amountShares`, rounded down (may emit).
    function sharesToUnderlying(uint256 amountShares) external returns (uint256);

    /// @notice Shares for `amountUnderlying`, rounded down (may emit).
    function underlyingToShares(uint256 amountUnderlying) external returns (uint256);

    /// @notice Underlying value of `user`'s deposit shares in the StrategyManager (may emit).
    function userUnderlying(address user) external returns (uint256);

    /// @notice `user`'s deposit shares in this strategy, as recorded by the StrategyManager.
    function shares(address user) external view returns (uint256);

    /// @notice Underlying for `amountShares`, rounded down.
    function sharesToUnderlyingView(uint256 amountShares) external view returns (uint256);

    /// @notice Shares for `amountUnderlying`, rounded down.
    function underlyingToSharesView(uint256 amountUnderlying) external view returns (uint256);

    /// @notice Underlying value of `user`'s deposit shares, rounded down.
    function userUnderlyingView(address user) external view returns (uint256);

    /// @notice The token this strategy holds.
    function underlyingToken() external view returns (IERC20);

    /// @notice Total shares issued, excluding the virtual offset.
    function totalShares() external view returns (uint256);

    /// @notice A short human description of the strategy.
    function explanation() external view returns (string memory);
}
