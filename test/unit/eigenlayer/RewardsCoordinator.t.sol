// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {
    IRewardsCoordinator,
    IRewardsCoordinatorErrors,
    IRewardsCoordinatorEvents,
    IRewardsCoordinatorTypes
} from "../../../contracts/interfaces/eigenlayer/IRewardsCoordinator.sol";
import {RewardsCoordinator} from "../../../contracts/devnet/eigenlayer/RewardsCoordinator.sol";
import {Merkle} from "../../../contracts/devnet/eigenlayer/libraries/Merkle.sol";
import {DevnetRETH} from "../../../contracts/devnet/tokens/DevnetRETH.sol";

/// @dev Builds EigenLayer-format trees the way the sidecar does: leaves padded with zero hashes to a power of two.
abstract contract RewardsTreeBuilder {
    function _merkleize(bytes32[] memory leaves) internal pure returns (bytes32) {
        bytes32[] memory layer = _padded(leaves);
        for (uint256 width = layer.length; width > 1; width /= 2) {
            for (uint256 i = 0; i < width / 2; ++i) {
                layer[i] = keccak256(abi.encodePacked(layer[2 * i], layer[2 * i + 1]));
            }
        }
        return layer[0];
    }

    function _proof(bytes32[] memory leaves, uint256 index) internal pure returns (bytes memory proof) {
        bytes32[] memory layer = _padded(leaves);
        for (uint256 width = layer.length; width > 1; width /= 2) {
            proof = abi.encodePacked(proof, layer[index ^ 1]);
            index /= 2;
            for (uint256 i = 0; i < width / 2; ++i) {
                layer[i] = keccak256(abi.encodePacked(layer[2 * i], layer[2 * i + 1]));
            }
        }
    }

    function _padded(bytes32[] memory leaves) private pure returns (bytes32[] memory layer) {
        uint256 width = 1;
        while (width < leaves.length) width *= 2;
        layer = new bytes32[](width);
        for (uint256 i = 0; i < leaves.length; ++i) {
            layer[i] = leaves[i];
        }
    }
}

/// @dev Calls the library with calldata proofs, as the coordinator does.
contract MerkleHarness {
    function verify(bytes calldata proof, bytes32 root, bytes32 leaf, uint256 index) external pure returns (bool) {
        return Merkle.verifyInclusionKeccak(proof, root, leaf, index);
    }
}

