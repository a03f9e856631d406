// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Script} from "forge-std/Script.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IStrategy} from "../contracts/interfaces/eigenlayer/IStrategy.sol";
import {OperatorSet} from "../contracts/interfaces/eigenlayer/OperatorSetLib.sol";
import {IRiskRegistry} from "../contracts/interfaces/IRiskRegistry.sol";
import {IVault, IVaultTypes} from "../contracts/interfaces/IVault.sol";
import {IAssetRegistry} from "../contracts/interfaces/IAssetRegistry.sol";
import {IPriceAdapter} from "../contracts/interfaces/IPriceAdapter.sol";
import {IStETH} from "../contracts/interfaces/lst/IStETH.sol";
import {IWstETH} from "../contracts/interfaces/lst/IWstETH.sol";
import {IRETH} from "../contracts/interfaces/lst/IRETH.sol";
import {IOsTokenVaultController} from "../contracts/interfaces/lst/IOsTokenVaultController.sol";
import {DevnetStETH} from "../contracts/devnet/tokens/DevnetStETH.sol";
import {DevnetWstETH} from "../contracts/devnet/tokens/DevnetWstETH.sol";
import {DevnetRETH} from "../contracts/devnet/tokens/DevnetRETH.sol";
import {DevnetOsETH} from "../contracts/devnet/tokens/DevnetOsETH.sol";
import {DevnetOsTokenVaultController} from "../contracts/devnet/tokens/DevnetOsTokenVaultController.sol";
import {RewardsCoordinator} from "../contracts/devnet/eigenlayer/RewardsCoordinator.sol";
import {StEthAdapter} from "../contracts/adapters/StEthAdapter.sol";
import {WstEthAdapter} from "../contracts/adapters/WstEthAdapter.sol";
import {REthAdapter} from "../contracts/adapters/REthAdapter.sol";
import {OsEthAdapter} from "../contracts/adapters/OsEthAdapter.sol";
import {Roles} from "../contracts/libraries/Roles.sol";
import {
    EigenLayerDevnetDeployer,
    EigenLayerDevnet,
    EigenLayerDevnetParams
} from "./lib/EigenLayerDevnetDeployer.sol";
import {TrellisDeployer} from "./lib/TrellisDeployer.sol";
import {DevnetPriceFeed} from "../contracts/devnet/tokens/DevnetPriceFeed.sol";
import {GovernanceDeployer} from "./lib/GovernanceDeployer.sol";

