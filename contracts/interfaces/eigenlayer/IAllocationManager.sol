// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IStrategy} from "./IStrategy.sol";
import {IDelegationManager} from "./IDelegationManager.sol";
import {OperatorSet} from "./OperatorSetLib.sol";
import {IAVSRegistrar} from "../../devnet/eigenlayer/IAVSRegistrar.sol";

interface IAllocationManagerErrors {
    error InputArrayLengthMismatch();
    error InvalidCaller();
    error InvalidOperator();
    error InvalidOperatorSet();
    error InvalidStrategy();
    error InvalidWadToSlash();
    error InsufficientMagnitude();
    error ModificationAlreadyPending();
    error SameMagnitude();
    error AlreadyMemberOfSet();
    error NotMemberOfSet();
    error NonexistentAVSMetadata();
    error OperatorNotSlashable();
    error StrategiesMustBeInAscendingOrder();
    error StrategyAlreadyInOperatorSet();
    error StrategyNotInOperatorSet();
    error UninitializedAllocationDelay();
    error InputAddressZero();
    error InvalidRedistributionRecipient();
    error InvalidAVSRegistrar();
}

interface IAllocationManagerTypes {
    /// @notice An operator's allocation to one operator set in one strategy. A pending change
    /// (`pendingDiff`) becomes part of `currentMagnitude` at `effectBlock`.
    struct Allocation {
        uint64 currentMagnitude;
        int128 pendingDiff;
        uint32 effectBlock;
    }

    /// @notice New magnitudes for `operatorSet`, one per strategy.
    struct AllocateParams {
        OperatorSet operatorSet;
        IStrategy[] strategies;
        uint64[] newMagnitudes;
    }

    /// @notice Slash `operator` in operator set `operatorSetId`: `wadsToSlash[i]` (WAD = 100%) of its
    /// allocation in `strategies[i]` (ascending addresses).
    struct SlashingParams {
        address operator;
        uint32 operatorSetId;
        IStrategy[] strategies;
        uint256[] wadsToSlash;
        string description;
    }

    struct RegisterParams {
        address avs;
        uint32[] operatorSetIds;
        bytes data;
    }

    struct DeregisterParams {
        address operator;
        address avs;
        uint32[] operatorSetIds;
    }

    /// @notice A new operator set whose slasher is the AVS itself.
    struct CreateSetParams {
        uint32 operatorSetId;
        IStrategy[] strategies;
    }

    /// @notice A new operator set with an explicit slasher.
    struct CreateSetParamsV2 {
        uint32 operatorSetId;
        IStrategy[] strategies;
        address slasher;
    }
}

interface IAllocationManagerEvents is IAllocationManagerTypes {
    event AllocationDelaySet(address operator, uint32 delay, uint32 effectBlock);
    event AllocationUpdated(
        address operator, OperatorSet operatorSet, IStrategy strategy, uint64 magnitude, uint32 effectBlock
    );
    event EncumberedMagnitudeUpdated(address operator, IStrategy strategy, uint64 encumberedMagnitude);
    event MaxMagnitudeUpdated(address operator, IStrategy strategy, uint64 maxMagnitude);
    event OperatorSlashed(
        address operator, OperatorSet operatorSet, IStrategy[] strategies, uint256[] wadSlashed, string description
    );
    event AVSMetadataURIUpdated(address indexed avs, string metadataURI);
    event AVSRegistrarSet(address avs, IAVSRegistrar registrar);
    event OperatorSetCreated(OperatorSet operatorSet);
    event OperatorAddedToOperatorSet(address indexed operator, OperatorSet operatorSet);
    event OperatorRemovedFromOperatorSet(address indexed operator, OperatorSet operatorSet);
    event SlasherUpdated(OperatorSet operatorSet, address slasher, uint32 effectBlock);
    event StrategyAddedToOperatorSet(OperatorSet operatorSet, IStrategy strategy);
    event StrategyRemovedFromOperatorSet(OperatorSet operatorSet, IStrategy strategy);
    event RedistributionAddressSet(OperatorSet operatorSet, address redistributionRecipient);
}

