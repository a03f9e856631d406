// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Script} from "forge-std/Script.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Safe} from "@safe-global/safe-smart-account/contracts/Safe.sol";
import {SafeProxyFactory} from "@safe-global/safe-smart-account/contracts/proxies/SafeProxyFactory.sol";
import {CompatibilityFallbackHandler} from
    "@safe-global/safe-smart-account/contracts/handler/CompatibilityFallbackHandler.sol";
import {MultiSendCallOnly} from "@safe-global/safe-smart-account/contracts/libraries/MultiSendCallOnly.sol";
import {IStrategy} from "../contracts/interfaces/eigenlayer/IStrategy.sol";
import {OperatorSet} from "../contracts/interfaces/eigenlayer/OperatorSetLib.sol";
import {PermissionController} from "../contracts/devnet/eigenlayer/PermissionController.sol";
import {DelegationManager} from "../contracts/devnet/eigenlayer/DelegationManager.sol";
import {StrategyManager} from "../contracts/devnet/eigenlayer/StrategyManager.sol";
import {AllocationManager} from "../contracts/devnet/eigenlayer/AllocationManager.sol";
import {DevnetStETH} from "../contracts/devnet/tokens/DevnetStETH.sol";
import {DevnetWstETH} from "../contracts/devnet/tokens/DevnetWstETH.sol";
import {DevnetRETH} from "../contracts/devnet/tokens/DevnetRETH.sol";
import {DevnetOsETH} from "../contracts/devnet/tokens/DevnetOsETH.sol";
import {DevnetOsTokenVaultController} from "../contracts/devnet/tokens/DevnetOsTokenVaultController.sol";
import {EigenLayerDevnetDeployer, EigenLayerDevnet} from "./lib/EigenLayerDevnetDeployer.sol";
import {GovernanceDeployer} from "./lib/GovernanceDeployer.sol";

/// @notice EigenLayer's StrategyFactory: permissionless, one StrategyBase beacon proxy per token, whitelisted.
interface IStrategyFactory {
    function deployNewStrategy(IERC20 token) external returns (IStrategy newStrategy);
}

