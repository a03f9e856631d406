// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";

/// @dev The committed real-network configs parse as DeployTrellis reads them, name their chain, list only assets
/// with a strategy, and leave unverifiable addresses zero (so the script refuses to run until they are set).
contract DeployConfigsTest is Test {
    function _check(string memory file, uint256 chainId, uint256 assets) internal view {
        string memory json = vm.readFile(file);
        assertEq(vm.parseJsonUint(json, ".chainId"), chainId);
        assertTrue(vm.parseJsonAddress(json, ".eigenlayer.allocationManager") != address(0));
        assertTrue(vm.parseJsonAddress(json, ".eigenlayer.rewardsCoordinator") != address(0));
        uint256 n;
        while (vm.keyExistsJson(json, string.concat(".assets[", vm.toString(n), "]"))) {
            string memory at = string.concat(".assets[", vm.toString(n), "]");
            assertTrue(vm.parseJsonAddress(json, string.concat(at, ".strategy")) != address(0));
            assertFalse(vm.keyExistsJson(json, string.concat(at, ".token")), "tokens are read from the strategy");
            ++n;
        }
        assertEq(n, assets);
        assertEq(vm.parseJsonAddress(json, ".governance.safe"), address(0), "set by the deployer, not committed");
    }

    function test_mainnetConfig() public view {
        _check("script/config/mainnet.json", 1, 3);
    }

    function test_hoodiConfig() public view {
        _check("script/config/hoodi.json", 560048, 1);
    }
}
