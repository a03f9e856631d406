// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IStrategy} from "../../interfaces/eigenlayer/IStrategy.sol";
import {IStrategyManager} from "../../interfaces/eigenlayer/IStrategyManager.sol";

/// @title Devnet EigenLayer strategy for one ERC-20, with the real virtual-share offset.
/// @dev Same share math as EigenLayer's `StrategyBase`: 1e3 virtual shares and 1e3 virtual wei
/// blunt the first-depositor inflation attack, and total shares are bounded by `MAX_TOTAL_SHARES`.
/// Tokens the StrategyManager sends in before calling `deposit` count as the deposit; any other
/// transfer in raises the rate for every holder (a donation).
contract StrategyBase is IStrategy {
    using SafeERC20 for IERC20;

    /// @notice Virtual shares added to `totalShares` in every conversion.
    uint256 public constant SHARES_OFFSET = 1e3;
    /// @notice Virtual wei added to the token balance in every conversion.
    uint256 public constant BALANCE_OFFSET = 1e3;
    /// @notice Upper bound on `totalShares`, as in the real strategy (1e38 - 1).
    uint256 public constant MAX_TOTAL_SHARES = 1e38 - 1;

    IStrategyManager public immutable strategyManager;
    IERC20 public immutable underlyingToken;

    /// @inheritdoc IStrategy
    uint256 public totalShares;

    modifier onlyStrategyManager() {
        require(msg.sender == address(strategyManager), OnlyStrategyManager());
        _;
    }

    constructor(IStrategyManager _strategyManager, IERC20 _underlyingToken) {
        strategyManager = _strategyManager;
        underlyingToken = _underlyingToken;
        emit StrategyTokenSet(_underlyingToken, IERC20Metadata(address(_underlyingToken)).decimals());
    }

    /// @inheritdoc IStrategy
    function deposit(IERC20 token, uint256 amount) external onlyStrategyManager returns (uint256 newShares) {
        require(token == underlyingToken, OnlyUnderlyingToken());
        uint256 priorTotalShares = totalShares;
        uint256 virtualTokenBalance = _tokenBalance() + BALANCE_OFFSET;
        // The StrategyManager has already moved `amount` in, so the price is taken before it.
        newShares = (amount * (priorTotalShares + SHARES_OFFSET)) / (virtualTokenBalance - amount);
        require(newShares != 0, NewSharesZero());
        totalShares = priorTotalShares + newShares;
        require(totalShares <= MAX_TOTAL_SHARES, TotalSharesExceedsMax());
        _emitExchangeRate(virtualTokenBalance, totalShares + SHARES_OFFSET);
    }

    /// @inheritdoc IStrategy
    function withdraw(address recipient, IERC20 token, uint256 amountShares)
        external
        onlyStrategyManager
        returns (uint256 amountToSend)
    {
        require(token == underlyingToken, OnlyUnderlyingToken());
        uint256 priorTotalShares = totalShares;
        require(amountShares <= priorTotalShares, WithdrawalAmountExceedsTotalDeposits());
        uint256 virtualTokenBalance = _tokenBalance() + BALANCE_OFFSET;
        amountToSend = (virtualTokenBalance * amountShares) / (priorTotalShares + SHARES_OFFSET);
        totalShares = priorTotalShares - amountShares;
        _emitExchangeRate(virtualTokenBalance - amountToSend, totalShares + SHARES_OFFSET);
        underlyingToken.safeTransfer(recipient, amountToSend);
    }

    /// @inheritdoc IStrategy
    function beforeAddShares(address, uint256) external view onlyStrategyManager {}

    /// @inheritdoc IStrategy
    function beforeRemoveShares(address, uint256) external view onlyStrategyManager {}

    /// @inheritdoc IStrategy
    function sharesToUnderlying(uint256 amountShares) external view returns (uint256) {
        return sharesToUnderlyingView(amountShares);
    }

    /// @inheritdoc IStrategy
    function underlyingToShares(uint256 amountUnderlying) external view returns (uint256) {
        return underlyingToSharesView(amountUnderlying);
    }

    /// @inheritdoc IStrategy
    function userUnderlying(address user) external view returns (uint256) {
        return userUnderlyingView(user);
    }

    /// @inheritdoc IStrategy
    function shares(address user) public view returns (uint256) {
        return strategyManager.stakerDepositShares(user, IStrategy(address(this)));
    }

    /// @inheritdoc IStrategy
    function sharesToUnderlyingView(uint256 amountShares) public view returns (uint256) {
        return ((_tokenBalance() + BALANCE_OFFSET) * amountShares) / (totalShares + SHARES_OFFSET);
    }

    /// @inheritdoc IStrategy
    function underlyingToSharesView(uint256 amountUnderlying) public view returns (uint256) {
        return (amountUnderlying * (totalShares + SHARES_OFFSET)) / (_tokenBalance() + BALANCE_OFFSET);
    }

    /// @inheritdoc IStrategy
    function userUnderlyingView(address user) public view returns (uint256) {
        return sharesToUnderlyingView(shares(user));
    }

    /// @inheritdoc IStrategy
    function explanation() external pure returns (string memory) {
        return "Base Strategy implementation to inherit from for more complex implementations";
    }

    function _tokenBalance() internal view returns (uint256) {
        return underlyingToken.balanceOf(address(this));
    }

    function _emitExchangeRate(uint256 virtualTokenBalance, uint256 virtualTotalShares) internal {
        emit ExchangeRateEmitted((1e18 * virtualTokenBalance) / virtualTotalShares);
    }
}
