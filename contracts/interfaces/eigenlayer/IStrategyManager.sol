// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IStrategy} from "./IStrategy.sol";
import {IDelegationManager} from "./IDelegationManager.sol";
import {OperatorSet} from "./OperatorSetLib.sol";

interface IStrategyManagerErrors {
    error MaxStrategiesExceeded();
    error OnlyDelegationManager();
    error OnlyStrategyWhitelister();
    error SharesAmountTooHigh();
    error SharesAmountZero();
    error StakerAddressZero();
    error StrategyNotFound();
    error StrategyNotWhitelisted();
}

interface IStrategyManagerEvents {
    event Deposit(address staker, IStrategy strategy, uint256 shares);
    event StrategyWhitelisterChanged(address previousAddress, address newAddress);
    event StrategyAddedToDepositWhitelist(IStrategy strategy);
    event StrategyRemovedFromDepositWhitelist(IStrategy strategy);
    event BurnOrRedistributableSharesIncreased(
        OperatorSet operatorSet, uint256 slashId, IStrategy strategy, uint256 shares
    );
    event BurnOrRedistributableSharesDecreased(
        OperatorSet operatorSet, uint256 slashId, IStrategy strategy, uint256 shares
    );
}

/// @title EigenLayer's StrategyManager: deposits into strategies and each staker's deposit shares.
/// @dev Subset of the real `IStrategyManager`, ABI-identical. Deposit shares are not reduced by slashing;
/// the DelegationManager turns them into withdrawable shares with the staker's slashing factor.
interface IStrategyManager is IStrategyManagerErrors, IStrategyManagerEvents {
    /// @notice Pulls `amount` of `token` from the caller into `strategy` and credits the caller.
    /// @return depositShares The deposit shares credited, rounded down.
    function depositIntoStrategy(IStrategy strategy, IERC20 token, uint256 amount)
        external
        returns (uint256 depositShares);

    /// @notice Removes deposit shares from `staker` (a queued withdrawal); only the DelegationManager.
    /// @return The staker's deposit shares left in `strategy`.
    function removeDepositShares(address staker, IStrategy strategy, uint256 depositSharesToRemove)
        external
        returns (uint256);

    /// @notice Credits deposit shares back to `staker` (a withdrawal completed as shares); only the DelegationManager.
    /// @return The staker's previous deposit shares and the shares added.
    function addShares(address staker, IStrategy strategy, uint256 shares) external returns (uint256, uint256);

    /// @notice Withdraws `shares` from `strategy` as `token` to `staker`; only the DelegationManager.
    function withdrawSharesAsTokens(address staker, IStrategy strategy, IERC20 token, uint256 shares) external;

    /// @notice Records shares slashed from an operator set, to be burned or redistributed; only the DelegationManager.
    function increaseBurnOrRedistributableShares(
        OperatorSet calldata operatorSet,
        uint256 slashId,
        IStrategy strategy,
        uint256 addedSharesToBurn
    ) external;

    /// @notice Burns (or sends to the redistribution recipient) the slashed shares of one strategy for one slash.
    /// @return The amount of underlying sent out.
    function clearBurnOrRedistributableSharesByStrategy(
        OperatorSet calldata operatorSet,
        uint256 slashId,
        IStrategy strategy
    ) external returns (uint256);

    /// @notice Shares slashed for `slashId` of `operatorSet` in `strategy` not yet burned or redistributed.
    function getBurnOrRedistributableShares(OperatorSet calldata operatorSet, uint256 slashId, IStrategy strategy)
        external
        view
        returns (uint256);

    /// @notice Number of strategies with shares still to burn or redistribute for a slash.
    function getBurnOrRedistributableCount(OperatorSet calldata operatorSet, uint256 slashId)
        external
        view
        returns (uint256);

    /// @notice Allows deposits into the given strategies; only the strategy whitelister.
    function addStrategiesToDepositWhitelist(IStrategy[] calldata strategiesToWhitelist) external;

    /// @notice Stops deposits into the given strategies; only the strategy whitelister.
    function removeStrategiesFromDepositWhitelist(IStrategy[] calldata strategiesToRemoveFromWhitelist) external;

    /// @notice Hands the whitelister role to `newStrategyWhitelister`; only the owner.
    function setStrategyWhitelister(address newStrategyWhitelister) external;

    /// @notice `user`'s deposit shares in `strategy` (not reduced by slashing).
    function stakerDepositShares(address user, IStrategy strategy) external view returns (uint256 shares);

    /// @notice The strategies `staker` has deposit shares in, and those shares.
    function getDeposits(address staker) external view returns (IStrategy[] memory, uint256[] memory);

    /// @notice The strategies `staker` has deposit shares in.
    function getStakerStrategyList(address staker) external view returns (IStrategy[] memory);

    /// @notice How many strategies `staker` has deposit shares in.
    function stakerStrategyListLength(address staker) external view returns (uint256);

    /// @notice Whether deposits into `strategy` are allowed.
    function strategyIsWhitelistedForDeposit(IStrategy strategy) external view returns (bool);

    /// @notice The address allowed to edit the deposit whitelist.
    function strategyWhitelister() external view returns (address);

    /// @notice The DelegationManager this StrategyManager reports deposits to.
    function delegation() external view returns (IDelegationManager);
}
