// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IPriceAdapter} from "../../contracts/interfaces/IPriceAdapter.sol";

/// @notice A price adapter whose answer the test sets.
contract PriceAdapter__Mock is IPriceAdapter {
    address public immutable asset;
    uint256 public price;

    constructor(address asset_, uint256 price_) {
        asset = asset_;
        price = price_;
    }

    function setPrice(uint256 price_) external {
        price = price_;
    }
}
