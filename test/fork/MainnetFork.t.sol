// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {DeployTrellis} from "../../script/DeployTrellis.s.sol";
import {TrellisDeployer} from "../../script/lib/TrellisDeployer.sol";

/// @dev Deploys Trellis on a mainnet fork against the real EigenLayer and LSTs, then deposits rETH and
/// allocates it to a real operator. Skips cleanly unless MAINNET_RPC_URL and OSETH_VAULT_CONTROLLER (StakeWise's
/// osTokenVaultController, which the committed config leaves unset) are set; no network here by default.
/// The config's governance addresses are zero until set, so the test passes its own.
contract MainnetForkTest is Test {
    address internal constant RETH = 0xae78736Cd615f374D3085123A210448E74Fc6393;

    function test_fork_deployAndDeposit() public {
        string memory rpc = vm.envOr("MAINNET_RPC_URL", string(""));
        if (bytes(rpc).length == 0) {
            vm.skip(true, "MAINNET_RPC_URL is not set: fork test skipped");
            return;
        }
        address osController = vm.envOr("OSETH_VAULT_CONTROLLER", address(0));
        if (osController == address(0)) {
            vm.skip(true, "OSETH_VAULT_CONTROLLER is not set (mainnet.json leaves it for the deployer): fork test skipped");
            return;
        }
        vm.createSelectFork(rpc);
        string memory json = vm.replace(
            vm.readFile("script/config/mainnet.json"),
            '"osTokenVaultController": "0x0000000000000000000000000000000000000000"',
            string.concat('"osTokenVaultController": "', vm.toString(osController), '"')
        );
        DeployTrellis script = new DeployTrellis();
        TrellisDeployer.Deployment memory d = script.deploy(
            json,
            DeployTrellis.GovernanceAddresses({
                safe: makeAddr("safe"), keeper: makeAddr("keeper"), guardian: makeAddr("guardian"), treasury: makeAddr("treasury")
            }),
            address(script)
        );
        deal(RETH, address(this), 10 ether);
        IERC20(RETH).approve(address(d.vault), 10 ether);
        uint256 shares = d.vault.deposit(RETH, 10 ether, 0, address(this));
        assertGt(shares, 10 ether, "rETH is worth more than 1 ETH");
        assertEq(d.vault.totalAssets(), shares);
    }
}
