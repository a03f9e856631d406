// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

/// @title ITrellisEntryPull
/// @notice The one call the vault makes back into an entry during a deposit.
interface ITrellisEntryPull {
    /// @notice Moves `amount` of the entry's asset from `owner` (who approved the entry) to the vault. Only the vault.
    function pullAssets(address owner, uint256 amount) external;
}

/// @title ITrellisEntry
/// @notice One entry per LST: an ERC-7575 vault whose `share()` is trETH, with ERC-7540 asynchronous redemption
/// paid in the entry's asset. Deposits are synchronous; redemptions are requested, wait `minRedeemDelay`, are
/// finalized (by the keeper or by anyone) at min(value at request, value at finalization), then claimed with
/// `redeem` / `withdraw`. An instant lane pays at once for a fee.
/// @dev Requests are not tokens: each has an id (for `cancelRedeemRequest` and the views) and a controller, who
/// (or an operator of the controller) claims. Claimable amounts are pooled per controller and entry: `redeem`
/// and `withdraw` take from that pool pro rata, whichever request it came from.
/// Warning: what a request pays is decided at finalization by the vault's booked rate, which falls at once with a
/// slash: a request shares every loss booked while it waits.
interface ITrellisEntry is ITrellisEntryPull {
    // ERC-4626 / ERC-7575
    event Deposit(address indexed sender, address indexed owner, uint256 assets, uint256 shares);
    event Withdraw(
        address indexed sender, address indexed receiver, address indexed owner, uint256 assets, uint256 shares
    );
    // ERC-7540
    event RedeemRequest(
        address indexed controller, address indexed owner, uint256 indexed requestId, address sender, uint256 shares
    );
    event OperatorSet(address indexed controller, address indexed operator, bool approved);
    // Trellis
    event RedeemRequestCanceled(uint256 indexed requestId, address indexed controller, uint256 shares);
    event InstantRedeemed(address indexed owner, address indexed receiver, uint256 assets, uint256 shares, uint256 fee);

    error OnlyVault(address caller);
    error AsyncRedeem();
    error RedeemNotSupported(address asset);

    function asset() external view returns (address);
    function share() external view returns (address);
    function vault() external view returns (address);
    function withdrawalQueue() external view returns (address);

    function totalAssets() external view returns (uint256);
    function convertToShares(uint256 assets) external view returns (uint256);
    function convertToAssets(uint256 shares) external view returns (uint256);
    function maxDeposit(address receiver) external view returns (uint256);
    function maxMint(address receiver) external view returns (uint256);
    function previewDeposit(uint256 assets) external view returns (uint256);
    function previewMint(uint256 shares) external view returns (uint256);
    function deposit(uint256 assets, address receiver) external returns (uint256 shares);
    /// @notice `deposit` that reverts with `SlippageExceeded` when it would mint fewer than `minShares`.
    function deposit(uint256 assets, address receiver, uint256 minShares) external returns (uint256 shares);
    /// @notice Mints at least `shares` (rounding can add a few wei of trETH) for at most `previewMint(shares)`.
    function mint(uint256 shares, address receiver) external returns (uint256 assets);

    function maxRedeem(address controller) external view returns (uint256);
    function maxWithdraw(address controller) external view returns (uint256);
    /// @dev Always reverts (`AsyncRedeem`): redemption is asynchronous (ERC-7540).
    function previewRedeem(uint256 shares) external view returns (uint256);
    /// @dev Always reverts (`AsyncRedeem`).
    function previewWithdraw(uint256 assets) external view returns (uint256);
    function redeem(uint256 shares, address receiver, address controller) external returns (uint256 assets);
    function withdraw(uint256 assets, address receiver, address controller) external returns (uint256 shares);

    /// @notice Escrows `shares` trETH of `owner` and opens a request managed by `controller`, payable in this
    /// entry's asset no sooner than `minRedeemDelay` from now. The caller is `owner`, an operator of `owner`, or
    /// holds a trETH allowance from `owner`.
    function requestRedeem(uint256 shares, address controller, address owner) external returns (uint256 requestId);
    function pendingRedeemRequest(uint256 requestId, address controller) external view returns (uint256 shares);
    function claimableRedeemRequest(uint256 requestId, address controller) external view returns (uint256 shares);
    /// @notice Cancels a pending request: its escrowed trETH goes back to `controller`, exactly.
    function cancelRedeemRequest(uint256 requestId, address controller) external;
    /// @notice The instant lane: pays at once, for `instantFee`, at least `minAssets` or reverts.
    function instantRedeem(uint256 shares, address receiver, address owner, uint256 minAssets)
        external
        returns (uint256 assets);
    /// @notice What `instantRedeem(shares, ...)` would pay now and its fee (ETH), or reverts with the reason.
    function previewInstantRedeem(uint256 shares) external view returns (uint256 assets, uint256 feeValue);

    function setOperator(address operator, bool approved) external returns (bool);
    function isOperator(address controller, address operator) external view returns (bool);

    function supportsInterface(bytes4 interfaceId) external view returns (bool);
}
