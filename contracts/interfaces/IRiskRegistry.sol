// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

/// @title IRiskRegistry
/// @notice On-chain risk limits and operator policy that every allocation must meet, so a faulty keeper
/// cannot break them.
/// @dev Caps are basis points of the vault's total assets (TVL). Exposure of one delegator to an operator set
/// is its stake at the operator times the operator's magnitude in that set over its max magnitude, per
/// strategy, where the magnitude counts pending increases (current + committed: the worst case the operator
/// has already scheduled). Stake in queued withdrawals stays slashable by the operator it was delegated to
/// when queued, and is counted against that operator's sets.
/// Accounting is incremental: each delegator's exposure is cached, and per-operator-set, per-AVS and total
/// slashable aggregates are kept as sums of the caches. `Vault.allocate` refreshes and checks only the
/// delegator it moves stake to (O(its operator's sets), never O(delegators)); `refresh` (anyone, e.g. the
/// keeper) brings any other delegator's cache up to date.
/// A RISK_MANAGER can tighten any limit at once; loosening one also needs the ADMIN role (the timelock) with
/// an AccessManager execution delay on ADMIN of at least `policy().minAdminDelay`.
/// @dev Warning: another delegator's cached exposure is as of its last refresh. An operator that raises its
/// allocations shows it at once as a pending increase, but the aggregates only see it after a refresh of
/// that operator's delegator (`refresh`: anyone may call it; keeping every delegator fresh is the keeper's job).
/// @dev Warning: exposure to an operator set is bounded by `policy().maxOperatorSets` sets per operator. An
/// operator allocated to more gets no new stake (`OperatorSetsBeyondBound`) and its cached per-set exposure is
/// kept as last read, until governance looks (deallowlist, retire, or raise the bound through the timelock).
interface IRiskRegistry {
    struct Limits {
        /// @dev Max stake per operator.
        uint16 operatorCapBps;
        /// @dev Exposure cap for an AVS with no cap of its own.
        uint16 defaultAvsCapBps;
        /// @dev Exposure cap for an operator set with no cap of its own.
        uint16 defaultOperatorSetCapBps;
        /// @dev Max total slashable stake (stake times encumbered magnitude over max magnitude).
        uint16 totalSlashableCapBps;
        /// @dev Min liquid (idle) assets kept in the vault.
        uint16 minBufferBps;
    }

    /// @notice The operator policy: what an operator must meet to get new stake, and the ADMIN-delay rule.
    struct Policy {
        /// @dev Min EigenLayer allocation delay (blocks) of an operator getting new stake: below it an operator
        /// can make a raise of its slashable allocation effective before Trellis can react (ELIP-016). Higher is
        /// tighter.
        uint32 minAllocationDelay;
        /// @dev Max operator sets read per operator; an operator allocated to more gets no new stake. Lower is
        /// tighter.
        uint16 maxOperatorSets;
        /// @dev Min AccessManager execution delay (seconds) on ADMIN of the account that loosens a limit. Higher
        /// is tighter.
        uint32 minAdminDelay;
    }

    /// @notice One delegator's cached exposure to one operator set.
    struct SetExposure {
        address avs;
        uint32 id;
        /// @dev The set redistributes slashed stake (ELIP-006) instead of burning it.
        bool redistributing;
        /// @dev Through the delegator's current operator (false: queued stake of a former operator).
        bool current;
        /// @dev ETH.
        uint256 value;
    }

    /// @notice One delegator's cached exposure, as of `refreshedBlock`.
    struct DelegatorExposure {
        /// @dev EigenLayer's `delegatedTo` at the refresh (zero when undelegated).
        address delegatedTo;
        /// @dev Some operator the stake is exposed to was allocated to more than `maxOperatorSets` sets.
        bool beyondSetBound;
        uint64 refreshedBlock;
        /// @dev ETH value of the stake: delegated plus queued withdrawals, rounded down as the vault values it.
        uint256 stake;
        /// @dev ETH value of the stake times encumbered over max magnitude, summed over the operators.
        uint256 slashable;
        SetExposure[] sets;
    }

    error BpsOutOfRange(uint256 bps);
    error LoosenRequiresAdmin(bytes32 limit, uint256 current, uint256 wanted);
    error AdminDelayTooShort(uint256 minAdminDelay, uint256 executionDelay);
    error OperatorNotAllowed(address operator);
    error OperatorCapExceeded(address operator, uint256 cap, uint256 stake);
    error AvsExposureCapExceeded(address avs, uint256 cap, uint256 exposure);
    error OperatorSetExposureCapExceeded(address avs, uint32 operatorSetId, uint256 cap, uint256 exposure);
    error TotalSlashableCapExceeded(uint256 cap, uint256 slashable);
    error LiquidBufferTooLow(uint256 minBuffer, uint256 buffer);
    error AllocationDelayTooShort(address operator, uint256 minAllocationDelay, uint256 allocationDelay);
    error OperatorSetsBeyondBound(address operator, uint256 maxOperatorSets);
    error RedistributingOperatorSet(address operator, address avs, uint32 operatorSetId, address recipient);
    error DelegatorNotDelegated(address delegator, address operator, address delegatedTo);
    error OnlyVault(address caller);
    error RetiredDelegator(address delegator);
    error DelegatorNotRetired(address delegator);
    error DelegatorNotEmpty(address delegator);
    /// @dev The caller left too little gas for the bounded read of an operator's sets to be conclusive.
    error SetReadGasTooLow(uint256 needed);

