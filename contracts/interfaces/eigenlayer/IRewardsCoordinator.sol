// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {OperatorSet} from "./OperatorSetLib.sol";

/// @notice The subset of EigenLayer's RewardsCoordinator errors that claiming and root submission use.
/// @dev Names and (empty) arguments are identical to EigenLayer v1.x, so selectors match mainnet.
interface IRewardsCoordinatorErrors {
    /// @dev Caller is not the rewards updater, nor the earner's claimer, nor allowed to act for the earner.
    error UnauthorizedCaller();
    /// @dev The earner in `setClaimerFor(earner, claimer)` is neither an operator nor an AVS.
    error InvalidEarner();
    /// @dev `tokenIndices`, `tokenTreeProofs` and `tokenLeaves` differ in length.
    error InputArrayLengthMismatch();
    /// @dev A submitted root must cover a later period than the previous one.
    error NewRootMustBeForNewCalculatedPeriod();
    /// @dev A submitted root cannot cover a period that has not ended yet.
    error RewardsEndTimestampNotElapsed();
    /// @dev No distribution root has this hash.
    error InvalidRoot();
    /// @dev No distribution root has this index.
    error InvalidRootIndex();
    /// @dev The root was disabled by the rewards updater.
    error RootDisabled();
    /// @dev The root's activation delay has not passed yet.
    error RootNotActivated();
    /// @dev A root can only be disabled before it activates.
    error RootAlreadyActivated();
    /// @dev The earner index is out of range for the proof's depth.
    error InvalidEarnerLeafIndex();
    /// @dev The token index is out of range for the proof's depth.
    error InvalidTokenLeafIndex();
    /// @dev A merkle proof does not lead to the expected root.
    error InvalidClaimProof();
    /// @dev The leaf's cumulative earnings are already fully claimed.
    error EarningsNotGreaterThanClaimed();
    /// @dev An operator split above 10000 bips.
    error SplitExceedsMax();
    /// @dev A new split while the previous one has not activated yet.
    error PreviousSplitPending();
}

/// @notice EigenLayer's rewards structs, under the same container name so ABIs carry the same internalType.
interface IRewardsCoordinatorTypes {
    /// @notice A merkle root of cumulative earnings, claimable from `activatedAt` unless `disabled`.
    struct DistributionRoot {
        bytes32 root;
        uint32 rewardsCalculationEndTimestamp;
        uint32 activatedAt;
        bool disabled;
    }

    /// @notice A leaf of the distribution tree: an earner and the root of its token subtree.
    struct EarnerTreeMerkleLeaf {
        address earner;
        bytes32 earnerTokenRoot;
    }

    /// @notice A leaf of an earner's token subtree: the earner's cumulative earnings of one token.
    struct TokenTreeMerkleLeaf {
        IERC20 token;
        uint256 cumulativeEarnings;
    }

    /// @notice A claim against `distributionRoots[rootIndex]` for some of an earner's tokens.
    /// @param earnerTreeProof Concatenated 32-byte siblings from the earner leaf up to the root.
    /// @param tokenTreeProofs For each token leaf, the concatenated siblings up to `earnerLeaf.earnerTokenRoot`.
    struct RewardsMerkleClaim {
        uint32 rootIndex;
        uint32 earnerIndex;
        bytes earnerTreeProof;
        EarnerTreeMerkleLeaf earnerLeaf;
        uint32[] tokenIndices;
        bytes[] tokenTreeProofs;
        TokenTreeMerkleLeaf[] tokenLeaves;
    }
}

/// @notice The subset of EigenLayer's RewardsCoordinator events that claiming and root submission emit.
interface IRewardsCoordinatorEvents is IRewardsCoordinatorTypes {
    event RewardsUpdaterSet(address indexed oldRewardsUpdater, address indexed newRewardsUpdater);
    event ActivationDelaySet(uint32 oldActivationDelay, uint32 newActivationDelay);
    event ClaimerForSet(address indexed earner, address indexed oldClaimer, address indexed claimer);
    event DistributionRootSubmitted(
        uint32 indexed rootIndex, bytes32 indexed root, uint32 indexed rewardsCalculationEndTimestamp, uint32 activatedAt
    );
    event DistributionRootDisabled(uint32 indexed rootIndex);
    event DefaultOperatorSplitBipsSet(uint16 oldDefaultOperatorSplitBips, uint16 newDefaultOperatorSplitBips);
    event OperatorAVSSplitBipsSet(
        address indexed caller,
        address indexed operator,
        address indexed avs,
        uint32 activatedAt,
        uint16 oldOperatorAVSSplitBips,
        uint16 newOperatorAVSSplitBips
    );
    event OperatorSetSplitBipsSet(
        address indexed caller,
        address indexed operator,
        OperatorSet operatorSet,
        uint32 activatedAt,
        uint16 oldOperatorSetSplitBips,
        uint16 newOperatorSetSplitBips
    );
    event RewardsClaimed(
        bytes32 root,
        address indexed earner,
        address indexed claimer,
        address indexed recipient,
        IERC20 token,
        uint256 claimedAmount
    );
}