/// @title EigenLayer's AllocationManager: operator sets, allocations of magnitude, and slashing.
/// @dev Subset of the real `IAllocationManager`, ABI-identical. Each operator has a max magnitude per
/// strategy (WAD until slashed) and allocates parts of it to operator sets. Increases take effect
/// after the operator's allocation delay, decreases after `DEALLOCATION_DELAY` blocks.
/// @dev Warning: an operator set's slasher can slash any registered (or recently deregistered)
/// operator's allocated magnitude, and every delegator's stake falls with it.
interface IAllocationManager is IAllocationManagerErrors, IAllocationManagerEvents {
    /// @notice Sets the caller AVS's metadata URI; required once before it creates operator sets.
    function updateAVSMetadataURI(address avs, string calldata metadataURI) external;

    /// @notice Sets the contract called when operators register for or deregister from `avs`'s operator sets.
    /// @dev Reverts with `InvalidAVSRegistrar` unless `registrar.supportsAVS(avs)` is true.
    function setAVSRegistrar(address avs, IAVSRegistrar registrar) external;

    /// @notice The registrar of `avs`: the one set with `setAVSRegistrar`, or `avs` itself if none was set.
    function getAVSRegistrar(address avs) external view returns (IAVSRegistrar);

    /// @notice Creates operator sets for `avs`, each slashable by `avs`.
    function createOperatorSets(address avs, CreateSetParams[] calldata params) external;

    /// @notice Creates operator sets for `avs`, each with its own slasher.
    function createOperatorSets(address avs, CreateSetParamsV2[] calldata params) external;

    /// @notice Creates redistributing operator sets for `avs`, each slashable by `avs`: slashed stake goes to
    /// `redistributionRecipients[i]` instead of being burned (ELIP-006).
    function createRedistributingOperatorSets(
        address avs,
        CreateSetParams[] calldata params,
        address[] calldata redistributionRecipients
    ) external;

    /// @notice Creates redistributing operator sets for `avs`, each with its own slasher.
    function createRedistributingOperatorSets(
        address avs,
        CreateSetParamsV2[] calldata params,
        address[] calldata redistributionRecipients
    ) external;

    /// @notice Adds strategies to an existing operator set of `avs`.
    function addStrategiesToOperatorSet(address avs, uint32 operatorSetId, IStrategy[] calldata strategies) external;

    /// @notice Removes strategies from an operator set of `avs`.
    function removeStrategiesFromOperatorSet(address avs, uint32 operatorSetId, IStrategy[] calldata strategies)
        external;

    /// @notice Registers `operator` for operator sets of `params.avs`.
    function registerForOperatorSets(address operator, RegisterParams calldata params) external;

    /// @notice Deregisters an operator; it stays slashable for `DEALLOCATION_DELAY` blocks.
    function deregisterFromOperatorSets(DeregisterParams calldata params) external;

    /// @notice Sets `operator`'s allocation delay; it applies after `ALLOCATION_CONFIGURATION_DELAY` blocks.
    function setAllocationDelay(address operator, uint32 delay) external;

    /// @notice Changes `operator`'s allocations (see the contract notes for timing).
    function modifyAllocations(address operator, AllocateParams[] calldata params) external;

    /// @notice Frees magnitude from up to `numToClear[i]` completed deallocations in `strategies[i]`.
    function clearDeallocationQueue(address operator, IStrategy[] calldata strategies, uint16[] calldata numToClear)
        external;

    /// @notice Slashes an operator; only the operator set's slasher.
    /// @return slashId The slash's id within the operator set.
    /// @return shares Shares slashed per strategy (operator shares plus slashable queued shares).
    function slashOperator(address avs, SlashingParams calldata params)
        external
        returns (uint256 slashId, uint256[] memory shares);

    /// @notice The allocation of `operator` to `operatorSet` in `strategy`, with any due change applied.
    function getAllocation(address operator, OperatorSet memory operatorSet, IStrategy strategy)
        external
        view
        returns (Allocation memory);

    /// @notice `getAllocation` for several operators.
    function getAllocations(address[] memory operators, OperatorSet memory operatorSet, IStrategy strategy)
        external
        view
        returns (Allocation[] memory);

    /// @notice Every operator set `operator` has an allocation in for `strategy`, and those allocations.
    function getStrategyAllocations(address operator, IStrategy strategy)
        external
        view
        returns (OperatorSet[] memory, Allocation[] memory);

    /// @notice Magnitude not yet allocated or pending (max minus encumbered).
    function getAllocatableMagnitude(address operator, IStrategy strategy) external view returns (uint64);

    /// @notice Magnitude allocated or pending allocation (including deallocations not yet freed).
    function getEncumberedMagnitude(address operator, IStrategy strategy) external view returns (uint64);

