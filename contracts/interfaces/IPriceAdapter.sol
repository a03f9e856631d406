// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

/// @title IPriceAdapter
/// @notice The ETH value of one whole unit (1e18 base units) of an LST, read from the LST's own contracts.
/// @dev Warning: the adapter trusts the LST's own accounting (Lido, Rocket Pool, StakeWise oracles). It never
/// reads a DEX spot price. The AssetRegistry bounds its answer; a price outside the bounds blocks deposits.
interface IPriceAdapter {
    /// @notice The token this adapter prices.
    function asset() external view returns (address);

    /// @notice ETH (wei) per 1e18 base units of `asset()`.
    function price() external view returns (uint256);
}