/// @title IRewardsCoordinator
/// @notice The part of EigenLayer's RewardsCoordinator that Trellis uses: distribution roots and merkle claims.
/// Every signature, struct and event here is identical to EigenLayer v1.x (the mainnet ABI), so the same
/// Trellis contracts and keeper run against mainnet, a fork or the devnet.
/// @dev The distribution is a two-level keccak merkle tree. Level one: leaves
/// `keccak256(abi.encodePacked(uint8(0), earner, earnerTokenRoot))`. Level two, one tree per earner: leaves
/// `keccak256(abi.encodePacked(uint8(1), token, cumulativeEarnings))`. Trees are padded to a power of two
/// with zero leaves; a proof is verified bottom-up by the leaf index's bits (even: node is on the left).
/// @dev Warning: EigenLayer's rewards updater is trusted. A root it submits pays whatever it says once
/// activated; the activation delay is the only window to disable a wrong root.
interface IRewardsCoordinator is IRewardsCoordinatorErrors, IRewardsCoordinatorEvents {
    /// @notice Claims `cumulativeEarnings - cumulativeClaimed` of each token leaf in `claim` and sends it to
    /// `recipient`. Callable by the earner, or only by its claimer once one is set.
    /// @dev Reverts with `EarningsNotGreaterThanClaimed` when a leaf has nothing left to claim.
    function processClaim(RewardsMerkleClaim calldata claim, address recipient) external;

    /// @notice `processClaim` for several claims, all paid to `recipient`.
    function processClaims(RewardsMerkleClaim[] calldata claims, address recipient) external;

    /// @notice Posts a new distribution root, claimable from `block.timestamp + activationDelay`.
    /// @dev Only the rewards updater. `rewardsCalculationEndTimestamp` must be in the past and after the last one.
    function submitRoot(bytes32 root, uint32 rewardsCalculationEndTimestamp) external;

    /// @notice Disables a root that has not activated yet. Only the rewards updater.
    function disableRoot(uint32 rootIndex) external;

    /// @notice Lets `claimer` claim on behalf of the caller; `address(0)` returns the right to the caller.
    function setClaimerFor(address claimer) external;

    /// @notice Sets the claimer of `earner`, an operator or AVS, on its behalf.
    function setClaimerFor(address earner, address claimer) external;

    /// @notice Sets the delay between a root's submission and its activation. Only the owner.
    function setActivationDelay(uint32 _activationDelay) external;

    /// @notice Sets the account allowed to submit and disable roots. Only the owner.
    function setRewardsUpdater(address _rewardsUpdater) external;

    /// @notice Reverts unless `claim` is provable against an active, enabled root.
    function checkClaim(RewardsMerkleClaim calldata claim) external view returns (bool);

    /// @notice The hash of an earner leaf, as the distribution tree stores it.
    function calculateEarnerLeafHash(EarnerTreeMerkleLeaf calldata leaf) external pure returns (bytes32);

    /// @notice The hash of a token leaf, as an earner's token subtree stores it.
    function calculateTokenLeafHash(TokenTreeMerkleLeaf calldata leaf) external pure returns (bytes32);

    /// @notice The account allowed to claim for `earner`; zero means only the earner itself.
    function claimerFor(address earner) external view returns (address);

    /// @notice How much of `token` has been claimed for an earner in total.
    function cumulativeClaimed(address claimer, IERC20 token) external view returns (uint256);

    function getDistributionRootsLength() external view returns (uint256);

    function getDistributionRootAtIndex(uint256 index) external view returns (DistributionRoot memory);

    /// @notice The latest root, whether or not it is active yet.
    function getCurrentDistributionRoot() external view returns (DistributionRoot memory);

    /// @notice The latest root that is activated and not disabled.
    function getCurrentClaimableDistributionRoot() external view returns (DistributionRoot memory);

    /// @notice The index of the latest root whose hash is `rootHash`; reverts with `InvalidRoot` if none.
    function getRootIndexFromHash(bytes32 rootHash) external view returns (uint32);

    function activationDelay() external view returns (uint32);

    function rewardsUpdater() external view returns (address);

    function currRewardsCalculationEndTimestamp() external view returns (uint32);

    /// @notice The length of a rewards calculation period; mainnet uses one week.
    function CALCULATION_INTERVAL_SECONDS() external view returns (uint32);

    /// @notice The operator's share (commission) of rewards in bips when it has set no split of its own.
    function defaultOperatorSplitBips() external view returns (uint16);

    /// @notice The operator's share in bips of the AVS's stake-proportional rewards submissions: the split it set
    /// once activated (`activationDelay` after setting it), else `defaultOperatorSplitBips`. Stakers get the rest.
    function getOperatorAVSSplit(address operator, address avs) external view returns (uint16);

    /// @notice The operator's share in bips of operator-directed rewards to `operatorSet`, as `getOperatorAVSSplit`.
    function getOperatorSetSplit(address operator, OperatorSet calldata operatorSet) external view returns (uint16);

    /// @notice Sets the default split (owner only).
    function setDefaultOperatorSplit(uint16 split) external;

    /// @notice Sets the operator's split for an AVS (operator only); it activates after `activationDelay`.
    function setOperatorAVSSplit(address operator, address avs, uint16 split) external;

    /// @notice Sets the operator's split for an operator set (operator only); it activates after `activationDelay`.
    function setOperatorSetSplit(address operator, OperatorSet calldata operatorSet, uint16 split) external;
}
