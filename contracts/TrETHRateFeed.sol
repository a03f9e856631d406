// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AggregatorV3Interface} from "./interfaces/AggregatorV3Interface.sol";
import {IVault} from "./interfaces/IVault.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title TrETHRateFeed
/// @notice A Chainlink-style feed of trETH's rate in ETH (18 decimals) for lending markets.
/// @dev The answer is the vault's rate, which moves only at a sync (bounded by the vault's APR cap on the way
/// up) or by rounding in the vault's favour; `updatedAt` is the last sync, so integrators can refuse a stale
/// answer. Only the latest round is served: a round id other than the latest reverts.
contract TrETHRateFeed is AggregatorV3Interface {
    error RoundNotAvailable(uint80 roundId);

    IVault public immutable vault;

    constructor(IVault vault_) {
        vault = vault_;
    }

    function decimals() external pure returns (uint8) {
        return 18;
    }

    function description() external pure returns (string memory) {
        return "trETH / ETH exchange rate";
    }

    function version() external pure returns (uint256) {
        return 1;
    }

    function getRoundData(uint80 roundId)
        external
        view
        returns (uint80, int256, uint256, uint256, uint80)
    {
        if (roundId != _roundId()) revert RoundNotAvailable(roundId);
        return latestRoundData();
    }

    function latestRoundData()
        public
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        roundId = _roundId();
        answer = SafeCast.toInt256(vault.rate());
        updatedAt = vault.lastSyncTimestamp();
        startedAt = updatedAt;
        answeredInRound = roundId;
    }

    function _roundId() private view returns (uint80) {
        // Round 1 runs from deployment to the first sync; each sync opens the next round.
        return uint80(vault.syncCount() + 1);
    }
}
