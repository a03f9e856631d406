// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {BaseTest} from "../BaseTest.sol";
import {DeployTrellis} from "../../script/DeployTrellis.s.sol";
import {TrellisDeployer} from "../../script/lib/TrellisDeployer.sol";
import {Roles} from "../../contracts/libraries/Roles.sol";

/// @dev The mainnet deploy script, run against the devnet EigenLayer and LSTs with a config in the
/// mainnet format: checks its parsing and wiring without a network (the fork test needs an RPC URL).
contract DeployTrellisTest is BaseTest {
    function test_deployTrellis_fromAMainnetStyleConfig() public {
        string memory json = string.concat(
            '{"eigenlayer":{"strategyManager":"', vm.toString(address(el.strategyManager)),
            '","delegationManager":"', vm.toString(address(el.delegationManager)),
            '","allocationManager":"', vm.toString(address(el.allocationManager)),
            '","rewardsCoordinator":"', vm.toString(address(rewards)), '"},',
            '"assets":[',
            _asset("stETH", address(stETH), address(strategies[0]), ""), ",",
            '{"symbol":"wstETH","kind":"wstETH","token":"', vm.toString(address(wstETH)), '"},',
            _asset("rETH", address(rETH), address(strategies[2]), ""), ",",
            _asset("osETH", address(osETH), address(strategies[3]), string.concat(',"osTokenVaultController":"', vm.toString(address(osController)), '"')),
            "],",
            '"limits":{"operatorCapBps":1500,"defaultAvsCapBps":2000,"defaultOperatorSetCapBps":1000,"totalSlashableCapBps":8000,"minBufferBps":300},',
            '"sync":{"maxAprBps":1500,"feeBps":1000},"timelockDelaySeconds":172800,',
            '"operators":["', vm.toString(operators[0]), '","', vm.toString(operators[1]), '"]}'
        );
        DeployTrellis script = new DeployTrellis();
        address safe = makeAddr("safe");
        TrellisDeployer.Deployment memory dep = script.deploy(
            json,
            DeployTrellis.GovernanceAddresses({safe: safe, keeper: keeper, guardian: guardian, treasury: treasury}),
            address(script)
        );

        assertEq(dep.assetRegistry.getAssets().length, 3, "stETH, rETH, osETH: wstETH is held as stETH");
        // wstETH has no strategy: a wrapper of stETH, with a deposit-only entry.
        assertEq(dep.assetRegistry.underlyingOf(address(wstETH)), address(stETH));
        assertTrue(dep.vault.entryOf(address(wstETH)) != address(0));
        assertTrue(dep.vault.entryOf(address(rETH)) != address(0));
        // The configured operators are allowed and have a delegator, created before the hand-over.
        assertEq(dep.vault.getDelegators().length, 2);
        assertTrue(dep.riskRegistry.isOperatorAllowed(operators[1]));
        assertTrue(dep.vault.delegatorOf(operators[1]) != address(0));
        assertTrue(dep.assetRegistry.getAssetConfig(address(stETH)).rebasing);
        assertEq(dep.assetRegistry.price(address(rETH)), 1.1e18);
        assertEq(dep.riskRegistry.limits().operatorCapBps, 1500);
        // The deployer handed ADMIN to the timelock and kept nothing.
        (bool deployerAdmin,) = dep.manager.hasRole(Roles.ADMIN, address(script));
        assertFalse(deployerAdmin);
        (bool safeRisk,) = dep.manager.hasRole(Roles.RISK_MANAGER, safe);
        assertTrue(safeRisk);
        (bool keeperRole,) = dep.manager.hasRole(Roles.KEEPER, keeper);
        assertTrue(keeperRole);

        rETH.mint(alice, 1 ether);
        vm.startPrank(alice);
        IERC20(address(rETH)).approve(address(dep.vault), 1 ether);
        assertEq(dep.vault.deposit(address(rETH), 1 ether, 0, alice), 1.1 ether);
        vm.stopPrank();
    }

    function test_deployTrellis_refusesATokenThatIsNotTheStrategysUnderlying() public {
        string memory json = string.concat(
            '{"eigenlayer":{"strategyManager":"', vm.toString(address(el.strategyManager)),
            '","delegationManager":"', vm.toString(address(el.delegationManager)),
            '","allocationManager":"', vm.toString(address(el.allocationManager)),
            '","rewardsCoordinator":"', vm.toString(address(rewards)), '"},',
            '"assets":[', _asset("rETH", address(stETH), address(strategies[2]), ""), "],",
            '"limits":{"operatorCapBps":1500,"defaultAvsCapBps":2000,"defaultOperatorSetCapBps":1000,"totalSlashableCapBps":8000,"minBufferBps":300},',
            '"sync":{"maxAprBps":1500,"feeBps":1000},"timelockDelaySeconds":172800}'
        );
        DeployTrellis script = new DeployTrellis();
        vm.expectRevert(
            abi.encodeWithSelector(DeployTrellis.TokenNotStrategyUnderlying.selector, "rETH", address(stETH), address(rETH))
        );
        script.deploy(
            json,
            DeployTrellis.GovernanceAddresses({safe: makeAddr("safe"), keeper: keeper, guardian: guardian, treasury: treasury}),
            address(script)
        );
    }

    function _asset(string memory kind, address token, address strategy, string memory extra)
        internal
        pure
        returns (string memory)
    {
        return string.concat(
            '{"symbol":"', kind, '","kind":"', kind, '","token":"', vm.toString(token), '","strategy":"', vm.toString(strategy),
            '","minPrice":"990000000000000000","maxPrice":"2000000000000000000","depositCap":"10000000000000000000000",',
            '"minDeposit":"1000000000"', extra, "}"
        );
    }
}
