// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {DoubleEndedQueue} from "@openzeppelin/contracts/utils/structs/DoubleEndedQueue.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";
import {IStrategy} from "../../interfaces/eigenlayer/IStrategy.sol";
import {IDelegationManager} from "../../interfaces/eigenlayer/IDelegationManager.sol";
import {IAllocationManager} from "../../interfaces/eigenlayer/IAllocationManager.sol";
import {IPermissionController} from "../../interfaces/eigenlayer/IPermissionController.sol";
import {OperatorSet, OperatorSetLib} from "../../interfaces/eigenlayer/OperatorSetLib.sol";
import {IPermissionControllerMixin} from "./IPermissionControllerMixin.sol";
import {SlashingMath} from "./SlashingMath.sol";
import {IAVSRegistrar} from "./IAVSRegistrar.sol";

/// @title Devnet EigenLayer AllocationManager.
/// @dev Real semantics for operator sets, registration, allocation delay, allocations with a pending
/// diff and effect block, the deallocation queue, max/encumbered magnitudes and `slashOperator`
/// (slashed magnitude = mulWadUp(current magnitude, wad)), the AVS registrar callbacks (registering for or
/// leaving operator sets calls the AVS's registrar, or the AVS itself, as the real one does), and redistributing
/// operator sets as far as their creation and the views go (slashed stake is still burned here, never sent to the
/// recipient). Left out: slasher changes after creation, pausing and upgradeability.
contract AllocationManager is IAllocationManager, IPermissionControllerMixin, ReentrancyGuard {
    using OperatorSetLib for OperatorSet;
    using SlashingMath for uint256;
    using Checkpoints for Checkpoints.Trace224;
    using DoubleEndedQueue for DoubleEndedQueue.Bytes32Deque;
    using EnumerableSet for EnumerableSet.UintSet;
    using EnumerableSet for EnumerableSet.AddressSet;
    using EnumerableSet for EnumerableSet.Bytes32Set;
    using SafeCast for uint256;

    struct StrategyInfo {
        uint64 maxMagnitude;
        uint64 encumberedMagnitude;
    }

    struct RegistrationStatus {
        bool registered;
        uint32 slashableUntil;
    }

    struct AllocationDelayInfo {
        uint32 delay;
        bool isSet;
        uint32 pendingDelay;
        uint32 effectBlock;
    }

    /// @dev Where slashed stake goes for a set that does not redistribute (the StrategyManager's burn address).
    address internal constant DEFAULT_BURN_ADDRESS = 0x00000000000000000000000000000000000E16E4;

    IDelegationManager public immutable delegation;
    IPermissionController public immutable permissionController;
    /// @inheritdoc IAllocationManager
    uint32 public immutable DEALLOCATION_DELAY;
    /// @inheritdoc IAllocationManager
    uint32 public immutable ALLOCATION_CONFIGURATION_DELAY;

    mapping(address avs => bool) internal _avsRegisteredMetadata;
    mapping(address avs => IAVSRegistrar) internal _avsRegistrar;
    mapping(address avs => EnumerableSet.UintSet) internal _operatorSets;
    mapping(bytes32 operatorSetKey => EnumerableSet.AddressSet) internal _operatorSetStrategies;
    mapping(bytes32 operatorSetKey => EnumerableSet.AddressSet) internal _operatorSetMembers;
    mapping(bytes32 operatorSetKey => address) internal _slashers;
    mapping(bytes32 operatorSetKey => uint256) internal _slashIds;
    mapping(bytes32 operatorSetKey => address) internal _redistributionRecipients;

    mapping(address operator => EnumerableSet.Bytes32Set) internal _registeredSets;
    mapping(address operator => mapping(bytes32 operatorSetKey => RegistrationStatus)) internal _registrationStatus;
    mapping(address operator => AllocationDelayInfo) internal _allocationDelayInfo;

    mapping(address operator => EnumerableSet.Bytes32Set) internal _allocatedSets;
    mapping(address operator => mapping(bytes32 operatorSetKey => EnumerableSet.AddressSet)) internal
        _allocatedStrategies;
    mapping(address operator => mapping(bytes32 operatorSetKey => mapping(IStrategy => Allocation))) internal
        _allocations;
    mapping(address operator => mapping(IStrategy => uint64)) internal _encumberedMagnitude;
    /// @dev Empty history means WAD (never slashed).
    mapping(address operator => mapping(IStrategy => Checkpoints.Trace224)) internal _maxMagnitudeHistory;
    /// @dev Operator sets with a pending deallocation, oldest first (all share one delay, so effect blocks ascend).
    mapping(address operator => mapping(IStrategy => DoubleEndedQueue.Bytes32Deque)) internal _deallocationQueue;

    modifier checkCanCall(address account) {
        _checkCanCall(account);
        _;
    }

    constructor(
        IDelegationManager _delegation,
        IPermissionController _permissionController,
        uint32 _DEALLOCATION_DELAY,
        uint32 _ALLOCATION_CONFIGURATION_DELAY
    ) {
        delegation = _delegation;
        permissionController = _permissionController;
        DEALLOCATION_DELAY = _DEALLOCATION_DELAY;
        ALLOCATION_CONFIGURATION_DELAY = _ALLOCATION_CONFIGURATION_DELAY;
    }

    // ---------------------------------------------------------------- AVS

    /// @inheritdoc IAllocationManager
    function updateAVSMetadataURI(address avs, string calldata metadataURI) external checkCanCall(avs) {
        _avsRegisteredMetadata[avs] = true;
        emit AVSMetadataURIUpdated(avs, metadataURI);
    }

    /// @inheritdoc IAllocationManager
    function setAVSRegistrar(address avs, IAVSRegistrar registrar) external checkCanCall(avs) {
        require(registrar.supportsAVS(avs), InvalidAVSRegistrar());
        _avsRegistrar[avs] = registrar;
        emit AVSRegistrarSet(avs, getAVSRegistrar(avs));
    }

    /// @inheritdoc IAllocationManager
    function getAVSRegistrar(address avs) public view returns (IAVSRegistrar) {
        IAVSRegistrar registrar = _avsRegistrar[avs];
        return address(registrar) == address(0) ? IAVSRegistrar(avs) : registrar;
    }

    /// @inheritdoc IAllocationManager
    function createOperatorSets(address avs, CreateSetParams[] calldata params) external checkCanCall(avs) {
        require(_avsRegisteredMetadata[avs], NonexistentAVSMetadata());
        for (uint256 i = 0; i < params.length; ++i) {
            _createOperatorSet(avs, params[i].operatorSetId, params[i].strategies, avs);
        }
    }

    /// @inheritdoc IAllocationManager
    function createOperatorSets(address avs, CreateSetParamsV2[] calldata params) external checkCanCall(avs) {
        require(_avsRegisteredMetadata[avs], NonexistentAVSMetadata());
        for (uint256 i = 0; i < params.length; ++i) {
            _createOperatorSet(avs, params[i].operatorSetId, params[i].strategies, params[i].slasher);
        }
    }

    /// @inheritdoc IAllocationManager
    function createRedistributingOperatorSets(
        address avs,
        CreateSetParams[] calldata params,
        address[] calldata redistributionRecipients
    ) external checkCanCall(avs) {
        require(params.length == redistributionRecipients.length, InputArrayLengthMismatch());
        require(_avsRegisteredMetadata[avs], NonexistentAVSMetadata());
        for (uint256 i = 0; i < params.length; ++i) {
            _createOperatorSet(avs, params[i].operatorSetId, params[i].strategies, avs);
            _setRedistributionRecipient(OperatorSet(avs, params[i].operatorSetId), redistributionRecipients[i]);
        }
    }

    /// @inheritdoc IAllocationManager
    function createRedistributingOperatorSets(
        address avs,
        CreateSetParamsV2[] calldata params,
        address[] calldata redistributionRecipients
    ) external checkCanCall(avs) {
        require(params.length == redistributionRecipients.length, InputArrayLengthMismatch());
        require(_avsRegisteredMetadata[avs], NonexistentAVSMetadata());
        for (uint256 i = 0; i < params.length; ++i) {
            _createOperatorSet(avs, params[i].operatorSetId, params[i].strategies, params[i].slasher);
            _setRedistributionRecipient(OperatorSet(avs, params[i].operatorSetId), redistributionRecipients[i]);
        }
    }

    /// @inheritdoc IAllocationManager
    function addStrategiesToOperatorSet(address avs, uint32 operatorSetId, IStrategy[] calldata strategies)
        external
        checkCanCall(avs)
    {
        OperatorSet memory operatorSet = OperatorSet(avs, operatorSetId);
        require(_operatorSets[avs].contains(operatorSetId), InvalidOperatorSet());
        for (uint256 i = 0; i < strategies.length; ++i) {
            _addStrategyToOperatorSet(operatorSet, strategies[i]);
        }
    }

    /// @inheritdoc IAllocationManager
    function removeStrategiesFromOperatorSet(address avs, uint32 operatorSetId, IStrategy[] calldata strategies)
        external
        checkCanCall(avs)
    {
        OperatorSet memory operatorSet = OperatorSet(avs, operatorSetId);
        require(_operatorSets[avs].contains(operatorSetId), InvalidOperatorSet());
        bytes32 key = operatorSet.key();
        for (uint256 i = 0; i < strategies.length; ++i) {
            require(_operatorSetStrategies[key].remove(address(strategies[i])), StrategyNotInOperatorSet());
            emit StrategyRemovedFromOperatorSet(operatorSet, strategies[i]);
        }
    }

    // ---------------------------------------------------------------- operators

    /// @inheritdoc IAllocationManager
    function registerForOperatorSets(address operator, RegisterParams calldata params)
        external
        nonReentrant
        checkCanCall(operator)
    {
        require(delegation.isOperator(operator), InvalidOperator());
        for (uint256 i = 0; i < params.operatorSetIds.length; ++i) {
            OperatorSet memory operatorSet = OperatorSet(params.avs, params.operatorSetIds[i]);
            require(_operatorSets[params.avs].contains(operatorSet.id), InvalidOperatorSet());
            // Still slashable after a recent deregistration counts as a member: wait out the window first.
            require(!isOperatorSlashable(operator, operatorSet), AlreadyMemberOfSet());
            bytes32 key = operatorSet.key();
            _registeredSets[operator].add(key);
            _operatorSetMembers[key].add(operator);
            emit OperatorAddedToOperatorSet(operator, operatorSet);
            _registrationStatus[operator][key].registered = true;
        }
        // As the real one: the registrar (or the AVS itself) may refuse by reverting; an EOA AVS reverts here.
        getAVSRegistrar(params.avs).registerOperator(operator, params.avs, params.operatorSetIds, params.data);
    }

    /// @inheritdoc IAllocationManager
    function deregisterFromOperatorSets(DeregisterParams calldata params) external nonReentrant {
        require(_canCall(params.operator) || _canCall(params.avs), InvalidCaller());
        for (uint256 i = 0; i < params.operatorSetIds.length; ++i) {
            OperatorSet memory operatorSet = OperatorSet(params.avs, params.operatorSetIds[i]);
            require(_operatorSets[params.avs].contains(operatorSet.id), InvalidOperatorSet());
            bytes32 key = operatorSet.key();
            require(_registrationStatus[params.operator][key].registered, NotMemberOfSet());
            _registeredSets[params.operator].remove(key);
            _operatorSetMembers[key].remove(params.operator);
            emit OperatorRemovedFromOperatorSet(params.operator, operatorSet);
            _registrationStatus[params.operator][key] =
                RegistrationStatus({registered: false, slashableUntil: uint32(block.number) + DEALLOCATION_DELAY});
        }
        getAVSRegistrar(params.avs).deregisterOperator(params.operator, params.avs, params.operatorSetIds);
    }

    /// @inheritdoc IAllocationManager
    /// @dev Called by the DelegationManager at operator registration, the delay applies at once;
    /// otherwise after `ALLOCATION_CONFIGURATION_DELAY` blocks.
    function setAllocationDelay(address operator, uint32 delay) external {
        bool newlyRegistered = msg.sender == address(delegation);
        if (!newlyRegistered) {
            _checkCanCall(operator);
            require(delegation.isOperator(operator), InvalidOperator());
        }
        AllocationDelayInfo memory info = _allocationDelayInfo[operator];
        if (info.effectBlock != 0 && block.number >= info.effectBlock) {
            info.delay = info.pendingDelay;
            info.isSet = true;
        }
        info.pendingDelay = delay;
        info.effectBlock =
            newlyRegistered ? uint32(block.number) : uint32(block.number) + ALLOCATION_CONFIGURATION_DELAY + 1;
        // Same as the real contract from block 1 on; at block 0 (a fresh devnet) an effect block of 0
        // would read as "never set".
        if (newlyRegistered) {
            info.delay = delay;
            info.isSet = true;
        }
        _allocationDelayInfo[operator] = info;
        emit AllocationDelaySet(operator, delay, info.effectBlock);
    }

    /// @inheritdoc IAllocationManager
    /// @dev Increases consume free magnitude at once and become slashable after the operator's allocation
    /// delay; decreases of a slashable allocation stay slashable for `DEALLOCATION_DELAY` blocks, those of a
    /// non-slashable one apply at once. One pending change per (operator set, strategy).
    function modifyAllocations(address operator, AllocateParams[] calldata params)
        external
        nonReentrant
        checkCanCall(operator)
    {
        (bool isSet, uint32 allocationDelay) = getAllocationDelay(operator);
        require(isSet, UninitializedAllocationDelay());
        for (uint256 i = 0; i < params.length; ++i) {
            require(params[i].strategies.length == params[i].newMagnitudes.length, InputArrayLengthMismatch());
            OperatorSet memory operatorSet = params[i].operatorSet;
            require(_operatorSets[operatorSet.avs].contains(operatorSet.id), InvalidOperatorSet());
            bool operatorSlashable = isOperatorSlashable(operator, operatorSet);
            for (uint256 j = 0; j < params[i].strategies.length; ++j) {
                _modifyAllocation(
                    operator,
                    operatorSet,
                    params[i].strategies[j],
                    params[i].newMagnitudes[j],
                    operatorSlashable,
                    allocationDelay
                );
            }
        }
    }

    /// @inheritdoc IAllocationManager
    function clearDeallocationQueue(address operator, IStrategy[] calldata strategies, uint16[] calldata numToClear)
        external
        nonReentrant
    {
        require(strategies.length == numToClear.length, InputArrayLengthMismatch());
        for (uint256 i = 0; i < strategies.length; ++i) {
            _clearDeallocationQueue(operator, strategies[i], numToClear[i]);
        }
    }

    // ---------------------------------------------------------------- slashing

    /// @inheritdoc IAllocationManager
    function slashOperator(address avs, SlashingParams calldata params)
        external
        nonReentrant
        returns (uint256 slashId, uint256[] memory shares)
    {
        OperatorSet memory operatorSet = OperatorSet(avs, params.operatorSetId);
        require(params.strategies.length == params.wadsToSlash.length, InputArrayLengthMismatch());
        require(_operatorSets[avs].contains(operatorSet.id), InvalidOperatorSet());
        require(isOperatorSlashable(params.operator, operatorSet), OperatorNotSlashable());
        require(msg.sender == getSlasher(operatorSet), InvalidCaller());

        bytes32 key = operatorSet.key();
        uint256[] memory wadSlashed = new uint256[](params.strategies.length);
        shares = new uint256[](params.strategies.length);
        slashId = ++_slashIds[key];

        for (uint256 i = 0; i < params.strategies.length; ++i) {
            IStrategy strategy = params.strategies[i];
            require(i == 0 || address(strategy) > address(params.strategies[i - 1]), StrategiesMustBeInAscendingOrder());
            require(0 < params.wadsToSlash[i] && params.wadsToSlash[i] <= SlashingMath.WAD, InvalidWadToSlash());
            require(_operatorSetStrategies[key].contains(address(strategy)), StrategyNotInOperatorSet());

            (wadSlashed[i], shares[i]) =
                _slashStrategy(params.operator, operatorSet, slashId, strategy, params.wadsToSlash[i]);
        }

        emit OperatorSlashed(params.operator, operatorSet, params.strategies, wadSlashed, params.description);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IAllocationManager
    function getAllocation(address operator, OperatorSet memory operatorSet, IStrategy strategy)
        public
        view
        returns (Allocation memory allocation)
    {
        (, allocation) = _getUpdatedAllocation(operator, operatorSet.key(), strategy);
    }

    /// @inheritdoc IAllocationManager
    function getAllocations(address[] memory operators, OperatorSet memory operatorSet, IStrategy strategy)
        external
        view
        returns (Allocation[] memory allocations)
    {
        allocations = new Allocation[](operators.length);
        for (uint256 i = 0; i < operators.length; ++i) {
            allocations[i] = getAllocation(operators[i], operatorSet, strategy);
        }
    }

    /// @inheritdoc IAllocationManager
    function getStrategyAllocations(address operator, IStrategy strategy)
        external
        view
        returns (OperatorSet[] memory operatorSets, Allocation[] memory allocations)
    {
        operatorSets = getAllocatedSets(operator);
        allocations = new Allocation[](operatorSets.length);
        for (uint256 i = 0; i < operatorSets.length; ++i) {
            allocations[i] = getAllocation(operator, operatorSets[i], strategy);
        }
    }

    /// @inheritdoc IAllocationManager
    function getAllocatableMagnitude(address operator, IStrategy strategy) external view returns (uint64) {
        return getMaxMagnitude(operator, strategy) - getEncumberedMagnitude(operator, strategy);
    }

    /// @inheritdoc IAllocationManager
    function getEncumberedMagnitude(address operator, IStrategy strategy) public view returns (uint64 encumbered) {
        // As if every completable deallocation had been cleared.
        encumbered = _encumberedMagnitude[operator][strategy];
        DoubleEndedQueue.Bytes32Deque storage queue = _deallocationQueue[operator][strategy];
        uint256 length = queue.length();
        for (uint256 i = 0; i < length; ++i) {
            Allocation memory allocation = _allocations[operator][queue.at(i)][strategy];
            if (block.number < allocation.effectBlock) break;
            encumbered = _addInt128(encumbered, allocation.pendingDiff);
        }
    }

    /// @inheritdoc IAllocationManager
    function getMaxMagnitude(address operator, IStrategy strategy) public view returns (uint64) {
        (bool exists,, uint224 value) = _maxMagnitudeHistory[operator][strategy].latestCheckpoint();
        // Safe cast: only uint64 magnitudes are pushed.
        return exists ? uint64(value) : SlashingMath.WAD;
    }

    /// @inheritdoc IAllocationManager
    function getMaxMagnitudes(address[] memory operators, IStrategy strategy)
        external
        view
        returns (uint64[] memory maxMagnitudes)
    {
        maxMagnitudes = new uint64[](operators.length);
        for (uint256 i = 0; i < operators.length; ++i) {
            maxMagnitudes[i] = getMaxMagnitude(operators[i], strategy);
        }
    }

    /// @inheritdoc IAllocationManager
    function getMaxMagnitudes(address operator, IStrategy[] memory strategies)
        external
        view
        returns (uint64[] memory maxMagnitudes)
    {
        maxMagnitudes = new uint64[](strategies.length);
        for (uint256 i = 0; i < strategies.length; ++i) {
            maxMagnitudes[i] = getMaxMagnitude(operator, strategies[i]);
        }
    }

    /// @inheritdoc IAllocationManager
    function getMaxMagnitudesAtBlock(address operator, IStrategy[] memory strategies, uint32 blockNumber)
        external
        view
        returns (uint64[] memory maxMagnitudes)
    {
        maxMagnitudes = new uint64[](strategies.length);
        for (uint256 i = 0; i < strategies.length; ++i) {
            Checkpoints.Trace224 storage history = _maxMagnitudeHistory[operator][strategies[i]];
            bool anyBefore = history.length() != 0 && history.at(0)._key <= blockNumber;
            // Safe cast: only uint64 magnitudes are pushed.
            maxMagnitudes[i] = anyBefore ? uint64(history.upperLookup(blockNumber)) : SlashingMath.WAD;
        }
    }

    /// @inheritdoc IAllocationManager
    function getAllocationDelay(address operator) public view returns (bool isSet, uint32 delay) {
        AllocationDelayInfo memory info = _allocationDelayInfo[operator];
        if (info.effectBlock != 0 && block.number >= info.effectBlock) return (true, info.pendingDelay);
        return (info.isSet, info.delay);
    }

    /// @inheritdoc IAllocationManager
    function getAllocatedSets(address operator) public view returns (OperatorSet[] memory operatorSets) {
        operatorSets = _decodeSets(_allocatedSets[operator]);
    }

    /// @inheritdoc IAllocationManager
    function getAllocatedStrategies(address operator, OperatorSet memory operatorSet)
        external
        view
        returns (IStrategy[] memory)
    {
        return _toStrategies(_allocatedStrategies[operator][operatorSet.key()].values());
    }

    /// @inheritdoc IAllocationManager
    function getRegisteredSets(address operator) external view returns (OperatorSet[] memory operatorSets) {
        operatorSets = _decodeSets(_registeredSets[operator]);
    }

    /// @inheritdoc IAllocationManager
    function isMemberOfOperatorSet(address operator, OperatorSet memory operatorSet) external view returns (bool) {
        return _operatorSetMembers[operatorSet.key()].contains(operator);
    }

    /// @inheritdoc IAllocationManager
    function isOperatorSlashable(address operator, OperatorSet memory operatorSet) public view returns (bool) {
        RegistrationStatus memory status = _registrationStatus[operator][operatorSet.key()];
        // `slashableUntil` is zero only if the operator never deregistered (the real contract leaves
        // this to block.number > 0, which a fresh devnet does not have).
        return status.registered || (status.slashableUntil != 0 && block.number <= status.slashableUntil);
    }

    /// @inheritdoc IAllocationManager
    function isOperatorSet(OperatorSet memory operatorSet) external view returns (bool) {
        return _operatorSets[operatorSet.avs].contains(operatorSet.id);
    }

    /// @inheritdoc IAllocationManager
    function getMembers(OperatorSet memory operatorSet) external view returns (address[] memory operators) {
        return _operatorSetMembers[operatorSet.key()].values();
    }

    /// @inheritdoc IAllocationManager
    function getMemberCount(OperatorSet memory operatorSet) external view returns (uint256) {
        return _operatorSetMembers[operatorSet.key()].length();
    }

    /// @inheritdoc IAllocationManager
    function getOperatorSetCount(address avs) external view returns (uint256) {
        return _operatorSets[avs].length();
    }

    /// @inheritdoc IAllocationManager
    function getStrategiesInOperatorSet(OperatorSet memory operatorSet)
        external
        view
        returns (IStrategy[] memory strategies)
    {
        return _toStrategies(_operatorSetStrategies[operatorSet.key()].values());
    }

    /// @inheritdoc IAllocationManager
    function getSlasher(OperatorSet memory operatorSet) public view returns (address) {
        return _slashers[operatorSet.key()];
    }

    /// @inheritdoc IAllocationManager
    function getRedistributionRecipient(OperatorSet memory operatorSet) public view returns (address) {
        address recipient = _redistributionRecipients[operatorSet.key()];
        return recipient == address(0) ? DEFAULT_BURN_ADDRESS : recipient;
    }

    /// @inheritdoc IAllocationManager
    function isRedistributingOperatorSet(OperatorSet memory operatorSet) public view returns (bool) {
        return getRedistributionRecipient(operatorSet) != DEFAULT_BURN_ADDRESS;
    }

    /// @inheritdoc IAllocationManager
    /// @dev Registered and allocated sets both count, as in the real contract: a fresh registration's
    /// allocation may still be pending, and a deregistered operator stays allocated (and slashable) a while.
    function isOperatorRedistributable(address operator) external view returns (bool) {
        OperatorSet[] memory registered = _decodeSets(_registeredSets[operator]);
        for (uint256 i = 0; i < registered.length; ++i) {
            if (isRedistributingOperatorSet(registered[i])) return true;
        }
        OperatorSet[] memory allocated = getAllocatedSets(operator);
        for (uint256 i = 0; i < allocated.length; ++i) {
            if (isRedistributingOperatorSet(allocated[i])) return true;
        }
        return false;
    }

    /// @inheritdoc IAllocationManager
    function getSlashCount(OperatorSet memory operatorSet) external view returns (uint256) {
        return _slashIds[operatorSet.key()];
    }

    /// @inheritdoc IAllocationManager
    function getMinimumSlashableStake(
        OperatorSet memory operatorSet,
        address[] memory operators,
        IStrategy[] memory strategies,
        uint32 futureBlock
    ) external view returns (uint256[][] memory slashableStake) {
        slashableStake = _getMinimumAllocatedStake(operatorSet, operators, strategies, futureBlock);
        for (uint256 i = 0; i < operators.length; ++i) {
            if (!isOperatorSlashable(operators[i], operatorSet)) slashableStake[i] = new uint256[](strategies.length);
        }
    }

    /// @inheritdoc IAllocationManager
    function getAllocatedStake(OperatorSet memory operatorSet, address[] memory operators, IStrategy[] memory strategies)
        external
        view
        returns (uint256[][] memory slashableStake)
    {
        return _getMinimumAllocatedStake(operatorSet, operators, strategies, uint32(block.number));
    }

    // ---------------------------------------------------------------- internal

    function _createOperatorSet(address avs, uint32 operatorSetId, IStrategy[] calldata strategies, address slasher)
        internal
    {
        require(slasher != address(0), InputAddressZero());
        OperatorSet memory operatorSet = OperatorSet(avs, operatorSetId);
        require(_operatorSets[avs].add(operatorSetId), InvalidOperatorSet());
        emit OperatorSetCreated(operatorSet);
        for (uint256 i = 0; i < strategies.length; ++i) {
            _addStrategyToOperatorSet(operatorSet, strategies[i]);
        }
        _slashers[operatorSet.key()] = slasher;
        emit SlasherUpdated(operatorSet, slasher, uint32(block.number));
    }

    function _setRedistributionRecipient(OperatorSet memory operatorSet, address recipient) internal {
        require(recipient != address(0), InputAddressZero());
        require(recipient != DEFAULT_BURN_ADDRESS, InvalidRedistributionRecipient());
        _redistributionRecipients[operatorSet.key()] = recipient;
        emit RedistributionAddressSet(operatorSet, recipient);
    }

    /// @dev Slashes one strategy's allocation; returns the share of max magnitude slashed and the
    /// shares the DelegationManager slashed. Nothing happens if nothing is allocated.
    function _slashStrategy(
        address operator,
        OperatorSet memory operatorSet,
        uint256 slashId,
        IStrategy strategy,
        uint256 wadToSlash
    ) internal returns (uint256 wadSlashed, uint256 sharesSlashed) {
        bytes32 key = operatorSet.key();
        (StrategyInfo memory info, Allocation memory allocation) = _getUpdatedAllocation(operator, key, strategy);
        if (allocation.currentMagnitude == 0) return (0, 0);

        // Rounding up: the AVS never slashes less than it asked for.
        // Safe cast: the result is at most currentMagnitude, a uint64.
        uint64 slashedMagnitude = uint64(uint256(allocation.currentMagnitude).mulWadUp(wadToSlash));
        uint64 prevMaxMagnitude = info.maxMagnitude;
        wadSlashed = uint256(slashedMagnitude).divWad(prevMaxMagnitude);

        allocation.currentMagnitude -= slashedMagnitude;
        info.maxMagnitude -= slashedMagnitude;
        info.encumberedMagnitude -= slashedMagnitude;

        // A pending deallocation frees proportionally less once it completes.
        if (allocation.pendingDiff < 0) {
            // Safe casts: the slashed part is at most |pendingDiff|, which fits in uint64.
            allocation.pendingDiff += int128(uint128(uint256(uint128(-allocation.pendingDiff)).mulWadUp(wadToSlash)));
            emit AllocationUpdated(
                operator,
                operatorSet,
                strategy,
                _addInt128(allocation.currentMagnitude, allocation.pendingDiff),
                allocation.effectBlock
            );
        }

        _updateAllocationInfo(operator, key, strategy, info, allocation);
        emit AllocationUpdated(operator, operatorSet, strategy, allocation.currentMagnitude, uint32(block.number));

        sharesSlashed = _lowerMaxMagnitude(operator, operatorSet, slashId, strategy, prevMaxMagnitude, info.maxMagnitude);
    }

    function _lowerMaxMagnitude(
        address operator,
        OperatorSet memory operatorSet,
        uint256 slashId,
        IStrategy strategy,
        uint64 prevMaxMagnitude,
        uint64 newMaxMagnitude
    ) internal returns (uint256 sharesSlashed) {
        _maxMagnitudeHistory[operator][strategy].push(uint32(block.number), newMaxMagnitude);
        emit MaxMagnitudeUpdated(operator, strategy, newMaxMagnitude);
        sharesSlashed =
            delegation.slashOperatorShares(operator, operatorSet, slashId, strategy, prevMaxMagnitude, newMaxMagnitude);
    }

    function _addStrategyToOperatorSet(OperatorSet memory operatorSet, IStrategy strategy) internal {
        require(_operatorSetStrategies[operatorSet.key()].add(address(strategy)), StrategyAlreadyInOperatorSet());
        emit StrategyAddedToOperatorSet(operatorSet, strategy);
    }

    function _modifyAllocation(
        address operator,
        OperatorSet memory operatorSet,
        IStrategy strategy,
        uint64 newMagnitude,
        bool operatorSlashable,
        uint32 allocationDelay
    ) internal {
        bytes32 key = operatorSet.key();
        // Free magnitude from completed deallocations first, so it can be reallocated.
        _clearDeallocationQueue(operator, strategy, type(uint16).max);
        (StrategyInfo memory info, Allocation memory allocation) = _getUpdatedAllocation(operator, key, strategy);
        require(allocation.effectBlock == 0, ModificationAlreadyPending());

        bool allocationSlashable = operatorSlashable && allocation.currentMagnitude != 0
            && _operatorSetStrategies[key].contains(address(strategy));

        allocation.pendingDiff = int128(uint128(newMagnitude)) - int128(uint128(allocation.currentMagnitude));
        require(allocation.pendingDiff != 0, SameMagnitude());

        if (allocation.pendingDiff < 0) {
            if (allocationSlashable) {
                // Slashable through block.number + DEALLOCATION_DELAY; freed the block after.
                _deallocationQueue[operator][strategy].pushBack(key);
                allocation.effectBlock = uint32(block.number) + DEALLOCATION_DELAY + 1;
            } else {
                info.encumberedMagnitude = _addInt128(info.encumberedMagnitude, allocation.pendingDiff);
                allocation.currentMagnitude = newMagnitude;
                allocation.pendingDiff = 0;
                allocation.effectBlock = uint32(block.number);
            }
        } else {
            info.encumberedMagnitude = _addInt128(info.encumberedMagnitude, allocation.pendingDiff);
            require(info.encumberedMagnitude <= info.maxMagnitude, InsufficientMagnitude());
            allocation.effectBlock = uint32(block.number) + allocationDelay;
        }

        _updateAllocationInfo(operator, key, strategy, info, allocation);
        emit AllocationUpdated(
            operator,
            operatorSet,
            strategy,
            _addInt128(allocation.currentMagnitude, allocation.pendingDiff),
            allocation.effectBlock
        );
    }

    function _clearDeallocationQueue(address operator, IStrategy strategy, uint16 numToClear) internal {
        DoubleEndedQueue.Bytes32Deque storage queue = _deallocationQueue[operator][strategy];
        uint256 cleared;
        while (queue.length() != 0 && cleared < numToClear) {
            bytes32 key = queue.front();
            (StrategyInfo memory info, Allocation memory allocation) = _getUpdatedAllocation(operator, key, strategy);
            if (block.number < allocation.effectBlock) break;
            _updateAllocationInfo(operator, key, strategy, info, allocation);
            queue.popFront();
            ++cleared;
        }
    }

    /// @dev The allocation with its pending change applied if the effect block has come.
    function _getUpdatedAllocation(address operator, bytes32 key, IStrategy strategy)
        internal
        view
        returns (StrategyInfo memory info, Allocation memory allocation)
    {
        info = StrategyInfo({
            maxMagnitude: getMaxMagnitude(operator, strategy),
            encumberedMagnitude: _encumberedMagnitude[operator][strategy]
        });
        allocation = _allocations[operator][key][strategy];
        if (block.number < allocation.effectBlock) return (info, allocation);
        allocation.currentMagnitude = _addInt128(allocation.currentMagnitude, allocation.pendingDiff);
        // Increases were encumbered when made; a completed decrease frees its magnitude now.
        if (allocation.pendingDiff < 0) {
            info.encumberedMagnitude = _addInt128(info.encumberedMagnitude, allocation.pendingDiff);
        }
        allocation.effectBlock = 0;
        allocation.pendingDiff = 0;
    }

    function _updateAllocationInfo(
        address operator,
        bytes32 key,
        IStrategy strategy,
        StrategyInfo memory info,
        Allocation memory allocation
    ) internal {
        if (_encumberedMagnitude[operator][strategy] != info.encumberedMagnitude) {
            _encumberedMagnitude[operator][strategy] = info.encumberedMagnitude;
            emit EncumberedMagnitudeUpdated(operator, strategy, info.encumberedMagnitude);
        }
        _allocations[operator][key][strategy] = allocation;
        if (allocation.pendingDiff != 0) {
            _allocatedStrategies[operator][key].add(address(strategy));
            _allocatedSets[operator].add(key);
        } else if (allocation.currentMagnitude == 0) {
            _allocatedStrategies[operator][key].remove(address(strategy));
            if (_allocatedStrategies[operator][key].length() == 0) _allocatedSets[operator].remove(key);
        }
    }

    /// @dev Delegated shares times allocated over max magnitude; pending decreases due by `futureBlock`
    /// are applied, pending increases are not (this is a lower bound).
    function _getMinimumAllocatedStake(
        OperatorSet memory operatorSet,
        address[] memory operators,
        IStrategy[] memory strategies,
        uint32 futureBlock
    ) internal view returns (uint256[][] memory allocatedStake) {
        allocatedStake = new uint256[][](operators.length);
        uint256[][] memory delegatedStake = delegation.getOperatorsShares(operators, strategies);
        for (uint256 i = 0; i < operators.length; ++i) {
            allocatedStake[i] = new uint256[](strategies.length);
            for (uint256 j = 0; j < strategies.length; ++j) {
                uint64 maxMagnitude = getMaxMagnitude(operators[i], strategies[j]);
                if (maxMagnitude == 0) continue;
                Allocation memory allocation = getAllocation(operators[i], operatorSet, strategies[j]);
                if (allocation.effectBlock <= futureBlock && allocation.pendingDiff < 0) {
                    allocation.currentMagnitude = _addInt128(allocation.currentMagnitude, allocation.pendingDiff);
                }
                uint256 slashableProportion = uint256(allocation.currentMagnitude).divWad(maxMagnitude);
                allocatedStake[i][j] = delegatedStake[i][j].mulWad(slashableProportion);
            }
        }
    }

    function _addInt128(uint64 a, int128 b) internal pure returns (uint64) {
        return uint256(int256(int128(uint128(a)) + b)).toUint64();
    }

    function _decodeSets(EnumerableSet.Bytes32Set storage keys) internal view returns (OperatorSet[] memory sets) {
        uint256 length = keys.length();
        sets = new OperatorSet[](length);
        for (uint256 i = 0; i < length; ++i) {
            sets[i] = OperatorSetLib.decode(keys.at(i));
        }
    }

    function _toStrategies(address[] memory values) internal pure returns (IStrategy[] memory strategies) {
        // Safe: IStrategy[] and address[] share one memory layout.
        assembly ("memory-safe") {
            strategies := values
        }
    }

    function _canCall(address account) internal view returns (bool) {
        return permissionController.canCall(account, msg.sender, address(this), msg.sig);
    }

    function _checkCanCall(address account) internal view {
        require(_canCall(account), InvalidPermissions());
    }
}
