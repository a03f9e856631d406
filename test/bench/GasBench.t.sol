// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {BaseTest} from "../BaseTest.sol";
import {OperatorSet} from "../../contracts/interfaces/eigenlayer/OperatorSetLib.sol";

/// @dev Gas figures for `npm run bench` (bench/gas.bench.ts runs this with `forge test --isolate`, so each
/// call is its own transaction with cold storage). Each test prints one JSON line per figure.
/// Not part of `npm test` (excluded there): it measures, it does not assert.
contract GasBench is BaseTest {
    function _addOperators(uint256 total) internal {
        uint256 start = delegators.length;
        uint256[] memory keys = new uint256[](total - start);
        for (uint256 i; i < keys.length; ++i) {
            (, keys[i]) = makeAddrAndKey(string.concat("benchOperator", vm.toString(i)));
        }
        address[] memory added = registerEigenLayerOperators(el, keys, 1);
        for (uint256 i; i < added.length; ++i) {
            allocateAndRegisterEigenLayerOperator(el, keys[i], OperatorSet(avsB, 0), strategies, 0.1e18);
            risk.setOperatorAllowed(added[i], true);
            delegators.push(vault.addOperatorDelegator(added[i]));
        }
        vm.roll(block.number + 2);
    }

    /// @dev A deposit by a user who already holds trETH and has approved the vault, as most deposits are.
    function _measureDeposit(address asset, uint256 amount) internal returns (uint256) {
        _deposit(bob, asset, amount); // warms nothing under --isolate; gives the vault a non-zero supply
        _deposit(alice, asset, amount);
        _mintLst(asset, alice, amount);
        vm.prank(alice);
        IERC20(asset).approve(address(vault), type(uint256).max);
        vm.prank(alice);
        vault.deposit(asset, amount, 0, alice);
        return vm.lastCallGas().gasTotalUsed;
    }

    function _print(string memory name, uint256 value, string memory unit) internal pure {
        console.log(string.concat('{"name":"', name, '","value":', vm.toString(value), ',"unit":"', unit, '"}'));
    }

    function test_gas_deposit_wstETH_10operators() public virtual {
        _addOperators(10);
        _print("gas.deposit.wstETH", _measureDeposit(address(wstETH), 10 ether), "gas");
    }

    function test_gas_deposit_others() public virtual {
        _print("gas.deposit.stETH", _measureDeposit(address(stETH), 10 ether), "gas");
        _print("gas.deposit.rETH", _measureDeposit(address(rETH), 10 ether), "gas");
        _print("gas.deposit.osETH", _measureDeposit(address(osETH), 10 ether), "gas");
    }

    /// @dev Sync with 3 delegators, then with 10, every delegator holding all 4 assets: the difference over
    /// the 7 x 4 added delegator-assets.
    function test_gas_sync_perDelegatorAsset() public virtual {
        for (uint256 a; a < 4; ++a) _deposit(bob, assets[a], 100 ether);
        for (uint256 o; o < delegators.length; ++o) {
            for (uint256 a; a < 4; ++a) _allocate(o, assets[a], 1 ether);
        }
        vm.warp(block.timestamp + 1 days);
        _sync();
        uint256 three = vm.lastCallGas().gasTotalUsed;
        uint256 before = delegators.length;
        _addOperators(10);
        for (uint256 o = before; o < delegators.length; ++o) {
            for (uint256 a; a < 4; ++a) _allocate(o, assets[a], 1 ether);
        }
        vm.warp(block.timestamp + 1 days);
        _sync();
        uint256 ten = vm.lastCallGas().gasTotalUsed;
        _print("gas.sync.perDelegatorAsset", (ten - three) / ((delegators.length - before) * 4), "gas");
        _print("gas.sync.10op4asset", ten, "gas");
    }

    function test_gas_withdrawals() public virtual {
        _deposit(bob, address(rETH), 100 ether);
        vm.startPrank(bob);
        trETH.approve(address(queue), type(uint256).max);
        queue.requestWithdrawal(1 ether, address(rETH), bob);
        queue.requestWithdrawal(1 ether, address(rETH), bob);
        uint256 request = vm.lastCallGas().gasTotalUsed;
        for (uint256 i; i < 8; ++i) queue.requestWithdrawal(1 ether, address(rETH), bob);
        vm.stopPrank();

        vm.prank(keeper);
        queue.finalize(1);
        uint256 one = vm.lastCallGas().gasTotalUsed;
        vm.prank(keeper);
        queue.finalize(9);
        uint256 nine = vm.lastCallGas().gasTotalUsed;
        vm.prank(bob);
        queue.claim(1);
        vm.prank(bob);
        queue.claim(2);
        uint256 claim = vm.lastCallGas().gasTotalUsed;

        _print("gas.requestWithdrawal", request, "gas");
        _print("gas.finalize.perRequest", (nine - one) / 8, "gas");
        _print("gas.claim", claim, "gas");
    }
}

/// @dev The same deposit with a single operator delegator: the deposit path must not depend on their number.
contract GasBench1Op is GasBench {
    function _delegatorCount() internal pure override returns (uint256) {
        return 1;
    }

    function test_gas_deposit_wstETH_1operator() public {
        _print("gas.deposit.wstETH.1op", _measureDeposit(address(wstETH), 10 ether), "gas");
    }

    // The other figures come from GasBench only.
    function test_gas_deposit_wstETH_10operators() public override {}
    function test_gas_deposit_others() public override {}
    function test_gas_sync_perDelegatorAsset() public override {}
    function test_gas_withdrawals() public override {}
}
