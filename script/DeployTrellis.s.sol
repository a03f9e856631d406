// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Script} from "forge-std/Script.sol";
import {VmSafe} from "forge-std/Vm.sol";
import {console2} from "forge-std/console2.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IRiskRegistry} from "../contracts/interfaces/IRiskRegistry.sol";
import {IVault, IVaultTypes} from "../contracts/interfaces/IVault.sol";
import {IAssetRegistry} from "../contracts/interfaces/IAssetRegistry.sol";
import {IPriceAdapter} from "../contracts/interfaces/IPriceAdapter.sol";
import {IStrategy} from "../contracts/interfaces/eigenlayer/IStrategy.sol";
import {IStETH} from "../contracts/interfaces/lst/IStETH.sol";
import {IWstETH} from "../contracts/interfaces/lst/IWstETH.sol";
import {IRETH} from "../contracts/interfaces/lst/IRETH.sol";
import {IOsTokenVaultController} from "../contracts/interfaces/lst/IOsTokenVaultController.sol";
import {StEthAdapter} from "../contracts/adapters/StEthAdapter.sol";
import {WstEthAdapter} from "../contracts/adapters/WstEthAdapter.sol";
import {REthAdapter} from "../contracts/adapters/REthAdapter.sol";
import {OsEthAdapter} from "../contracts/adapters/OsEthAdapter.sol";
import {Roles} from "../contracts/libraries/Roles.sol";
import {TrellisDeployer} from "./lib/TrellisDeployer.sol";
import {GovernanceDeployer} from "./lib/GovernanceDeployer.sol";

