// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

/// @title IRiskRegistry
/// @notice On-chain risk limits that every allocation must meet, so a faulty keeper cannot break them.
/// @dev Caps are basis points of the vault's total assets (TVL). Exposure of Trellis to an operator set is
/// the stake it delegates to the operator (queued withdrawals included, as they stay slashable) times the
/// operator's allocated magnitude to that set over its max magnitude, per strategy. A RISK_MANAGER can
/// tighten any limit at once; loosening one also needs the ADMIN role (the timelock).
/// Warning: exposure is read from EigenLayer's AllocationManager at allocation time; an operator can raise
/// its allocations later (after EigenLayer's allocation delay). The keeper watches for that and rebalances.
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

    error BpsOutOfRange(uint256 bps);
    error LoosenRequiresAdmin(bytes32 limit, uint256 current, uint256 wanted);
    error OperatorNotAllowed(address operator);
    error OperatorCapExceeded(address operator, uint256 cap, uint256 stake);
    error AvsExposureCapExceeded(address avs, uint256 cap, uint256 exposure);
    error OperatorSetExposureCapExceeded(address avs, uint32 operatorSetId, uint256 cap, uint256 exposure);
    error TotalSlashableCapExceeded(uint256 cap, uint256 slashable);
    error LiquidBufferTooLow(uint256 minBuffer, uint256 buffer);

    event OperatorAllowedSet(address indexed operator, bool allowed);
    event LimitSet(bytes32 indexed limit, uint256 oldValue, uint256 newValue);
    event AvsCapSet(address indexed avs, uint256 oldBps, uint256 newBps);
    event OperatorSetCapSet(address indexed avs, uint32 indexed operatorSetId, uint256 oldBps, uint256 newBps);

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

    function limits() external view returns (Limits memory);
    function isOperatorAllowed(address operator) external view returns (bool);
    /// @notice The effective cap of `avs` (its own or the default).
    function avsCap(address avs) external view returns (uint256 bps);
    /// @notice The effective cap of an operator set (its own or the default).
    function operatorSetCap(address avs, uint32 operatorSetId) external view returns (uint256 bps);

    /// @notice Reverts with a named error if the vault's current state breaks a limit that an allocation
    /// to `operator` can worsen: its allowlisting and cap, the exposure of every operator set it is
    /// allocated to and of their AVSs, the total slashable cap and the liquid buffer.
    function checkAllocation(address operator) external view;
}
