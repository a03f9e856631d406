// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Script} from "forge-std/Script.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IRiskRegistry} from "../contracts/interfaces/IRiskRegistry.sol";
import {IVault, IVaultTypes} from "../contracts/interfaces/IVault.sol";
import {IAssetRegistry} from "../contracts/interfaces/IAssetRegistry.sol";
import {IPriceAdapter} from "../contracts/interfaces/IPriceAdapter.sol";
import {IStETH} from "../contracts/interfaces/lst/IStETH.sol";
import {IRETH} from "../contracts/interfaces/lst/IRETH.sol";
import {IOsTokenVaultController} from "../contracts/interfaces/lst/IOsTokenVaultController.sol";
import {StEthAdapter} from "../contracts/adapters/StEthAdapter.sol";
import {REthAdapter} from "../contracts/adapters/REthAdapter.sol";
import {OsEthAdapter} from "../contracts/adapters/OsEthAdapter.sol";
import {Roles} from "../contracts/libraries/Roles.sol";
import {TrellisDeployer} from "./lib/TrellisDeployer.sol";
import {GovernanceDeployer} from "./lib/GovernanceDeployer.sol";

/// @title DeployTrellis
/// @notice Deploys Trellis against an existing EigenLayer (mainnet, holesky or a fork), as named in
/// `script/config/<NETWORK>.json`: `NETWORK=mainnet forge script script/DeployTrellis.s.sol --rpc-url $RPC
/// --broadcast --private-key $DEPLOYER_KEY`. The timelock's proposer and executor is the configured Safe.
/// @dev `run(network, deployer)` is also called by the fork test with a pranked deployer.
contract DeployTrellis is Script {
    error MissingGovernanceAddress(string field);
    error UnknownAssetKind(string kind);

    struct GovernanceAddresses {
        address safe;
        address keeper;
        address guardian;
        address treasury;
    }

    function run() external returns (TrellisDeployer.Deployment memory d) {
        string memory json = vm.readFile(string.concat("script/config/", vm.envOr("NETWORK", string("mainnet")), ".json"));
        GovernanceAddresses memory g = GovernanceAddresses({
            safe: _required(json, ".governance.safe"),
            keeper: _required(json, ".governance.keeper"),
            guardian: _required(json, ".governance.guardian"),
            treasury: _required(json, ".governance.treasury")
        });
        vm.startBroadcast();
        (, address deployer,) = vm.readCallers();
        d = deploy(json, g, deployer);
        vm.stopBroadcast();
    }

    /// @notice Deploys from the config text `json` with governance addresses `g`; `deployer` is the account
    /// whose calls create the contracts (it holds ADMIN until the hand-over to the timelock at the end).
    function deploy(string memory json, GovernanceAddresses memory g, address deployer)
        public
        returns (TrellisDeployer.Deployment memory d)
    {
        address safe = g.safe;
        d = TrellisDeployer.deploy(
            deployer,
            TrellisDeployer.EigenLayerCore({
                strategyManager: vm.parseJsonAddress(json, ".eigenlayer.strategyManager"),
                delegationManager: vm.parseJsonAddress(json, ".eigenlayer.delegationManager"),
                allocationManager: vm.parseJsonAddress(json, ".eigenlayer.allocationManager"),
                rewardsCoordinator: vm.parseJsonAddress(json, ".eigenlayer.rewardsCoordinator")
            }),
            TrellisDeployer.Actors({
                riskManager: safe,
                keeper: g.keeper,
                guardian: g.guardian,
                treasury: g.treasury
            }),
            IRiskRegistry.Limits({
                operatorCapBps: uint16(vm.parseJsonUint(json, ".limits.operatorCapBps")),
                defaultAvsCapBps: uint16(vm.parseJsonUint(json, ".limits.defaultAvsCapBps")),
                defaultOperatorSetCapBps: uint16(vm.parseJsonUint(json, ".limits.defaultOperatorSetCapBps")),
                totalSlashableCapBps: uint16(vm.parseJsonUint(json, ".limits.totalSlashableCapBps")),
                minBufferBps: uint16(vm.parseJsonUint(json, ".limits.minBufferBps"))
            }),
            IVaultTypes.SyncParams({
                maxAprBps: uint16(vm.parseJsonUint(json, ".sync.maxAprBps")),
                feeBps: uint16(vm.parseJsonUint(json, ".sync.feeBps"))
            })
        );
        for (uint256 i; vm.keyExistsJson(json, string.concat(".assets[", vm.toString(i), "]")); ++i) {
            _addAsset(d, json, string.concat(".assets[", vm.toString(i), "]"));
        }

        TimelockController timelock =
            GovernanceDeployer.deployTimelock(safe, vm.parseJsonUint(json, ".timelockDelaySeconds"));
        d.manager.grantRole(Roles.GUARDIAN, safe, 0);
        TrellisDeployer.handOver(d, deployer, address(timelock));
    }

    function _addAsset(TrellisDeployer.Deployment memory d, string memory json, string memory at) internal {
        address token = vm.parseJsonAddress(json, string.concat(at, ".token"));
        string memory kind = vm.parseJsonString(json, string.concat(at, ".kind"));
        IPriceAdapter adapter;
        bytes32 k = keccak256(bytes(kind));
        if (k == keccak256("stETH")) {
            adapter = new StEthAdapter(IStETH(token));
        } else if (k == keccak256("rETH")) {
            adapter = new REthAdapter(IRETH(token));
        } else if (k == keccak256("osETH")) {
            adapter = new OsEthAdapter(
                token,
                IOsTokenVaultController(vm.parseJsonAddress(json, string.concat(at, ".osTokenVaultController")))
            );
        } else {
            revert UnknownAssetKind(kind);
        }
        d.assetRegistry.addAsset(
            token,
            IAssetRegistry.AssetConfig({
                strategy: vm.parseJsonAddress(json, string.concat(at, ".strategy")),
                adapter: adapter,
                rebasing: k == keccak256("stETH"),
                minPrice: uint128(vm.parseJsonUint(json, string.concat(at, ".minPrice"))),
                maxPrice: uint128(vm.parseJsonUint(json, string.concat(at, ".maxPrice"))),
                depositCap: uint128(vm.parseJsonUint(json, string.concat(at, ".depositCap"))),
                minDeposit: uint128(vm.parseJsonUint(json, string.concat(at, ".minDeposit")))
            })
        );
    }

    function _required(string memory json, string memory key) internal pure returns (address a) {
        a = vm.parseJsonAddress(json, key);
        if (a == address(0)) revert MissingGovernanceAddress(key);
    }
}
