// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {BaseTest} from "../BaseTest.sol";
import {Vault} from "../../contracts/Vault.sol";
import {VaultOperations} from "../../contracts/VaultOperations.sol";
import {TrellisDeployer} from "../../script/lib/TrellisDeployer.sol";
import {TrETH} from "../../contracts/TrETH.sol";
import {AssetRegistry} from "../../contracts/AssetRegistry.sol";
import {RiskRegistry} from "../../contracts/RiskRegistry.sol";
import {WithdrawalQueue} from "../../contracts/WithdrawalQueue.sol";
import {OperatorDelegator} from "../../contracts/OperatorDelegator.sol";
import {ITrETH} from "../../contracts/interfaces/ITrETH.sol";
import {IVault, IVaultTypes} from "../../contracts/interfaces/IVault.sol";
import {IAssetRegistry} from "../../contracts/interfaces/IAssetRegistry.sol";
import {IRiskRegistry} from "../../contracts/interfaces/IRiskRegistry.sol";
import {IAllocationManager} from "../../contracts/interfaces/eigenlayer/IAllocationManager.sol";
import {IStrategyManager} from "../../contracts/interfaces/eigenlayer/IStrategyManager.sol";
import {IDelegationManager} from "../../contracts/interfaces/eigenlayer/IDelegationManager.sol";
import {IRewardsCoordinator} from "../../contracts/interfaces/eigenlayer/IRewardsCoordinator.sol";

contract VaultV2 is Vault {
    constructor(address operations) Vault(operations) {}

    function version() external pure returns (uint256) {
        return 2;
    }
}

contract UpgradesTest is BaseTest {
    function test_initializers_cannotRunTwice() public {
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        Vault(address(vault)).initialize(
            address(d.manager), ITrETH(address(trETH)), IAssetRegistry(address(registry)), IRiskRegistry(address(risk)),
            address(d.delegatorBeacon), treasury, IVaultTypes.SyncParams(0, 0)
        );
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        trETH.initialize(address(d.manager), attacker);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        registry.initialize(attacker);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        queue.initialize(attacker, IVault(address(vault)), 0, TrellisDeployer.defaultExitParams(0, 1_000));
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        OperatorDelegator(delegators[0]).initialize(attacker, attacker);
    }

    function test_initializers_cannotRunOnImplementations() public {
        Vault vaultImpl = new Vault(address(new VaultOperations()));
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        vaultImpl.initialize(
            attacker, ITrETH(attacker), IAssetRegistry(attacker), IRiskRegistry(attacker), attacker, attacker, IVaultTypes.SyncParams(0, 0)
        );
        TrETH tokenImpl = new TrETH();
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        tokenImpl.initialize(attacker, attacker);
        RiskRegistry riskImpl = new RiskRegistry();
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        riskImpl.initialize(attacker, IVault(attacker), IAllocationManager(attacker), IRiskRegistry.Limits(0, 0, 0, 0, 0));
        WithdrawalQueue queueImpl = new WithdrawalQueue();
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        queueImpl.initialize(attacker, IVault(address(vault)), 0, TrellisDeployer.defaultExitParams(0, 1_000));
        OperatorDelegator delegatorImpl = new OperatorDelegator(
            IStrategyManager(attacker), IDelegationManager(attacker), IRewardsCoordinator(attacker)
        );
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        delegatorImpl.initialize(attacker, attacker);
    }

    function test_upgrade_onlyAdmin_keepsState() public {
        _deposit(alice, address(rETH), 10 ether);
        address v2 = address(new VaultV2(address(new VaultOperations())));
        vm.prank(attacker);
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, attacker));
        Vault(address(vault)).upgradeToAndCall(v2, "");
        Vault(address(vault)).upgradeToAndCall(v2, "");
        assertEq(VaultV2(address(vault)).version(), 2);
        assertEq(vault.totalAssets(), 11 ether);
        assertEq(vault.getDelegators().length, 3);
    }

    function test_storageLocations_areErc7201() public view {
        assertEq(Vault(address(vault)).STORAGE_LOCATION(), _erc7201("trellis.Vault"));
        assertEq(trETH.STORAGE_LOCATION(), _erc7201("trellis.TrETH"));
        assertEq(registry.STORAGE_LOCATION(), _erc7201("trellis.AssetRegistry"));
        assertEq(risk.STORAGE_LOCATION(), _erc7201("trellis.RiskRegistry"));
        assertEq(queue.STORAGE_LOCATION(), _erc7201("trellis.WithdrawalQueue"));
        assertEq(OperatorDelegator(delegators[0]).STORAGE_LOCATION(), _erc7201("trellis.OperatorDelegator"));
    }

    function test_trETH_onlyVaultMints_onlyVaultAndQueueBurnTheirOwn() public {
        vm.prank(attacker);
        vm.expectRevert(abi.encodeWithSelector(ITrETH.UnauthorizedMinter.selector, attacker));
        trETH.mint(attacker, 1);
        _deposit(alice, address(rETH), 1 ether);
        vm.prank(attacker);
        vm.expectRevert(abi.encodeWithSelector(ITrETH.UnauthorizedBurner.selector, attacker));
        trETH.burn(alice, 1);
        // Even the vault cannot burn someone else's trETH.
        vm.prank(address(vault));
        vm.expectRevert(abi.encodeWithSelector(ITrETH.UnauthorizedBurner.selector, address(vault)));
        trETH.burn(alice, 1);
    }

    function _erc7201(string memory id) internal pure returns (bytes32) {
        return keccak256(abi.encode(uint256(keccak256(bytes(id))) - 1)) & ~bytes32(uint256(0xff));
    }
}
