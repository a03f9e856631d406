// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {EnumerableMap} from "@openzeppelin/contracts/utils/structs/EnumerableMap.sol";
import {IStrategy} from "../../interfaces/eigenlayer/IStrategy.sol";
import {IStrategyManager} from "../../interfaces/eigenlayer/IStrategyManager.sol";
import {IDelegationManager} from "../../interfaces/eigenlayer/IDelegationManager.sol";
import {OperatorSet, OperatorSetLib} from "../../interfaces/eigenlayer/OperatorSetLib.sol";

/// @title Devnet EigenLayer StrategyManager.
/// @dev Same accounting as the real one: deposit shares per staker and strategy (never reduced by
/// slashing), a deposit whitelist, at most `MAX_STAKER_STRATEGY_LIST_LENGTH` strategies per staker,
/// and slashed shares parked per (operator set, slash id, strategy) until someone clears them.
/// Not upgradeable and not pausable; no deposits by signature.
contract StrategyManager is IStrategyManager, ReentrancyGuard {
    using SafeERC20 for IERC20;
    using OperatorSetLib for OperatorSet;
    using EnumerableMap for EnumerableMap.AddressToUintMap;

    /// @notice Caller is not the owner.
    error OnlyOwner();

    uint256 public constant MAX_STAKER_STRATEGY_LIST_LENGTH = 32;
    /// @notice Where slashed tokens of non-redistributing operator sets go, as on mainnet.
    address public constant DEFAULT_BURN_ADDRESS = 0x00000000000000000000000000000000000E16E4;

    IDelegationManager public immutable delegation;
    address public immutable owner;

    /// @inheritdoc IStrategyManager
    address public strategyWhitelister;
    /// @inheritdoc IStrategyManager
    mapping(IStrategy strategy => bool) public strategyIsWhitelistedForDeposit;
    /// @inheritdoc IStrategyManager
    mapping(address staker => mapping(IStrategy strategy => uint256)) public stakerDepositShares;
    mapping(address staker => IStrategy[]) internal _stakerStrategyList;
    mapping(bytes32 operatorSetKey => mapping(uint256 slashId => EnumerableMap.AddressToUintMap)) internal
        _burnOrRedistributableShares;

    modifier onlyDelegationManager() {
        require(msg.sender == address(delegation), OnlyDelegationManager());
        _;
    }

    modifier onlyStrategyWhitelister() {
        require(msg.sender == strategyWhitelister, OnlyStrategyWhitelister());
        _;
    }

    constructor(IDelegationManager _delegation, address initialOwner, address initialStrategyWhitelister) {
        delegation = _delegation;
        owner = initialOwner;
        strategyWhitelister = initialStrategyWhitelister;
        emit StrategyWhitelisterChanged(address(0), initialStrategyWhitelister);
    }

    /// @inheritdoc IStrategyManager
    function depositIntoStrategy(IStrategy strategy, IERC20 token, uint256 amount)
        external
        nonReentrant
        returns (uint256 depositShares)
    {
        require(strategyIsWhitelistedForDeposit[strategy], StrategyNotWhitelisted());
        token.safeTransferFrom(msg.sender, address(strategy), amount);
        depositShares = strategy.deposit(token, amount);
        (uint256 prevDepositShares, uint256 addedShares) = _addShares(msg.sender, strategy, depositShares);
        delegation.increaseDelegatedShares(msg.sender, strategy, prevDepositShares, addedShares);
    }

    /// @inheritdoc IStrategyManager
    function removeDepositShares(address staker, IStrategy strategy, uint256 depositSharesToRemove)
        external
        onlyDelegationManager
        nonReentrant
        returns (uint256 sharesAfter)
    {
        require(depositSharesToRemove != 0, SharesAmountZero());
        uint256 current = stakerDepositShares[staker][strategy];
        require(depositSharesToRemove <= current, SharesAmountTooHigh());
        strategy.beforeRemoveShares(staker, depositSharesToRemove);
        // Safe: checked just above.
        unchecked {
            sharesAfter = current - depositSharesToRemove;
        }
        stakerDepositShares[staker][strategy] = sharesAfter;
        if (sharesAfter == 0) _removeStrategyFromStakerStrategyList(staker, strategy);
    }

    /// @inheritdoc IStrategyManager
    function addShares(address staker, IStrategy strategy, uint256 shares)
        external
        onlyDelegationManager
        nonReentrant
        returns (uint256, uint256)
    {
        return _addShares(staker, strategy, shares);
    }

    /// @inheritdoc IStrategyManager
    function withdrawSharesAsTokens(address staker, IStrategy strategy, IERC20 token, uint256 shares)
        external
        onlyDelegationManager
        nonReentrant
    {
        strategy.withdraw(staker, token, shares);
    }

    /// @inheritdoc IStrategyManager
    function increaseBurnOrRedistributableShares(
        OperatorSet calldata operatorSet,
        uint256 slashId,
        IStrategy strategy,
        uint256 addedSharesToBurn
    ) external onlyDelegationManager nonReentrant {
        EnumerableMap.AddressToUintMap storage pending = _burnOrRedistributableShares[operatorSet.key()][slashId];
        (, uint256 current) = pending.tryGet(address(strategy));
        pending.set(address(strategy), current + addedSharesToBurn);
        emit BurnOrRedistributableSharesIncreased(operatorSet, slashId, strategy, addedSharesToBurn);
    }

    /// @inheritdoc IStrategyManager
    /// @dev The devnet has no redistributing operator sets: slashed tokens always go to `DEFAULT_BURN_ADDRESS`.
    function clearBurnOrRedistributableSharesByStrategy(
        OperatorSet calldata operatorSet,
        uint256 slashId,
        IStrategy strategy
    ) external nonReentrant returns (uint256 amountOut) {
        EnumerableMap.AddressToUintMap storage pending = _burnOrRedistributableShares[operatorSet.key()][slashId];
        (bool exists, uint256 sharesToBurn) = pending.tryGet(address(strategy));
        require(exists, StrategyNotFound());
        pending.remove(address(strategy));
        emit BurnOrRedistributableSharesDecreased(operatorSet, slashId, strategy, sharesToBurn);
        if (sharesToBurn != 0) {
            amountOut = strategy.withdraw(DEFAULT_BURN_ADDRESS, strategy.underlyingToken(), sharesToBurn);
        }
    }

    /// @inheritdoc IStrategyManager
    function getBurnOrRedistributableShares(OperatorSet calldata operatorSet, uint256 slashId, IStrategy strategy)
        external
        view
        returns (uint256 shares)
    {
        (, shares) = _burnOrRedistributableShares[operatorSet.key()][slashId].tryGet(address(strategy));
    }

    /// @inheritdoc IStrategyManager
    function getBurnOrRedistributableCount(OperatorSet calldata operatorSet, uint256 slashId)
        external
        view
        returns (uint256)
    {
        return _burnOrRedistributableShares[operatorSet.key()][slashId].length();
    }

    /// @inheritdoc IStrategyManager
    function addStrategiesToDepositWhitelist(IStrategy[] calldata strategiesToWhitelist)
        external
        onlyStrategyWhitelister
    {
        for (uint256 i = 0; i < strategiesToWhitelist.length; ++i) {
            if (!strategyIsWhitelistedForDeposit[strategiesToWhitelist[i]]) {
                strategyIsWhitelistedForDeposit[strategiesToWhitelist[i]] = true;
                emit StrategyAddedToDepositWhitelist(strategiesToWhitelist[i]);
            }
        }
    }

    /// @inheritdoc IStrategyManager
    function removeStrategiesFromDepositWhitelist(IStrategy[] calldata strategiesToRemoveFromWhitelist)
        external
        onlyStrategyWhitelister
    {
        for (uint256 i = 0; i < strategiesToRemoveFromWhitelist.length; ++i) {
            if (strategyIsWhitelistedForDeposit[strategiesToRemoveFromWhitelist[i]]) {
                strategyIsWhitelistedForDeposit[strategiesToRemoveFromWhitelist[i]] = false;
                emit StrategyRemovedFromDepositWhitelist(strategiesToRemoveFromWhitelist[i]);
            }
        }
    }

    /// @inheritdoc IStrategyManager
    function setStrategyWhitelister(address newStrategyWhitelister) external {
        require(msg.sender == owner, OnlyOwner());
        emit StrategyWhitelisterChanged(strategyWhitelister, newStrategyWhitelister);
        strategyWhitelister = newStrategyWhitelister;
    }

    /// @inheritdoc IStrategyManager
    function getDeposits(address staker) external view returns (IStrategy[] memory, uint256[] memory) {
        IStrategy[] memory strategies = _stakerStrategyList[staker];
        uint256[] memory depositShares = new uint256[](strategies.length);
        for (uint256 i = 0; i < strategies.length; ++i) {
            depositShares[i] = stakerDepositShares[staker][strategies[i]];
        }
        return (strategies, depositShares);
    }

    /// @inheritdoc IStrategyManager
    function getStakerStrategyList(address staker) external view returns (IStrategy[] memory) {
        return _stakerStrategyList[staker];
    }

    /// @inheritdoc IStrategyManager
    function stakerStrategyListLength(address staker) external view returns (uint256) {
        return _stakerStrategyList[staker].length;
    }

    function _addShares(address staker, IStrategy strategy, uint256 shares) internal returns (uint256, uint256) {
        require(staker != address(0), StakerAddressZero());
        require(shares != 0, SharesAmountZero());
        uint256 prevDepositShares = stakerDepositShares[staker][strategy];
        if (prevDepositShares == 0) {
            require(
                _stakerStrategyList[staker].length < MAX_STAKER_STRATEGY_LIST_LENGTH, MaxStrategiesExceeded()
            );
            _stakerStrategyList[staker].push(strategy);
        }
        strategy.beforeAddShares(staker, shares);
        stakerDepositShares[staker][strategy] = prevDepositShares + shares;
        emit Deposit(staker, strategy, shares);
        return (prevDepositShares, shares);
    }

    function _removeStrategyFromStakerStrategyList(address staker, IStrategy strategy) internal {
        IStrategy[] storage list = _stakerStrategyList[staker];
        uint256 length = list.length;
        for (uint256 i = 0; i < length; ++i) {
            if (list[i] == strategy) {
                list[i] = list[length - 1];
                list.pop();
                return;
            }
        }
        revert StrategyNotFound();
    }
}
