// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IOperatorDelegator} from "./interfaces/IOperatorDelegator.sol";
import {IStrategy} from "./interfaces/eigenlayer/IStrategy.sol";
import {IStrategyManager} from "./interfaces/eigenlayer/IStrategyManager.sol";
import {IDelegationManager, IDelegationManagerTypes} from "./interfaces/eigenlayer/IDelegationManager.sol";
import {ISignatureUtilsMixinTypes} from "./interfaces/eigenlayer/ISignatureUtilsMixin.sol";
import {IRewardsCoordinator, IRewardsCoordinatorTypes} from "./interfaces/eigenlayer/IRewardsCoordinator.sol";

/// @title OperatorDelegator
/// @dev Deployed behind a beacon, one proxy per operator. EigenLayer addresses are immutables of the
/// implementation, so every proxy shares them and an upgrade of the beacon can change them.
contract OperatorDelegator is IOperatorDelegator, Initializable {
    using SafeERC20 for IERC20;

    /// @custom:storage-location erc7201:trellis.OperatorDelegator
    struct OperatorDelegatorStorage {
        address vault;
        address operator;
    }

    // keccak256(abi.encode(uint256(keccak256("trellis.OperatorDelegator")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 public constant STORAGE_LOCATION = 0x3d1bd0cece488cc37e87932442f7cac8b2396c778d8fc21236ceb0677be9df00;

    IStrategyManager public immutable strategyManager;
    IDelegationManager public immutable delegationManager;
    IRewardsCoordinator public immutable rewardsCoordinator;

    constructor(
        IStrategyManager strategyManager_,
        IDelegationManager delegationManager_,
        IRewardsCoordinator rewardsCoordinator_
    ) {
        strategyManager = strategyManager_;
        delegationManager = delegationManager_;
        rewardsCoordinator = rewardsCoordinator_;
        _disableInitializers();
    }

    /// @inheritdoc IOperatorDelegator
    function initialize(address vault_, address operator_) external initializer {
        OperatorDelegatorStorage storage $ = _s();
        $.vault = vault_;
        $.operator = operator_;
        // EigenLayer lets a staker delegate to one operator only; operators with a delegation approver are not
        // supported (the empty signature would be refused by EigenLayer).
        delegationManager.delegateTo(operator_, ISignatureUtilsMixinTypes.SignatureWithExpiry("", 0), bytes32(0));
        emit Delegated(operator_);
    }

    modifier onlyVault() {
        if (msg.sender != _s().vault) revert OnlyVault(msg.sender);
        _;
    }

    /// @inheritdoc IOperatorDelegator
    function restake(address strategy, address token, uint256 amount) external onlyVault returns (uint256 shares) {
        IERC20(token).forceApprove(address(strategyManager), amount);
        shares = strategyManager.depositIntoStrategy(IStrategy(strategy), IERC20(token), amount);
        emit Restaked(strategy, token, amount, shares);
    }

    /// @inheritdoc IOperatorDelegator
    function queueWithdrawal(address strategy, uint256 depositShares) external onlyVault returns (bytes32 root) {
        IDelegationManagerTypes.QueuedWithdrawalParams[] memory params =
            new IDelegationManagerTypes.QueuedWithdrawalParams[](1);
        params[0].strategies = new IStrategy[](1);
        params[0].strategies[0] = IStrategy(strategy);
        params[0].depositShares = new uint256[](1);
        params[0].depositShares[0] = depositShares;
        params[0].__deprecated_withdrawer = address(this);
        root = delegationManager.queueWithdrawals(params)[0];
        emit WithdrawalQueued(root, strategy, depositShares);
    }

    /// @inheritdoc IOperatorDelegator
    function completeWithdrawal(IDelegationManagerTypes.Withdrawal calldata withdrawal, address token)
        external
        onlyVault
        returns (uint256 amount)
    {
        IERC20[] memory tokens = new IERC20[](1);
        tokens[0] = IERC20(token);
        uint256 before = IERC20(token).balanceOf(address(this));
        delegationManager.completeQueuedWithdrawal(withdrawal, tokens, true);
        // Only what EigenLayer paid: a token someone sent here must not enter the vault's books.
        amount = IERC20(token).balanceOf(address(this)) - before;
        IERC20(token).safeTransfer(msg.sender, amount);
        emit WithdrawalCompleted(delegationManager.calculateWithdrawalRoot(withdrawal), token, amount);
    }

    /// @inheritdoc IOperatorDelegator
    function claimRewards(IRewardsCoordinatorTypes.RewardsMerkleClaim calldata claim, address recipient)
        external
        onlyVault
    {
        rewardsCoordinator.processClaim(claim, recipient);
        emit RewardsClaimed(recipient, claim.rootIndex);
    }

    /// @inheritdoc IOperatorDelegator
    function undelegate() public onlyVault returns (bytes32[] memory withdrawalRoots) {
        // After a forced undelegation there is nothing left to undelegate: its withdrawals are queued already.
        if (!delegationManager.isDelegated(address(this))) return withdrawalRoots;
        withdrawalRoots = delegationManager.undelegate(address(this));
        emit Undelegated(_s().operator, withdrawalRoots);
    }

    /// @inheritdoc IOperatorDelegator
    function redelegate(address newOperator) external onlyVault returns (address oldOperator) {
        undelegate();
        OperatorDelegatorStorage storage $ = _s();
        oldOperator = $.operator;
        $.operator = newOperator;
        delegationManager.delegateTo(newOperator, ISignatureUtilsMixinTypes.SignatureWithExpiry("", 0), bytes32(0));
        emit Redelegated(oldOperator, newOperator);
    }

    /// @inheritdoc IOperatorDelegator
    function isEmpty() external view returns (bool) {
        // EigenLayer drops a strategy from a staker's list when its deposit shares reach zero.
        (IStrategy[] memory held,) = delegationManager.getDepositedShares(address(this));
        return held.length == 0 && delegationManager.getQueuedWithdrawalRoots(address(this)).length == 0;
    }

    /// @inheritdoc IOperatorDelegator
    function vault() external view returns (address) {
        return _s().vault;
    }

    /// @inheritdoc IOperatorDelegator
    function operator() external view returns (address) {
        return _s().operator;
    }

    /// @inheritdoc IOperatorDelegator
    function underlyingBalances(address[] calldata strategies) external view returns (uint256[] memory amounts) {
        IStrategy[] memory strats = new IStrategy[](strategies.length);
        for (uint256 i; i < strategies.length; ++i) strats[i] = IStrategy(strategies[i]);
        (uint256[] memory shares,) = delegationManager.getWithdrawableShares(address(this), strats);
        // Queued withdrawals stay slashable and are still ours until completed: count them, after slashing.
        (IDelegationManagerTypes.Withdrawal[] memory queued, uint256[][] memory queuedShares) =
            delegationManager.getQueuedWithdrawals(address(this));
        for (uint256 q; q < queued.length; ++q) {
            for (uint256 k; k < queued[q].strategies.length; ++k) {
                for (uint256 i; i < strats.length; ++i) {
                    if (queued[q].strategies[k] == strats[i]) {
                        shares[i] += queuedShares[q][k];
                        break;
                    }
                }
            }
        }
        amounts = new uint256[](strats.length);
        for (uint256 i; i < strats.length; ++i) {
            if (shares[i] != 0) amounts[i] = strats[i].sharesToUnderlyingView(shares[i]);
        }
    }

    function _s() private pure returns (OperatorDelegatorStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }
}
