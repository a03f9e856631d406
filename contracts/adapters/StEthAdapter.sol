// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IPriceAdapter} from "../interfaces/IPriceAdapter.sol";
import {IStETH} from "../interfaces/lst/IStETH.sol";

/// @title StEthAdapter
/// @notice stETH is pooled ETH by shares: 1 stETH is 1 ETH of Lido's pool. The price is what 1e18 stETH's
/// shares are worth, so Lido's share rounding (at most 1 wei here) is counted against the vault, never for it.
contract StEthAdapter is IPriceAdapter {
    IStETH public immutable stETH;

    constructor(IStETH stETH_) {
        stETH = stETH_;
    }

    function asset() external view returns (address) {
        return address(stETH);
    }

    function price() external view returns (uint256) {
        return stETH.getPooledEthByShares(stETH.getSharesByPooledEth(1e18));
    }
}
