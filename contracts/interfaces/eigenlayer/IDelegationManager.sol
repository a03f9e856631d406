// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IStrategy} from "./IStrategy.sol";
import {OperatorSet} from "./OperatorSetLib.sol";
import {ISignatureUtilsMixin} from "./ISignatureUtilsMixin.sol";

interface IDelegationManagerErrors {
    error OnlyStrategyManagerOrEigenPodManager();
    error OnlyEigenPodManager();
    error OnlyAllocationManager();
    error OperatorsCannotUndelegate();
    error ActivelyDelegated();
    error NotActivelyDelegated();
    error OperatorNotRegistered();
    error CallerCannotUndelegate();
    error InputArrayLengthMismatch();
    error InputArrayLengthZero();
    error FullySlashed();
    error SaltSpent();
    error WithdrawalDelayNotElapsed();
    error WithdrawalNotQueued();
    error WithdrawerNotCaller();
}

interface IDelegationManagerTypes {
    /// @notice A queued withdrawal. `scaledShares` are deposit shares times the staker's deposit scaling
    /// factor; the slashing factor at completion turns them into the shares actually withdrawn.
    struct Withdrawal {
        address staker;
        address delegatedTo;
        address withdrawer;
        uint256 nonce;
        uint32 startBlock;
        IStrategy[] strategies;
        uint256[] scaledShares;
    }

    /// @notice One withdrawal request: deposit shares per strategy. The withdrawer is always the caller.
    struct QueuedWithdrawalParams {
        IStrategy[] strategies;
        uint256[] depositShares;
        address __deprecated_withdrawer;
    }
}

interface IDelegationManagerEvents is IDelegationManagerTypes {
    event DelegationApproverUpdated(address indexed operator, address newDelegationApprover);
    event OperatorRegistered(address indexed operator, address delegationApprover);
    event OperatorMetadataURIUpdated(address indexed operator, string metadataURI);
    event OperatorSharesIncreased(address indexed operator, address staker, IStrategy strategy, uint256 shares);
    event OperatorSharesDecreased(address indexed operator, address staker, IStrategy strategy, uint256 shares);
    event OperatorSharesSlashed(address indexed operator, IStrategy strategy, uint256 totalSlashedShares);
    event StakerDelegated(address indexed staker, address indexed operator);
    event StakerUndelegated(address indexed staker, address indexed operator);
    event StakerForceUndelegated(address indexed staker, address indexed operator);
    event DepositScalingFactorUpdated(address staker, IStrategy strategy, uint256 newDepositScalingFactor);
    event SlashingWithdrawalQueued(bytes32 withdrawalRoot, Withdrawal withdrawal, uint256[] sharesToWithdraw);
    event SlashingWithdrawalCompleted(bytes32 withdrawalRoot);
}

/// @title EigenLayer's DelegationManager: operators, delegation, queued withdrawals and slashing factors.
/// @dev Subset of the real `IDelegationManager`, ABI-identical.
/// A staker's withdrawable shares are `depositShares * depositScalingFactor * slashingFactor` (each a
/// WAD multiplication rounded down), where the slashing factor is the operator's max magnitude.
/// @dev Warning: queued withdrawals stay slashable until `startBlock + minWithdrawalDelayBlocks()`.
interface IDelegationManager is ISignatureUtilsMixin, IDelegationManagerErrors, IDelegationManagerEvents {
    /// @notice Registers the caller as an operator delegated to itself and sets its allocation delay.
    function registerAsOperator(address initDelegationApprover, uint32 allocationDelay, string calldata metadataURI)
        external;

    /// @notice Changes `operator`'s delegation approver; only the operator.
    function modifyOperatorDetails(address operator, address newDelegationApprover) external;

    /// @notice Emits a new metadata URI for `operator`; only the operator.
    function updateOperatorMetadataURI(address operator, string calldata metadataURI) external;

    /// @notice Delegates the caller's stake to `operator`. The signature may be empty when the
    /// operator has no delegation approver.
    function delegateTo(
        address operator,
        SignatureWithExpiry memory approverSignatureAndExpiry,
        bytes32 approverSalt
    ) external;

    /// @notice Undelegates `staker` and queues one withdrawal per strategy for all its shares.
    /// Callable by the staker, its operator or the operator's delegation approver.
    function undelegate(address staker) external returns (bytes32[] memory withdrawalRoots);

    /// @notice Queues withdrawals of the caller's deposit shares.
    function queueWithdrawals(QueuedWithdrawalParams[] calldata params) external returns (bytes32[] memory);

    /// @notice Completes a queued withdrawal after the delay, as tokens or as re-deposited shares.
    function completeQueuedWithdrawal(Withdrawal calldata withdrawal, IERC20[] calldata tokens, bool receiveAsTokens)
        external;

