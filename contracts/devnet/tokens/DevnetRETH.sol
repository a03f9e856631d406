// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IRETH} from "../../interfaces/lst/IRETH.sol";

/// @title DevnetRETH
/// @notice A stand-in for Rocket Pool's rETH: a plain ERC-20 whose ETH value is `getExchangeRate()` per token.
/// @dev Devnet only. Rocket Pool's oracle DAO is replaced by the owner, who sets the rate (`setExchangeRate`, any
/// direction, for slashing tests) or raises it (`accrue`), and mints rETH for tests.
contract DevnetRETH is ERC20, IRETH, Ownable {
    /// @dev A zero rate would make rETH worthless and `getRethValue` divide by zero.
    error ZeroExchangeRate();
    /// @dev A single `accrue` may raise the rate by at most `MAX_ACCRUE_BPS`.
    error AccrueTooLarge(uint256 bps, uint256 maxBps);

    /// @notice The devnet oracle moved the rate.
    event ExchangeRateSet(uint256 oldRate, uint256 newRate);

    uint256 public constant MAX_ACCRUE_BPS = 10_000;
    uint256 internal constant BPS = 10_000;

    /// @dev ETH per rETH, 18 decimals.
    uint256 internal _exchangeRate;

    constructor(address initialOwner, uint256 initialExchangeRate) ERC20("Rocket Pool ETH", "rETH") Ownable(initialOwner) {
        _setExchangeRate(initialExchangeRate);
    }

    /// @notice Devnet: mints `amount` rETH to `to`.
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }

    /// @notice Devnet oracle: sets ETH per rETH (18 decimals), up or down.
    function setExchangeRate(uint256 newExchangeRate) external onlyOwner {
        _setExchangeRate(newExchangeRate);
    }

    /// @notice Devnet oracle: raises the rate by `bps` basis points.
    function accrue(uint256 bps) external onlyOwner {
        if (bps > MAX_ACCRUE_BPS) revert AccrueTooLarge(bps, MAX_ACCRUE_BPS);
        _setExchangeRate(_exchangeRate + Math.mulDiv(_exchangeRate, bps, BPS));
    }

    /// @inheritdoc IRETH
    function getExchangeRate() external view returns (uint256) {
        return _exchangeRate;
    }

    /// @inheritdoc IRETH
    function getEthValue(uint256 rethAmount) external view returns (uint256) {
        return Math.mulDiv(rethAmount, _exchangeRate, 1 ether);
    }

    /// @inheritdoc IRETH
    function getRethValue(uint256 ethAmount) external view returns (uint256) {
        return Math.mulDiv(ethAmount, 1 ether, _exchangeRate);
    }

    function _setExchangeRate(uint256 newExchangeRate) internal {
        if (newExchangeRate == 0) revert ZeroExchangeRate();
        uint256 old = _exchangeRate;
        _exchangeRate = newExchangeRate;
        emit ExchangeRateSet(old, newExchangeRate);
    }
}
