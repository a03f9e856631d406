// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IPriceAdapter} from "../interfaces/IPriceAdapter.sol";
import {IWstETH} from "../interfaces/lst/IWstETH.sol";

/// @title WstEthAdapter
/// @notice wstETH is worth `stEthPerToken()` stETH, and stETH 1 ETH.
contract WstEthAdapter is IPriceAdapter {
    IWstETH public immutable wstETH;

    constructor(IWstETH wstETH_) {
        wstETH = wstETH_;
    }

    function asset() external view returns (address) {
        return address(wstETH);
    }

    function price() external view returns (uint256) {
        return wstETH.stEthPerToken();
    }
}
