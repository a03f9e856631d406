// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {BaseTest} from "../BaseTest.sol";
import {IAssetRegistry} from "../../contracts/interfaces/IAssetRegistry.sol";

/// @dev First-depositor inflation: the attacker deposits 1 wei, then donates a large amount to the vault,
/// to a delegator and to the EigenLayer strategy, and syncs, hoping the victim's deposit rounds to nothing.
/// Bound: the victim loses at most 1 wei plus 1e-9 of the deposit (the virtual gwei's pro-rata crumb), and the
/// attacker loses the donation.
contract InflationTest is BaseTest {
    function setUp() public override {
        super.setUp();
        IAssetRegistry.AssetConfig memory c = registry.getAssetConfig(address(rETH));
        c.minDeposit = 1;
        registry.setAssetConfig(address(rETH), c);
        rETH.setExchangeRate(1e18);
    }

    function testFuzz_inflationAttack_failsAndCostsTheAttacker(uint256 donation, uint256 victimDeposit) public {
        donation = bound(donation, 1 ether, 1e24);
        victimDeposit = bound(victimDeposit, 1e9, 1e24);

        uint256 attackerShares = _deposit(attacker, address(rETH), 1);
        assertEq(attackerShares, 1);
        // Donations: straight to the vault, to a delegator, and into the EigenLayer strategy (raising its
        // share price), then a sync a year later to try to book them.
        _allocate(0, address(rETH), 1);
        _mintLst(address(rETH), attacker, 3 * donation);
        vm.startPrank(attacker);
        IERC20(address(rETH)).transfer(address(vault), donation);
        IERC20(address(rETH)).transfer(delegators[0], donation);
        IERC20(address(rETH)).transfer(address(strategies[2]), donation);
        vm.stopPrank();
        vm.warp(block.timestamp + 365 days);
        _sync();

        uint256 victimShares = _deposit(alice, address(rETH), victimDeposit);
        uint256 victimValue = vault.convertToAssets(victimShares);
        // The victim pays for held-but-unbooked gains (here the donation) up to the deposit premium, and gets them
        // back as they stream; beyond that, virtual shares bound his loss to a 1e9th.
        uint256 premium = victimDeposit * vault.rateParams().maxDepositPremiumBps / 10_000;
        assertGe(victimValue + 1 + victimDeposit / 1e9 + premium, victimDeposit, "victim lost more than the bound");
        assertGt(victimShares, 0);

        uint256 attackerValue = vault.convertToAssets(attackerShares);
        assertLt(attackerValue, 3 * donation + 1, "attacker must lose money");
        assertLe(attackerValue, 1, "the donation is never booked to the attacker");
    }

    function test_directTransfer_neverMovesTheRate() public {
        _deposit(alice, address(rETH), 10 ether);
        uint256 rateBefore = vault.rate();
        _mintLst(address(rETH), attacker, 100 ether);
        vm.prank(attacker);
        IERC20(address(rETH)).transfer(address(vault), 100 ether);
        assertEq(vault.rate(), rateBefore);
        assertEq(vault.markedAssets(), 10 ether);
        _sync();
        assertEq(vault.rate(), rateBefore);
    }
}
