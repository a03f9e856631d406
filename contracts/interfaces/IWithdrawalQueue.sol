// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

/// @title IWithdrawalQueue
/// @notice Withdrawals from Trellis: escrow trETH, get an ERC-721 request, claim an LST once finalized.
/// @dev A request's payout is `min(value at request, value at finalization)` in ETH, converted to the chosen
/// LST at the finalization price: a slash between the two is shared, and nobody exits ahead of a known loss
/// (finalization syncs the rate first). Requests are finalized strictly first in, first out.
/// Warning: finalization needs idle liquidity of the requested LST; the keeper frees it by completing
/// EigenLayer withdrawals, which take EigenLayer's withdrawal delay.
interface IWithdrawalQueue {
    struct Request {
        address asset;
        /// @dev Escrowed trETH, burned at claim.
        uint128 shares;
        /// @dev ETH value of `shares` when requested (rounded down).
        uint128 valueAtRequest;
        /// @dev ETH value paid, set at finalization.
        uint128 valueFinalized;
        /// @dev Amount to pay at claim: asset units, or Lido shares for a rebasing asset (exact, no rounding).
        uint128 payout;
        uint40 requestedAt;
        uint40 finalizedAt;
        bool claimed;
        /// @dev `valueAtRequest` in asset units at the request's price, reserved against the asset's net deposits.
        uint128 unitsAtRequest;
    }

    error ZeroAmount();
    error ZeroAddress();
    error WithdrawalsPaused();
    error AssetNotSupported(address asset);
    error NotRequestOwner(uint256 requestId, address caller, address owner);
    error RequestNotFinalized(uint256 requestId);
    error RequestAlreadyClaimed(uint256 requestId);
    error UnknownRequest(uint256 requestId);
    error InsufficientAssetLiquidity(address asset, uint256 available, uint256 wanted);
    error WithdrawalBelowMinimum(address asset, uint256 minimum, uint256 amount);

    event WithdrawalRequested(
        uint256 indexed requestId, address indexed owner, address indexed asset, uint256 shares, uint256 valueAtRequest
    );
    event WithdrawalFinalized(uint256 indexed requestId, uint256 valueFinalized, uint256 payout);
    event WithdrawalClaimed(uint256 indexed requestId, address indexed owner, address indexed asset, uint256 amount);

    /// @notice Escrows `shares` trETH from the caller and mints request NFT `requestId` to `receiver`, to be
    /// paid in `asset`.
    /// @dev A request worth less than the asset's deposit minimum is refused (`WithdrawalBelowMinimum`).
    /// Requests in one asset are bounded by its net deposits less what earlier open requests reserved
    /// (`InsufficientAssetLiquidity`), so a request the vault can never pay in that asset cannot block the FIFO
    /// queue for everyone behind it.
    function requestWithdrawal(uint256 shares, address asset, address receiver) external returns (uint256 requestId);

    /// @notice Syncs the vault's rate, then finalizes up to `maxRequests` requests in FIFO order while the
    /// vault has the idle liquidity for the next one (KEEPER). Returns how many were finalized.
    function finalize(uint256 maxRequests) external returns (uint256 finalized);

    /// @notice Pays request `requestId` to its NFT's owner (the caller) and burns its escrowed trETH.
    function claim(uint256 requestId) external returns (uint256 amount);

    function getRequest(uint256 requestId) external view returns (Request memory);

    /// @notice Id the next request will get; ids start at 1.
    function nextRequestId() external view returns (uint256);

    /// @notice Id of the oldest request not yet finalized (== nextRequestId when none).
    function nextToFinalize() external view returns (uint256);

    /// @notice Asset units reserved by requests not yet finalized.
    function pendingUnits(address asset) external view returns (uint256);

    /// @notice What claiming `requestId` pays now, in asset units (0 before finalization).
    function claimableAmount(uint256 requestId) external view returns (uint256);
}