    /// @notice Batch form of `completeQueuedWithdrawal`.
    function completeQueuedWithdrawals(
        Withdrawal[] calldata withdrawals,
        IERC20[][] calldata tokens,
        bool[] calldata receiveAsTokens
    ) external;

    /// @notice Adds delegated shares after a deposit; only the StrategyManager.
    function increaseDelegatedShares(address staker, IStrategy strategy, uint256 prevDepositShares, uint256 addedShares)
        external;

    /// @notice Reduces `operator`'s shares after its max magnitude fell; only the AllocationManager.
    /// @return totalDepositSharesToSlash Shares slashed from the operator plus from its slashable queue.
    function slashOperatorShares(
        address operator,
        OperatorSet calldata operatorSet,
        uint256 slashId,
        IStrategy strategy,
        uint64 prevMaxMagnitude,
        uint64 newMaxMagnitude
    ) external returns (uint256 totalDepositSharesToSlash);

    /// @notice The operator `staker` is delegated to, or zero.
    function delegatedTo(address staker) external view returns (address);

    /// @notice The address whose signature is required to delegate to `operator`, or zero.
    function delegationApprover(address operator) external view returns (address);

    /// @notice Whether `salt` has been used by `_delegationApprover`.
    function delegationApproverSaltIsSpent(address _delegationApprover, bytes32 salt) external view returns (bool);

    /// @notice Stakers' withdrawable shares delegated to `operator` in each strategy.
    function getOperatorShares(address operator, IStrategy[] memory strategies)
        external
        view
        returns (uint256[] memory);

    /// @notice `getOperatorShares` for several operators.
    function getOperatorsShares(address[] memory operators, IStrategy[] memory strategies)
        external
        view
        returns (uint256[][] memory);

    /// @notice Shares of `operator` still slashable in the withdrawal queue for `strategy`.
    function getSlashableSharesInQueue(address operator, IStrategy strategy) external view returns (uint256);

    /// @notice `staker`'s withdrawable shares (after slashing) and deposit shares per strategy.
    function getWithdrawableShares(address staker, IStrategy[] memory strategies)
        external
        view
        returns (uint256[] memory withdrawableShares, uint256[] memory depositShares);

    /// @notice `staker`'s deposit shares in every strategy it holds.
    function getDepositedShares(address staker) external view returns (IStrategy[] memory, uint256[] memory);

    /// @notice Converts withdrawable shares to the deposit shares to pass to `queueWithdrawals`.
    function convertToDepositShares(address staker, IStrategy[] memory strategies, uint256[] memory withdrawableShares)
        external
        view
        returns (uint256[] memory);

    /// @notice The deposit scaling factor of `staker` in `strategy` (WAD when unset).
    function depositScalingFactor(address staker, IStrategy strategy) external view returns (uint256);

    /// @notice Whether `staker` is delegated.
    function isDelegated(address staker) external view returns (bool);

    /// @notice Whether `operator` is a registered operator.
    function isOperator(address operator) external view returns (bool);

    /// @notice A pending withdrawal by root (empty when unknown).
    function queuedWithdrawals(bytes32 withdrawalRoot) external view returns (Withdrawal memory withdrawal);

    /// @notice A pending withdrawal and the shares it would pay now (slashing included).
    function getQueuedWithdrawal(bytes32 withdrawalRoot)
        external
        view
        returns (Withdrawal memory withdrawal, uint256[] memory shares);

    /// @notice All of `staker`'s pending withdrawals and the shares each would pay now.
    function getQueuedWithdrawals(address staker)
        external
        view
        returns (Withdrawal[] memory withdrawals, uint256[][] memory shares);

    /// @notice Roots of `staker`'s pending withdrawals.
    function getQueuedWithdrawalRoots(address staker) external view returns (bytes32[] memory);

    /// @notice Number of withdrawals `staker` has ever queued (the next nonce).
    function cumulativeWithdrawalsQueued(address staker) external view returns (uint256);

    /// @notice keccak256 of the ABI-encoded withdrawal.
    function calculateWithdrawalRoot(Withdrawal memory withdrawal) external pure returns (bytes32);

    /// @notice The EIP-712 digest a delegation approver signs.
    function calculateDelegationApprovalDigestHash(
        address staker,
        address operator,
        address _delegationApprover,
        bytes32 approverSalt,
        uint256 expiry
    ) external view returns (bytes32);

    /// @notice The EIP-712 typehash of a delegation approval.
    function DELEGATION_APPROVAL_TYPEHASH() external view returns (bytes32);

    /// @notice Blocks a withdrawal must wait (and stays slashable) before it can be completed.
    function minWithdrawalDelayBlocks() external view returns (uint32);

    /// @notice The virtual strategy for beacon chain ETH (unused on the devnet).
    function beaconChainETHStrategy() external view returns (IStrategy);
}
