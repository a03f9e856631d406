// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AggregatorV3Interface} from "../../interfaces/AggregatorV3Interface.sol";

/// @title DevnetPriceFeed
/// @notice A Chainlink-style market feed (18 decimals) its owner sets: the devnet's stand-in for Chainlink's
/// stETH/ETH, so the demo can show a depeg.
contract DevnetPriceFeed is AggregatorV3Interface {
    error NotOwner(address caller);

    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);

    address public immutable owner;
    string private _description;
    int256 private _answer;
    uint80 private _round;
    uint256 private _updatedAt;

    constructor(address owner_, string memory description_, int256 answer_) {
        owner = owner_;
        _description = description_;
        _set(answer_);
    }

    /// @notice Sets the answer (owner only) and stamps it now.
    function setAnswer(int256 answer_) external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _set(answer_);
    }

    function decimals() external pure returns (uint8) {
        return 18;
    }

    function description() external view returns (string memory) {
        return _description;
    }

    function version() external pure returns (uint256) {
        return 1;
    }

    function getRoundData(uint80)
        external
        view
        returns (uint80, int256, uint256, uint256, uint80)
    {
        return latestRoundData();
    }

    function latestRoundData()
        public
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return (_round, _answer, _updatedAt, _updatedAt, _round);
    }

    function _set(int256 answer_) private {
        _answer = answer_;
        _updatedAt = block.timestamp;
        ++_round;
        emit AnswerUpdated(answer_, _round, block.timestamp);
    }
}