contract RewardsCoordinatorTest is Test, RewardsTreeBuilder, IRewardsCoordinatorEvents {
    uint32 internal constant ACTIVATION_DELAY = 7 days;
    uint32 internal constant CALCULATION_INTERVAL = 1 days;

    RewardsCoordinator internal coordinator;
    DevnetRETH internal tokenA;
    DevnetRETH internal tokenB;
    address internal owner = makeAddr("owner");
    address internal updater = makeAddr("updater");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal carol = makeAddr("carol");
    address internal keeper = makeAddr("keeper");

    /// @dev The distribution of the current test: earner leaf hashes and, per earner, token leaf hashes.
    address[] internal earners;
    bytes32[] internal earnerLeaves;
    mapping(address earner => bytes32[]) internal tokenLeavesOf;
    mapping(address earner => IRewardsCoordinatorTypes.TokenTreeMerkleLeaf[]) internal tokensOf;

    function setUp() public {
        vm.warp(1_700_000_000);
        coordinator = new RewardsCoordinator(owner, updater, ACTIVATION_DELAY, CALCULATION_INTERVAL);
        tokenA = new DevnetRETH(address(this), 1 ether);
        tokenB = new DevnetRETH(address(this), 1 ether);
        tokenA.mint(address(coordinator), 1_000_000 ether);
        tokenB.mint(address(coordinator), 1_000_000 ether);
    }

    // ---------------------------------------------------------------- tree helpers

    function _addEarner(address earner, uint256 earningsA, uint256 earningsB) internal {
        earners.push(earner);
        tokensOf[earner].push(IRewardsCoordinatorTypes.TokenTreeMerkleLeaf(IERC20(address(tokenA)), earningsA));
        tokensOf[earner].push(IRewardsCoordinatorTypes.TokenTreeMerkleLeaf(IERC20(address(tokenB)), earningsB));
        for (uint256 i = 0; i < tokensOf[earner].length; ++i) {
            tokenLeavesOf[earner].push(coordinator.calculateTokenLeafHash(tokensOf[earner][i]));
        }
        earnerLeaves.push(
            coordinator.calculateEarnerLeafHash(
                IRewardsCoordinatorTypes.EarnerTreeMerkleLeaf(earner, _merkleize(tokenLeavesOf[earner]))
            )
        );
    }

    function _resetDistribution() internal {
        for (uint256 i = 0; i < earners.length; ++i) {
            delete tokensOf[earners[i]];
            delete tokenLeavesOf[earners[i]];
        }
        delete earners;
        delete earnerLeaves;
    }

    function _claim(uint32 rootIndex, uint32 earnerIndex)
        internal
        view
        returns (IRewardsCoordinatorTypes.RewardsMerkleClaim memory claim)
    {
        address earner = earners[earnerIndex];
        uint256 n = tokensOf[earner].length;
        claim.rootIndex = rootIndex;
        claim.earnerIndex = earnerIndex;
        claim.earnerTreeProof = _proof(earnerLeaves, earnerIndex);
        claim.earnerLeaf = IRewardsCoordinatorTypes.EarnerTreeMerkleLeaf(earner, _merkleize(tokenLeavesOf[earner]));
        claim.tokenIndices = new uint32[](n);
        claim.tokenTreeProofs = new bytes[](n);
        claim.tokenLeaves = new IRewardsCoordinatorTypes.TokenTreeMerkleLeaf[](n);
        for (uint256 i = 0; i < n; ++i) {
            // n is 2 here.
            claim.tokenIndices[i] = uint32(i);
            claim.tokenTreeProofs[i] = _proof(tokenLeavesOf[earner], i);
            claim.tokenLeaves[i] = tokensOf[earner][i];
        }
    }

    /// @dev Submits the current distribution and waits until it activates.
    function _submitAndActivate() internal returns (uint32 rootIndex) {
        rootIndex = uint32(coordinator.getDistributionRootsLength());
        vm.prank(updater);
        coordinator.submitRoot(_merkleize(earnerLeaves), uint32(block.timestamp - 1));
        skip(ACTIVATION_DELAY);
    }

    // ---------------------------------------------------------------- tests

    function test_claimPaysCumulativeEarningsOnceThenReverts() public {
        _addEarner(alice, 10 ether, 3 ether);
        _addEarner(bob, 7 ether, 0.5 ether);
        _addEarner(carol, 1 ether, 2 ether);
        uint32 rootIndex = _submitAndActivate();

        IRewardsCoordinatorTypes.RewardsMerkleClaim memory claim = _claim(rootIndex, 1);
        assertTrue(coordinator.checkClaim(claim));
        vm.expectEmit(address(coordinator));
        emit RewardsClaimed(_merkleize(earnerLeaves), bob, bob, keeper, IERC20(address(tokenA)), 7 ether);
        vm.prank(bob);
        coordinator.processClaim(claim, keeper);
        assertEq(tokenA.balanceOf(keeper), 7 ether);
        assertEq(tokenB.balanceOf(keeper), 0.5 ether);
        assertEq(coordinator.cumulativeClaimed(bob, IERC20(address(tokenA))), 7 ether);

        vm.prank(bob);
        vm.expectRevert(IRewardsCoordinatorErrors.EarningsNotGreaterThanClaimed.selector);
        coordinator.processClaim(claim, keeper);
    }

    function test_laterRootPaysOnlyTheIncrease() public {
        _addEarner(alice, 10 ether, 3 ether);
        _addEarner(bob, 7 ether, 1 ether);
        uint32 first = _submitAndActivate();
        vm.prank(alice);
        coordinator.processClaim(_claim(first, 0), alice);

        _resetDistribution();
        _addEarner(alice, 12 ether, 4 ether);
        _addEarner(bob, 9 ether, 2 ether);
        uint32 second = _submitAndActivate();
        vm.prank(alice);
        coordinator.processClaim(_claim(second, 0), alice);
        assertEq(tokenA.balanceOf(alice), 12 ether);
        assertEq(tokenB.balanceOf(alice), 4 ether);
        assertEq(coordinator.getRootIndexFromHash(_merkleize(earnerLeaves)), second);
    }

    function test_singleEarnerSingleTokenTreeHasEmptyProofs() public {
        earners.push(alice);
        tokensOf[alice].push(IRewardsCoordinatorTypes.TokenTreeMerkleLeaf(IERC20(address(tokenA)), 5 ether));
        tokenLeavesOf[alice].push(coordinator.calculateTokenLeafHash(tokensOf[alice][0]));
        earnerLeaves.push(
            coordinator.calculateEarnerLeafHash(
                IRewardsCoordinatorTypes.EarnerTreeMerkleLeaf(alice, tokenLeavesOf[alice][0])
            )
        );
        uint32 rootIndex = _submitAndActivate();
        IRewardsCoordinatorTypes.RewardsMerkleClaim memory claim = _claim(rootIndex, 0);
        assertEq(claim.earnerTreeProof.length, 0);
        assertEq(claim.tokenTreeProofs[0].length, 0);
        vm.prank(alice);
        coordinator.processClaim(claim, alice);
        assertEq(tokenA.balanceOf(alice), 5 ether);
    }

    function test_rootIsNotClaimableBeforeActivation() public {
        _addEarner(alice, 1 ether, 1 ether);
        vm.prank(updater);
        coordinator.submitRoot(_merkleize(earnerLeaves), uint32(block.timestamp - 1));
        IRewardsCoordinatorTypes.DistributionRoot memory root = coordinator.getCurrentDistributionRoot();
        assertEq(root.activatedAt, block.timestamp + ACTIVATION_DELAY);
        assertEq(coordinator.getCurrentClaimableDistributionRoot().root, bytes32(0));

        skip(ACTIVATION_DELAY - 1);
        vm.prank(alice);
        vm.expectRevert(IRewardsCoordinatorErrors.RootNotActivated.selector);
        coordinator.processClaim(_claim(0, 0), alice);

        skip(1);
        vm.prank(alice);
        coordinator.processClaim(_claim(0, 0), alice);
        assertEq(coordinator.getCurrentClaimableDistributionRoot().root, _merkleize(earnerLeaves));
    }

    function test_disabledRootCannotBeClaimed() public {
        _addEarner(alice, 1 ether, 1 ether);
        vm.prank(updater);
        coordinator.submitRoot(_merkleize(earnerLeaves), uint32(block.timestamp - 1));
        vm.prank(updater);
        vm.expectEmit(address(coordinator));
        emit DistributionRootDisabled(0);
        coordinator.disableRoot(0);
        skip(ACTIVATION_DELAY);

        vm.prank(alice);
        vm.expectRevert(IRewardsCoordinatorErrors.RootDisabled.selector);
        coordinator.processClaim(_claim(0, 0), alice);

        vm.prank(updater);
        vm.expectRevert(IRewardsCoordinatorErrors.RootDisabled.selector);
        coordinator.disableRoot(0);
    }

    function test_activatedRootCannotBeDisabled() public {
        _addEarner(alice, 1 ether, 1 ether);
        _submitAndActivate();
        vm.prank(updater);
        vm.expectRevert(IRewardsCoordinatorErrors.RootAlreadyActivated.selector);
        coordinator.disableRoot(0);
        vm.prank(updater);
        vm.expectRevert(IRewardsCoordinatorErrors.InvalidRootIndex.selector);
        coordinator.disableRoot(1);
    }

    function test_onlyEarnerOrItsClaimerCanClaim() public {
        _addEarner(alice, 1 ether, 1 ether);
        uint32 rootIndex = _submitAndActivate();
        IRewardsCoordinatorTypes.RewardsMerkleClaim memory claim = _claim(rootIndex, 0);

        vm.prank(keeper);
        vm.expectRevert(IRewardsCoordinatorErrors.UnauthorizedCaller.selector);
        coordinator.processClaim(claim, keeper);

        vm.prank(alice);
        vm.expectEmit(address(coordinator));
        emit ClaimerForSet(alice, address(0), keeper);
        coordinator.setClaimerFor(keeper);
        assertEq(coordinator.claimerFor(alice), keeper);

        vm.prank(alice);
        vm.expectRevert(IRewardsCoordinatorErrors.UnauthorizedCaller.selector);
        coordinator.processClaim(claim, alice);

        vm.prank(keeper);
        coordinator.processClaim(claim, alice);
        assertEq(tokenA.balanceOf(alice), 1 ether);
    }

    function test_setClaimerForOnBehalfNeedsTheEarner() public {
        vm.prank(keeper);
        vm.expectRevert(IRewardsCoordinatorErrors.UnauthorizedCaller.selector);
        coordinator.setClaimerFor(alice, keeper);
        vm.prank(alice);
        coordinator.setClaimerFor(alice, keeper);
        assertEq(coordinator.claimerFor(alice), keeper);
    }

    function test_wrongProofsRevert() public {
        _addEarner(alice, 1 ether, 2 ether);
        _addEarner(bob, 3 ether, 4 ether);
        _addEarner(carol, 5 ether, 6 ether);
        uint32 rootIndex = _submitAndActivate();

        IRewardsCoordinatorTypes.RewardsMerkleClaim memory claim = _claim(rootIndex, 0);
        claim.tokenLeaves[0].cumulativeEarnings = 100 ether;
        vm.prank(alice);
        vm.expectRevert(IRewardsCoordinatorErrors.InvalidClaimProof.selector);
        coordinator.processClaim(claim, alice);

        claim = _claim(rootIndex, 0);
        claim.earnerIndex = 1;
        vm.prank(alice);
        vm.expectRevert(IRewardsCoordinatorErrors.InvalidClaimProof.selector);
        coordinator.processClaim(claim, alice);

        // Depth 2 allows indices 0-3 only: index 4 would alias index 0.
        claim = _claim(rootIndex, 0);
        claim.earnerIndex = 4;
        vm.prank(alice);
        vm.expectRevert(IRewardsCoordinatorErrors.InvalidEarnerLeafIndex.selector);
        coordinator.processClaim(claim, alice);

        claim = _claim(rootIndex, 0);
        claim.tokenIndices[1] = 3;
        vm.prank(alice);
        vm.expectRevert(IRewardsCoordinatorErrors.InvalidTokenLeafIndex.selector);
        coordinator.processClaim(claim, alice);

        claim = _claim(rootIndex, 0);
        claim.earnerTreeProof = abi.encodePacked(claim.earnerTreeProof, bytes1(0));
        vm.prank(alice);
        vm.expectRevert(Merkle.InvalidProofLength.selector);
        coordinator.processClaim(claim, alice);

        claim = _claim(rootIndex, 0);
        claim.tokenIndices = new uint32[](1);
        vm.prank(alice);
        vm.expectRevert(IRewardsCoordinatorErrors.InputArrayLengthMismatch.selector);
        coordinator.processClaim(claim, alice);
    }

    function test_processClaimsPaysEveryClaim() public {
        _addEarner(alice, 1 ether, 2 ether);
        _addEarner(bob, 3 ether, 4 ether);
        uint32 rootIndex = _submitAndActivate();
        vm.prank(bob);
        coordinator.setClaimerFor(alice);

        IRewardsCoordinatorTypes.RewardsMerkleClaim[] memory claims = new IRewardsCoordinatorTypes.RewardsMerkleClaim[](2);
        claims[0] = _claim(rootIndex, 0);
        claims[1] = _claim(rootIndex, 1);
        vm.prank(alice);
        coordinator.processClaims(claims, keeper);
        assertEq(tokenA.balanceOf(keeper), 4 ether);
        assertEq(tokenB.balanceOf(keeper), 6 ether);
    }

    function test_submitRootChecksPeriodAndCaller() public {
        vm.prank(alice);
        vm.expectRevert(IRewardsCoordinatorErrors.UnauthorizedCaller.selector);
        coordinator.submitRoot(bytes32(uint256(1)), uint32(block.timestamp - 1));

        vm.startPrank(updater);
        vm.expectRevert(IRewardsCoordinatorErrors.RewardsEndTimestampNotElapsed.selector);
        coordinator.submitRoot(bytes32(uint256(1)), uint32(block.timestamp));

        vm.expectEmit(address(coordinator));
        emit DistributionRootSubmitted(0, bytes32(uint256(1)), uint32(block.timestamp - 10), uint32(block.timestamp) + ACTIVATION_DELAY);
        coordinator.submitRoot(bytes32(uint256(1)), uint32(block.timestamp - 10));
        assertEq(coordinator.currRewardsCalculationEndTimestamp(), block.timestamp - 10);

        vm.expectRevert(IRewardsCoordinatorErrors.NewRootMustBeForNewCalculatedPeriod.selector);
        coordinator.submitRoot(bytes32(uint256(2)), uint32(block.timestamp - 10));
        vm.stopPrank();

        vm.expectRevert(IRewardsCoordinatorErrors.InvalidRoot.selector);
        coordinator.getRootIndexFromHash(bytes32(uint256(2)));
    }

    function test_ownerSetsDelayAndUpdater() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        coordinator.setActivationDelay(1);
        vm.startPrank(owner);
        coordinator.setActivationDelay(1);
        coordinator.setRewardsUpdater(alice);
        vm.stopPrank();
        assertEq(coordinator.activationDelay(), 1);
        assertEq(coordinator.rewardsUpdater(), alice);
        assertEq(coordinator.CALCULATION_INTERVAL_SECONDS(), CALCULATION_INTERVAL);
    }

    /// @dev The vector of src/devnet/rewards.test.ts, built here in Solidity: both must reach the same root.
    function test_typescriptVectorRoot() public view {
        bytes32[] memory beef = new bytes32[](3);
        beef[0] = _tokenLeaf(address(0xa), 1);
        beef[1] = _tokenLeaf(address(0xc), 0);
        beef[2] = _tokenLeaf(address(0xb0b), 2);
        bytes32[] memory alice_ = new bytes32[](2);
        alice_[0] = _tokenLeaf(address(0xa), 3e30 + 7);
        alice_[1] = _tokenLeaf(address(0xb0b), 1e18);
        bytes32[] memory coffee = new bytes32[](1);
        coffee[0] = _tokenLeaf(address(0xb0b), 5);

        bytes32[] memory leaves = new bytes32[](3);
        leaves[0] = _earnerLeaf(address(0xbeef), _merkleize(beef));
        leaves[1] = _earnerLeaf(address(0xa11ce), _merkleize(alice_));
        leaves[2] = _earnerLeaf(address(0xc0ffee), _merkleize(coffee));
        assertEq(_merkleize(leaves), 0x269c91e532d5c546d7099338718fbb580aeac837023ebdb9beb9bb879dafbbf4);
    }

    function _tokenLeaf(address token, uint256 earnings) internal view returns (bytes32) {
        return coordinator.calculateTokenLeafHash(IRewardsCoordinatorTypes.TokenTreeMerkleLeaf(IERC20(token), earnings));
    }

    function _earnerLeaf(address earner, bytes32 tokenRoot) internal view returns (bytes32) {
        return coordinator.calculateEarnerLeafHash(IRewardsCoordinatorTypes.EarnerTreeMerkleLeaf(earner, tokenRoot));
    }

    function testFuzz_everyLeafOfAPaddedTreeVerifies(uint256 count, uint256 index, bytes32 seed) public {
        count = bound(count, 1, 33);
        index = bound(index, 0, count - 1);
        bytes32[] memory leaves = new bytes32[](count);
        for (uint256 i = 0; i < count; ++i) {
            leaves[i] = keccak256(abi.encode(seed, i));
        }
        MerkleHarness harness = new MerkleHarness();
        bytes32 root = _merkleize(leaves);
        bytes memory proof = _proof(leaves, index);
        assertTrue(harness.verify(proof, root, leaves[index], index));
        assertFalse(harness.verify(proof, root, leaves[index], index ^ 1) && count > 1, "sibling index verified");
    }
}
