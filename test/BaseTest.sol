// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IStrategy} from "../contracts/interfaces/eigenlayer/IStrategy.sol";
import {OperatorSet} from "../contracts/interfaces/eigenlayer/OperatorSetLib.sol";
import {IRiskRegistry} from "../contracts/interfaces/IRiskRegistry.sol";
import {IVault, IVaultTypes} from "../contracts/interfaces/IVault.sol";
import {IAssetRegistry} from "../contracts/interfaces/IAssetRegistry.sol";
import {IWithdrawalQueue} from "../contracts/interfaces/IWithdrawalQueue.sol";
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
import {TrETH} from "../contracts/TrETH.sol";
import {Vault} from "../contracts/Vault.sol";
import {AssetRegistry} from "../contracts/AssetRegistry.sol";
import {RiskRegistry} from "../contracts/RiskRegistry.sol";
import {WithdrawalQueue} from "../contracts/WithdrawalQueue.sol";
import {
    EigenLayerDevnet,
    EigenLayerDevnetDeployer,
    EigenLayerDevnetParams
} from "../script/lib/EigenLayerDevnetDeployer.sol";
import {TrellisDeployer} from "../script/lib/TrellisDeployer.sol";
import {TrellisEntry} from "../contracts/TrellisEntry.sol";

/// @dev The whole stack in one test contract: EigenLayer devnet core (through the same deployer the scripts
/// use, pranking instead of broadcasting), the four LST look-alikes, the RewardsCoordinator and Trellis
/// (through the same TrellisDeployer). This contract is ADMIN; named actors hold the other roles.
/// Operators: op0 allocates 50% to (avsA, 0); op1 30% to (avsA, 1) and 30% to (avsB, 0); op2 20% to (avsB, 0).
abstract contract BaseTest is Test, EigenLayerDevnetDeployer {
    uint256 internal constant MIN_DEPOSIT = 1e9;
    uint256 internal constant MAX_DEPOSIT = 1e24;
    uint256 internal constant DEPOSIT_CAP = 1e27;
    uint32 internal constant MIN_WITHDRAWAL_DELAY = 50;

    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal attacker = makeAddr("attacker");
    address internal keeper = makeAddr("keeper");
    address internal guardian = makeAddr("guardian");
    address internal riskManager = makeAddr("riskManager");
    address internal treasury = makeAddr("treasury");
    uint256 internal elOwnerKey;

    DevnetStETH internal stETH;
    DevnetWstETH internal wstETH;
    DevnetRETH internal rETH;
    DevnetOsETH internal osETH;
    DevnetOsTokenVaultController internal osController;
    address[] internal assets;
    /// @dev Indexed like `assets`: wstETH is held as stETH, so its entry is the stETH strategy.
    IStrategy[] internal strategies;
    /// @dev The EigenLayer strategies, as on mainnet: stETH, rETH, osETH (no wstETH strategy).
    IStrategy[] internal heldStrategies;

    EigenLayerDevnet internal el;
    RewardsCoordinator internal rewards;
    uint256[] internal operatorKeys;
    address[] internal operators;
    address[] internal delegators;
    address internal avsA;
    address internal avsB;
    uint256 internal avsAKey;
    uint256 internal avsBKey;

    TrellisDeployer.Deployment internal d;
    IVault internal vault;
    TrETH internal trETH;
    AssetRegistry internal registry;
    RiskRegistry internal risk;
    WithdrawalQueue internal queue;
    /// @dev One ERC-7575/7540 entry per asset, indexed like `assets`.
    TrellisEntry[] internal entries;

    function setUp() public virtual {
        vm.roll(1_000);
        vm.warp(1_750_000_000);
        _deployTokens();
        _deployEigenLayer();
        _deployTrellis();
    }

    // ---------------------------------------------------------------- setup

    function _deployTokens() internal {
        stETH = new DevnetStETH(address(this));
        wstETH = new DevnetWstETH(stETH);
        rETH = new DevnetRETH(address(this), 1.1e18);
        osETH = new DevnetOsETH(address(this));
        osController = new DevnetOsTokenVaultController(address(this), IERC20(address(osETH)), 1.05e18, 0);
        assets.push(address(stETH));
        assets.push(address(wstETH));
        assets.push(address(rETH));
        assets.push(address(osETH));
        // Give stETH a non-trivial share rate, as on mainnet: balances then really round.
        stETH.mint(address(this), 1000 ether);
        stETH.accrue(1700);
    }

    function _deployEigenLayer() internal {
        (, elOwnerKey) = makeAddrAndKey("eigenlayerOwner");
        el = deployEigenLayerCore(
            elOwnerKey,
            EigenLayerDevnetParams({
                minWithdrawalDelayBlocks: MIN_WITHDRAWAL_DELAY,
                deallocationDelay: 40,
                allocationConfigurationDelay: 1
            })
        );
        IERC20[] memory tokens = new IERC20[](3);
        tokens[0] = IERC20(address(stETH));
        tokens[1] = IERC20(address(rETH));
        tokens[2] = IERC20(address(osETH));
        IStrategy[] memory s = deployEigenLayerStrategies(el, elOwnerKey, tokens);
        for (uint256 i; i < 3; ++i) heldStrategies.push(s[i]);
        strategies.push(s[0]);
        strategies.push(s[0]);
        strategies.push(s[1]);
        strategies.push(s[2]);
        rewards = new RewardsCoordinator(address(this), address(this), 0, 1 days);

        for (uint256 i; i < 3; ++i) {
            (, uint256 key) = makeAddrAndKey(string.concat("operator", vm.toString(i)));
            operatorKeys.push(key);
        }
        operators = registerEigenLayerOperators(el, operatorKeys, 1);
        (avsA, avsAKey) = makeAddrAndKey("avsA");
        (avsB, avsBKey) = makeAddrAndKey("avsB");
        createEigenLayerAVS(el, avsAKey, 2, heldStrategies);
        createEigenLayerAVS(el, avsBKey, 1, heldStrategies);
        allocateAndRegisterEigenLayerOperator(el, operatorKeys[0], OperatorSet(avsA, 0), heldStrategies, 0.5e18);
        allocateAndRegisterEigenLayerOperator(el, operatorKeys[1], OperatorSet(avsA, 1), heldStrategies, 0.3e18);
        allocateAndRegisterEigenLayerOperator(el, operatorKeys[1], OperatorSet(avsB, 0), heldStrategies, 0.3e18);
        allocateAndRegisterEigenLayerOperator(el, operatorKeys[2], OperatorSet(avsB, 0), heldStrategies, 0.2e18);
        // Past the operators' allocation delay: the allocations are live.
        vm.roll(block.number + 2);
    }

    function _deployTrellis() internal {
        d = TrellisDeployer.deploy(
            address(this),
            TrellisDeployer.EigenLayerCore({
                strategyManager: address(el.strategyManager),
                delegationManager: address(el.delegationManager),
                allocationManager: address(el.allocationManager),
                rewardsCoordinator: address(rewards)
            }),
            TrellisDeployer.Actors({riskManager: riskManager, keeper: keeper, guardian: guardian, treasury: treasury}),
            IRiskRegistry.Limits({
                operatorCapBps: 10_000,
                defaultAvsCapBps: 10_000,
                defaultOperatorSetCapBps: 10_000,
                totalSlashableCapBps: 10_000,
                minBufferBps: 0
            }),
            IVaultTypes.SyncParams({maxAprBps: 1_000, feeBps: 1_000})
        );
        vault = d.vault;
        trETH = d.trETH;
        registry = d.assetRegistry;
        risk = d.riskRegistry;
        queue = d.withdrawalQueue;
        // The lane's mechanics are tested on a 2%-10% curve. The deploy default is priced against the per-set cap
        // (closed at this base's 100% cap); Exits.t.sol tests that default on its own.
        IWithdrawalQueue.ExitParams memory exit = queue.exitParams();
        (exit.periodLimitBps, exit.minFeeBps, exit.maxFeeBps) = (100, 200, 1_000);
        queue.setExitParams(exit);

        _addAsset(address(stETH), 0, new StEthAdapter(IStETH(address(stETH))), 0.99e18, 1.01e18, true);
        registry.addWrapper(address(wstETH), address(stETH));
        _addAsset(address(rETH), 2, new REthAdapter(IRETH(address(rETH))), 1e18, 2e18, false);
        _addAsset(
            address(osETH), 3, new OsEthAdapter(address(osETH), IOsTokenVaultController(address(osController))), 1e18, 2e18, false
        );
        for (uint256 i; i < assets.length; ++i) entries.push(TrellisDeployer.addEntry(d, assets[i]));
        for (uint256 i; i < _delegatorCount(); ++i) {
            risk.setOperatorAllowed(operators[i], true);
            delegators.push(vault.addOperatorDelegator(operators[i]));
        }
    }

    /// @dev How many of the three operators get a Trellis delegator.
    function _delegatorCount() internal view virtual returns (uint256) {
        return operators.length;
    }

    function _addAsset(address token, uint256 i, IPriceAdapter adapter, uint128 minPrice, uint128 maxPrice, bool rebasing)
        internal
    {
        registry.addAsset(
            token,
            IAssetRegistry.AssetConfig({
                strategy: address(strategies[i]),
                adapter: adapter,
                minPrice: minPrice,
                maxPrice: maxPrice,
                depositCap: uint128(DEPOSIT_CAP),
                minDeposit: uint128(MIN_DEPOSIT),
                rebasing: rebasing
            })
        );
    }

    function _elStartActing(uint256 key) internal override {
        vm.startPrank(vm.addr(key));
    }

    function _elStopActing() internal override {
        vm.stopPrank();
    }

    function _elFund(uint256, address) internal override {}

    // ---------------------------------------------------------------- helpers

    /// @dev Mints `amount` of `asset` to `to` (stETH may land 1-2 wei short, as on mainnet).
    function _mintLst(address asset, address to, uint256 amount) internal {
        if (asset == address(stETH)) {
            stETH.mint(to, amount);
        } else if (asset == address(wstETH)) {
            uint256 stAmount = wstETH.getStETHByWstETH(amount) + 10;
            stETH.mint(address(this), stAmount);
            stETH.approve(address(wstETH), stAmount);
            uint256 wrapped = wstETH.wrap(stAmount);
            wstETH.transfer(to, amount <= wrapped ? amount : wrapped);
        } else if (asset == address(rETH)) {
            rETH.mint(to, amount);
        } else {
            osETH.mint(to, amount);
        }
    }

    function _deposit(address user, address asset, uint256 amount) internal returns (uint256 shares) {
        _mintLst(asset, user, amount);
        vm.startPrank(user);
        IERC20(asset).approve(address(vault), amount);
        shares = vault.deposit(asset, amount, 0, user);
        vm.stopPrank();
    }

    function _allocate(uint256 operatorIndex, address asset, uint256 amount) internal returns (uint256 shares) {
        vm.prank(keeper);
        shares = vault.allocate(delegators[operatorIndex], asset, amount);
    }

    /// @dev As the keeper does: refresh every delegator's holdings, then sync.
    function _sync() internal returns (uint256) {
        vault.refresh(type(uint256).max);
        vm.prank(keeper);
        return vault.sync();
    }

    /// @dev ETH per 1e18 units of a deposit asset (wstETH through its stETH).
    function _priceOf(address asset) internal view returns (uint256) {
        if (asset == address(wstETH)) return wstETH.stEthPerToken() * registry.price(address(stETH)) / 1e18;
        return registry.price(asset);
    }

    /// @dev ETH value of `amount` of a deposit asset, as the vault counts it (wstETH unwrapped first).
    function _valueOf(address asset, uint256 amount) internal view returns (uint256) {
        if (asset == address(wstETH)) return wstETH.getStETHByWstETH(amount) * registry.price(address(stETH)) / 1e18;
        return amount * registry.price(asset) / 1e18;
    }

    /// @dev Deposits through the asset's ERC-7575 entry, as a user does.
    function _depositViaEntry(address user, uint256 assetIndex, uint256 amount) internal returns (uint256 shares) {
        _mintLst(assets[assetIndex], user, amount);
        vm.startPrank(user);
        IERC20(assets[assetIndex]).approve(address(entries[assetIndex]), amount);
        shares = entries[assetIndex].deposit(amount, user);
        vm.stopPrank();
    }

    /// @dev Lets the stream release everything pending (and keeps the measurement fresh).
    function _settleStream() internal {
        vm.warp(block.timestamp + vault.rateParams().streamWindow + 1);
        _sync();
        vm.warp(block.timestamp + vault.rateParams().streamWindow + 1);
        vault.refresh(type(uint256).max);
    }
}
