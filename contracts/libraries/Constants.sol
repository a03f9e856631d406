// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

/// @dev Basis points: 10_000 = 100%.
uint256 constant BPS = 10_000;
/// @dev Fixed-point one: prices and rates are ETH per unit with 18 decimals.
uint256 constant WAD = 1e18;
uint256 constant YEAR = 365 days;
