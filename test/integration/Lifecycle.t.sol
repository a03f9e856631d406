// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ExitBase} from "../ExitBase.sol";
import {RewardsTreeBuilder} from "../unit/eigenlayer/RewardsCoordinator.t.sol";
import {ERC20__Mock} from "../mocks/ERC20__Mock.sol";
import {IStrategy} from "../../contracts/interfaces/eigenlayer/IStrategy.sol";
import {OperatorSet} from "../../contracts/interfaces/eigenlayer/OperatorSetLib.sol";
import {
    IDelegationManagerErrors,
    IDelegationManagerTypes
} from "../../contracts/interfaces/eigenlayer/IDelegationManager.sol";
import {
    IRewardsCoordinatorErrors,
    IRewardsCoordinatorTypes
} from "../../contracts/interfaces/eigenlayer/IRewardsCoordinator.sol";
import {IVaultTypes} from "../../contracts/interfaces/IVault.sol";
import {IWithdrawalQueue} from "../../contracts/interfaces/IWithdrawalQueue.sol";
import {SharesMathLib} from "../../contracts/libraries/SharesMathLib.sol";

/// @dev The whole life of Trellis on the devnet, step by step, with every expected number computed in the test:
/// deposits of the four LSTs through their entries, allocation to three operators, LST yield and an AVS reward
/// claimed with a real merkle proof, a sync that takes the fee and streams the rise, a 10% slash of one operator
/// booked by anyone's refresh, and a redemption requested before the slash that is paid the post-slash value once
/// the keeper has brought liquidity back through EigenLayer's withdrawal delay.
contract LifecycleTest is ExitBase, RewardsTreeBuilder {
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
        _syncTakesTheFeeAndStreamsTheRise();
        _requestRedeemBeforeSlash();
        _queueDelegatorWithdrawal();
        _slashBookedByAnyone();
        _completeFinalizeAndClaim();
    }

    // ---------------------------------------------------------------- steps

    function _depositAll() internal {
        uint256 shares = _depositViaEntry(alice, ST, 100 ether);
        shares += _depositViaEntry(alice, WST, 50 ether);
        shares += _depositViaEntry(bob, RE, 80 ether);
        shares += _depositViaEntry(bob, OS, 60 ether);

        // The empty vault starts at a rate of 1 and nothing is pending: shares are ETH value (stETH lands up to 2
        // wei short; wstETH is unwrapped and held as stETH).
        uint256 value = 100 ether + wstETH.getStETHByWstETH(50 ether) + 88 ether + 63 ether;
        assertApproxEqAbs(vault.totalAssets(), value, 4);
        assertEq(vault.totalAssets(), shares);
        assertEq(trETH.totalSupply(), shares);
        assertEq(trETH.balanceOf(alice) + trETH.balanceOf(bob), shares);
        assertEq(vault.rate(), 1e18);
        assertEq(wstETH.balanceOf(address(vault)), 0, "wstETH is held as stETH");
    }

    function _allocateToThreeOperators() internal {
        uint256 totalBefore = vault.totalAssets();
        _allocate(0, address(stETH), 100 ether);
        _allocate(0, address(rETH), 40 ether);
        _allocate(0, address(osETH), 20 ether);
        _allocate(1, address(stETH), vault.idleBalance(address(stETH)));
        _allocate(1, address(rETH), 40 ether);
        _allocate(2, address(osETH), 40 ether);

        for (uint256 i; i < 4; ++i) {
            if (i != WST) assertLe(vault.idleBalance(assets[i]), 2, "idle left");
        }
        for (uint256 i; i < 3; ++i) assertEq(el.delegationManager.delegatedTo(delegators[i]), operators[i]);
        // Allocation moves assets, not value: only Lido and strategy rounding, a few wei.
        assertApproxEqAbs(vault.markedAssets(), totalBefore, 10);
        assertEq(vault.totalAssets(), totalBefore);
    }

    function _accrueYieldAndClaimRewards() internal {
        uint256 markedBefore = vault.markedAssets();
        vm.warp(block.timestamp + 30 days);
        // Every LST gains YIELD_BPS in ETH terms: stETH by balance, rETH and osETH by rate.
        stETH.accrue(YIELD_BPS);
        rETH.accrue(YIELD_BPS);
        osController.setRate(1.05e18 + 1.05e18 * YIELD_BPS / 10_000);
        vault.refresh(type(uint256).max);
        uint256 markedAfterYield = vault.markedAssets();
        assertApproxEqRel(markedAfterYield, markedBefore + markedBefore * YIELD_BPS / 10_000, 1e6);

        // An AVS reward: two earners (delegators 0 and 1), each with rETH (supported) and EIGEN (not).
        uint32 rootIndex = _submitRewardsRoot();
        vm.startPrank(keeper);
        vault.claimRewards(delegators[0], _rewardsClaim(rootIndex, 0));
        vault.claimRewards(delegators[1], _rewardsClaim(rootIndex, 1));
        vm.stopPrank();

        // Supported rewards become idle (in the mark at once); the rest goes to the treasury.
        assertEq(vault.idleBalance(address(rETH)), REWARD_D0 + REWARD_D1);
        assertEq(eigen.balanceOf(treasury), EIGEN_D0 + EIGEN_D1);
        assertEq(eigen.balanceOf(address(vault)), 0);
        uint256 rewardValue = (REWARD_D0 + REWARD_D1) * registry.price(address(rETH)) / 1e18;
        assertApproxEqAbs(vault.markedAssets(), markedAfterYield + rewardValue, 2);

        // A claim replayed pays nothing more.
        IRewardsCoordinatorTypes.RewardsMerkleClaim memory replay = _rewardsClaim(rootIndex, 0);
        vm.prank(keeper);
        vm.expectRevert(IRewardsCoordinatorErrors.EarningsNotGreaterThanClaimed.selector);
        vault.claimRewards(delegators[0], replay);
    }

    function _syncTakesTheFeeAndStreamsTheRise() internal {
        uint256 supply = trETH.totalSupply();
        uint256 rateBefore = vault.rate();
        uint256 mark = vault.markedAssets();
        assertEq(rateBefore, 1e18);

        // The fee is 10% of the rise above the high-water rate (1: the supply's worth), in trETH worth exactly that
        // once the rise has streamed in.
        uint256 fee = (mark - supply) * 1_000 / 10_000;
        uint256 feeShares = SharesMathLib.toSharesDown(fee, mark - fee, supply);
        _sync();
        assertEq(trETH.balanceOf(treasury), feeShares);
        assertEq(vault.rate(), rateBefore, "the sync does not move the rate");
        IVaultTypes.Books memory b = vault.books();
        assertEq(b.booked + b.pending, mark);
        assertEq(vault.lastSyncTimestamp(), block.timestamp);
        _checkRateFeed();

        // A second sync in the same block mints no second fee: dust aside, as the high-water rate is stored rounded
        // down to 18 decimals (supply/1e18 wei of value; see the notes, finding 3).
        uint256 dust = trETH.totalSupply() / 1e18 + 1;
        _sync();
        assertApproxEqAbs(trETH.balanceOf(treasury), feeShares, dust);

        // Streamed in full: the holders got the rise less the fee, the treasury the fee.
        _streamAll();
        assertApproxEqAbs(vault.totalAssets(), mark, 10 * dust);
        assertApproxEqRel(vault.convertToAssets(trETH.balanceOf(treasury)), fee, 1e9, "treasury holds other than the fee");
        assertApproxEqRel(vault.convertToAssets(supply), mark - fee, 1e9);
        assertApproxEqAbs(trETH.balanceOf(treasury), feeShares, 10 * dust, "the fee was taken once");
    }

    function _requestRedeemBeforeSlash() internal {
        requestShares = 20 ether;
        requestId = _request(alice, RE, requestShares);
        assertEq(queue.getRequest(requestId).valueAtRequest, vault.convertToAssets(requestShares));
        assertEq(entries[RE].pendingRedeemRequest(requestId, alice), requestShares);

        // Not finalized: nothing to claim. Matured, it still waits for idle rETH (only the reward is idle).
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.ExceedsClaimable.selector, alice, 0, requestShares));
        entries[RE].redeem(requestShares, alice, alice);
        assertEq(_finalize(requestId), 0);
        _mature();
        assertEq(_finalize(requestId), 0);
        assertEq(uint8(_status(requestId)), uint8(IWithdrawalQueue.Status.Pending));
    }

    function _queueDelegatorWithdrawal() internal {
        uint256 marked = vault.markedAssets();
        uint256 depositShares = el.strategyManager.stakerDepositShares(delegators[0], strategies[RE]);
        vm.prank(keeper);
        withdrawalRoot = vault.queueDelegatorWithdrawal(delegators[0], address(rETH), depositShares);
        assertEq(el.strategyManager.stakerDepositShares(delegators[0], strategies[RE]), 0);
        // Queued shares still count.
        vault.refresh(type(uint256).max);
        assertApproxEqAbs(vault.markedAssets(), marked, 1);

        // Not before EigenLayer's delay.
        (IDelegationManagerTypes.Withdrawal memory w,) = el.delegationManager.getQueuedWithdrawal(withdrawalRoot);
        vm.roll(w.startBlock + MIN_WITHDRAWAL_DELAY);
        vm.prank(keeper);
        vm.expectRevert(IDelegationManagerErrors.WithdrawalDelayNotElapsed.selector);
        vault.completeDelegatorWithdrawal(delegators[0], w, address(rETH));
    }

    function _slashBookedByAnyone() internal {
        OperatorSet memory set = OperatorSet(avsA, 0);
        uint256[] memory unitsBefore = _delegatorUnits(delegators[0]);
        uint256 totalBefore = vault.totalAssets();
        uint256 treasuryShares = trETH.balanceOf(treasury);

        // Expected from EigenLayer's own views: the delegator loses `allocated magnitude * 10%` of its stake in
        // every strategy (op0's max magnitude is WAD, allocated 50% to (avsA, 0)).
        uint256 expectedLoss;
        for (uint256 i; i < 3; ++i) {
            uint64 allocated = el.allocationManager.getAllocation(operators[0], set, heldStrategies[i]).currentMagnitude;
            assertEq(allocated, 0.5e18);
            assertEq(el.allocationManager.getMaxMagnitude(operators[0], heldStrategies[i]), 1e18);
            uint256 lostUnits = unitsBefore[i] * allocated / 1e18 / 10;
            expectedLoss += lostUnits * registry.price(_heldAsset(i)) / 1e18;
        }

        _slash(0, avsA, 0, 0.1e18);
        uint256[] memory unitsAfter = _delegatorUnits(delegators[0]);
        for (uint256 i; i < 3; ++i) {
            assertEq(el.allocationManager.getMaxMagnitude(operators[0], heldStrategies[i]), 0.95e18);
            assertApproxEqAbs(unitsBefore[i] - unitsAfter[i], unitsBefore[i] / 20, 4);
        }
        assertGt(unitsBefore[1] - unitsAfter[1], 0, "queued rETH was not slashed");
        // The books see the slash once the delegator is refreshed, which anyone may do; the loss is booked at once,
        // uncapped and without a fee.
        assertEq(vault.totalAssets(), totalBefore);
        vm.prank(attacker);
        vault.refreshDelegator(delegators[0]);
        assertApproxEqAbs(totalBefore - vault.totalAssets(), expectedLoss, 8);
        assertEq(vault.totalAssets(), vault.markedAssets());
        assertEq(trETH.balanceOf(treasury), treasuryShares);
        _checkRateFeed();
    }

    function _completeFinalizeAndClaim() internal {
        (IDelegationManagerTypes.Withdrawal memory w, uint256[] memory queuedShares) =
            el.delegationManager.getQueuedWithdrawal(withdrawalRoot);
        uint256 expectedUnits = strategies[RE].sharesToUnderlyingView(queuedShares[0]);
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
        uint256 expectedPayout = valueNow * 1e18 / registry.price(address(rETH));
        vault.refresh(type(uint256).max);
        vm.expectEmit(address(queue));
        emit IWithdrawalQueue.RedeemFinalized(requestId, alice, valueNow, expectedPayout);
        vm.prank(keeper);
        assertEq(queue.finalize(_ids(requestId)), 1);
        assertEq(entries[RE].claimableRedeemRequest(requestId, alice), requestShares);

        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IWithdrawalQueue.NotAuthorized.selector, bob, alice));
        entries[RE].redeem(requestShares, bob, alice);
        uint256 before = rETH.balanceOf(alice);
        assertEq(_claim(alice, RE), expectedPayout);
        assertEq(rETH.balanceOf(alice) - before, expectedPayout);
        assertEq(trETH.balanceOf(address(queue)), 0);
        assertEq(trETH.balanceOf(alice) + trETH.balanceOf(bob) + trETH.balanceOf(treasury), trETH.totalSupply());
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

    /// @dev The delegator's underlying units per held strategy (stETH, rETH, osETH), withdrawable plus queued, after
    /// slashing.
    function _delegatorUnits(address delegator) internal view returns (uint256[] memory units) {
        IStrategy[] memory strats = new IStrategy[](3);
        for (uint256 i; i < 3; ++i) strats[i] = heldStrategies[i];
        (uint256[] memory shares,) = el.delegationManager.getWithdrawableShares(delegator, strats);
        (IDelegationManagerTypes.Withdrawal[] memory queued, uint256[][] memory queuedShares) =
            el.delegationManager.getQueuedWithdrawals(delegator);
        for (uint256 q; q < queued.length; ++q) {
            for (uint256 i; i < 3; ++i) {
                if (queued[q].strategies[0] == strats[i]) shares[i] += queuedShares[q][0];
            }
        }
        units = new uint256[](3);
        for (uint256 i; i < 3; ++i) units[i] = strats[i].sharesToUnderlyingView(shares[i]);
    }

    function _heldAsset(uint256 i) internal view returns (address) {
        return i == 0 ? address(stETH) : i == 1 ? address(rETH) : address(osETH);
    }
}