    /// @notice The operator's max magnitude in `strategy` (WAD until slashed).
    function getMaxMagnitude(address operator, IStrategy strategy) external view returns (uint64);

    /// @notice Max magnitudes of several operators in one strategy.
    function getMaxMagnitudes(address[] memory operators, IStrategy strategy) external view returns (uint64[] memory);

    /// @notice Max magnitudes of one operator in several strategies.
    function getMaxMagnitudes(address operator, IStrategy[] memory strategies) external view returns (uint64[] memory);

    /// @notice Max magnitudes as of the end of `blockNumber`.
    function getMaxMagnitudesAtBlock(address operator, IStrategy[] memory strategies, uint32 blockNumber)
        external
        view
        returns (uint64[] memory);

    /// @notice `(isSet, delay)`: the operator's allocation delay in blocks, once it has taken effect.
    function getAllocationDelay(address operator) external view returns (bool isSet, uint32 delay);

    /// @notice Operator sets the operator has (or is getting) an allocation in.
    function getAllocatedSets(address operator) external view returns (OperatorSet[] memory);

    /// @notice Strategies the operator has (or is getting) an allocation in for `operatorSet`.
    function getAllocatedStrategies(address operator, OperatorSet memory operatorSet)
        external
        view
        returns (IStrategy[] memory);

    /// @notice Operator sets the operator is registered for.
    function getRegisteredSets(address operator) external view returns (OperatorSet[] memory operatorSets);

    /// @notice Whether `operator` is registered for `operatorSet`.
    function isMemberOfOperatorSet(address operator, OperatorSet memory operatorSet) external view returns (bool);

    /// @notice Whether `operator` can be slashed by `operatorSet` now (registered, or deregistered recently).
    function isOperatorSlashable(address operator, OperatorSet memory operatorSet) external view returns (bool);

    /// @notice Whether the operator set exists.
    function isOperatorSet(OperatorSet memory operatorSet) external view returns (bool);

    /// @notice Operators registered for `operatorSet`.
    function getMembers(OperatorSet memory operatorSet) external view returns (address[] memory operators);

    /// @notice Number of operators registered for `operatorSet`.
    function getMemberCount(OperatorSet memory operatorSet) external view returns (uint256);

    /// @notice Number of operator sets `avs` has created.
    function getOperatorSetCount(address avs) external view returns (uint256);

    /// @notice Strategies slashable by `operatorSet`.
    function getStrategiesInOperatorSet(OperatorSet memory operatorSet)
        external
        view
        returns (IStrategy[] memory strategies);

    /// @notice The address allowed to slash `operatorSet`.
    function getSlasher(OperatorSet memory operatorSet) external view returns (address);

    /// @notice Where `operatorSet`'s slashed stake goes: its redistribution recipient, or EigenLayer's burn
    /// address for a set that does not redistribute.
    function getRedistributionRecipient(OperatorSet memory operatorSet) external view returns (address);

    /// @notice Whether `operatorSet` redistributes slashed stake (its recipient is not the burn address).
    function isRedistributingOperatorSet(OperatorSet memory operatorSet) external view returns (bool);

    /// @notice Whether `operator` is slashable by any redistributing operator set.
    function isOperatorRedistributable(address operator) external view returns (bool);

    /// @notice Number of slashes of `operatorSet` so far (the last slash id).
    function getSlashCount(OperatorSet memory operatorSet) external view returns (uint256);

    /// @notice Stake of each operator that `operatorSet` could slash at `futureBlock` at the least:
    /// pending increases are left out, pending decreases due by then are applied.
    function getMinimumSlashableStake(
        OperatorSet memory operatorSet,
        address[] memory operators,
        IStrategy[] memory strategies,
        uint32 futureBlock
    ) external view returns (uint256[][] memory slashableStake);

    /// @notice Delegated stake times currently allocated magnitude over max magnitude, per operator and strategy.
    function getAllocatedStake(OperatorSet memory operatorSet, address[] memory operators, IStrategy[] memory strategies)
        external
        view
        returns (uint256[][] memory slashableStake);

    /// @notice Blocks after an allocation delay change before it applies.
    function ALLOCATION_CONFIGURATION_DELAY() external view returns (uint32);

    /// @notice Blocks a deallocation (or deregistration) stays slashable.
    function DEALLOCATION_DELAY() external view returns (uint32 delay);

    /// @notice The DelegationManager that holds operator shares.
    function delegation() external view returns (IDelegationManager);
}