    event OperatorAllowedSet(address indexed operator, bool allowed);
    event LimitSet(bytes32 indexed limit, uint256 oldValue, uint256 newValue);
    event AvsCapSet(address indexed avs, uint256 oldBps, uint256 newBps);
    event OperatorSetCapSet(address indexed avs, uint32 indexed operatorSetId, uint256 oldBps, uint256 newBps);
    event RedistributionAllowedSet(address indexed avs, uint32 indexed operatorSetId, bool allowed);
    event DelegatorRetired(address indexed delegator);
    event ExposureRefreshed(
        address indexed delegator, address indexed delegatedTo, uint256 stake, uint256 slashable, uint256 sets, bool beyondSetBound
    );

    function setOperatorAllowed(address operator, bool allowed) external;
    function setOperatorCap(uint16 bps) external;
    function setDefaultAvsCap(uint16 bps) external;
    function setDefaultOperatorSetCap(uint16 bps) external;
    function setTotalSlashableCap(uint16 bps) external;
    function setMinBuffer(uint16 bps) external;
    /// @notice Sets the exposure cap of one AVS; `bps` = 0 clears it back to the default.
    function setAvsCap(address avs, uint16 bps) external;
    /// @notice Sets the exposure cap of one operator set; `bps` = 0 clears it back to the default.
    function setOperatorSetCap(address avs, uint32 operatorSetId, uint16 bps) external;
    /// @notice Sets the min allocation delay (blocks) an operator needs to get new stake. Lowering it loosens.
    function setMinAllocationDelay(uint32 blocks) external;
    /// @notice Sets the max operator sets read per operator. Raising it loosens.
    function setMaxOperatorSets(uint16 maxSets) external;
    /// @notice Sets the min AccessManager execution delay on ADMIN of a loosening caller. Lowering it loosens.
    function setMinAdminDelay(uint32 seconds_) external;
    /// @notice Allows (a loosening) or refuses new stake exposed to a redistributing operator set.
    function setRedistributionAllowed(address avs, uint32 operatorSetId, bool allowed) external;

    function limits() external view returns (Limits memory);
    function policy() external view returns (Policy memory);
    function isOperatorAllowed(address operator) external view returns (bool);
    /// @notice Whether `delegator` was retired (`Vault.retireDelegator`): it gets no more stake.
    function isRetired(address delegator) external view returns (bool);
    /// @notice Whether new stake may be exposed to the redistributing operator set `(avs, operatorSetId)`.
    function isRedistributionAllowed(address avs, uint32 operatorSetId) external view returns (bool);
    /// @notice The effective cap of `avs` (its own or the default).
    function avsCap(address avs) external view returns (uint256 bps);
    /// @notice The effective cap of an operator set (its own or the default).
    function operatorSetCap(address avs, uint32 operatorSetId) external view returns (uint256 bps);

    /// @notice Trellis' cached exposure to an operator set (sum of the delegators' caches), in ETH.
    function operatorSetExposure(address avs, uint32 operatorSetId) external view returns (uint256);
    /// @notice Trellis' cached exposure to all operator sets of `avs`, in ETH.
    function avsExposure(address avs) external view returns (uint256);
    /// @notice Trellis' cached total slashable stake, in ETH.
    function totalSlashable() external view returns (uint256);
    /// @notice One delegator's cached exposure.
    function delegatorExposure(address delegator) external view returns (DelegatorExposure memory);

    /// @notice Re-reads `delegator`'s stake and its operators' magnitudes and updates its cache and the
    /// aggregates; a delegator the vault no longer has is cleared. Anyone may call it (the keeper does, after
    /// an operator changes its allocations or a slashing). Costs O(assets x sets of its operators).
    function refresh(address delegator) external;

    /// @notice `refresh` for each of `delegators`.
    function refreshMany(address[] calldata delegators) external;

    /// @notice Reverts with a named error unless `operator` meets the operator policy for new stake: it is
    /// allowlisted, its allocation delay is set and at least `minAllocationDelay`, it is allocated to at most
    /// `maxOperatorSets` operator sets and to no redistributing set that governance has not allowed.
    function checkOperatorPolicy(address operator) external view;

    /// @notice Marks `delegator` retired (it gets no more stake) and refreshes it. Only the vault, from
    /// `Vault.retireDelegator`; `RetiredDelegator` if it already is.
    function retire(address delegator) external;

    /// @notice Reverts unless `delegator` may move to `newOperator`: not retired (`RetiredDelegator`) and
    /// `newOperator` meets the operator policy (`checkOperatorPolicy`).
    function checkRedelegation(address delegator, address newOperator) external view;

    /// @notice Reverts unless `delegator` is retired (`DelegatorNotRetired`) and holds nothing on EigenLayer, no
    /// queued withdrawal either (`DelegatorNotEmpty`).
    function checkRemovable(address delegator) external view;

    /// @notice Called by the vault after it moved stake to `delegator`: refreshes that delegator's cache, then
    /// reverts with a named error if a limit the move can worsen is broken: the delegator being retired, the
    /// operator policy (allowlist,
    /// allocation delay, sets bound, redistributing sets), the delegator being delegated to its operator, the
    /// liquid buffer, the operator cap, the total slashable cap, and the cap of every operator set the
    /// operator exposes the stake to and of their AVSs. Only the vault.
    function checkAllocation(address delegator) external;
}
