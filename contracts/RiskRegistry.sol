// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IRiskRegistry} from "./interfaces/IRiskRegistry.sol";
import {IVault} from "./interfaces/IVault.sol";
import {IAssetRegistry} from "./interfaces/IAssetRegistry.sol";
import {IOperatorDelegator} from "./interfaces/IOperatorDelegator.sol";
import {IAllocationManager} from "./interfaces/eigenlayer/IAllocationManager.sol";
import {IStrategy} from "./interfaces/eigenlayer/IStrategy.sol";
import {OperatorSet} from "./interfaces/eigenlayer/OperatorSetLib.sol";
import {ExposureLib} from "./libraries/ExposureLib.sol";
import {Roles} from "./libraries/Roles.sol";
import {BPS} from "./libraries/Constants.sol";

/// @title RiskRegistry
contract RiskRegistry is IRiskRegistry, AccessManagedUpgradeable, UUPSUpgradeable {
    using SafeCast for uint256;

    /// @custom:storage-location erc7201:trellis.RiskRegistry
    struct RiskRegistryStorage {
        IVault vault;
        IAllocationManager allocationManager;
        Limits limits;
        mapping(address operator => bool) allowed;
        mapping(address avs => uint16) avsCapBps;
        mapping(bytes32 operatorSetKey => uint16) operatorSetCapBps;
        Policy policy;
        mapping(bytes32 operatorSetKey => bool) redistributionAllowed;
        // Incremental accounting: each aggregate is the sum of the delegators' cached entries.
        mapping(address delegator => Cache) cache;
        mapping(bytes32 operatorSetKey => uint256) setExposure;
        mapping(address avs => uint256) avsExposure;
        uint256 totalSlashable;
        mapping(address delegator => bool) retired;
    }

    /// @dev One delegator's exposure as of its last refresh.
    struct Cache {
        address delegatedTo;
        bool beyondSetBound;
        uint64 refreshedBlock;
        // Safe as uint128: ETH values, far below 2^128 wei.
        uint128 stake;
        uint128 slashable;
        SetExposure[] sets;
    }

    bytes32 public constant OPERATOR_CAP = "operatorCap";
    bytes32 public constant DEFAULT_AVS_CAP = "defaultAvsCap";
    bytes32 public constant DEFAULT_OPERATOR_SET_CAP = "defaultOperatorSetCap";
    bytes32 public constant TOTAL_SLASHABLE_CAP = "totalSlashableCap";
    bytes32 public constant MIN_BUFFER = "minBuffer";
    bytes32 public constant OPERATOR_ALLOWLIST = "operatorAllowlist";
    bytes32 public constant AVS_CAP = "avsCap";
    bytes32 public constant OPERATOR_SET_CAP = "operatorSetCap";
    bytes32 public constant MIN_ALLOCATION_DELAY = "minAllocationDelay";
    bytes32 public constant MAX_OPERATOR_SETS = "maxOperatorSets";
    bytes32 public constant MIN_ADMIN_DELAY = "minAdminDelay";
    bytes32 public constant REDISTRIBUTION_ALLOWLIST = "redistributionAllowlist";

    /// @dev Policy at deployment: a set allocation delay of at least one block, at most 32 operator sets per
    /// operator, no AccessManager delay required on ADMIN (the timelock's own delay applies). Governance
    /// tightens them per network.
    uint32 public constant DEFAULT_MIN_ALLOCATION_DELAY = 1;
    uint16 public constant DEFAULT_MAX_OPERATOR_SETS = 32;

    // keccak256(abi.encode(uint256(keccak256("trellis.RiskRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 public constant STORAGE_LOCATION = 0xe40e35834a25533ec6ebd679aba1a119030c1decea63470c736c5aaeec99e300;

    constructor() {
        _disableInitializers();
    }

    function initialize(address authority_, IVault vault_, IAllocationManager allocationManager_, Limits calldata limits_)
        external
        initializer
    {
        __AccessManaged_init(authority_);
        RiskRegistryStorage storage $ = _s();
        $.vault = vault_;
        $.allocationManager = allocationManager_;
        _checkBps(limits_.operatorCapBps);
        _checkBps(limits_.defaultAvsCapBps);
        _checkBps(limits_.defaultOperatorSetCapBps);
        _checkBps(limits_.totalSlashableCapBps);
        _checkBps(limits_.minBufferBps);
        $.limits = limits_;
        $.policy = Policy({
            minAllocationDelay: DEFAULT_MIN_ALLOCATION_DELAY,
            maxOperatorSets: DEFAULT_MAX_OPERATOR_SETS,
            minAdminDelay: 0
        });
    }

    // ---------------------------------------------------------------- limits (RISK_MANAGER; loosen needs ADMIN)

    /// @inheritdoc IRiskRegistry
    function setOperatorAllowed(address operator, bool allowed) external restricted {
        RiskRegistryStorage storage $ = _s();
        if (allowed && !$.allowed[operator]) _requireAdminToLoosen(OPERATOR_ALLOWLIST, 0, 1);
        $.allowed[operator] = allowed;
        emit OperatorAllowedSet(operator, allowed);
    }

    /// @inheritdoc IRiskRegistry
    function setOperatorCap(uint16 bps) external restricted {
        Limits storage l = _s().limits;
        l.operatorCapBps = _setCap(OPERATOR_CAP, l.operatorCapBps, bps);
    }

    /// @inheritdoc IRiskRegistry
    function setDefaultAvsCap(uint16 bps) external restricted {
        Limits storage l = _s().limits;
        l.defaultAvsCapBps = _setCap(DEFAULT_AVS_CAP, l.defaultAvsCapBps, bps);
    }

    /// @inheritdoc IRiskRegistry
    function setDefaultOperatorSetCap(uint16 bps) external restricted {
        Limits storage l = _s().limits;
        l.defaultOperatorSetCapBps = _setCap(DEFAULT_OPERATOR_SET_CAP, l.defaultOperatorSetCapBps, bps);
    }

    /// @inheritdoc IRiskRegistry
    function setTotalSlashableCap(uint16 bps) external restricted {
        Limits storage l = _s().limits;
        l.totalSlashableCapBps = _setCap(TOTAL_SLASHABLE_CAP, l.totalSlashableCapBps, bps);
    }

    /// @inheritdoc IRiskRegistry
    function setMinBuffer(uint16 bps) external restricted {
        Limits storage l = _s().limits;
        _checkBps(bps);
        // A larger buffer is the tighter limit.
        if (bps < l.minBufferBps) _requireAdminToLoosen(MIN_BUFFER, l.minBufferBps, bps);
        emit LimitSet(MIN_BUFFER, l.minBufferBps, bps);
        l.minBufferBps = bps;
    }

    /// @inheritdoc IRiskRegistry
    function setAvsCap(address avs, uint16 bps) external restricted {
        RiskRegistryStorage storage $ = _s();
        uint256 current = avsCap(avs);
        uint256 wanted = bps == 0 ? $.limits.defaultAvsCapBps : bps;
        _checkBps(wanted);
        if (wanted > current) _requireAdminToLoosen(AVS_CAP, current, wanted);
        emit AvsCapSet(avs, $.avsCapBps[avs], bps);
        $.avsCapBps[avs] = bps;
    }

    /// @inheritdoc IRiskRegistry
    function setOperatorSetCap(address avs, uint32 operatorSetId, uint16 bps) external restricted {
        RiskRegistryStorage storage $ = _s();
        uint256 current = operatorSetCap(avs, operatorSetId);
        uint256 wanted = bps == 0 ? $.limits.defaultOperatorSetCapBps : bps;
        _checkBps(wanted);
        if (wanted > current) _requireAdminToLoosen(OPERATOR_SET_CAP, current, wanted);
        bytes32 key = _setKey(avs, operatorSetId);
        emit OperatorSetCapSet(avs, operatorSetId, $.operatorSetCapBps[key], bps);
        $.operatorSetCapBps[key] = bps;
    }

    /// @inheritdoc IRiskRegistry
    function setMinAllocationDelay(uint32 blocks) external restricted {
        Policy storage p = _s().policy;
        // A longer delay is the tighter policy.
        if (blocks < p.minAllocationDelay) _requireAdminToLoosen(MIN_ALLOCATION_DELAY, p.minAllocationDelay, blocks);
        emit LimitSet(MIN_ALLOCATION_DELAY, p.minAllocationDelay, blocks);
        p.minAllocationDelay = blocks;
    }

    /// @inheritdoc IRiskRegistry
    function setMaxOperatorSets(uint16 maxSets) external restricted {
        Policy storage p = _s().policy;
        if (maxSets > p.maxOperatorSets) _requireAdminToLoosen(MAX_OPERATOR_SETS, p.maxOperatorSets, maxSets);
        emit LimitSet(MAX_OPERATOR_SETS, p.maxOperatorSets, maxSets);
        p.maxOperatorSets = maxSets;
    }

    /// @inheritdoc IRiskRegistry
    function setMinAdminDelay(uint32 seconds_) external restricted {
        Policy storage p = _s().policy;
        // Checked against the current minimum, so lowering it takes an ADMIN that meets it.
        if (seconds_ < p.minAdminDelay) _requireAdminToLoosen(MIN_ADMIN_DELAY, p.minAdminDelay, seconds_);
        emit LimitSet(MIN_ADMIN_DELAY, p.minAdminDelay, seconds_);
        p.minAdminDelay = seconds_;
    }

    /// @inheritdoc IRiskRegistry
    function setRedistributionAllowed(address avs, uint32 operatorSetId, bool allowed) external restricted {
        RiskRegistryStorage storage $ = _s();
        bytes32 key = _setKey(avs, operatorSetId);
        if (allowed && !$.redistributionAllowed[key]) _requireAdminToLoosen(REDISTRIBUTION_ALLOWLIST, 0, 1);
        $.redistributionAllowed[key] = allowed;
        emit RedistributionAllowedSet(avs, operatorSetId, allowed);
    }

    // ---------------------------------------------------------------- exposure

    /// @inheritdoc IRiskRegistry
    function refresh(address delegator) public {
        RiskRegistryStorage storage $ = _s();
        ExposureLib.Measurement memory m;
        // A delegator the vault no longer has is cleared from the aggregates.
        if ($.vault.isDelegator(delegator)) m = ExposureLib.measure(_context($), delegator);
        _store($, delegator, m);
    }

    /// @inheritdoc IRiskRegistry
    function refreshMany(address[] calldata delegators) external {
        for (uint256 i; i < delegators.length; ++i) refresh(delegators[i]);
    }

    /// @inheritdoc IRiskRegistry
    function checkAllocation(address delegator) external {
        RiskRegistryStorage storage $ = _s();
        if (msg.sender != address($.vault)) revert OnlyVault(msg.sender);
        if ($.retired[delegator]) revert RetiredDelegator(delegator);
        ExposureLib.Context memory c = _context($);
        ExposureLib.Measurement memory m = ExposureLib.measure(c, delegator);
        _store($, delegator, m);

        _checkOperator($, m.operator);
        if (m.delegatedTo != m.operator) revert DelegatorNotDelegated(delegator, m.operator, m.delegatedTo);
        if (m.beyondSetBound) revert OperatorSetsBeyondBound(m.operator, c.maxSets);

        Limits memory l = $.limits;
        uint256 tvl = $.vault.totalAssets();
        uint256 buffer = $.vault.idleValue();
        uint256 minBuffer = Math.mulDiv(tvl, l.minBufferBps, BPS, Math.Rounding.Ceil);
        if (buffer < minBuffer) revert LiquidBufferTooLow(minBuffer, buffer);
        uint256 operatorCap = Math.mulDiv(tvl, l.operatorCapBps, BPS);
        if (m.stake > operatorCap) revert OperatorCapExceeded(m.operator, operatorCap, m.stake);
        uint256 slashableCap = Math.mulDiv(tvl, l.totalSlashableCapBps, BPS);
        if ($.totalSlashable > slashableCap) revert TotalSlashableCapExceeded(slashableCap, $.totalSlashable);

        // Only the sets the move reached: those of the current operator (queued stake of a former one
        // does not grow).
        for (uint256 i; i < m.sets.length; ++i) {
            SetExposure memory e = m.sets[i];
            if (!e.current) continue;
            bytes32 key = _setKey(e.avs, e.id);
            if (e.redistributing && !$.redistributionAllowed[key]) {
                revert RedistributingOperatorSet(
                    m.operator, e.avs, e.id, c.am.getRedistributionRecipient(OperatorSet(e.avs, e.id))
                );
            }
            uint256 cap = Math.mulDiv(tvl, operatorSetCap(e.avs, e.id), BPS);
            if ($.setExposure[key] > cap) revert OperatorSetExposureCapExceeded(e.avs, e.id, cap, $.setExposure[key]);
        }
        for (uint256 i; i < m.sets.length; ++i) {
            if (!m.sets[i].current) continue;
            address avs = m.sets[i].avs;
            uint256 cap = Math.mulDiv(tvl, avsCap(avs), BPS);
            if ($.avsExposure[avs] > cap) revert AvsExposureCapExceeded(avs, cap, $.avsExposure[avs]);
        }
    }

    // ---------------------------------------------------------------- delegator lifecycle (with the vault)

    /// @inheritdoc IRiskRegistry
    function retire(address delegator) external {
        RiskRegistryStorage storage $ = _s();
        if (msg.sender != address($.vault)) revert OnlyVault(msg.sender);
        if ($.retired[delegator]) revert RetiredDelegator(delegator);
        $.retired[delegator] = true;
        emit DelegatorRetired(delegator);
        refresh(delegator);
    }

    /// @inheritdoc IRiskRegistry
    function checkRedelegation(address delegator, address newOperator) external view {
        if (_s().retired[delegator]) revert RetiredDelegator(delegator);
        checkOperatorPolicy(newOperator);
    }

    /// @inheritdoc IRiskRegistry
    function checkRemovable(address delegator) external view {
        if (!_s().retired[delegator]) revert DelegatorNotRetired(delegator);
        if (!IOperatorDelegator(delegator).isEmpty()) revert DelegatorNotEmpty(delegator);
    }

    /// @inheritdoc IRiskRegistry
    function checkOperatorPolicy(address operator) public view {
        RiskRegistryStorage storage $ = _s();
        _checkOperator($, operator);
        IAllocationManager am = $.allocationManager;
        uint256 maxSets = $.policy.maxOperatorSets;
        (bool within, OperatorSet[] memory sets) = ExposureLib.allocatedSets(am, operator, maxSets);
        if (!within) revert OperatorSetsBeyondBound(operator, maxSets);
        for (uint256 i; i < sets.length; ++i) {
            if (am.isRedistributingOperatorSet(sets[i]) && !$.redistributionAllowed[_setKey(sets[i].avs, sets[i].id)]) {
                revert RedistributingOperatorSet(operator, sets[i].avs, sets[i].id, am.getRedistributionRecipient(sets[i]));
            }
        }
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IRiskRegistry
    function limits() external view returns (Limits memory) {
        return _s().limits;
    }

    /// @inheritdoc IRiskRegistry
    function policy() external view returns (Policy memory) {
        return _s().policy;
    }

    /// @inheritdoc IRiskRegistry
    function isOperatorAllowed(address operator) external view returns (bool) {
        return _s().allowed[operator];
    }

    /// @inheritdoc IRiskRegistry
    function isRetired(address delegator) external view returns (bool) {
        return _s().retired[delegator];
    }

    /// @inheritdoc IRiskRegistry
    function isRedistributionAllowed(address avs, uint32 operatorSetId) external view returns (bool) {
        return _s().redistributionAllowed[_setKey(avs, operatorSetId)];
    }

    /// @inheritdoc IRiskRegistry
    function avsCap(address avs) public view returns (uint256) {
        RiskRegistryStorage storage $ = _s();
        uint16 own = $.avsCapBps[avs];
        return own == 0 ? $.limits.defaultAvsCapBps : own;
    }

    /// @inheritdoc IRiskRegistry
    function operatorSetCap(address avs, uint32 operatorSetId) public view returns (uint256) {
        RiskRegistryStorage storage $ = _s();
        uint16 own = $.operatorSetCapBps[_setKey(avs, operatorSetId)];
        return own == 0 ? $.limits.defaultOperatorSetCapBps : own;
    }

    /// @inheritdoc IRiskRegistry
    function operatorSetExposure(address avs, uint32 operatorSetId) external view returns (uint256) {
        return _s().setExposure[_setKey(avs, operatorSetId)];
    }

    /// @inheritdoc IRiskRegistry
    function avsExposure(address avs) external view returns (uint256) {
        return _s().avsExposure[avs];
    }

    /// @inheritdoc IRiskRegistry
    function totalSlashable() external view returns (uint256) {
        return _s().totalSlashable;
    }

    /// @inheritdoc IRiskRegistry
    function delegatorExposure(address delegator) external view returns (DelegatorExposure memory e) {
        Cache storage c = _s().cache[delegator];
        e = DelegatorExposure({
            delegatedTo: c.delegatedTo,
            beyondSetBound: c.beyondSetBound,
            refreshedBlock: c.refreshedBlock,
            stake: c.stake,
            slashable: c.slashable,
            sets: c.sets
        });
    }

    // ---------------------------------------------------------------- internal

    /// @dev Replaces `delegator`'s cached entries in the aggregates with `m`. When an operator's sets could not
    /// be read within the bound, its last per-set entries stay (the best known) and only stake and slashable move.
    function _store(RiskRegistryStorage storage $, address delegator, ExposureLib.Measurement memory m) private {
        Cache storage c = $.cache[delegator];
        // No underflow: every aggregate holds at least what this cache added to it.
        $.totalSlashable = $.totalSlashable - c.slashable + m.slashable;
        if (!m.beyondSetBound) {
            SetExposure[] storage cached = c.sets;
            uint256 oldLength = cached.length;
            for (uint256 i; i < oldLength; ++i) {
                SetExposure storage old = cached[i];
                $.setExposure[_setKey(old.avs, old.id)] -= old.value;
                $.avsExposure[old.avs] -= old.value;
            }
            for (uint256 i; i < m.sets.length; ++i) {
                SetExposure memory e = m.sets[i];
                $.setExposure[_setKey(e.avs, e.id)] += e.value;
                $.avsExposure[e.avs] += e.value;
                // Overwritten in place: an unchanged entry costs no new storage write.
                if (i < oldLength) cached[i] = e;
                else cached.push(e);
            }
            for (uint256 i = m.sets.length; i < oldLength; ++i) cached.pop();
        }
        c.delegatedTo = m.delegatedTo;
        c.beyondSetBound = m.beyondSetBound;
        // Safe: block numbers fit in 64 bits.
        c.refreshedBlock = uint64(block.number);
        c.stake = m.stake.toUint128();
        c.slashable = m.slashable.toUint128();
        emit ExposureRefreshed(delegator, m.delegatedTo, m.stake, m.slashable, c.sets.length, m.beyondSetBound);
    }

    /// @dev Allowlist and allocation delay: what an operator must meet to get any new stake.
    function _checkOperator(RiskRegistryStorage storage $, address operator) private view {
        if (!$.allowed[operator]) revert OperatorNotAllowed(operator);
        (bool isSet, uint32 delay) = $.allocationManager.getAllocationDelay(operator);
        uint256 effective = isSet ? delay : 0;
        uint256 minDelay = $.policy.minAllocationDelay;
        if (effective < minDelay) revert AllocationDelayTooShort(operator, minDelay, effective);
    }

    /// @dev The supported assets and their strategies, and the EigenLayer contracts, for one measurement.
    function _context(RiskRegistryStorage storage $) private view returns (ExposureLib.Context memory c) {
        c.am = $.allocationManager;
        c.dm = c.am.delegation();
        c.maxSets = $.policy.maxOperatorSets;
        c.registry = IAssetRegistry($.vault.assetRegistry());
        c.assets = c.registry.getAssets();
        c.strategies = new IStrategy[](c.assets.length);
        c.prices = new uint256[](c.assets.length);
        for (uint256 i; i < c.assets.length; ++i) c.strategies[i] = IStrategy(c.registry.getAssetConfig(c.assets[i]).strategy);
    }

    /// @dev Lower caps are tighter: a RISK_MANAGER may lower at once, raising needs ADMIN.
    function _setCap(bytes32 name, uint16 current, uint16 wanted) private returns (uint16) {
        _checkBps(wanted);
        if (wanted > current) _requireAdminToLoosen(name, current, wanted);
        emit LimitSet(name, current, wanted);
        return wanted;
    }

    /// @dev A loosening needs ADMIN, held with an AccessManager execution delay of at least `minAdminDelay`: an
    /// account granted ADMIN without (or with a shorter) delay cannot loosen a limit at once.
    function _requireAdminToLoosen(bytes32 name, uint256 current, uint256 wanted) private view {
        (bool isAdmin, uint32 executionDelay) = IAccessManager(authority()).hasRole(Roles.ADMIN, msg.sender);
        if (!isAdmin) revert LoosenRequiresAdmin(name, current, wanted);
        uint256 minDelay = _s().policy.minAdminDelay;
        if (executionDelay < minDelay) revert AdminDelayTooShort(minDelay, executionDelay);
    }

    function _checkBps(uint256 bps) private pure {
        if (bps > BPS) revert BpsOutOfRange(bps);
    }

    function _setKey(address avs, uint32 id) private pure returns (bytes32) {
        return bytes32(abi.encodePacked(avs, id));
    }

    function _authorizeUpgrade(address) internal override restricted {}

    function _s() private pure returns (RiskRegistryStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }
}
