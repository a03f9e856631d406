// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IStETH} from "../../interfaces/lst/IStETH.sol";
import {IWstETH} from "../../interfaces/lst/IWstETH.sol";
import {DevnetStETH} from "./DevnetStETH.sol";

/// @title DevnetWstETH
/// @notice Lido's wstETH over `DevnetStETH`: one wstETH is one stETH share, so it does not rebase and is worth
/// `stEthPerToken()` stETH. `wrap` and `unwrap` round down, so a round trip never creates value.
/// @dev Devnet only; the logic is Lido's. Yield comes from the underlying `DevnetStETH`'s oracle.
contract DevnetWstETH is ERC20, IWstETH {
    /// @dev Lido refuses to wrap or unwrap zero.
    error ZeroAmount();

    IStETH internal immutable _stETH;

    constructor(DevnetStETH stETH_) ERC20("Wrapped liquid staked Ether 2.0", "wstETH") {
        _stETH = IStETH(address(stETH_));
    }

    /// @notice Sending ETH stakes it in stETH and wraps the result for the sender, as Lido's wstETH does.
    receive() external payable {
        uint256 shares = DevnetStETH(address(_stETH)).submit{value: msg.value}(address(0));
        _mint(msg.sender, shares);
    }

    /// @inheritdoc IWstETH
    function stETH() external view returns (address) {
        return address(_stETH);
    }

    /// @inheritdoc IWstETH
    function wrap(uint256 stETHAmount) external returns (uint256 wstETHAmount) {
        if (stETHAmount == 0) revert ZeroAmount();
        wstETHAmount = _stETH.getSharesByPooledEth(stETHAmount);
        _mint(msg.sender, wstETHAmount);
        // Moves getSharesByPooledEth(stETHAmount) shares, exactly the wstETH just minted.
        _stETH.transferFrom(msg.sender, address(this), stETHAmount);
    }

    /// @inheritdoc IWstETH
    function unwrap(uint256 wstETHAmount) external returns (uint256 stETHAmount) {
        if (wstETHAmount == 0) revert ZeroAmount();
        _burn(msg.sender, wstETHAmount);
        stETHAmount = _stETH.transferShares(msg.sender, wstETHAmount);
    }

    /// @inheritdoc IWstETH
    function stEthPerToken() external view returns (uint256) {
        return _stETH.getPooledEthByShares(1 ether);
    }

    /// @inheritdoc IWstETH
    function tokensPerStEth() external view returns (uint256) {
        return _stETH.getSharesByPooledEth(1 ether);
    }

    /// @inheritdoc IWstETH
    function getStETHByWstETH(uint256 wstETHAmount) external view returns (uint256) {
        return _stETH.getPooledEthByShares(wstETHAmount);
    }

    /// @inheritdoc IWstETH
    function getWstETHByStETH(uint256 stETHAmount) external view returns (uint256) {
        return _stETH.getSharesByPooledEth(stETHAmount);
    }
}

