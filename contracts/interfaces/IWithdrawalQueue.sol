// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

/// @title IWithdrawalQueue
/// @notice The redemption book behind every entry (ERC-7540): requests, finalization, claims, cancels and the
/// instant lane. Entries call it on behalf of their callers; the keeper and anyone else finalize.
/// @dev Design:
/// - **Capacity from holdings.** A request in an asset is accepted while the asset's open requests stay within
///   what the vault holds of it (idle, restaked, in flight, as last refreshed). Nothing counts net deposits, so
///   yield and fee shares can always leave.
/// - **Nothing blocks.** Requests are independent: `finalize` takes any list of ids and finalizes each one that
///   is matured and payable from idle, skipping the rest. The keeper goes oldest first; anyone may finalize a
///   matured request themselves. A request its asset cannot pay can be cancelled (the escrow comes back
///   exactly) or moved to another asset with `retarget` (keeping its request time).
/// - **A minimum wait.** No request is finalized before `minRedeemDelay`, at least EigenLayer's withdrawal
///   delay, and it pays min(value at request, value at finalization): a loss booked while it waits is shared.
/// - **The instant lane** pays at once from a per-period budget (`periodLimitBps` of the booked total), for a fee
///   rising linearly from `minFeeBps` to `maxFeeBps` with the period's utilisation, and closes when the asset's
///   idle value would fall below `lowWatermarkBps` of the booked total. The fee stays with the holders.
/// Warning: a request pays in its asset at that asset's bounded protocol price at finalization.
interface IWithdrawalQueue {
    enum Status {
        None,
        Pending,
        Claimable,
        Cancelled
    }

    struct Request {
        address controller;
        uint96 shares;
        address asset;
        uint40 requestedAt;
        Status status;
        uint128 valueAtRequest;
        uint128 unitsAtRequest;
    }

    struct ExitParams {
        /// @dev Seconds a request waits before it can be finalized.
        uint32 minRedeemDelay;
        /// @dev Instant lane: per-period budget as bps of the booked total; 0 closes the lane.
        uint16 periodLimitBps;
        uint16 minFeeBps;
        uint16 maxFeeBps;
        /// @dev Instant lane closes when the asset's idle value would fall below this share of the booked total.
        uint16 lowWatermarkBps;
        uint32 period;
    }

    error ZeroAmount();
    error ZeroAddress();
    error WithdrawalsPaused();
    error OnlyEntry(address caller, address asset);
    error NotAuthorized(address caller, address owner);
    error InsufficientAssetLiquidity(address asset, uint256 available, uint256 wanted);
    error WithdrawalBelowMinimum(address asset, uint256 minimum, uint256 amount);
    error RequestNotPending(uint256 requestId);
    error ExceedsClaimable(address controller, uint256 claimable, uint256 wanted);
    error InvalidExitParams();
    error InstantLimitExceeded(uint256 available, uint256 wanted);
    error InstantLaneClosed(address asset, uint256 idleValueAfter, uint256 lowWatermark);
    error InstantSlippage(uint256 minAssets, uint256 assets);
    error SameAsset(address asset);

    event RedeemRequested(
        uint256 indexed requestId,
        address indexed controller,
        address indexed asset,
        address owner,
        uint256 shares,
        uint256 valueAtRequest,
        uint256 payableFrom
    );
    event RedeemFinalized(uint256 indexed requestId, address indexed controller, uint256 value, uint256 payout);
    event RedeemClaimed(address indexed controller, address indexed asset, address receiver, uint256 shares, uint256 assets);
    event RedeemCanceled(uint256 indexed requestId, address indexed controller, uint256 shares);
    event RedeemRetargeted(uint256 indexed requestId, address indexed fromAsset, address indexed toAsset, uint256 units);
    event InstantRedeemed(
        address indexed owner, address indexed asset, address receiver, uint256 shares, uint256 assets, uint256 fee
    );
    event OperatorSet(address indexed asset, address indexed controller, address indexed operator, bool approved);
    event ExitParamsSet(ExitParams params);

    /// @notice Opens a request (entries only). See `ITrellisEntry.requestRedeem`.
    function requestRedeem(address asset, address caller, uint256 shares, address controller, address owner)
        external
        returns (uint256 requestId);

    /// @notice Finalizes each listed request that is pending, matured, payable from idle, and matured before the
    /// last full refresh of the delegators started (so a slash that landed while it waited is booked first); skips
    /// the others. Books any pending loss first. The keeper may finalize a request as soon as it qualifies; anyone
    /// else `SELF_FINALIZE_GRACE` (3 days) after it matured, in case the keeper stalls.
    /// @dev Warning: a slash landing between the start of the last refresh round and the finalization is not seen;
    /// the keeper refreshes right before finalizing, which keeps that window to one cycle.
    function finalize(uint256[] calldata requestIds) external returns (uint256 finalized);

    /// @notice Claims `shares` of `controller`'s claimable pool in `asset` (entries only); returns the assets paid.
    function claim(address asset, address caller, uint256 shares, address receiver, address controller)
        external
        returns (uint256 assets);

    /// @notice Like `claim`, for at least `assets`; returns the shares taken from the pool.
    function claimAssets(address asset, address caller, uint256 assets, address receiver, address controller)
        external
        returns (uint256 shares);

    /// @notice Cancels a pending request (entries only). The escrowed trETH goes back to the controller.
    function cancel(address asset, address caller, uint256 requestId, address controller) external;

    /// @notice Moves a pending request to be paid in `newAsset`, keeping its request time. The controller or
    /// its operator calls it directly.
    function retarget(uint256 requestId, address newAsset) external;

    /// @notice The instant lane (entries only).
    function instantRedeem(address asset, address caller, uint256 shares, address receiver, address owner, uint256 minAssets)
        external
        returns (uint256 assets, uint256 fee);

    /// @notice What the instant lane would pay for `shares` in `asset` now, and its fee in ETH.
    function previewInstant(address asset, uint256 shares) external view returns (uint256 assets, uint256 feeValue);

    /// @notice The instant fee in bps for an exit worth `value` ETH now.
    function instantFeeBps(uint256 value) external view returns (uint256);

    function setOperator(address asset, address controller, address operator, bool approved) external;
    function isOperator(address asset, address controller, address operator) external view returns (bool);

    function setExitParams(ExitParams calldata params) external;
    function exitParams() external view returns (ExitParams memory);
    /// @notice The floor of `minRedeemDelay`: EigenLayer's withdrawal delay on this network, in seconds.
    function minRedeemDelayFloor() external view returns (uint256);

    function getRequest(uint256 requestId) external view returns (Request memory);
    function nextRequestId() external view returns (uint256);
    /// @notice Every request id below it is finalized or cancelled: readers scan from it to `nextRequestId`.
    function firstPendingRequestId() external view returns (uint256);
    /// @notice When a request can be finalized (0 for an unknown one).
    function payableFrom(uint256 requestId) external view returns (uint256);
    function reservedUnits(address asset) external view returns (uint256);
    function claimableOf(address asset, address controller) external view returns (uint256 shares, uint256 assets);
    function instantUsed() external view returns (uint256 periodStart, uint256 used);
}
