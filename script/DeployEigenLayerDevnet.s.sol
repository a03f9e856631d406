// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {Script} from "forge-std/Script.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20__Mock} from "../test/mocks/ERC20__Mock.sol";
import {
    EigenLayerDevnetDeployer,
    EigenLayerDevnetDeployment,
    EigenLayerDevnetParams,
    EigenLayerDevnetSetup
} from "./lib/EigenLayerDevnetDeployer.sol";

/// @title Deploys a standalone EigenLayer devnet and writes deployments/eigenlayer-devnet.json.
/// @notice `forge script script/DeployEigenLayerDevnet.s.sol --rpc-url http://127.0.0.1:8545 --broadcast`
/// against anvil. Keys come from MNEMONIC (anvil's by default): index 0 deploys, the next EL_OPERATORS
/// indices are operators, the next EL_AVSS are AVSs. EL_TOKENS (comma-separated addresses) picks the
/// tokens to make strategies for; without it two mintable test tokens are deployed.
contract DeployEigenLayerDevnet is Script, EigenLayerDevnetDeployer {
    string internal constant ANVIL_MNEMONIC = "test test test test test test test test test test test junk";

    function run() external returns (EigenLayerDevnetDeployment memory d) {
        string memory mnemonic = vm.envOr("MNEMONIC", ANVIL_MNEMONIC);
        uint32 operatorCount = uint32(vm.envOr("EL_OPERATORS", uint256(3)));
        uint32 avsCount = uint32(vm.envOr("EL_AVSS", uint256(2)));

        EigenLayerDevnetSetup memory setup;
        setup.deployerKey = vm.deriveKey(mnemonic, 0);
        setup.params = EigenLayerDevnetParams({
            minWithdrawalDelayBlocks: uint32(vm.envOr("EL_MIN_WITHDRAWAL_DELAY_BLOCKS", uint256(10))),
            deallocationDelay: uint32(vm.envOr("EL_DEALLOCATION_DELAY", uint256(10))),
            allocationConfigurationDelay: uint32(vm.envOr("EL_ALLOCATION_CONFIGURATION_DELAY", uint256(10)))
        });
        setup.operatorKeys = new uint256[](operatorCount);
        for (uint32 i = 0; i < operatorCount; ++i) {
            setup.operatorKeys[i] = vm.deriveKey(mnemonic, 1 + i);
        }
        setup.avsKeys = new uint256[](avsCount);
        for (uint32 i = 0; i < avsCount; ++i) {
            setup.avsKeys[i] = vm.deriveKey(mnemonic, 1 + operatorCount + i);
        }
        setup.operatorSetsPerAvs = uint32(vm.envOr("EL_OPERATOR_SETS_PER_AVS", uint256(1)));
        setup.allocationDelay = uint32(vm.envOr("EL_ALLOCATION_DELAY", uint256(1)));
        // By default half of each operator's stake is allocated, spread evenly over all sets.
        uint256 sets = uint256(avsCount) * setup.operatorSetsPerAvs;
        setup.magnitudePerSet = uint64(vm.envOr("EL_MAGNITUDE_PER_SET", sets == 0 ? 0 : 5e17 / sets));
        setup.tokens = _tokens(setup.deployerKey);

        d = setUpEigenLayerDevnet(setup);
        writeEigenLayerDevnetJson(d, vm.envOr("EL_DEPLOYMENT_FILE", string("deployments/eigenlayer-devnet.json")));
    }

    function _tokens(uint256 deployerKey) internal returns (IERC20[] memory tokens) {
        address[] memory given = vm.envOr("EL_TOKENS", ",", new address[](0));
        tokens = new IERC20[](given.length == 0 ? 2 : given.length);
        if (given.length != 0) {
            for (uint256 i = 0; i < given.length; ++i) {
                tokens[i] = IERC20(given[i]);
            }
            return tokens;
        }
        vm.startBroadcast(deployerKey);
        tokens[0] = new ERC20__Mock("Devnet Token A", "DTA", 18);
        tokens[1] = new ERC20__Mock("Devnet Token B", "DTB", 18);
        vm.stopBroadcast();
    }
}
