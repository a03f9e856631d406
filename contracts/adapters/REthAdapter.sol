// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IPriceAdapter} from "../interfaces/IPriceAdapter.sol";
import {IRETH} from "../interfaces/lst/IRETH.sol";

/// @title REthAdapter
/// @notice rETH's ETH value from Rocket Pool's own `getExchangeRate()` (its oracle-reported backing).
contract REthAdapter is IPriceAdapter {
    IRETH public immutable rETH;

    constructor(IRETH rETH_) {
        rETH = rETH_;
    }

    function asset() external view returns (address) {
        return address(rETH);
    }

    function price() external view returns (uint256) {
        return rETH.getExchangeRate();
    }
}
