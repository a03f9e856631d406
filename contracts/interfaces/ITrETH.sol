// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title ITrETH
/// @notice The Trellis liquid restaking token. ERC-20 with ERC-2612 permit. Its ETH value is `IVault.rate()`.
interface ITrETH is IERC20 {
    error UnauthorizedMinter(address caller);
    error UnauthorizedBurner(address caller);

    event WithdrawalQueueSet(address indexed withdrawalQueue);

    /// @notice Mints `amount` to `to`. Only the vault.
    function mint(address to, uint256 amount) external;

    /// @notice Burns `amount` from `from`'s balance. Only the vault or the withdrawal queue, from its own balance.
    function burn(address from, uint256 amount) external;

    /// @notice Moves `amount` trETH of `owner` to the withdrawal queue (escrow of a redemption request). Only the
    /// queue. When `spender` is not `owner`, spends `spender`'s allowance from `owner` (ERC-7540's approval rule).
    function escrowFrom(address owner, address spender, uint256 amount) external;

    function vault() external view returns (address);
    function withdrawalQueue() external view returns (address);
}
