// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title The share arithmetic of EigenLayer's slashing release, with its rounding.
/// @dev Follows the formulas of EigenLayer's `SlashingLib` (written afresh here). Names say the rounding:
/// everything rounds down unless the name ends in `Up`.
///
/// - withdrawable shares = depositShares * depositScalingFactor * slashingFactor   (two mulWad, down)
/// - a queued withdrawal stores scaledShares = depositShares * depositScalingFactor (mulWad, down)
///   and pays scaledShares * slashingFactor at completion (mulWad, down)
/// - a slash of an operator's max magnitude from `prev` to `next` removes
///   operatorShares - ceil(operatorShares * next / prev) from its delegated shares, and
///   scaledShares * (prev - next) from its slashable withdrawal queue.
library SlashingMath {
    uint64 internal constant WAD = 1e18;

    function mulWad(uint256 x, uint256 y) internal pure returns (uint256) {
        return Math.mulDiv(x, y, WAD);
    }

    function divWad(uint256 x, uint256 y) internal pure returns (uint256) {
        return Math.mulDiv(x, WAD, y);
    }

    function mulWadUp(uint256 x, uint256 y) internal pure returns (uint256) {
        return Math.mulDiv(x, y, WAD, Math.Rounding.Ceil);
    }

    /// @dev A stored scaling factor of zero means "never set", which is WAD.
    function scalingFactor(uint256 stored) internal pure returns (uint256) {
        return stored == 0 ? WAD : stored;
    }

    function calcWithdrawable(uint256 depositShares, uint256 dsf, uint256 slashingFactor)
        internal
        pure
        returns (uint256)
    {
        return mulWad(mulWad(depositShares, dsf), slashingFactor);
    }

    function calcDepositShares(uint256 withdrawableShares, uint256 dsf, uint256 slashingFactor)
        internal
        pure
        returns (uint256)
    {
        return divWad(divWad(withdrawableShares, dsf), slashingFactor);
    }

    function scaleForQueueWithdrawal(uint256 depositShares, uint256 dsf) internal pure returns (uint256) {
        return mulWad(depositShares, dsf);
    }

    function scaleForCompleteWithdrawal(uint256 scaledShares, uint256 slashingFactor) internal pure returns (uint256) {
        return mulWad(scaledShares, slashingFactor);
    }

    function scaleForBurning(uint256 scaledShares, uint256 prevMaxMagnitude, uint256 newMaxMagnitude)
        internal
        pure
        returns (uint256)
    {
        return mulWad(scaledShares, prevMaxMagnitude - newMaxMagnitude);
    }

    /// @dev Rounds the shares kept up, so an operator is never slashed more than its magnitude fell.
    function calcSlashedAmount(uint256 operatorShares, uint256 prevMaxMagnitude, uint256 newMaxMagnitude)
        internal
        pure
        returns (uint256)
    {
        return operatorShares - Math.mulDiv(operatorShares, newMaxMagnitude, prevMaxMagnitude, Math.Rounding.Ceil);
    }

    /// @notice The deposit scaling factor after `addedShares` join `prevDepositShares` under `slashingFactor`:
    /// chosen so the staker's withdrawable shares grow by exactly `addedShares` (up to rounding down).
    function newDepositScalingFactor(
        uint256 prevDsf,
        uint256 prevDepositShares,
        uint256 addedShares,
        uint256 slashingFactor
    ) internal pure returns (uint256) {
        if (prevDepositShares == 0) return divWad(WAD, slashingFactor);
        uint256 newWithdrawable = calcWithdrawable(prevDepositShares, prevDsf, slashingFactor) + addedShares;
        return divWad(divWad(newWithdrawable, prevDepositShares + addedShares), slashingFactor);
    }
}
