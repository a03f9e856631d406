// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {ERC721Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC721/ERC721Upgradeable.sol";
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IWithdrawalQueue} from "./interfaces/IWithdrawalQueue.sol";
import {IVault} from "./interfaces/IVault.sol";
import {ITrETH} from "./interfaces/ITrETH.sol";
import {IAssetRegistry} from "./interfaces/IAssetRegistry.sol";
import {IStETH} from "./interfaces/lst/IStETH.sol";
import {WAD} from "./libraries/Constants.sol";

/// @title WithdrawalQueue
contract WithdrawalQueue is
    IWithdrawalQueue,
    ERC721Upgradeable,
    AccessManagedUpgradeable,
    UUPSUpgradeable,
    ReentrancyGuardTransient
{
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    /// @custom:storage-location erc7201:trellis.WithdrawalQueue
    struct WithdrawalQueueStorage {
        IVault vault;
        ITrETH trETH;
        IAssetRegistry assetRegistry;
        uint256 nextRequestId;
        uint256 nextToFinalize;
        mapping(uint256 requestId => Request) requests;
        mapping(address asset => uint256) pendingUnits;
    }

    // keccak256(abi.encode(uint256(keccak256("trellis.WithdrawalQueue")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 public constant STORAGE_LOCATION = 0x667733941b7b9c85348f5bb9795cf86b06bfc0712abf68f427cd6feac081b800;

    constructor() {
        _disableInitializers();
    }

    function initialize(address authority_, IVault vault_) external initializer {
        __ERC721_init("Trellis Withdrawal Request", "trETH-WR");
        __AccessManaged_init(authority_);
        WithdrawalQueueStorage storage $ = _s();
        $.vault = vault_;
        $.trETH = ITrETH(vault_.trETH());
        $.assetRegistry = IAssetRegistry(vault_.assetRegistry());
        $.nextRequestId = 1;
        $.nextToFinalize = 1;
    }

    /// @inheritdoc IWithdrawalQueue
    function requestWithdrawal(uint256 shares, address asset, address receiver)
        external
        nonReentrant
        returns (uint256 requestId)
    {
        WithdrawalQueueStorage storage $ = _s();
        if ($.vault.isPaused(IVault.Action.Withdraw)) revert WithdrawalsPaused();
        if (shares == 0) revert ZeroAmount();
        if (receiver == address(0)) revert ZeroAddress();
        if (!$.assetRegistry.isSupported(asset)) revert AssetNotSupported(asset);
        uint256 value = $.vault.convertToAssets(shares);
        if (value == 0) revert ZeroAmount();
        (uint256 price,, uint256 minimum,) = $.assetRegistry.depositTerms(asset);
        uint256 units = Math.mulDiv(value, WAD, price);
        // The asset's deposit minimum bounds requests too: dust requests would cost the keeper more than they move.
        if (units < minimum) revert WithdrawalBelowMinimum(asset, minimum, units);
        uint256 pending = $.pendingUnits[asset];
        uint256 deposited = $.vault.depositedOf(asset);
        if (pending + units > deposited) {
            revert InsufficientAssetLiquidity(asset, deposited > pending ? deposited - pending : 0, units);
        }
        $.pendingUnits[asset] = pending + units;
        IERC20(address($.trETH)).safeTransferFrom(msg.sender, address(this), shares);
        requestId = $.nextRequestId++;
        $.requests[requestId] = Request({
            asset: asset,
            shares: shares.toUint128(),
            valueAtRequest: value.toUint128(),
            valueFinalized: 0,
            payout: 0,
            requestedAt: uint40(block.timestamp),
            finalizedAt: 0,
            claimed: false,
            unitsAtRequest: units.toUint128()
        });
        _mint(receiver, requestId);
        emit WithdrawalRequested(requestId, receiver, asset, shares, value);
    }

    /// @inheritdoc IWithdrawalQueue
    function finalize(uint256 maxRequests) external restricted nonReentrant returns (uint256 finalized) {
        WithdrawalQueueStorage storage $ = _s();
        IVault vault = $.vault;
        // Value at finalization must reflect every loss EigenLayer already knows of.
        vault.sync();
        uint256 id = $.nextToFinalize;
        uint256 end = $.nextRequestId;
        while (finalized < maxRequests && id < end) {
            Request storage r = $.requests[id];
            uint256 value = Math.min(r.valueAtRequest, vault.convertToAssets(r.shares));
            uint256 amount = Math.mulDiv(value, WAD, $.assetRegistry.price(r.asset));
            // FIFO: a request waits for liquidity, and so does everyone behind it.
            if (amount > vault.idleBalance(r.asset)) break;
            uint256 payout = vault.releaseToQueue(r.asset, amount, value, r.shares);
            $.pendingUnits[r.asset] -= r.unitsAtRequest;
            r.valueFinalized = value.toUint128();
            r.payout = payout.toUint128();
            r.finalizedAt = uint40(block.timestamp);
            emit WithdrawalFinalized(id, value, payout);
            ++id;
            ++finalized;
        }
        $.nextToFinalize = id;
    }

    /// @inheritdoc IWithdrawalQueue
    function claim(uint256 requestId) external nonReentrant returns (uint256 amount) {
        WithdrawalQueueStorage storage $ = _s();
        Request storage r = $.requests[requestId];
        address owner = _ownerOf(requestId);
        if (owner == address(0)) {
            if (r.claimed) revert RequestAlreadyClaimed(requestId);
            revert UnknownRequest(requestId);
        }
        if (owner != msg.sender) revert NotRequestOwner(requestId, msg.sender, owner);
        if (r.finalizedAt == 0) revert RequestNotFinalized(requestId);
        r.claimed = true;
        _burn(requestId);
        $.trETH.burn(address(this), r.shares);
        $.vault.onQueueBurn(r.shares);
        bool rebasing = $.assetRegistry.getAssetConfig(r.asset).rebasing;
        if (rebasing) {
            // Paid by Lido shares, exactly what the vault sent for this request: the queue is never short.
            amount = IStETH(r.asset).transferShares(owner, r.payout);
        } else {
            amount = r.payout;
            IERC20(r.asset).safeTransfer(owner, amount);
        }
        emit WithdrawalClaimed(requestId, owner, r.asset, amount);
    }

    /// @inheritdoc IWithdrawalQueue
    function getRequest(uint256 requestId) external view returns (Request memory) {
        return _s().requests[requestId];
    }

    /// @inheritdoc IWithdrawalQueue
    function nextRequestId() external view returns (uint256) {
        return _s().nextRequestId;
    }

    /// @inheritdoc IWithdrawalQueue
    function nextToFinalize() external view returns (uint256) {
        return _s().nextToFinalize;
    }

    /// @inheritdoc IWithdrawalQueue
    function pendingUnits(address asset) external view returns (uint256) {
        return _s().pendingUnits[asset];
    }

    /// @inheritdoc IWithdrawalQueue
    function claimableAmount(uint256 requestId) external view returns (uint256) {
        WithdrawalQueueStorage storage $ = _s();
        Request storage r = $.requests[requestId];
        if (r.finalizedAt == 0 || r.claimed) return 0;
        if ($.assetRegistry.getAssetConfig(r.asset).rebasing) return IStETH(r.asset).getPooledEthByShares(r.payout);
        return r.payout;
    }

    function _authorizeUpgrade(address) internal override restricted {}

    function _s() private pure returns (WithdrawalQueueStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }
}
