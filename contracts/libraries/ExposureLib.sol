// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IRiskRegistry} from "../interfaces/IRiskRegistry.sol";
import {IAssetRegistry} from "../interfaces/IAssetRegistry.sol";
import {IOperatorDelegator} from "../interfaces/IOperatorDelegator.sol";
import {IAllocationManager, IAllocationManagerTypes} from "../interfaces/eigenlayer/IAllocationManager.sol";
import {IDelegationManager, IDelegationManagerTypes} from "../interfaces/eigenlayer/IDelegationManager.sol";
import {IStrategy} from "../interfaces/eigenlayer/IStrategy.sol";
import {OperatorSet} from "../interfaces/eigenlayer/OperatorSetLib.sol";
import {WAD} from "./Constants.sol";

/// @title ExposureLib
/// @notice Reads one delegator's stake and its operators' magnitudes from EigenLayer and turns them into
/// exposure: per operator set (current + pending increases), and slashable (encumbered magnitude).
/// @dev Every read that an operator can make arbitrarily expensive (the list of its allocated sets, its
/// deallocation queue behind `getEncumberedMagnitude`) runs under a gas cap, so what one operator does to its
/// own sets can never make a read about another operator fail or cost more.
library ExposureLib {
    /// @dev Gas for `getAllocatedSets`: a base plus this much per set allowed (a cold SLOAD per set and the
    /// encoding, with room for the real core's proxy).
    uint256 internal constant SET_READ_BASE_GAS = 50_000;
    uint256 internal constant SET_READ_GAS_PER_SET = 6_000;
    /// @dev Gas for `getEncumberedMagnitude`, which walks the operator's matured, uncleared deallocations.
    uint256 internal constant ENCUMBERED_READ_GAS = 150_000;

    /// @dev What every measurement of one refresh shares.
    struct Context {
        IAllocationManager am;
        IDelegationManager dm;
        IAssetRegistry registry;
        /// @dev The supported assets and their strategies, in the registry's order.
        address[] assets;
        IStrategy[] strategies;
        /// @dev ETH per underlying unit (18 decimals), per asset; read on first use (0: not read yet), so an
        /// asset nobody holds here (say, one not priceable yet) never stops a measurement.
        uint256[] prices;
        uint256 maxSets;
    }

    /// @dev One delegator's stake grouped by the operator that can slash it.
    struct Group {
        address operator;
        uint256[] shares;
    }

    struct Measurement {
        /// @dev The operator recorded in the delegator.
        address operator;
        /// @dev EigenLayer's `delegatedTo(delegator)`.
        address delegatedTo;
        bool beyondSetBound;
        uint256 stake;
        uint256 slashable;
        IRiskRegistry.SetExposure[] sets;
    }

    /// @notice Measures `delegator`: its stake (delegated and queued, valued as the vault values it, rounded
    /// down) and its exposure through each operator that can slash it (rounded up).
    function measure(Context memory c, address delegator) internal view returns (Measurement memory m) {
        m.operator = IOperatorDelegator(delegator).operator();
        m.delegatedTo = c.dm.delegatedTo(delegator);
        Group[] memory groups = _groupShares(c, delegator, m.delegatedTo);
        IRiskRegistry.SetExposure[][] memory perGroup = new IRiskRegistry.SetExposure[][](groups.length);
        uint256 setCount;
        for (uint256 g; g < groups.length; ++g) {
            (uint256[] memory values, uint256 total) = _values(c, groups[g].shares);
            m.stake += total;
            if (groups[g].operator == address(0) || total == 0) continue;
            bool current = groups[g].operator == m.delegatedTo && m.delegatedTo == m.operator;
            (bool within, uint256 slashable, IRiskRegistry.SetExposure[] memory sets) =
                _expose(c, groups[g].operator, values, current);
            m.slashable += slashable;
            if (!within) m.beyondSetBound = true;
            perGroup[g] = sets;
            setCount += sets.length;
        }
        m.sets = new IRiskRegistry.SetExposure[](setCount);
        uint256 n;
        for (uint256 g; g < perGroup.length; ++g) {
            for (uint256 j; j < perGroup[g].length; ++j) m.sets[n++] = perGroup[g][j];
        }
    }

    /// @notice The operator sets `operator` is allocated to, read under a gas cap sized for `maxSets` sets;
    /// `within` is false if there are more (or the read did not fit the cap).
    /// @dev Reverts with `SetReadGasTooLow` if the read failed only because the caller passed too little gas,
    /// so nobody can get an operator flagged by starving the call.
    function allocatedSets(IAllocationManager am, address operator, uint256 maxSets)
        internal
        view
        returns (bool within, OperatorSet[] memory sets)
    {
        uint256 cap = SET_READ_BASE_GAS + SET_READ_GAS_PER_SET * maxSets;
        (bool ok, bytes memory ret) =
            address(am).staticcall{gas: cap}(abi.encodeCall(IAllocationManager.getAllocatedSets, (operator)));
        if (!ok) {
            // EIP-150: the callee got at most 63/64 of what was left; if that was below the cap, retry richer.
            if (gasleft() < cap / 63) revert IRiskRegistry.SetReadGasTooLow(cap);
            return (false, sets);
        }
        sets = abi.decode(ret, (OperatorSet[]));
        within = sets.length <= maxSets;
    }

    /// @dev Slashable stake and per-set exposure of `values` (ETH per strategy) delegated to `operator`.
    function _expose(Context memory c, address operator, uint256[] memory values, bool current)
        private
        view
        returns (bool within, uint256 slashable, IRiskRegistry.SetExposure[] memory sets)
    {
        uint64[] memory maxMag = c.am.getMaxMagnitudes(operator, c.strategies);
        for (uint256 s; s < values.length; ++s) {
            if (values[s] == 0 || maxMag[s] == 0) continue;
            uint256 encumbered = Math.min(_encumbered(c.am, operator, c.strategies[s], maxMag[s]), maxMag[s]);
            slashable += Math.mulDiv(values[s], encumbered, maxMag[s], Math.Rounding.Ceil);
        }
        OperatorSet[] memory all;
        (within, all) = allocatedSets(c.am, operator, c.maxSets);
        if (!within) return (false, slashable, sets);
        sets = new IRiskRegistry.SetExposure[](all.length);
        uint256 n;
        for (uint256 j; j < all.length; ++j) {
            uint256 e = _setExposure(c, operator, all[j], values, maxMag);
            if (e == 0) continue;
            sets[n++] = IRiskRegistry.SetExposure({
                avs: all[j].avs,
                id: all[j].id,
                redistributing: c.am.isRedistributingOperatorSet(all[j]),
                current: current,
                value: e
            });
        }
        // Safe: shrinks the array to the entries written (n <= all.length).
        assembly ("memory-safe") {
            mstore(sets, n)
        }
    }

    /// @dev Σ over strategies of value x (current + pending increase) / max magnitude, rounded up: the worst
    /// case the operator has already committed to.
    function _setExposure(
        Context memory c,
        address operator,
        OperatorSet memory set,
        uint256[] memory values,
        uint64[] memory maxMag
    ) private view returns (uint256 e) {
        for (uint256 s; s < values.length; ++s) {
            if (values[s] == 0 || maxMag[s] == 0) continue;
            IAllocationManagerTypes.Allocation memory a = c.am.getAllocation(operator, set, c.strategies[s]);
            // Safe casts: a pending increase is positive and below max magnitude, a uint64.
            uint256 mag = uint256(a.currentMagnitude) + (a.pendingDiff > 0 ? uint256(uint128(a.pendingDiff)) : 0);
            e += Math.mulDiv(values[s], Math.min(mag, maxMag[s]), maxMag[s], Math.Rounding.Ceil);
        }
    }

    /// @dev `getEncumberedMagnitude` under a gas cap; if it does not fit, the worst case (all of max magnitude).
    function _encumbered(IAllocationManager am, address operator, IStrategy strategy, uint64 maxMag)
        private
        view
        returns (uint256)
    {
        (bool ok, bytes memory ret) = address(am).staticcall{gas: ENCUMBERED_READ_GAS}(
            abi.encodeCall(IAllocationManager.getEncumberedMagnitude, (operator, strategy))
        );
        if (!ok || ret.length != 32) {
            if (gasleft() < ENCUMBERED_READ_GAS / 63) revert IRiskRegistry.SetReadGasTooLow(ENCUMBERED_READ_GAS);
            return maxMag;
        }
        return abi.decode(ret, (uint64));
    }

    /// @dev Withdrawable shares belong to the current delegation; each queued withdrawal to the operator it was
    /// queued under (EigenLayer keeps it slashable by that operator until it completes).
    function _groupShares(Context memory c, address delegator, address delegatedTo)
        private
        view
        returns (Group[] memory groups)
    {
        (IDelegationManagerTypes.Withdrawal[] memory queued, uint256[][] memory queuedShares) =
            c.dm.getQueuedWithdrawals(delegator);
        groups = new Group[](queued.length + 1);
        groups[0].operator = delegatedTo;
        (groups[0].shares,) = c.dm.getWithdrawableShares(delegator, c.strategies);
        uint256 n = 1;
        for (uint256 q; q < queued.length; ++q) {
            uint256 g;
            while (g < n && groups[g].operator != queued[q].delegatedTo) ++g;
            if (g == n) {
                groups[n].operator = queued[q].delegatedTo;
                groups[n++].shares = new uint256[](c.strategies.length);
            }
            for (uint256 k; k < queued[q].strategies.length; ++k) {
                for (uint256 i; i < c.strategies.length; ++i) {
                    if (queued[q].strategies[k] == c.strategies[i]) {
                        groups[g].shares[i] += queuedShares[q][k];
                        break;
                    }
                }
            }
        }
        // Safe: shrinks the array to the groups written (n <= queued.length + 1).
        assembly ("memory-safe") {
            mstore(groups, n)
        }
    }

    /// @dev ETH value per strategy of `shares`, rounded down as the vault values its holdings.
    function _values(Context memory c, uint256[] memory shares)
        private
        view
        returns (uint256[] memory values, uint256 total)
    {
        values = new uint256[](shares.length);
        for (uint256 s; s < shares.length; ++s) {
            if (shares[s] == 0) continue;
            uint256 units = c.strategies[s].sharesToUnderlyingView(shares[s]);
            if (c.prices[s] == 0) c.prices[s] = c.registry.price(c.assets[s]);
            values[s] = Math.mulDiv(units, c.prices[s], WAD);
            total += values[s];
        }
    }
}
