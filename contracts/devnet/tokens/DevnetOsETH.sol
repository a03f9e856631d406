// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title DevnetOsETH
/// @notice A stand-in for StakeWise's osETH: a plain ERC-20 whose ETH value lives in
/// `DevnetOsTokenVaultController.convertToAssets`.
/// @dev Devnet only: the owner mints and burns instead of StakeWise vaults.
contract DevnetOsETH is ERC20, Ownable {
    constructor(address initialOwner) ERC20("Staked ETH", "osETH") Ownable(initialOwner) {}

    /// @notice Devnet: mints `shares` osETH to `to`.
    function mint(address to, uint256 shares) external onlyOwner {
        _mint(to, shares);
    }

    /// @notice Devnet: burns `shares` osETH from `from`.
    function burn(address from, uint256 shares) external onlyOwner {
        _burn(from, shares);
    }
}
