// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice Rocket Pool's rETH: `getExchangeRate()` is ETH per rETH, 18 decimals.
interface IRETH is IERC20 {
    function getExchangeRate() external view returns (uint256);
    function getEthValue(uint256 rethAmount) external view returns (uint256);
    function getRethValue(uint256 ethAmount) external view returns (uint256);
}