/// @title DeployDevnet
/// @notice `forge script script/DeployDevnet.s.sol --rpc-url $RPC --broadcast`: deploys the EigenLayer devnet,
/// the LST look-alikes, Trellis, a real Safe (3 owners, threshold 2) and the timelock, as configured in
/// script/config/devnet.json, and writes every address to deployments/devnet.json.
/// @dev Keys come from the devnet mnemonic: 0 deployer (token owner, rewards updater), 1 keeper, 2 guardian,
/// 3 treasury, 5-7 Safe owners, 10+ operators, 30+ AVSs. Devnet only: these keys are public.
contract DeployDevnet is Script, EigenLayerDevnetDeployer {
    string internal constant CONFIG = "script/config/devnet.json";

    struct Tokens {
        DevnetStETH stETH;
        DevnetWstETH wstETH;
        DevnetRETH rETH;
        DevnetOsETH osETH;
        DevnetOsTokenVaultController osController;
    }

    string internal json;
    string internal mnemonic;
    uint256 internal deployerKey;
    address internal deployer;
    Tokens internal t;
    EigenLayerDevnet internal el;
    RewardsCoordinator internal rewards;
    IStrategy[] internal strategies;
    /// @dev The listed assets, parallel arrays: symbol, token, adapter, strategy (`strategies`).
    string[] internal symbols;
    address[] internal listed;
    /// @dev Each listed asset's ERC-7575/7540 entry, and the wstETH entry (deposit only).
    address[] internal entries;
    address internal wstETHEntry;
    DevnetPriceFeed internal marketFeed;
    IPriceAdapter[] internal adapters;
    address[] internal operators;
    uint256[] internal operatorKeys;
    address[] internal avss;
    TrellisDeployer.Deployment internal d;
    GovernanceDeployer.Governance internal gov;

    function run() external {
        // TRELLIS_DEVNET_CONFIG: another config (under deployments/), e.g. the benchmarks' one-operator devnet.
        json = vm.readFile(vm.envOr("TRELLIS_DEVNET_CONFIG", string(CONFIG)));
        mnemonic = vm.parseJsonString(json, ".mnemonic");
        deployerKey = vm.deriveKey(mnemonic, 0);
        deployer = vm.addr(deployerKey);

        _deployTokens();
        _deployEigenLayer();
        _deployTrellis();
        _writeDeployment(vm.envOr("TRELLIS_DEPLOYMENT_OUT", string("deployments/devnet.json")));
    }

    function _deployTokens() internal {
        vm.startBroadcast(deployerKey);
        t.stETH = new DevnetStETH(deployer);
        t.wstETH = new DevnetWstETH(t.stETH);
        t.rETH = new DevnetRETH(deployer, 1.1e18);
        t.osETH = new DevnetOsETH(deployer);
        t.osController = new DevnetOsTokenVaultController(deployer, IERC20(address(t.osETH)), 1.05e18, 0);
        _list("stETH", address(t.stETH), new StEthAdapter(IStETH(address(t.stETH))));
        // Mainnet's strategy set: no wstETH strategy. wstETH is a wrapper: deposits are unwrapped and held as stETH.
        _list("rETH", address(t.rETH), new REthAdapter(IRETH(address(t.rETH))));
        _list("osETH", address(t.osETH), new OsEthAdapter(address(t.osETH), IOsTokenVaultController(address(t.osController))));
        vm.stopBroadcast();
    }

    function _deployEigenLayer() internal {
        EigenLayerDevnetParams memory params = EigenLayerDevnetParams({
            minWithdrawalDelayBlocks: uint32(vm.parseJsonUint(json, ".eigenlayer.minWithdrawalDelayBlocks")),
            deallocationDelay: uint32(vm.parseJsonUint(json, ".eigenlayer.deallocationDelay")),
            allocationConfigurationDelay: uint32(vm.parseJsonUint(json, ".eigenlayer.allocationConfigurationDelay"))
        });
        el = deployEigenLayerCore(deployerKey, params);
        IERC20[] memory tokens = new IERC20[](listed.length);
        for (uint256 i; i < listed.length; ++i) tokens[i] = IERC20(listed[i]);
        strategies = deployEigenLayerStrategies(el, deployerKey, tokens);

        vm.startBroadcast(deployerKey);
        rewards = new RewardsCoordinator(
            deployer,
            deployer,
            uint32(vm.parseJsonUint(json, ".eigenlayer.rewardsActivationDelay")),
            uint32(vm.parseJsonUint(json, ".eigenlayer.rewardsCalculationIntervalSeconds"))
        );
        vm.stopBroadcast();

        uint256 operatorCount = vm.parseJsonUint(json, ".operatorCount");
        for (uint256 i; i < operatorCount; ++i) {
            operatorKeys.push(vm.deriveKey(mnemonic, uint32(10 + i)));
            _elFund(deployerKey, vm.addr(operatorKeys[i]));
        }
        operators = registerEigenLayerOperators(
            el, operatorKeys, uint32(vm.parseJsonUint(json, ".eigenlayer.allocationDelay"))
        );

        uint256[] memory setsPerAvs = vm.parseJsonUintArray(json, ".operatorSetsPerAvs");
        for (uint256 a; a < setsPerAvs.length; ++a) {
            uint256 avsKey = vm.deriveKey(mnemonic, uint32(30 + a));
            _elFund(deployerKey, vm.addr(avsKey));
            avss.push(createEigenLayerAVS(el, avsKey, uint32(setsPerAvs[a]), strategies));
        }

        uint256[] memory op = vm.parseJsonUintArray(json, ".allocations.operator");
        uint256[] memory avs = vm.parseJsonUintArray(json, ".allocations.avs");
        uint256[] memory setId = vm.parseJsonUintArray(json, ".allocations.operatorSetId");
        uint256[] memory bps = vm.parseJsonUintArray(json, ".allocations.magnitudeBps");
        for (uint256 i; i < op.length; ++i) {
            allocateAndRegisterEigenLayerOperator(
                el, operatorKeys[op[i]], OperatorSet(avss[avs[i]], uint32(setId[i])), strategies, uint64(bps[i] * 1e14)
            );
        }
    }

    function _deployTrellis() internal {
        IRiskRegistry.Limits memory limits = IRiskRegistry.Limits({
            operatorCapBps: uint16(vm.parseJsonUint(json, ".limits.operatorCapBps")),
            defaultAvsCapBps: uint16(vm.parseJsonUint(json, ".limits.defaultAvsCapBps")),
            defaultOperatorSetCapBps: uint16(vm.parseJsonUint(json, ".limits.defaultOperatorSetCapBps")),
            totalSlashableCapBps: uint16(vm.parseJsonUint(json, ".limits.totalSlashableCapBps")),
            minBufferBps: uint16(vm.parseJsonUint(json, ".limits.minBufferBps"))
        });
        IVaultTypes.SyncParams memory syncParams = IVaultTypes.SyncParams({
            maxAprBps: uint16(vm.parseJsonUint(json, ".sync.maxAprBps")),
            feeBps: uint16(vm.parseJsonUint(json, ".sync.feeBps"))
        });
        TrellisDeployer.Actors memory actors = TrellisDeployer.Actors({
            riskManager: deployer, // replaced by the Safe below
            keeper: vm.addr(vm.deriveKey(mnemonic, 1)),
            guardian: vm.addr(vm.deriveKey(mnemonic, 2)),
            treasury: vm.addr(vm.deriveKey(mnemonic, 3))
        });
        address[] memory owners = new address[](3);
        for (uint32 i; i < 3; ++i) owners[i] = vm.addr(vm.deriveKey(mnemonic, 5 + i));

        vm.startBroadcast(deployerKey);
        d = TrellisDeployer.deploy(
            deployer,
            TrellisDeployer.EigenLayerCore({
                strategyManager: address(el.strategyManager),
                delegationManager: address(el.delegationManager),
                allocationManager: address(el.allocationManager),
                rewardsCoordinator: address(rewards)
            }),
            actors,
            limits,
            syncParams
        );
        uint128 cap = uint128(vm.parseJsonUint(json, ".assets.depositCap"));
        uint128 minDeposit = uint128(vm.parseJsonUint(json, ".assets.minDeposit"));
        // Price bounds: stETH is 1:1; the others between 1 and 2 ETH per unit.
        for (uint256 i; i < listed.length; ++i) {
            bool isStETH = listed[i] == address(t.stETH);
            _addAsset(listed[i], i, isStETH ? 0.99e18 : 1e18, isStETH ? 1.01e18 : 2e18, cap, minDeposit, isStETH);
        }
        d.assetRegistry.addWrapper(address(t.wstETH), address(t.stETH));
        // A stETH/ETH market feed the demo can move (Chainlink's is the model): deposits are priced at the lower
        // of Lido's rate and the market, and refused when they are more than 2% apart.
        marketFeed = new DevnetPriceFeed(deployer, "stETH / ETH", 1e18);
        d.assetRegistry.setMarketGuard(
            address(t.stETH), IAssetRegistry.MarketGuard({feed: address(marketFeed), maxAge: 3650 days, maxDivergenceBps: 200})
        );
        for (uint256 i; i < listed.length; ++i) entries.push(address(TrellisDeployer.addEntry(d, listed[i])));
        wstETHEntry = address(TrellisDeployer.addEntry(d, address(t.wstETH)));
        for (uint256 i; i < operators.length; ++i) {
            d.riskRegistry.setOperatorAllowed(operators[i], true);
            d.vault.addOperatorDelegator(operators[i]);
        }

        gov = GovernanceDeployer.deployGovernance(
            owners, vm.parseJsonUint(json, ".safeThreshold"), vm.parseJsonUint(json, ".timelockDelaySeconds")
        );
        d.manager.grantRole(Roles.RISK_MANAGER, gov.safe, 0);
        d.manager.grantRole(Roles.GUARDIAN, gov.safe, 0);
        d.manager.revokeRole(Roles.RISK_MANAGER, deployer);
        TrellisDeployer.handOver(d, deployer, address(gov.timelock));
        vm.stopBroadcast();
    }

    function _list(string memory symbol, address token, IPriceAdapter adapter) internal {
        symbols.push(symbol);
        listed.push(token);
        adapters.push(adapter);
    }

    function _addAsset(
        address token,
        uint256 i,
        uint128 minPrice,
        uint128 maxPrice,
        uint128 cap,
        uint128 minDeposit,
        bool rebasing
    ) internal {
        d.assetRegistry.addAsset(
            token,
            IAssetRegistry.AssetConfig({
                strategy: address(strategies[i]),
                adapter: adapters[i],
                minPrice: minPrice,
                maxPrice: maxPrice,
                depositCap: cap,
                minDeposit: minDeposit,
                rebasing: rebasing
            })
        );
    }

    // ------------------------------------------------------------------ JSON output

    function _writeDeployment(string memory path) internal {
        string memory out = string.concat(
            '{"network":"devnet","chainId":',
            vm.toString(block.chainid),
            ',"trellis":',
            _trellisJson(),
            ',"eigenlayer":',
            _eigenlayerJson(),
            ',"assets":',
            _assetsJson(),
            ',"operators":',
            _operatorsJson(),
            ',"avss":',
            _avssJson(),
            ',"actors":',
            _actorsJson(),
            ',"tokens":',
            _tokensJson(),
            "}"
        );
        vm.writeFile(path, out);
    }

    function _kv(string memory k, address v) internal pure returns (string memory) {
        return string.concat('"', k, '":"', vm.toString(v), '"');
    }

    function _trellisJson() internal view returns (string memory) {
        return string.concat(
            "{",
            string.concat(
                _kv("accessManager", address(d.manager)), ",", _kv("trETH", address(d.trETH)), ",", _kv("vault", address(d.vault)), ","
            ),
            string.concat(
                _kv("assetRegistry", address(d.assetRegistry)), ",", _kv("riskRegistry", address(d.riskRegistry)), ","
            ),
            string.concat(
                _kv("withdrawalQueue", address(d.withdrawalQueue)), ",", _kv("rateFeed", address(d.rateFeed)), ",",
                _kv("stEthMarketFeed", address(marketFeed)), ","
            ),
            string.concat(_kv("delegatorBeacon", address(d.delegatorBeacon)), ",", _kv("timelock", address(gov.timelock)), ","),
            string.concat(_kv("safe", gov.safe), ",", _kv("multiSend", gov.multiSendCallOnly), "}")
        );
    }

    function _eigenlayerJson() internal view returns (string memory) {
        return string.concat(
            "{",
            _kv("strategyManager", address(el.strategyManager)),
            ",",
            _kv("delegationManager", address(el.delegationManager)),
            ",",
            _kv("allocationManager", address(el.allocationManager)),
            ",",
            _kv("rewardsCoordinator", address(rewards)),
            ",",
            _kv("permissionController", address(el.permissionController)),
            "}"
        );
    }

    function _assetsJson() internal view returns (string memory s) {
        s = "[";
        for (uint256 i; i < listed.length; ++i) {
            s = string.concat(
                s,
                i == 0 ? "" : ",",
                '{"symbol":"',
                symbols[i],
                '",',
                _kv("token", listed[i]),
                ",",
                _kv("strategy", address(strategies[i])),
                ",",
                _kv("adapter", address(adapters[i])),
                ",",
                _kv("entry", entries[i]),
                "}"
            );
        }
        // wstETH: no strategy (held as stETH once unwrapped), a deposit-only entry.
        s = string.concat(
            s,
            ',{"symbol":"wstETH",',
            _kv("token", address(t.wstETH)),
            ",",
            _kv("strategy", address(0)),
            ",",
            _kv("adapter", address(0)),
            ",",
            _kv("entry", wstETHEntry),
            ',"wraps":"stETH"}]'
        );
    }

    function _operatorsJson() internal view returns (string memory s) {
        s = "[";
        for (uint256 i; i < operators.length; ++i) {
            s = string.concat(
                s,
                i == 0 ? "" : ",",
                "{",
                _kv("address", operators[i]),
                ",",
                _kv("delegator", d.vault.delegatorOf(operators[i])),
                ',"keyIndex":',
                vm.toString(10 + i),
                "}"
            );
        }
        s = string.concat(s, "]");
    }

    function _avssJson() internal view returns (string memory s) {
        uint256[] memory setsPerAvs = vm.parseJsonUintArray(json, ".operatorSetsPerAvs");
        s = "[";
        for (uint256 a; a < avss.length; ++a) {
            string memory ids = "[";
            for (uint256 k; k < setsPerAvs[a]; ++k) ids = string.concat(ids, k == 0 ? "" : ",", vm.toString(k));
            s = string.concat(
                s,
                a == 0 ? "" : ",",
                "{",
                _kv("address", avss[a]),
                ',"operatorSetIds":',
                ids,
                '],"keyIndex":',
                vm.toString(30 + a),
                "}"
            );
        }
        s = string.concat(s, "]");
    }

    function _actorsJson() internal view returns (string memory) {
        return string.concat(
            "{",
            _kv("deployer", deployer),
            ",",
            _kv("keeper", vm.addr(vm.deriveKey(mnemonic, 1))),
            ",",
            _kv("guardian", vm.addr(vm.deriveKey(mnemonic, 2))),
            ",",
            _kv("treasury", vm.addr(vm.deriveKey(mnemonic, 3))),
            ',"safeOwners":["',
            string.concat(
                vm.toString(vm.addr(vm.deriveKey(mnemonic, 5))),
                '","',
                vm.toString(vm.addr(vm.deriveKey(mnemonic, 6))),
                '","',
                vm.toString(vm.addr(vm.deriveKey(mnemonic, 7))),
                '"]}'
            )
        );
    }

    function _tokensJson() internal view returns (string memory) {
        return string.concat(
            "{", _kv("osTokenVaultController", address(t.osController)), ",", _kv("wstETH", address(t.wstETH)), "}"
        );
    }
}
