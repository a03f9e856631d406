// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IPermissionController} from "../../interfaces/eigenlayer/IPermissionController.sol";

/// @title Devnet PermissionController: every account is its own sole admin, no appointees.
/// @dev The real contract lets an account add admins and appoint callers per (target, selector);
/// the devnet keeps only the default rule, which is what an account that never configured
/// permissions gets on mainnet.
contract PermissionController is IPermissionController {
    /// @inheritdoc IPermissionController
    function canCall(address account, address caller, address, bytes4) external pure returns (bool) {
        return caller == account;
    }

    /// @inheritdoc IPermissionController
    function isAdmin(address account, address caller) external pure returns (bool) {
        return caller == account;
    }

    /// @inheritdoc IPermissionController
    function getAdmins(address account) external pure returns (address[] memory admins) {
        admins = new address[](1);
        admins[0] = account;
    }
}
