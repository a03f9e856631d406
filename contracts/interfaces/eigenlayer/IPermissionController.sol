// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

interface IPermissionControllerErrors {
    error NotAdmin();
}

/// @title EigenLayer's PermissionController (subset): who may act for an operator or AVS.
/// @dev ABI-identical subset. On the devnet an account is its own only admin and appointees are not
/// supported, so `canCall` is true only when `caller == account`.
interface IPermissionController is IPermissionControllerErrors {
    /// @notice Whether `caller` may call `selector` on `target` on behalf of `account`.
    function canCall(address account, address caller, address target, bytes4 selector) external view returns (bool);

    /// @notice Whether `caller` is an admin of `account`.
    function isAdmin(address account, address caller) external view returns (bool);

    /// @notice The admins of `account` (the account itself when none were added).
    function getAdmins(address account) external view returns (address[] memory);
}
