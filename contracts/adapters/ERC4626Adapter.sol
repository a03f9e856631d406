// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {IPriceAdapter} from "../interfaces/IPriceAdapter.sol";

/// @title ERC4626Adapter
/// @notice For an ERC-4626 LST whose underlying asset is ETH-valued 1:1 (WETH or an ETH-denominated vault).
/// The price is `convertToAssets` of 1e18 base units of shares, scaled to 18-decimal ETH.
/// @dev Warning: `convertToAssets` of some vaults can be moved by donations; list such a vault only with
/// tight price bounds in the AssetRegistry.
contract ERC4626Adapter is IPriceAdapter {
    IERC4626 public immutable vault;
    uint256 private immutable _assetScale;

    constructor(IERC4626 vault_) {
        vault = vault_;
        // The underlying's decimals: 18 for WETH. Scale to 18-decimal ETH.
        uint8 assetDecimals = IERC4626(vault_.asset()).decimals();
        _assetScale = 10 ** (18 - assetDecimals);
    }

    function asset() external view returns (address) {
        return address(vault);
    }

    function price() external view returns (uint256) {
        return vault.convertToAssets(1e18) * _assetScale;
    }
}
