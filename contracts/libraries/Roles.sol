// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

/// @title Roles
/// @notice AccessManager role ids. ADMIN is AccessManager's built-in admin role (0), held by the timelock.
library Roles {
    uint64 internal constant ADMIN = 0;
    /// @dev The Safe: tightens risk limits at once; loosening also needs ADMIN.
    uint64 internal constant RISK_MANAGER = 1;
    /// @dev The keeper bot: allocate, sync, claim rewards, withdrawals.
    uint64 internal constant KEEPER = 2;
    /// @dev Pause only.
    uint64 internal constant GUARDIAN = 3;
}
