// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IAccessManager} from "@openzeppelin/contracts/access/manager/IAccessManager.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IRiskRegistry} from "./interfaces/IRiskRegistry.sol";
import {IVault} from "./interfaces/IVault.sol";
import {IAssetRegistry} from "./interfaces/IAssetRegistry.sol";
import {IOperatorDelegator} from "./interfaces/IOperatorDelegator.sol";
import {IAllocationManager} from "./interfaces/eigenlayer/IAllocationManager.sol";
import {IStrategy} from "./interfaces/eigenlayer/IStrategy.sol";
import {OperatorSet} from "./interfaces/eigenlayer/OperatorSetLib.sol";
import {Roles} from "./libraries/Roles.sol";
import {BPS} from "./libraries/Constants.sol";

/// @title RiskRegistry
contract RiskRegistry is IRiskRegistry, AccessManagedUpgradeable, UUPSUpgradeable {
    /// @custom:storage-location erc7201:trellis.RiskRegistry
    struct RiskRegistryStorage {
        IVault vault;
        IAllocationManager allocationManager;
        Limits limits;
        mapping(address operator => bool) allowed;
        mapping(address avs => uint16) avsCapBps;
        mapping(bytes32 operatorSetKey => uint16) operatorSetCapBps;
    }

    /// @dev Exposure of Trellis to one operator set, gathered while walking the delegators.
    struct Exposure {
        address avs;
        uint32 id;
        uint256 value;
    }

    /// @dev Working state of `checkAllocation`'s walk over the delegators.
    struct Walk {
        uint256 tvl;
        IAllocationManager am;
        IStrategy[] strategies;
        uint256[] prices;
        Exposure[] sets;
        Exposure[] avss;
        uint256 avsCount;
        uint256 slashable;
    }

    bytes32 public constant OPERATOR_CAP = "operatorCap";
    bytes32 public constant DEFAULT_AVS_CAP = "defaultAvsCap";
    bytes32 public constant DEFAULT_OPERATOR_SET_CAP = "defaultOperatorSetCap";
    bytes32 public constant TOTAL_SLASHABLE_CAP = "totalSlashableCap";
    bytes32 public constant MIN_BUFFER = "minBuffer";
    bytes32 public constant OPERATOR_ALLOWLIST = "operatorAllowlist";
    bytes32 public constant AVS_CAP = "avsCap";
    bytes32 public constant OPERATOR_SET_CAP = "operatorSetCap";

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

    // ---------------------------------------------------------------- views

    /// @inheritdoc IRiskRegistry
    function limits() external view returns (Limits memory) {
        return _s().limits;
    }

    /// @inheritdoc IRiskRegistry
    function isOperatorAllowed(address operator) external view returns (bool) {
        return _s().allowed[operator];
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
    function checkAllocation(address operator) external view {
        RiskRegistryStorage storage $ = _s();
        if (!$.allowed[operator]) revert OperatorNotAllowed(operator);
        Limits memory l = $.limits;
        Walk memory w;
        w.tvl = $.vault.totalAssets();

        uint256 buffer = $.vault.idleValue();
        uint256 minBuffer = Math.mulDiv(w.tvl, l.minBufferBps, BPS, Math.Rounding.Ceil);
        if (buffer < minBuffer) revert LiquidBufferTooLow(minBuffer, buffer);

        (w.strategies, w.prices) = _strategiesAndPrices($.vault);
        w.am = $.allocationManager;
        // The operator sets the allocation can worsen: those `operator` is allocated to, and their AVSs.
        OperatorSet[] memory targetSets = w.am.getAllocatedSets(operator);
        w.sets = new Exposure[](targetSets.length);
        w.avss = new Exposure[](targetSets.length);
        for (uint256 i; i < targetSets.length; ++i) {
            w.sets[i] = Exposure(targetSets[i].avs, targetSets[i].id, 0);
            if (_indexOfAvs(w.avss, w.avsCount, targetSets[i].avs) == type(uint256).max) {
                w.avss[w.avsCount++] = Exposure(targetSets[i].avs, 0, 0);
            }
        }

        address[] memory delegators = $.vault.getDelegators();
        for (uint256 d; d < delegators.length; ++d) {
            uint256 stake = _walkDelegator(w, IOperatorDelegator(delegators[d]));
            if (IOperatorDelegator(delegators[d]).operator() == operator) {
                uint256 cap = Math.mulDiv(w.tvl, l.operatorCapBps, BPS);
                if (stake > cap) revert OperatorCapExceeded(operator, cap, stake);
            }
        }

        uint256 slashableCap = Math.mulDiv(w.tvl, l.totalSlashableCapBps, BPS);
        if (w.slashable > slashableCap) revert TotalSlashableCapExceeded(slashableCap, w.slashable);
        for (uint256 i; i < w.sets.length; ++i) {
            uint256 cap = Math.mulDiv(w.tvl, operatorSetCap(w.sets[i].avs, w.sets[i].id), BPS);
            if (w.sets[i].value > cap) {
                revert OperatorSetExposureCapExceeded(w.sets[i].avs, w.sets[i].id, cap, w.sets[i].value);
            }
        }
        for (uint256 i; i < w.avsCount; ++i) {
            uint256 cap = Math.mulDiv(w.tvl, avsCap(w.avss[i].avs), BPS);
            if (w.avss[i].value > cap) revert AvsExposureCapExceeded(w.avss[i].avs, cap, w.avss[i].value);
        }
    }

    // ---------------------------------------------------------------- internal

    /// @dev Adds one delegator's slashable stake and its exposure (stake x allocated magnitude / max
    /// magnitude, rounded up) to every tracked operator set and AVS; returns its total stake.
    function _walkDelegator(Walk memory w, IOperatorDelegator delegator) private view returns (uint256 total) {
        address op = delegator.operator();
        uint256[] memory stake = _stakeValues(delegator, w.strategies, w.prices);
        uint64[] memory maxMag = w.am.getMaxMagnitudes(op, w.strategies);
        for (uint256 s; s < stake.length; ++s) {
            total += stake[s];
            if (stake[s] == 0 || maxMag[s] == 0) continue;
            uint256 encumbered = Math.min(w.am.getEncumberedMagnitude(op, w.strategies[s]), maxMag[s]);
            w.slashable += Math.mulDiv(stake[s], encumbered, maxMag[s], Math.Rounding.Ceil);
        }
        if (total == 0) return 0;
        OperatorSet[] memory sets = w.am.getAllocatedSets(op);
        for (uint256 j; j < sets.length; ++j) {
            uint256 setIdx = _indexOfSet(w.sets, sets[j]);
            uint256 avsIdx = _indexOfAvs(w.avss, w.avsCount, sets[j].avs);
            if (setIdx == type(uint256).max && avsIdx == type(uint256).max) continue;
            uint256 e = _setExposure(w, op, sets[j], stake, maxMag);
            if (setIdx != type(uint256).max) w.sets[setIdx].value += e;
            if (avsIdx != type(uint256).max) w.avss[avsIdx].value += e;
        }
    }

    function _setExposure(
        Walk memory w,
        address op,
        OperatorSet memory set,
        uint256[] memory stake,
        uint64[] memory maxMag
    ) private view returns (uint256 e) {
        for (uint256 s; s < stake.length; ++s) {
            if (stake[s] == 0 || maxMag[s] == 0) continue;
            uint64 mag = w.am.getAllocation(op, set, w.strategies[s]).currentMagnitude;
            e += Math.mulDiv(stake[s], mag, maxMag[s], Math.Rounding.Ceil);
        }
    }

    function _strategiesAndPrices(IVault vault)
        private
        view
        returns (IStrategy[] memory strategies, uint256[] memory prices)
    {
        IAssetRegistry registry = IAssetRegistry(vault.assetRegistry());
        address[] memory assets = registry.getAssets();
        strategies = new IStrategy[](assets.length);
        prices = new uint256[](assets.length);
        for (uint256 i; i < assets.length; ++i) {
            strategies[i] = IStrategy(registry.getAssetConfig(assets[i]).strategy);
            prices[i] = registry.price(assets[i]);
        }
    }

    function _stakeValues(IOperatorDelegator delegator, IStrategy[] memory strategies, uint256[] memory prices)
        private
        view
        returns (uint256[] memory values)
    {
        address[] memory strategyAddrs = new address[](strategies.length);
        for (uint256 i; i < strategies.length; ++i) strategyAddrs[i] = address(strategies[i]);
        values = delegator.underlyingBalances(strategyAddrs);
        // Valued as the vault values its assets (rounded down), so a stake equal to the whole TVL is within a 100%
        // cap; the exposures derived from it round up.
        for (uint256 i; i < values.length; ++i) values[i] = Math.mulDiv(values[i], prices[i], 1e18);
    }

    function _indexOfSet(Exposure[] memory list, OperatorSet memory set) private pure returns (uint256) {
        for (uint256 i; i < list.length; ++i) {
            if (list[i].avs == set.avs && list[i].id == set.id) return i;
        }
        return type(uint256).max;
    }

    function _indexOfAvs(Exposure[] memory list, uint256 count, address avs) private pure returns (uint256) {
        for (uint256 i; i < count; ++i) {
            if (list[i].avs == avs) return i;
        }
        return type(uint256).max;
    }

    /// @dev Lower caps are tighter: a RISK_MANAGER may lower at once, raising needs ADMIN.
    function _setCap(bytes32 name, uint16 current, uint16 wanted) private returns (uint16) {
        _checkBps(wanted);
        if (wanted > current) _requireAdminToLoosen(name, current, wanted);
        emit LimitSet(name, current, wanted);
        return wanted;
    }

    function _requireAdminToLoosen(bytes32 name, uint256 current, uint256 wanted) private view {
        (bool isAdmin,) = IAccessManager(authority()).hasRole(Roles.ADMIN, msg.sender);
        if (!isAdmin) revert LoosenRequiresAdmin(name, current, wanted);
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