/// @title SetUpRealCore
/// @notice On a chain running the REAL EigenLayer core (`../shared/eigenlayer/anvil/`, loaded into anvil), sets up
/// what a public network already has before Trellis arrives, with the devnet's layout (script/config/devnet.json):
/// the LST look-alikes, their strategies from the real StrategyFactory, operators, AVSs each with a registrar
/// contract and operator sets, the operators' allocations and registrations, and a Safe (owners 5-7, threshold
/// 2). It then writes a `DeployTrellis` config for that chain to `TRELLIS_DEPLOY_CONFIG_OUT`, so Trellis is
/// deployed by the same script and config format as on mainnet.
/// @dev Keys from the devnet mnemonic, as on the devnet: 0 deployer (owns the LSTs; on this chain also every
/// EigenLayer role), 1 keeper, 2 guardian, 3 treasury, 5-7 Safe owners, 10+ operators, 30+ AVSs.
/// The strategy set is mainnet's: stETH, rETH, osETH; wstETH has no strategy (Trellis unwraps it to stETH).
contract SetUpRealCore is Script, EigenLayerDevnetDeployer {
    string internal json;
    string internal mnemonic;
    uint256 internal deployerKey;
    EigenLayerDevnet internal el;
    address internal strategyFactory;
    address internal rewardsCoordinator;
    DevnetStETH internal stETH;
    DevnetWstETH internal wstETH;
    DevnetRETH internal rETH;
    DevnetOsETH internal osETH;
    DevnetOsTokenVaultController internal osController;
    IStrategy[] internal strategies;
    string[] internal symbols;
    address[] internal operators;
    address[] internal avss;
    address internal safe;
    address internal multiSend;

    function run() external {
        json = vm.readFile("script/config/devnet.json");
        mnemonic = vm.parseJsonString(json, ".mnemonic");
        deployerKey = vm.deriveKey(mnemonic, 0);
        _readCore(vm.readFile(vm.envOr("EIGENLAYER_ADDRESSES", string("../shared/eigenlayer/anvil/addresses.json"))));
        _deployTokensAndStrategies();
        _setUpOperatorsAndAvss();
        _deploySafe();
        vm.writeFile(vm.envString("TRELLIS_DEPLOY_CONFIG_OUT"), _config());
    }

    function _readCore(string memory addresses) internal {
        el.permissionController = PermissionController(vm.parseJsonAddress(addresses, ".contracts.permissionController"));
        el.delegationManager = DelegationManager(vm.parseJsonAddress(addresses, ".contracts.delegationManager"));
        el.strategyManager = StrategyManager(vm.parseJsonAddress(addresses, ".contracts.strategyManager"));
        el.allocationManager = AllocationManager(vm.parseJsonAddress(addresses, ".contracts.allocationManager"));
        rewardsCoordinator = vm.parseJsonAddress(addresses, ".contracts.rewardsCoordinator");
        strategyFactory = vm.parseJsonAddress(addresses, ".contracts.strategyFactory");
    }

    function _deployTokensAndStrategies() internal {
        address deployer = vm.addr(deployerKey);
        vm.startBroadcast(deployerKey);
        stETH = new DevnetStETH(deployer);
        wstETH = new DevnetWstETH(stETH);
        rETH = new DevnetRETH(deployer, 1.1e18);
        osETH = new DevnetOsETH(deployer);
        osController = new DevnetOsTokenVaultController(deployer, IERC20(address(osETH)), 1.05e18, 0);
        // Lido's bootstrap stake: a live stETH never has zero supply, so wstETH's stEthPerToken is never 0.
        stETH.mint(deployer, 1 ether);
        _newStrategy("stETH", address(stETH));
        _newStrategy("rETH", address(rETH));
        _newStrategy("osETH", address(osETH));
        vm.stopBroadcast();
    }

    function _newStrategy(string memory symbol, address token) internal {
        strategies.push(IStrategyFactory(strategyFactory).deployNewStrategy(IERC20(token)));
        symbols.push(symbol);
    }

    function _setUpOperatorsAndAvss() internal {
        uint256 operatorCount = vm.parseJsonUint(json, ".operatorCount");
        uint256[] memory operatorKeys = new uint256[](operatorCount);
        for (uint256 i; i < operatorCount; ++i) {
            operatorKeys[i] = vm.deriveKey(mnemonic, uint32(10 + i));
            _elFund(deployerKey, vm.addr(operatorKeys[i]));
        }
        operators =
            registerEigenLayerOperators(el, operatorKeys, uint32(vm.parseJsonUint(json, ".eigenlayer.allocationDelay")));

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

    function _deploySafe() internal {
        address[] memory owners = new address[](3);
        for (uint32 i; i < 3; ++i) owners[i] = vm.addr(vm.deriveKey(mnemonic, 5 + i));
        vm.startBroadcast(deployerKey);
        address singleton = address(new Safe());
        address factory = address(new SafeProxyFactory());
        address handler = address(new CompatibilityFallbackHandler());
        multiSend = address(new MultiSendCallOnly());
        safe = GovernanceDeployer.deploySafe(factory, singleton, handler, owners, vm.parseJsonUint(json, ".safeThreshold"), 0);
        vm.stopBroadcast();
    }

    // ------------------------------------------------------------------ the DeployTrellis config

    function _config() internal view returns (string memory) {
        string memory head = string.concat(
            '{"network":"local","chainId":',
            vm.toString(block.chainid),
            ',"comment":"written by script/SetUpRealCore.s.sol for the real EigenLayer core on anvil",',
            _eigenlayerJson(),
            ',"assets":',
            _assetsJson(),
            ',"limits":',
            _limitsJson()
        );
        string memory sync = string.concat(
            ',"sync":{"maxAprBps":',
            vm.toString(vm.parseJsonUint(json, ".sync.maxAprBps")),
            ',"feeBps":',
            vm.toString(vm.parseJsonUint(json, ".sync.feeBps")),
            '},"timelockDelaySeconds":',
            vm.toString(vm.parseJsonUint(json, ".timelockDelaySeconds"))
        );
        return string.concat(
            head, sync, ',"operators":', _addressList(operators), ',"avss":', _avssJson(), ",", _governanceJson(), "}"
        );
    }

    function _eigenlayerJson() internal view returns (string memory) {
        return string.concat(
            '"eigenlayer":{"strategyManager":"',
            vm.toString(address(el.strategyManager)),
            '","delegationManager":"',
            vm.toString(address(el.delegationManager)),
            '","allocationManager":"',
            vm.toString(address(el.allocationManager)),
            '","rewardsCoordinator":"',
            vm.toString(rewardsCoordinator),
            '","permissionController":"',
            vm.toString(address(el.permissionController)),
            '"}'
        );
    }

    function _assetsJson() internal view returns (string memory s) {
        string memory cap = vm.parseJsonString(json, ".assets.depositCap");
        string memory minDeposit = vm.parseJsonString(json, ".assets.minDeposit");
        s = "[";
        for (uint256 i; i < strategies.length; ++i) {
            bool isStETH = keccak256(bytes(symbols[i])) == keccak256("stETH");
            bool isOsETH = keccak256(bytes(symbols[i])) == keccak256("osETH");
            string memory head = string.concat(
                i == 0 ? "" : ",",
                string.concat('{"symbol":"', symbols[i], '","kind":"', symbols[i], '","strategy":"'),
                vm.toString(address(strategies[i])),
                isOsETH ? string.concat('","osTokenVaultController":"', vm.toString(address(osController))) : ""
            );
            // Price bounds as on the devnet: stETH 1:1, the others between 1 and 2 ETH per unit.
            string memory bounds = isStETH
                ? '","minPrice":"990000000000000000","maxPrice":"1010000000000000000"'
                : '","minPrice":"1000000000000000000","maxPrice":"2000000000000000000"';
            s = string.concat(s, head, bounds, ',"depositCap":"', cap, '","minDeposit":"', minDeposit, '"}');
        }
        // wstETH: a wrapper of stETH (listed after it), no strategy of its own.
        s = string.concat(s, ',{"symbol":"wstETH","kind":"wstETH","token":"', vm.toString(address(wstETH)), '"}]');
    }

    function _limitsJson() internal view returns (string memory) {
        return string.concat(
            '{"operatorCapBps":',
            vm.toString(vm.parseJsonUint(json, ".limits.operatorCapBps")),
            ',"defaultAvsCapBps":',
            vm.toString(vm.parseJsonUint(json, ".limits.defaultAvsCapBps")),
            ',"defaultOperatorSetCapBps":',
            vm.toString(vm.parseJsonUint(json, ".limits.defaultOperatorSetCapBps")),
            ',"totalSlashableCapBps":',
            vm.toString(vm.parseJsonUint(json, ".limits.totalSlashableCapBps")),
            ',"minBufferBps":',
            vm.toString(vm.parseJsonUint(json, ".limits.minBufferBps")),
            "}"
        );
    }

    function _avssJson() internal view returns (string memory s) {
        uint256[] memory setsPerAvs = vm.parseJsonUintArray(json, ".operatorSetsPerAvs");
        s = "[";
        for (uint256 a; a < avss.length; ++a) {
            string memory ids;
            for (uint256 k; k < setsPerAvs[a]; ++k) ids = string.concat(ids, k == 0 ? "" : ",", vm.toString(k));
            s = string.concat(
                s, a == 0 ? "" : ",", '{"address":"', vm.toString(avss[a]), '","operatorSetIds":[', ids, "]}"
            );
        }
        s = string.concat(s, "]");
    }

    function _governanceJson() internal view returns (string memory) {
        return string.concat(
            '"governance":{"safe":"',
            vm.toString(safe),
            '","keeper":"',
            vm.toString(vm.addr(vm.deriveKey(mnemonic, 1))),
            '","guardian":"',
            vm.toString(vm.addr(vm.deriveKey(mnemonic, 2))),
            '","treasury":"',
            vm.toString(vm.addr(vm.deriveKey(mnemonic, 3))),
            '","multiSendCallOnly":"',
            vm.toString(multiSend),
            '"}'
        );
    }

    function _addressList(address[] memory list) internal pure returns (string memory s) {
        s = "[";
        for (uint256 i; i < list.length; ++i) s = string.concat(s, i == 0 ? '"' : ',"', vm.toString(list[i]), '"');
        s = string.concat(s, "]");
    }
}