/// @title DeployTrellis
/// @notice Deploys Trellis against an existing EigenLayer core (mainnet, Hoodi, a fork, or the real core on
/// anvil), as described by a network config, and writes the deployment file every `trellis` command reads:
///
///     NETWORK=hoodi forge script script/DeployTrellis.s.sol --rpc-url $RPC --broadcast --private-key $KEY
///
/// The config is `script/config/<NETWORK>.json` (or the file named by `TRELLIS_DEPLOY_CONFIG`); the output is
/// `deployments/<network>.json` (or `TRELLIS_DEPLOYMENT_OUT`). Without `--broadcast` forge only simulates the
/// whole deploy: the script then prints what it would create and who would hold each role, and writes nothing
/// (`node script/deploy-trellis.mjs --network hoodi --dry-run` does this).
/// @dev Each asset's token is read from its EigenLayer strategy (`underlyingToken()`); a `token` in the config
/// must match it. Operators listed in the config are allowed and given a delegator before ADMIN passes to the
/// timelock, whose proposer, canceller and executor is the configured Safe. The deployer keeps no role.
/// `deploy(json, governance, deployer)` is what tests call with a deployer of their choice.
contract DeployTrellis is Script {
    error MissingGovernanceAddress(string field);
    error MissingConfigAddress(string field);
    error UnknownAssetKind(string kind);
    error TokenNotStrategyUnderlying(string symbol, address token, address underlying);
    error ChainIdMismatch(uint256 config, uint256 chain);

    struct GovernanceAddresses {
        address safe;
        address keeper;
        address guardian;
        address treasury;
    }

    /// @dev What the last `deploy` created beyond `TrellisDeployer.Deployment`, for the report and the file.
    TimelockController public timelock;
    IPriceAdapter[] internal adapters;
    address[] internal tokens;
    address[] internal strategiesOf;
    /// @dev Each listed asset's ERC-7575/7540 entry (the wstETH one takes deposits only).
    address[] internal entries;
    address[] internal operators;

    function run() external returns (TrellisDeployer.Deployment memory d) {
        string memory network = vm.envOr("NETWORK", string("mainnet"));
        string memory json =
            vm.readFile(vm.envOr("TRELLIS_DEPLOY_CONFIG", string.concat("script/config/", network, ".json")));
        if (vm.keyExistsJson(json, ".network")) network = vm.parseJsonString(json, ".network");
        if (vm.keyExistsJson(json, ".chainId")) {
            uint256 chainId = vm.parseJsonUint(json, ".chainId");
            require(chainId == block.chainid, ChainIdMismatch(chainId, block.chainid));
        }
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

        bool broadcast = vm.isContext(VmSafe.ForgeContext.ScriptBroadcast);
        _report(d, g, deployer, broadcast);
        if (broadcast) {
            string memory out = vm.envOr("TRELLIS_DEPLOYMENT_OUT", string.concat("deployments/", network, ".json"));
            vm.writeFile(out, _deploymentJson(network, json, d, g, deployer));
            console2.log("wrote", out);
        }
    }

    /// @notice Deploys from the config text `json` with governance addresses `g`; `deployer` is the account
    /// whose calls create the contracts (it holds ADMIN until the hand-over to the timelock at the end).
    function deploy(string memory json, GovernanceAddresses memory g, address deployer)
        public
        returns (TrellisDeployer.Deployment memory d)
    {
        d = TrellisDeployer.deploy(
            deployer,
            TrellisDeployer.EigenLayerCore({
                strategyManager: vm.parseJsonAddress(json, ".eigenlayer.strategyManager"),
                delegationManager: vm.parseJsonAddress(json, ".eigenlayer.delegationManager"),
                allocationManager: vm.parseJsonAddress(json, ".eigenlayer.allocationManager"),
                rewardsCoordinator: vm.parseJsonAddress(json, ".eigenlayer.rewardsCoordinator")
            }),
            TrellisDeployer.Actors({riskManager: g.safe, keeper: g.keeper, guardian: g.guardian, treasury: g.treasury}),
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
        delete adapters;
        delete tokens;
        delete strategiesOf;
        delete entries;
        delete operators;
        for (uint256 i; vm.keyExistsJson(json, _at(".assets", i)); ++i) {
            _addAsset(d, json, _at(".assets", i));
        }
        if (vm.keyExistsJson(json, ".operators")) {
            operators = vm.parseJsonAddressArray(json, ".operators");
            for (uint256 i; i < operators.length; ++i) {
                d.riskRegistry.setOperatorAllowed(operators[i], true);
                d.vault.addOperatorDelegator(operators[i]);
            }
        }

        timelock = GovernanceDeployer.deployTimelock(g.safe, vm.parseJsonUint(json, ".timelockDelaySeconds"));
        d.manager.grantRole(Roles.GUARDIAN, g.safe, 0);
        TrellisDeployer.handOver(d, deployer, address(timelock));
    }

    function _addAsset(TrellisDeployer.Deployment memory d, string memory json, string memory at) internal {
        string memory symbol = vm.parseJsonString(json, string.concat(at, ".symbol"));
        string memory kind = vm.parseJsonString(json, string.concat(at, ".kind"));
        if (keccak256(bytes(kind)) == keccak256("wstETH")) return _addWrapper(d, json, at);
        address strategy = vm.parseJsonAddress(json, string.concat(at, ".strategy"));
        if (strategy == address(0)) revert MissingConfigAddress(string.concat(at, ".strategy"));
        address token = address(IStrategy(strategy).underlyingToken());
        if (vm.keyExistsJson(json, string.concat(at, ".token"))) {
            address named = vm.parseJsonAddress(json, string.concat(at, ".token"));
            require(named == token, TokenNotStrategyUnderlying(symbol, named, token));
        }
        IPriceAdapter adapter;
        bytes32 k = keccak256(bytes(kind));
        if (k == keccak256("stETH")) {
            adapter = new StEthAdapter(IStETH(token));
        } else if (k == keccak256("rETH")) {
            adapter = new REthAdapter(IRETH(token));
        } else if (k == keccak256("osETH")) {
            string memory key = string.concat(at, ".osTokenVaultController");
            address controller = vm.keyExistsJson(json, key) ? vm.parseJsonAddress(json, key) : address(0);
            if (controller == address(0)) revert MissingConfigAddress(key);
            adapter = new OsEthAdapter(token, IOsTokenVaultController(controller));
        } else {
            revert UnknownAssetKind(kind);
        }
        d.assetRegistry.addAsset(
            token,
            IAssetRegistry.AssetConfig({
                strategy: strategy,
                adapter: adapter,
                rebasing: k == keccak256("stETH"),
                minPrice: uint128(vm.parseJsonUint(json, string.concat(at, ".minPrice"))),
                maxPrice: uint128(vm.parseJsonUint(json, string.concat(at, ".maxPrice"))),
                depositCap: uint128(vm.parseJsonUint(json, string.concat(at, ".depositCap"))),
                minDeposit: uint128(vm.parseJsonUint(json, string.concat(at, ".minDeposit")))
            })
        );
        adapters.push(adapter);
        tokens.push(token);
        strategiesOf.push(strategy);
        entries.push(address(TrellisDeployer.addEntry(d, token)));
    }

    /// @dev wstETH has no EigenLayer strategy (as on mainnet): it is a wrapper of the stETH asset, which must be
    /// listed before it; deposits are unwrapped and restaked as stETH. Its entry takes deposits only.
    function _addWrapper(TrellisDeployer.Deployment memory d, string memory json, string memory at) internal {
        address token = vm.parseJsonAddress(json, string.concat(at, ".token"));
        address stETH = address(IWstETH(token).stETH());
        d.assetRegistry.addWrapper(token, stETH);
        adapters.push(IPriceAdapter(address(0)));
        tokens.push(token);
        strategiesOf.push(address(0));
        entries.push(address(TrellisDeployer.addEntry(d, token)));
    }

    // ------------------------------------------------------------------ report (dry run and real run)

    /// @dev Prints every contract and, for each role, which of the known accounts hold it, read back from the
    /// AccessManager after the (simulated) deploy rather than assumed.
    function _report(TrellisDeployer.Deployment memory d, GovernanceAddresses memory g, address deployer, bool broadcast)
        internal
        view
    {
        console2.log(broadcast ? "Trellis deployed:" : "DRY RUN (simulated, nothing sent): Trellis would create:");
        console2.log("  AccessManager      ", address(d.manager));
        console2.log("  trETH (proxy)      ", address(d.trETH));
        console2.log("  Vault (proxy)      ", address(d.vault));
        console2.log("  AssetRegistry      ", address(d.assetRegistry));
        console2.log("  RiskRegistry       ", address(d.riskRegistry));
        console2.log("  WithdrawalQueue    ", address(d.withdrawalQueue));
        console2.log("  TrETHRateFeed      ", address(d.rateFeed));
        console2.log("  delegator beacon   ", address(d.delegatorBeacon));
        console2.log("  TimelockController ", address(timelock));
        for (uint256 i; i < tokens.length; ++i) {
            console2.log(string.concat("  price adapter for token ", vm.toString(tokens[i]), ": ", vm.toString(address(adapters[i]))));
        }
        address[] memory delegators = d.vault.getDelegators();
        for (uint256 i; i < delegators.length; ++i) console2.log("  OperatorDelegator  ", delegators[i]);
        console2.log("Roles (read back from the AccessManager):");
        address[6] memory who = [address(timelock), g.safe, g.keeper, g.guardian, deployer, address(d.withdrawalQueue)];
        string[6] memory names = ["timelock", "safe", "keeper", "guardian", "deployer", "withdrawal queue"];
        uint64[4] memory roles = [Roles.ADMIN, Roles.RISK_MANAGER, Roles.GUARDIAN, Roles.KEEPER];
        string[4] memory roleNames = ["ADMIN", "RISK_MANAGER", "GUARDIAN", "KEEPER"];
        for (uint256 r; r < roles.length; ++r) {
            string memory holders;
            for (uint256 i; i < who.length; ++i) {
                (bool has,) = d.manager.hasRole(roles[r], who[i]);
                if (has) holders = string.concat(holders, " ", names[i], "=", vm.toString(who[i]));
            }
            console2.log(string.concat("  ", roleNames[r], ":", bytes(holders).length == 0 ? " (nobody listed)" : holders));
        }
        console2.log("  timelock delay (s), proposer/canceller/executor:", timelock.getMinDelay(), g.safe);
        console2.log("  delegator beacon owner (upgrades):", d.delegatorBeacon.owner());
        console2.log("  treasury (fees):", g.treasury);
    }

    // ------------------------------------------------------------------ deployment file

    function _deploymentJson(
        string memory network,
        string memory json,
        TrellisDeployer.Deployment memory d,
        GovernanceAddresses memory g,
        address deployer
    ) internal returns (string memory) {
        string memory o = "trellis";
        vm.serializeAddress(o, "accessManager", address(d.manager));
        vm.serializeAddress(o, "trETH", address(d.trETH));
        vm.serializeAddress(o, "vault", address(d.vault));
        vm.serializeAddress(o, "assetRegistry", address(d.assetRegistry));
        vm.serializeAddress(o, "riskRegistry", address(d.riskRegistry));
        vm.serializeAddress(o, "withdrawalQueue", address(d.withdrawalQueue));
        vm.serializeAddress(o, "rateFeed", address(d.rateFeed));
        vm.serializeAddress(o, "delegatorBeacon", address(d.delegatorBeacon));
        vm.serializeAddress(o, "timelock", address(timelock));
        vm.serializeAddress(o, "safe", g.safe);
        string memory trellis = vm.serializeAddress(o, "multiSend", _optional(json, ".governance.multiSendCallOnly"));

        o = "eigenlayer";
        vm.serializeAddress(o, "strategyManager", vm.parseJsonAddress(json, ".eigenlayer.strategyManager"));
        vm.serializeAddress(o, "delegationManager", vm.parseJsonAddress(json, ".eigenlayer.delegationManager"));
        vm.serializeAddress(o, "allocationManager", vm.parseJsonAddress(json, ".eigenlayer.allocationManager"));
        vm.serializeAddress(o, "rewardsCoordinator", vm.parseJsonAddress(json, ".eigenlayer.rewardsCoordinator"));
        string memory eigenlayer =
            vm.serializeAddress(o, "permissionController", _optional(json, ".eigenlayer.permissionController"));

        o = "actors";
        vm.serializeAddress(o, "deployer", deployer);
        vm.serializeAddress(o, "keeper", g.keeper);
        vm.serializeAddress(o, "guardian", g.guardian);
        vm.serializeAddress(o, "treasury", g.treasury);
        string memory actors = vm.serializeAddress(o, "safeOwners", new address[](0));

        string memory head = string.concat(
            '{"network":"', network, '","chainId":', vm.toString(block.chainid), ',"trellis":', trellis
        );
        return string.concat(
            head,
            string.concat(',"eigenlayer":', eigenlayer, ',"actors":', actors, ',"assets":', _assetsJson(json)),
            string.concat(',"operators":', _operatorsJson(d), ',"avss":', vm.keyExistsJson(json, ".avss[0]") ? _avssJson(json) : "[]"),
            string.concat(',"tokens":{"osTokenVaultController":"', vm.toString(_osController(json)), '"}}')
        );
    }

    function _assetsJson(string memory json) internal view returns (string memory s) {
        s = "[";
        for (uint256 i; i < tokens.length; ++i) {
            s = string.concat(
                s,
                i == 0 ? "" : ",",
                '{"symbol":"',
                vm.parseJsonString(json, string.concat(_at(".assets", i), ".symbol")),
                '","token":"',
                vm.toString(tokens[i]),
                '","strategy":"',
                vm.toString(strategiesOf[i]),
                '","adapter":"',
                vm.toString(address(adapters[i])),
                '","entry":"',
                vm.toString(entries[i]),
                '"}'
            );
        }
        s = string.concat(s, "]");
    }

    function _operatorsJson(TrellisDeployer.Deployment memory d) internal view returns (string memory s) {
        s = "[";
        for (uint256 i; i < operators.length; ++i) {
            s = string.concat(
                s,
                i == 0 ? "" : ",",
                '{"address":"',
                vm.toString(operators[i]),
                '","delegator":"',
                vm.toString(d.vault.delegatorOf(operators[i])),
                '"}'
            );
        }
        s = string.concat(s, "]");
    }

    /// @dev The AVSs whose operator sets `trellis status` reports exposure for: the config's `avss` entries.
    function _avssJson(string memory json) internal view returns (string memory s) {
        s = "[";
        for (uint256 a; vm.keyExistsJson(json, _at(".avss", a)); ++a) {
            uint256[] memory ids = vm.parseJsonUintArray(json, string.concat(_at(".avss", a), ".operatorSetIds"));
            string memory idList;
            for (uint256 k; k < ids.length; ++k) idList = string.concat(idList, k == 0 ? "" : ",", vm.toString(ids[k]));
            s = string.concat(
                s,
                a == 0 ? "" : ",",
                '{"address":"',
                vm.toString(vm.parseJsonAddress(json, string.concat(_at(".avss", a), ".address"))),
                '","operatorSetIds":[',
                idList,
                "]}"
            );
        }
        s = string.concat(s, "]");
    }

    function _osController(string memory json) internal view returns (address) {
        for (uint256 i; vm.keyExistsJson(json, _at(".assets", i)); ++i) {
            string memory key = string.concat(_at(".assets", i), ".osTokenVaultController");
            if (vm.keyExistsJson(json, key)) return vm.parseJsonAddress(json, key);
        }
        return address(0);
    }

    function _at(string memory list, uint256 i) internal pure returns (string memory) {
        return string.concat(list, "[", vm.toString(i), "]");
    }

    function _optional(string memory json, string memory key) internal view returns (address) {
        return vm.keyExistsJson(json, key) ? vm.parseJsonAddress(json, key) : address(0);
    }

    function _required(string memory json, string memory key) internal pure returns (address a) {
        a = vm.parseJsonAddress(json, key);
        if (a == address(0)) revert MissingGovernanceAddress(key);
    }
}
