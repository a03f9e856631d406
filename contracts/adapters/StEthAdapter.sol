// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IPriceAdapter} from "../interfaces/IPriceAdapter.sol";
import {IStETH} from "../interfaces/lst/IStETH.sol";

/// @title StEthAdapter
/// @notice stETH is pooled ETH by shares: 1 stETH is 1 ETH of Lido's pool, so the price is exactly 1e18.
/// Lido's share rounding is handled where balances are read: the vault keeps its idle stETH in Lido shares and
/// converts them down. (Pricing a unit through a shares round trip would make the price flicker by 1-2 wei with
/// every Lido mint and move the whole stETH position with it.)
contract StEthAdapter is IPriceAdapter {
    IStETH public immutable stETH;

    constructor(IStETH stETH_) {
        stETH = stETH_;
    }

    function asset() external view returns (address) {
        return address(stETH);
    }

    function price() external pure returns (uint256) {
        return 1e18;
    }
}
