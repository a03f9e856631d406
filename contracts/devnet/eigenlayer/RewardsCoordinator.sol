// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IRewardsCoordinator} from "../../interfaces/eigenlayer/IRewardsCoordinator.sol";
import {Merkle} from "./libraries/Merkle.sol";
import {OperatorSet, OperatorSetLib} from "../../interfaces/eigenlayer/OperatorSetLib.sol";

/// @title RewardsCoordinator (devnet)
/// @notice EigenLayer's RewardsCoordinator as far as Trellis uses it: the rewards updater posts merkle roots of
/// cumulative earnings, which become claimable after `activationDelay`; earners (or their claimers) prove their
/// leaves and receive the difference from what they already claimed. Same ABI, errors and proof format as
/// EigenLayer v1.x, so claims built for mainnet verify here and the other way round.
/// @dev Not deployed behind a proxy and not pausable. Rewards submissions by AVSs are out of scope: tests fund
/// the coordinator by minting reward tokens to it. `setClaimerFor(earner, claimer)` accepts the earner itself
/// only, standing in for EigenLayer's PermissionController, and does not check that it is an operator or AVS.
contract RewardsCoordinator is IRewardsCoordinator, Ownable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @dev Salts keep an earner leaf from ever being read as a token leaf: both hash 85 bytes.
    uint8 internal constant EARNER_LEAF_SALT = 0;
    uint8 internal constant TOKEN_LEAF_SALT = 1;
    /// @dev Operator splits are in bips of the rewards; EigenLayer's default is 10%.
    uint16 internal constant MAX_SPLIT_BIPS = 10_000;
    uint16 internal constant INITIAL_DEFAULT_SPLIT_BIPS = 1000;

    /// @dev EigenLayer's split record: `oldSplitBips == type(uint16).max` before the first split activates means
    /// "the default".
    struct OperatorSplit {
        uint16 oldSplitBips;
        uint16 newSplitBips;
        uint32 activatedAt;
    }

    /// @inheritdoc IRewardsCoordinator
    uint32 public immutable CALCULATION_INTERVAL_SECONDS;

    /// @inheritdoc IRewardsCoordinator
    address public rewardsUpdater;
    /// @inheritdoc IRewardsCoordinator
    uint32 public activationDelay;
    /// @inheritdoc IRewardsCoordinator
    uint32 public currRewardsCalculationEndTimestamp;
    /// @inheritdoc IRewardsCoordinator
    mapping(address earner => address) public claimerFor;
    /// @inheritdoc IRewardsCoordinator
    mapping(address earner => mapping(IERC20 token => uint256)) public cumulativeClaimed;

    /// @inheritdoc IRewardsCoordinator
    uint16 public defaultOperatorSplitBips = INITIAL_DEFAULT_SPLIT_BIPS;

    DistributionRoot[] internal _distributionRoots;
    mapping(address operator => mapping(address avs => OperatorSplit)) internal _operatorAVSSplitBips;
    mapping(address operator => mapping(bytes32 operatorSetKey => OperatorSplit)) internal _operatorSetSplitBips;

    modifier onlyRewardsUpdater() {
        if (msg.sender != rewardsUpdater) revert UnauthorizedCaller();
        _;
    }

    constructor(address initialOwner, address rewardsUpdater_, uint32 activationDelay_, uint32 calculationIntervalSeconds)
        Ownable(initialOwner)
    {
        CALCULATION_INTERVAL_SECONDS = calculationIntervalSeconds;
        _setRewardsUpdater(rewardsUpdater_);
        _setActivationDelay(activationDelay_);
    }

    /// @inheritdoc IRewardsCoordinator
    function processClaim(RewardsMerkleClaim calldata claim, address recipient) external nonReentrant {
        _processClaim(claim, recipient);
    }

    /// @inheritdoc IRewardsCoordinator
    function processClaims(RewardsMerkleClaim[] calldata claims, address recipient) external nonReentrant {
        for (uint256 i = 0; i < claims.length; ++i) {
            _processClaim(claims[i], recipient);
        }
    }

    /// @inheritdoc IRewardsCoordinator
    function submitRoot(bytes32 root, uint32 rewardsCalculationEndTimestamp) external onlyRewardsUpdater {
        if (rewardsCalculationEndTimestamp <= currRewardsCalculationEndTimestamp) {
            revert NewRootMustBeForNewCalculatedPeriod();
        }
        if (rewardsCalculationEndTimestamp >= block.timestamp) revert RewardsEndTimestampNotElapsed();
        // Both casts hold until 2106 and for fewer than 2^32 roots, as on mainnet.
        uint32 rootIndex = uint32(_distributionRoots.length);
        uint32 activatedAt = uint32(block.timestamp) + activationDelay;
        _distributionRoots.push(
            DistributionRoot({
                root: root,
                rewardsCalculationEndTimestamp: rewardsCalculationEndTimestamp,
                activatedAt: activatedAt,
                disabled: false
            })
        );
        currRewardsCalculationEndTimestamp = rewardsCalculationEndTimestamp;
        emit DistributionRootSubmitted(rootIndex, root, rewardsCalculationEndTimestamp, activatedAt);
    }

    /// @inheritdoc IRewardsCoordinator
    function disableRoot(uint32 rootIndex) external onlyRewardsUpdater {
        if (rootIndex >= _distributionRoots.length) revert InvalidRootIndex();
        DistributionRoot storage root = _distributionRoots[rootIndex];
        if (root.disabled) revert RootDisabled();
        if (block.timestamp >= root.activatedAt) revert RootAlreadyActivated();
        root.disabled = true;
        emit DistributionRootDisabled(rootIndex);
    }

    /// @inheritdoc IRewardsCoordinator
    function setClaimerFor(address claimer) external {
        _setClaimer(msg.sender, claimer);
    }

    /// @inheritdoc IRewardsCoordinator
    function setClaimerFor(address earner, address claimer) external {
        if (msg.sender != earner) revert UnauthorizedCaller();
        _setClaimer(earner, claimer);
    }

    /// @inheritdoc IRewardsCoordinator
    function setActivationDelay(uint32 _activationDelay) external onlyOwner {
        _setActivationDelay(_activationDelay);
    }

    /// @inheritdoc IRewardsCoordinator
    function setRewardsUpdater(address _rewardsUpdater) external onlyOwner {
        _setRewardsUpdater(_rewardsUpdater);
    }

    /// @inheritdoc IRewardsCoordinator
    function checkClaim(RewardsMerkleClaim calldata claim) external view returns (bool) {
        _checkClaim(claim, _distributionRoots[claim.rootIndex]);
        return true;
    }

    /// @inheritdoc IRewardsCoordinator
    function calculateEarnerLeafHash(EarnerTreeMerkleLeaf calldata leaf) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(EARNER_LEAF_SALT, leaf.earner, leaf.earnerTokenRoot));
    }

    /// @inheritdoc IRewardsCoordinator
    function calculateTokenLeafHash(TokenTreeMerkleLeaf calldata leaf) public pure returns (bytes32) {
        return keccak256(abi.encodePacked(TOKEN_LEAF_SALT, leaf.token, leaf.cumulativeEarnings));
    }

    /// @inheritdoc IRewardsCoordinator
    function getDistributionRootsLength() external view returns (uint256) {
        return _distributionRoots.length;
    }

    /// @inheritdoc IRewardsCoordinator
    function getDistributionRootAtIndex(uint256 index) external view returns (DistributionRoot memory) {
        return _distributionRoots[index];
    }

    /// @inheritdoc IRewardsCoordinator
    function getCurrentDistributionRoot() external view returns (DistributionRoot memory) {
        return _distributionRoots[_distributionRoots.length - 1];
    }

    /// @inheritdoc IRewardsCoordinator
    function getCurrentClaimableDistributionRoot() external view returns (DistributionRoot memory root) {
        for (uint256 i = _distributionRoots.length; i > 0; --i) {
            root = _distributionRoots[i - 1];
            if (!root.disabled && block.timestamp >= root.activatedAt) return root;
        }
        return DistributionRoot(bytes32(0), 0, 0, false);
    }

    /// @inheritdoc IRewardsCoordinator
    function getRootIndexFromHash(bytes32 rootHash) external view returns (uint32) {
        // Fewer than 2^32 roots, see submitRoot.
        for (uint32 i = uint32(_distributionRoots.length); i > 0; --i) {
            if (_distributionRoots[i - 1].root == rootHash) return i - 1;
        }
        revert InvalidRoot();
    }

    function _processClaim(RewardsMerkleClaim calldata claim, address recipient) internal {
        DistributionRoot memory root = _distributionRoots[claim.rootIndex];
        _checkClaim(claim, root);
        address earner = claim.earnerLeaf.earner;
        address claimer = claimerFor[earner];
        if (claimer == address(0)) claimer = earner;
        if (msg.sender != claimer) revert UnauthorizedCaller();
        for (uint256 i = 0; i < claim.tokenIndices.length; ++i) {
            TokenTreeMerkleLeaf calldata tokenLeaf = claim.tokenLeaves[i];
            uint256 claimed = cumulativeClaimed[earner][tokenLeaf.token];
            if (tokenLeaf.cumulativeEarnings <= claimed) revert EarningsNotGreaterThanClaimed();
            uint256 amount = tokenLeaf.cumulativeEarnings - claimed;
            cumulativeClaimed[earner][tokenLeaf.token] = tokenLeaf.cumulativeEarnings;
            tokenLeaf.token.safeTransfer(recipient, amount);
            emit RewardsClaimed(root.root, earner, claimer, recipient, tokenLeaf.token, amount);
        }
    }

    function _checkClaim(RewardsMerkleClaim calldata claim, DistributionRoot memory root) internal view {
        if (root.disabled) revert RootDisabled();
        if (block.timestamp < root.activatedAt) revert RootNotActivated();
        if (claim.tokenIndices.length != claim.tokenTreeProofs.length) revert InputArrayLengthMismatch();
        if (claim.tokenTreeProofs.length != claim.tokenLeaves.length) revert InputArrayLengthMismatch();

        _verifyEarnerClaimProof(root.root, claim.earnerIndex, claim.earnerTreeProof, claim.earnerLeaf);
        for (uint256 i = 0; i < claim.tokenIndices.length; ++i) {
            _verifyTokenClaimProof(
                claim.earnerLeaf.earnerTokenRoot, claim.tokenIndices[i], claim.tokenTreeProofs[i], claim.tokenLeaves[i]
            );
        }
    }

    function _verifyEarnerClaimProof(
        bytes32 root,
        uint32 earnerIndex,
        bytes calldata proof,
        EarnerTreeMerkleLeaf calldata leaf
    ) internal pure {
        // Only the low `depth` bits of an index are read, so higher ones would give one leaf many valid indices.
        if (earnerIndex >= (uint256(1) << (proof.length / 32))) revert InvalidEarnerLeafIndex();
        if (!Merkle.verifyInclusionKeccak(proof, root, calculateEarnerLeafHash(leaf), earnerIndex)) {
            revert InvalidClaimProof();
        }
    }

    function _verifyTokenClaimProof(
        bytes32 earnerTokenRoot,
        uint32 tokenIndex,
        bytes calldata proof,
        TokenTreeMerkleLeaf calldata leaf
    ) internal pure {
        if (tokenIndex >= (uint256(1) << (proof.length / 32))) revert InvalidTokenLeafIndex();
        if (!Merkle.verifyInclusionKeccak(proof, earnerTokenRoot, calculateTokenLeafHash(leaf), tokenIndex)) {
            revert InvalidClaimProof();
        }
    }

    function _setClaimer(address earner, address claimer) internal {
        address oldClaimer = claimerFor[earner];
        claimerFor[earner] = claimer;
        emit ClaimerForSet(earner, oldClaimer, claimer);
    }

    /// @inheritdoc IRewardsCoordinator
    function getOperatorAVSSplit(address operator, address avs) external view returns (uint16) {
        return _getOperatorSplit(_operatorAVSSplitBips[operator][avs]);
    }

    /// @inheritdoc IRewardsCoordinator
    function getOperatorSetSplit(address operator, OperatorSet calldata operatorSet) external view returns (uint16) {
        return _getOperatorSplit(_operatorSetSplitBips[operator][OperatorSetLib.key(operatorSet)]);
    }

    /// @inheritdoc IRewardsCoordinator
    function setDefaultOperatorSplit(uint16 split) external onlyOwner {
        if (split > MAX_SPLIT_BIPS) revert SplitExceedsMax();
        emit DefaultOperatorSplitBipsSet(defaultOperatorSplitBips, split);
        defaultOperatorSplitBips = split;
    }

    /// @inheritdoc IRewardsCoordinator
    /// @dev The operator itself only (standing in for EigenLayer's PermissionController).
    function setOperatorAVSSplit(address operator, address avs, uint16 split) external {
        if (msg.sender != operator) revert UnauthorizedCaller();
        (uint32 activatedAt, uint16 oldSplit) = _setOperatorSplit(_operatorAVSSplitBips[operator][avs], split);
        emit OperatorAVSSplitBipsSet(msg.sender, operator, avs, activatedAt, oldSplit, split);
    }

    /// @inheritdoc IRewardsCoordinator
    /// @dev The operator itself only; unlike EigenLayer, the set's existence is not checked (no AllocationManager
    /// reference on the devnet).
    function setOperatorSetSplit(address operator, OperatorSet calldata operatorSet, uint16 split) external {
        if (msg.sender != operator) revert UnauthorizedCaller();
        OperatorSplit storage record = _operatorSetSplitBips[operator][OperatorSetLib.key(operatorSet)];
        (uint32 activatedAt, uint16 oldSplit) = _setOperatorSplit(record, split);
        emit OperatorSetSplitBipsSet(msg.sender, operator, operatorSet, activatedAt, oldSplit, split);
    }

    /// @dev As EigenLayer: the new split activates `activationDelay` seconds from now; until then the old one (or
    /// the default, before any split) applies. Returns the activation time and the split that applied before.
    function _setOperatorSplit(OperatorSplit storage record, uint16 split) internal returns (uint32 activatedAt, uint16 oldSplit) {
        if (split > MAX_SPLIT_BIPS) revert SplitExceedsMax();
        // A timestamp fits in uint32 until 2106.
        activatedAt = uint32(block.timestamp) + activationDelay;
        oldSplit = _getOperatorSplit(record);
        if (record.activatedAt == 0) {
            record.oldSplitBips = type(uint16).max;
        } else {
            if (block.timestamp <= record.activatedAt) revert PreviousSplitPending();
            record.oldSplitBips = record.newSplitBips;
        }
        record.newSplitBips = split;
        record.activatedAt = activatedAt;
    }

    function _getOperatorSplit(OperatorSplit memory record) internal view returns (uint16) {
        if (
            (record.oldSplitBips == 0 && record.newSplitBips == 0 && record.activatedAt == 0)
                || (record.oldSplitBips == type(uint16).max && block.timestamp < record.activatedAt)
        ) return defaultOperatorSplitBips;
        return block.timestamp >= record.activatedAt ? record.newSplitBips : record.oldSplitBips;
    }

    function _setActivationDelay(uint32 _activationDelay) internal {
        emit ActivationDelaySet(activationDelay, _activationDelay);
        activationDelay = _activationDelay;
    }

    function _setRewardsUpdater(address _rewardsUpdater) internal {
        emit RewardsUpdaterSet(rewardsUpdater, _rewardsUpdater);
        rewardsUpdater = _rewardsUpdater;
    }
}
