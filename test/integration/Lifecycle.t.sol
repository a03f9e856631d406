// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {BaseTest} from "../BaseTest.sol";
import {RewardsTreeBuilder} from "../unit/eigenlayer/RewardsCoordinator.t.sol";
import {ERC20__Mock} from "../mocks/ERC20__Mock.sol";
import {IStrategy} from "../../contracts/interfaces/eigenlayer/IStrategy.sol";
import {OperatorSet} from "../../contracts/interfaces/eigenlayer/OperatorSetLib.sol";
import {IAllocationManagerTypes} from "../../contracts/interfaces/eigenlayer/IAllocationManager.sol";
import {
    IDelegationManagerErrors,
    IDelegationManagerTypes
} from "../../contracts/interfaces/eigenlayer/IDelegationManager.sol";
import {
    IRewardsCoordinatorErrors,
    IRewardsCoordinatorTypes
} from "../../contracts/interfaces/eigenlayer/IRewardsCoordinator.sol";
import {IWithdrawalQueue} from "../../contracts/interfaces/IWithdrawalQueue.sol";

/// @dev The whole life of Trellis on the devnet, step by step, with every expected number computed in the test:
/// deposits of the four LSTs, allocation to three operators, LST yield and an AVS reward claimed with a real
/// merkle proof, a sync that applies the rise less the fee, a 10% slash of one operator applied at the next
/// sync, and a withdrawal requested before the slash that is paid the post-slash value once the keeper has
/// brought liquidity back through EigenLayer's withdrawal delay.
contract LifecycleTest is BaseTest, RewardsTreeBuilder {
    uint256 internal constant YIELD_BPS = 10;
    uint256 internal constant REWARD_D0 = 0.5 ether;
    uint256 internal constant REWARD_D1 = 0.25 ether;
    uint256 internal constant EIGEN_D0 = 100 ether;
    uint256 internal constant EIGEN_D1 = 50 ether;

    ERC20__Mock internal eigen;

    // State carried between the steps.
    uint256 internal requestId;
    uint256 internal requestShares;
    bytes32 internal withdrawalRoot;

    function setUp() public override {
        super.setUp();
        eigen = new ERC20__Mock("Eigen", "EIGEN", 18);
    }

    function test_lifecycle() public {
        _depositAll();
        _allocateToThreeOperators();
        _accrueYieldAndClaimRewards();
        _syncAppliesRiseLessFee();
        _requestWithdrawalBeforeSlash();
        _queueDelegatorWithdrawal();
        _slashAndSync();
        _completeFinalizeAndClaim();
    }

    // ---------------------------------------------------------------- steps

    function _depositAll() internal {
        uint256 shares = _deposit(alice, address(stETH), 100 ether);
        shares += _deposit(alice, address(wstETH), 50 ether);
        shares += _deposit(bob, address(rETH), 80 ether);
        shares += _deposit(bob, address(osETH), 60 ether);

        // The empty vault starts at a rate of 1: shares are ETH value (stETH lands up to 2 wei short).
        // The stETH adapter prices 1e18 stETH by its Lido shares: 1 wei under 1 ETH at this share rate.
        uint256 value = 100 ether * registry.price(address(stETH)) / 1e18 + 50 ether * registry.price(address(wstETH)) / 1e18 + 80 ether * 1.1e18 / 1e18
            + 60 ether * 1.05e18 / 1e18;
        assertApproxEqAbs(vault.totalAssets(), value, 4);
        assertEq(vault.totalAssets(), shares);
        assertEq(trETH.totalSupply(), shares);
        assertEq(trETH.balanceOf(alice) + trETH.balanceOf(bob), shares);
        assertEq(vault.rate(), 1e18);
    }

    function _allocateToThreeOperators() internal {
        uint256 totalBefore = vault.totalAssets();
        _allocate(0, address(stETH), vault.idleBalance(address(stETH)));
        _allocate(0, address(rETH), 40 ether);
        _allocate(0, address(osETH), 20 ether);
        _allocate(1, address(wstETH), 50 ether);
        _allocate(1, address(rETH), 40 ether);
        _allocate(2, address(osETH), 40 ether);

        for (uint256 i; i < 4; ++i) assertLe(vault.idleBalance(assets[i]), 1, "idle left");
        for (uint256 i; i < 3; ++i) assertEq(el.delegationManager.delegatedTo(delegators[i]), operators[i]);
        // Allocation moves assets, not value: only Lido and strategy rounding, a few wei.
        assertApproxEqAbs(vault.measureTotalAssets(), totalBefore, 10);
        assertEq(vault.totalAssets(), totalBefore);
    }

    function _accrueYieldAndClaimRewards() internal {
        uint256 measuredBefore = vault.measureTotalAssets();
        vm.warp(block.timestamp + 30 days);
        // Every LST gains YIELD_BPS in ETH terms: stETH by balance, wstETH by stEthPerToken, rETH and osETH by rate.
        stETH.accrue(YIELD_BPS);
        rETH.accrue(YIELD_BPS);
        osController.setRate(1.05e18 + 1.05e18 * YIELD_BPS / 10_000);
        uint256 measuredAfterYield = vault.measureTotalAssets();
        assertApproxEqRel(measuredAfterYield, measuredBefore + measuredBefore * YIELD_BPS / 10_000, 1e6);

        // An AVS reward: two earners (delegators 0 and 1), each with rETH (supported) and EIGEN (not).
        uint32 rootIndex = _submitRewardsRoot();
        vm.startPrank(keeper);
        vault.claimRewards(delegators[0], _rewardsClaim(rootIndex, 0));
        vault.claimRewards(delegators[1], _rewardsClaim(rootIndex, 1));
        vm.stopPrank();

        // Supported rewards become idle and wait for the sync; the rest goes to the treasury.
        assertEq(vault.idleBalance(address(rETH)), REWARD_D0 + REWARD_D1);
        assertEq(eigen.balanceOf(treasury), EIGEN_D0 + EIGEN_D1);
        assertEq(eigen.balanceOf(address(vault)), 0);
        uint256 rewardValue = (REWARD_D0 + REWARD_D1) * registry.price(address(rETH)) / 1e18;
        assertApproxEqAbs(vault.measureTotalAssets(), measuredAfterYield + rewardValue, 2);

        // A claim replayed pays nothing more.
        IRewardsCoordinatorTypes.RewardsMerkleClaim memory replay = _rewardsClaim(rootIndex, 0);
        vm.prank(keeper);
        vm.expectRevert(IRewardsCoordinatorErrors.EarningsNotGreaterThanClaimed.selector);
        vault.claimRewards(delegators[0], replay);
    }

    function _syncAppliesRiseLessFee() internal {
        uint256 oldTotal = vault.totalAssets();
        uint256 supply = vault.effectiveSupply();
        uint256 rateBefore = vault.rate();
        uint256 measured = vault.measureTotalAssets();
        uint256 elapsed = block.timestamp - vault.lastSyncTimestamp();
        assertGe(elapsed, 30 days);

        // maxAprBps = 1000 over the elapsed time; the fee is 10% of the rise actually applied.
        uint256 maxRise = oldTotal * 1_000 * elapsed / (10_000 * 365 days);
        uint256 rise = measured - oldTotal < maxRise ? measured - oldTotal : maxRise;
        assertEq(rise, measured - oldTotal, "30 days of 10 bps yield plus the reward stay under the cap");
        uint256 fee = rise * 1_000 / 10_000;
        uint256 feeShares = fee * (supply + 1e9) / (oldTotal + rise - fee + 1e9);

        _sync();
        assertEq(vault.totalAssets(), oldTotal + rise);
        assertEq(trETH.balanceOf(treasury), feeShares);
        assertApproxEqAbs(vault.convertToAssets(feeShares), fee, 2, "treasury holds other than the fee");
        assertLe(vault.convertToAssets(feeShares), fee);
        assertEq(vault.rate(), (oldTotal + rise + 1e9) * 1e18 / (supply + feeShares + 1e9));
        // Holders got the rise less the fee.
        assertApproxEqAbs(vault.rate() - rateBefore, (rise - fee) * 1e18 / (supply + 1e9), 2);
        assertEq(vault.lastSyncTimestamp(), block.timestamp);
        _checkRateFeed();

        // A second sync in the same block finds nothing to apply and mints nothing.
        _sync();
        assertEq(vault.totalAssets(), oldTotal + rise);
        assertEq(trETH.balanceOf(treasury), feeShares);
    }

    function _requestWithdrawalBeforeSlash() internal {
        requestShares = 20 ether;
        vm.startPrank(alice);
        trETH.approve(address(queue), requestShares);
        requestId = queue.requestWithdrawal(requestShares, address(rETH), alice);
        vm.stopPrank();
        assertEq(queue.ownerOf(requestId), alice);
        assertEq(queue.getRequest(requestId).valueAtRequest, vault.convertToAssets(requestShares));

        // Not finalized yet: claiming reverts; the queue cannot finalize without idle rETH (only the reward).
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.RequestNotFinalized.selector, requestId));
        queue.claim(requestId);
        vm.prank(keeper);
        assertEq(queue.finalize(10), 0);
        assertEq(queue.nextToFinalize(), requestId);
    }

    function _queueDelegatorWithdrawal() internal {
        uint256 measured = vault.measureTotalAssets();
        uint256 depositShares = el.strategyManager.stakerDepositShares(delegators[0], strategies[2]);
        vm.prank(keeper);
        withdrawalRoot = vault.queueDelegatorWithdrawal(delegators[0], address(rETH), depositShares);
        assertEq(el.strategyManager.stakerDepositShares(delegators[0], strategies[2]), 0);
        // Queued shares still count.
        assertApproxEqAbs(vault.measureTotalAssets(), measured, 1);

        // Not before EigenLayer's delay.
        (IDelegationManagerTypes.Withdrawal memory w,) = el.delegationManager.getQueuedWithdrawal(withdrawalRoot);
        vm.roll(w.startBlock + MIN_WITHDRAWAL_DELAY);
        vm.prank(keeper);
        vm.expectRevert(IDelegationManagerErrors.WithdrawalDelayNotElapsed.selector);
        vault.completeDelegatorWithdrawal(delegators[0], w, address(rETH));
    }

    function _slashAndSync() internal {
        OperatorSet memory set = OperatorSet(avsA, 0);
        IStrategy[] memory sorted = _sortedStrategies();
        uint256[] memory unitsBefore = _delegatorUnits(delegators[0]);
        uint256 measuredBefore = vault.measureTotalAssets();
        uint256 totalBefore = vault.totalAssets();
        uint256 treasuryShares = trETH.balanceOf(treasury);

        // Expected from EigenLayer's own views: the delegator loses `allocated magnitude * 10%` of its stake
        // in every strategy (op0's max magnitude is WAD, allocated 50% to (avsA, 0)).
        uint256 expectedLoss;
        for (uint256 i; i < 4; ++i) {
            uint64 allocated = el.allocationManager.getAllocation(operators[0], set, strategies[i]).currentMagnitude;
            uint64 maxMagnitude = el.allocationManager.getMaxMagnitude(operators[0], strategies[i]);
            assertEq(allocated, 0.5e18);
            assertEq(maxMagnitude, 1e18);
            uint256 lostUnits = unitsBefore[i] * allocated / maxMagnitude / 10;
            expectedLoss += lostUnits * registry.price(assets[i]) / 1e18;
        }

        uint256[] memory wads = new uint256[](4);
        for (uint256 i; i < 4; ++i) wads[i] = 0.1e18;
        vm.prank(avsA);
        el.allocationManager.slashOperator(
            avsA,
            IAllocationManagerTypes.SlashingParams({
                operator: operators[0],
                operatorSetId: 0,
                strategies: sorted,
                wadsToSlash: wads,
                description: "lifecycle: 10% of op0 on (avsA, 0)"
            })
        );

        // The measured loss, asset by asset, from the delegator's post-slash balances (queued rETH included).
        uint256[] memory unitsAfter = _delegatorUnits(delegators[0]);
        uint256 measuredLoss;
        for (uint256 i; i < 4; ++i) {
            assertEq(el.allocationManager.getMaxMagnitude(operators[0], strategies[i]), 0.95e18);
            assertApproxEqAbs(unitsBefore[i] - unitsAfter[i], unitsBefore[i] / 20, 4);
            measuredLoss += (unitsBefore[i] - unitsAfter[i]) * registry.price(assets[i]) / 1e18;
        }
        assertGt(unitsBefore[2] - unitsAfter[2], 0, "queued rETH was not slashed");
        assertApproxEqAbs(measuredBefore - vault.measureTotalAssets(), measuredLoss, 4);
        assertApproxEqAbs(measuredLoss, expectedLoss, 8);
        // Nothing moves before the sync.
        assertEq(vault.totalAssets(), totalBefore);

        uint256 supply = vault.effectiveSupply();
        _sync();
        // Applied at once, uncapped and without a fee.
        assertApproxEqAbs(totalBefore - vault.totalAssets(), expectedLoss, 8);
        assertEq(vault.totalAssets(), vault.measureTotalAssets());
        assertEq(trETH.balanceOf(treasury), treasuryShares);
        assertEq(vault.rate(), (vault.totalAssets() + 1e9) * 1e18 / (supply + 1e9));
        _checkRateFeed();
    }

    function _completeFinalizeAndClaim() internal {
        (IDelegationManagerTypes.Withdrawal memory w, uint256[] memory queuedShares) =
            el.delegationManager.getQueuedWithdrawal(withdrawalRoot);
        uint256 expectedUnits = strategies[2].sharesToUnderlyingView(queuedShares[0]);
        uint256 totalBefore = vault.totalAssets();
        uint256 idleBefore = vault.idleBalance(address(rETH));

        vm.roll(w.startBlock + MIN_WITHDRAWAL_DELAY + 1);
        vm.prank(keeper);
        uint256 amount = vault.completeDelegatorWithdrawal(delegators[0], w, address(rETH));
        assertEq(amount, expectedUnits);
        assertEq(vault.idleBalance(address(rETH)), idleBefore + amount);
        assertEq(vault.totalAssets(), totalBefore, "completing a withdrawal moved the books");

        // Finalization pays min(value at request, value now): the post-slash value.
        IWithdrawalQueue.Request memory r = queue.getRequest(requestId);
        uint256 valueNow = vault.convertToAssets(requestShares);
        assertLt(valueNow, r.valueAtRequest, "the slash did not reach the request");
        vm.prank(keeper);
        assertEq(queue.finalize(10), 1);
        r = queue.getRequest(requestId);
        // The sync inside finalize may move the rate by a wei of strategy rounding, no more.
        assertApproxEqAbs(r.valueFinalized, valueNow, 2);
        assertLt(r.valueFinalized, r.valueAtRequest);
        uint256 expectedPayout = uint256(r.valueFinalized) * 1e18 / registry.price(address(rETH));
        assertEq(r.payout, expectedPayout);

        uint256 before = rETH.balanceOf(alice);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.NotRequestOwner.selector, requestId, bob, alice));
        queue.claim(requestId);
        vm.prank(alice);
        queue.claim(requestId);
        assertEq(rETH.balanceOf(alice) - before, expectedPayout);
        assertEq(trETH.balanceOf(address(queue)), 0);
        assertEq(vault.effectiveSupply(), trETH.totalSupply());
        assertEq(
            trETH.balanceOf(alice) + trETH.balanceOf(bob) + trETH.balanceOf(treasury), trETH.totalSupply()
        );
    }

    /// @dev Integrators read the same rate through the Chainlink-style feed, stamped with the last sync.
    function _checkRateFeed() internal view {
        (uint80 roundId, int256 answer,, uint256 updatedAt, uint80 answeredInRound) = d.rateFeed.latestRoundData();
        assertEq(uint256(answer), vault.rate());
        assertEq(updatedAt, vault.lastSyncTimestamp());
        assertEq(roundId, vault.syncCount() + 1);
        assertEq(answeredInRound, roundId);
    }

    // ---------------------------------------------------------------- rewards tree

    function _tokenLeaves(uint256 earner)
        internal
        view
        returns (IRewardsCoordinatorTypes.TokenTreeMerkleLeaf[] memory leaves, bytes32[] memory hashes)
    {
        leaves = new IRewardsCoordinatorTypes.TokenTreeMerkleLeaf[](2);
        leaves[0] = IRewardsCoordinatorTypes.TokenTreeMerkleLeaf(IERC20(address(rETH)), earner == 0 ? REWARD_D0 : REWARD_D1);
        leaves[1] = IRewardsCoordinatorTypes.TokenTreeMerkleLeaf(IERC20(address(eigen)), earner == 0 ? EIGEN_D0 : EIGEN_D1);
        // Token leaves in ascending token order, as EigenLayer builds its trees (and the vault requires).
        if (address(eigen) < address(rETH)) (leaves[0], leaves[1]) = (leaves[1], leaves[0]);
        hashes = new bytes32[](2);
        for (uint256 i; i < 2; ++i) hashes[i] = rewards.calculateTokenLeafHash(leaves[i]);
    }

    function _earnerLeaves() internal view returns (bytes32[] memory hashes) {
        hashes = new bytes32[](2);
        for (uint256 e; e < 2; ++e) {
            (, bytes32[] memory tokenHashes) = _tokenLeaves(e);
            hashes[e] = rewards.calculateEarnerLeafHash(
                IRewardsCoordinatorTypes.EarnerTreeMerkleLeaf(delegators[e], _merkleize(tokenHashes))
            );
        }
    }

    /// @dev This contract is the coordinator's owner and rewards updater; activation delay is 0.
    function _submitRewardsRoot() internal returns (uint32 rootIndex) {
        rETH.mint(address(rewards), REWARD_D0 + REWARD_D1);
        eigen.mint(address(rewards), EIGEN_D0 + EIGEN_D1);
        rootIndex = uint32(rewards.getDistributionRootsLength());
        rewards.submitRoot(_merkleize(_earnerLeaves()), uint32(block.timestamp - 1));
    }

    function _rewardsClaim(uint32 rootIndex, uint256 earner)
        internal
        view
        returns (IRewardsCoordinatorTypes.RewardsMerkleClaim memory claim)
    {
        (IRewardsCoordinatorTypes.TokenTreeMerkleLeaf[] memory leaves, bytes32[] memory tokenHashes) = _tokenLeaves(earner);
        claim.rootIndex = rootIndex;
        claim.earnerIndex = uint32(earner);
        claim.earnerTreeProof = _proof(_earnerLeaves(), earner);
        claim.earnerLeaf = IRewardsCoordinatorTypes.EarnerTreeMerkleLeaf(delegators[earner], _merkleize(tokenHashes));
        claim.tokenIndices = new uint32[](2);
        claim.tokenTreeProofs = new bytes[](2);
        claim.tokenLeaves = leaves;
        for (uint256 i; i < 2; ++i) {
            claim.tokenIndices[i] = uint32(i);
            claim.tokenTreeProofs[i] = _proof(tokenHashes, i);
        }
    }

    // ---------------------------------------------------------------- views

    /// @dev The delegator's underlying units per asset (withdrawable plus queued, after slashing).
    function _delegatorUnits(address delegator) internal view returns (uint256[] memory units) {
        IStrategy[] memory strats = new IStrategy[](4);
        for (uint256 i; i < 4; ++i) strats[i] = strategies[i];
        (uint256[] memory shares,) = el.delegationManager.getWithdrawableShares(delegator, strats);
        (, uint256[][] memory queuedShares) = el.delegationManager.getQueuedWithdrawals(delegator);
        (IDelegationManagerTypes.Withdrawal[] memory queued,) = el.delegationManager.getQueuedWithdrawals(delegator);
        for (uint256 q; q < queued.length; ++q) {
            for (uint256 i; i < 4; ++i) {
                if (queued[q].strategies[0] == strats[i]) shares[i] += queuedShares[q][0];
            }
        }
        units = new uint256[](4);
        for (uint256 i; i < 4; ++i) units[i] = strats[i].sharesToUnderlyingView(shares[i]);
    }

    function _sortedStrategies() internal view returns (IStrategy[] memory sorted) {
        sorted = new IStrategy[](4);
        for (uint256 i; i < 4; ++i) sorted[i] = strategies[i];
        for (uint256 i; i < 4; ++i) {
            for (uint256 j = i + 1; j < 4; ++j) {
                if (address(sorted[j]) < address(sorted[i])) (sorted[i], sorted[j]) = (sorted[j], sorted[i]);
            }
        }
    }
}
