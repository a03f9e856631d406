// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IOsTokenVaultController} from "../../interfaces/lst/IOsTokenVaultController.sol";

/// @title DevnetOsTokenVaultController
/// @notice A stand-in for StakeWise v3's OsTokenVaultController: osETH shares are worth `convertToAssets(shares)`
/// ETH, at a rate that accrues every second at `avgRewardPerSecond`, as StakeWise's does.
/// @dev Devnet only. The owner plays StakeWise's keeper: it sets `avgRewardPerSecond`, and may set the rate
/// outright (`setRate`, any direction) for tests. The rate is ETH per osETH with 18 decimals; it grows by
/// simple interest between checkpoints and compounds at each checkpoint.
contract DevnetOsTokenVaultController is IOsTokenVaultController, Ownable {
    /// @dev A zero rate would make osETH worthless and `convertToShares` divide by zero.
    error ZeroRate();
    /// @dev StakeWise caps the reward rate too; this cap is 100% a year.
    error AvgRewardPerSecondTooHigh(uint256 avgRewardPerSecond, uint256 max);

    /// @notice The rate was checkpointed at `rate`.
    event StateUpdated(uint256 rate, uint256 timestamp);
    /// @notice The keeper changed the reward rate (StakeWise's event name).
    event AvgRewardPerSecondUpdated(uint256 avgRewardPerSecond);
    /// @notice The devnet owner set the rate outright.
    event RateSet(uint256 oldRate, uint256 newRate);

    /// @dev About 100% a year in WAD per second (1e18 / 365 days, rounded down).
    uint256 public constant MAX_AVG_REWARD_PER_SECOND = 31_709_791_983;
    uint256 internal constant WAD = 1e18;

    /// @notice The osETH token whose supply is `totalShares()`.
    IERC20 public immutable osToken;

    /// @notice Reward per second in WAD, applied to the rate since `lastUpdateTimestamp`.
    uint256 public avgRewardPerSecond;
    uint256 public lastUpdateTimestamp;
    uint256 internal _rateAtLastUpdate;

    constructor(address initialOwner, IERC20 osToken_, uint256 initialRate, uint256 initialAvgRewardPerSecond)
        Ownable(initialOwner)
    {
        if (initialRate == 0) revert ZeroRate();
        if (initialAvgRewardPerSecond > MAX_AVG_REWARD_PER_SECOND) {
            revert AvgRewardPerSecondTooHigh(initialAvgRewardPerSecond, MAX_AVG_REWARD_PER_SECOND);
        }
        osToken = osToken_;
        _rateAtLastUpdate = initialRate;
        lastUpdateTimestamp = block.timestamp;
        avgRewardPerSecond = initialAvgRewardPerSecond;
    }

    /// @notice Checkpoints the accrued rate, then sets the reward per second going forward.
    function setAvgRewardPerSecond(uint256 newAvgRewardPerSecond) external onlyOwner {
        if (newAvgRewardPerSecond > MAX_AVG_REWARD_PER_SECOND) {
            revert AvgRewardPerSecondTooHigh(newAvgRewardPerSecond, MAX_AVG_REWARD_PER_SECOND);
        }
        updateState();
        avgRewardPerSecond = newAvgRewardPerSecond;
        emit AvgRewardPerSecondUpdated(newAvgRewardPerSecond);
    }

    /// @notice Devnet: sets ETH per osETH (18 decimals), up or down, from now on.
    function setRate(uint256 newRate) external onlyOwner {
        if (newRate == 0) revert ZeroRate();
        uint256 old = rate();
        _rateAtLastUpdate = newRate;
        lastUpdateTimestamp = block.timestamp;
        emit RateSet(old, newRate);
    }

    /// @notice Compounds the rewards accrued since the last checkpoint into the rate.
    function updateState() public {
        _rateAtLastUpdate = rate();
        lastUpdateTimestamp = block.timestamp;
        emit StateUpdated(_rateAtLastUpdate, block.timestamp);
    }

    /// @notice ETH per osETH now, 18 decimals.
    function rate() public view returns (uint256) {
        uint256 reward = avgRewardPerSecond * (block.timestamp - lastUpdateTimestamp);
        return _rateAtLastUpdate + Math.mulDiv(_rateAtLastUpdate, reward, WAD);
    }

    /// @inheritdoc IOsTokenVaultController
    function convertToAssets(uint256 shares) external view returns (uint256 assets) {
        return Math.mulDiv(shares, rate(), WAD);
    }

    /// @inheritdoc IOsTokenVaultController
    function convertToShares(uint256 assets) external view returns (uint256 shares) {
        return Math.mulDiv(assets, WAD, rate());
    }

    /// @inheritdoc IOsTokenVaultController
    function totalAssets() external view returns (uint256) {
        return Math.mulDiv(osToken.totalSupply(), rate(), WAD);
    }

    /// @inheritdoc IOsTokenVaultController
    function totalShares() external view returns (uint256) {
        return osToken.totalSupply();
    }
}
