// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IPriceAdapter} from "../interfaces/IPriceAdapter.sol";
import {IOsTokenVaultController} from "../interfaces/lst/IOsTokenVaultController.sol";

/// @title OsEthAdapter
/// @notice osETH's ETH value from StakeWise's OsTokenVaultController `convertToAssets`.
contract OsEthAdapter is IPriceAdapter {
    address public immutable osETH;
    IOsTokenVaultController public immutable controller;

    constructor(address osETH_, IOsTokenVaultController controller_) {
        osETH = osETH_;
        controller = controller_;
    }

    function asset() external view returns (address) {
        return osETH;
    }

    function price() external view returns (uint256) {
        return controller.convertToAssets(1e18);
    }
}
