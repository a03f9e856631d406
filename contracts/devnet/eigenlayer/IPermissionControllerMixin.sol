// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @notice The error EigenLayer core contracts raise when the PermissionController refuses a caller.
interface IPermissionControllerMixin {
    error InvalidPermissions();
}
