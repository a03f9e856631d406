// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {BeaconProxy} from "@openzeppelin/contracts/proxy/beacon/BeaconProxy.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IVaultOperations} from "./interfaces/IVault.sol";
import {IAssetRegistry} from "./interfaces/IAssetRegistry.sol";
import {IOperatorDelegator} from "./interfaces/IOperatorDelegator.sol";
import {IDelegationManagerTypes} from "./interfaces/eigenlayer/IDelegationManager.sol";
import {IRewardsCoordinatorTypes} from "./interfaces/eigenlayer/IRewardsCoordinator.sol";
import {VaultCore} from "./VaultCore.sol";

/// @title VaultOperations
/// @notice The keeper's plumbing of the vault. Never used on its own: the vault delegatecalls it, so it runs on the
/// vault's storage, under the vault's AccessManager rules (`restricted` checks the vault's address and selector).
contract VaultOperations is IVaultOperations, VaultCore, AccessManagedUpgradeable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;

    constructor() {
        _disableInitializers();
    }

    /// @inheritdoc IVaultOperations
    function addOperatorDelegator(address operator) external restricted returns (address delegator) {
        VaultStorage storage $ = _s();
        if (operator == address(0)) revert ZeroAddress();
        if ($.delegatorOf[operator] != address(0)) revert DelegatorAlreadyExists(operator, $.delegatorOf[operator]);
        delegator = address(
            new BeaconProxy($.delegatorBeacon, abi.encodeCall(IOperatorDelegator.initialize, (address(this), operator)))
        );
        $.delegators.push(delegator);
        $.isDelegator[delegator] = true;
        $.delegatorOf[operator] = delegator;
        emit OperatorDelegatorAdded(operator, delegator);
    }

    /// @inheritdoc IVaultOperations
    function allocate(address delegator, address asset, uint256 amount)
        external
        restricted
        nonReentrant
        returns (uint256 shares)
    {
        VaultStorage storage $ = _s();
        _requireNotPaused(Action.Allocate);
        if (amount == 0) revert ZeroAmount();
        if (!$.isDelegator[delegator]) revert UnknownDelegator(delegator);
        IAssetRegistry.AssetConfig memory config = $.assetRegistry.getAssetConfig(asset);
        uint256 sent = _sendIdle(asset, config.rebasing, delegator, amount);
        shares = IOperatorDelegator(delegator).restake(config.strategy, asset, sent);
        // The delegator's holding is what EigenLayer now says it is (its share rounding included).
        _refreshDelegatorAsset(delegator, asset, config.strategy, config.rebasing);
        // Checked on the state after the move, so the check sees exactly what EigenLayer holds: retirement,
        // delegation, operator policy and limits, in the RiskRegistry.
        $.riskRegistry.checkAllocation(delegator);
        emit Allocated(delegator, asset, sent, shares);
    }

    /// @inheritdoc IVaultOperations
    function queueDelegatorWithdrawal(address delegator, address asset, uint256 depositShares)
        external
        restricted
        returns (bytes32 root)
    {
        VaultStorage storage $ = _s();
        if (depositShares == 0) revert ZeroAmount();
        if (!$.isDelegator[delegator]) revert UnknownDelegator(delegator);
        root = IOperatorDelegator(delegator).queueWithdrawal($.assetRegistry.getAssetConfig(asset).strategy, depositShares);
        emit DelegatorWithdrawalQueued(delegator, asset, depositShares, root);
    }

    /// @inheritdoc IVaultOperations
    function completeDelegatorWithdrawal(
        address delegator,
        IDelegationManagerTypes.Withdrawal calldata withdrawal,
        address asset
    ) external restricted nonReentrant returns (uint256 amount) {
        VaultStorage storage $ = _s();
        if (!$.isDelegator[delegator]) revert UnknownDelegator(delegator);
        IAssetRegistry.AssetConfig memory config = $.assetRegistry.getAssetConfig(asset);
        uint256 before = _heldTokenUnits(asset, config.rebasing);
        IOperatorDelegator(delegator).completeWithdrawal(withdrawal, asset);
        uint256 arrived = _heldTokenUnits(asset, config.rebasing) - before;
        $.balances[asset].idle += arrived.toUint128();
        // The completed shares left EigenLayer: the delegator's cached holding follows.
        _refreshDelegatorAsset(delegator, asset, config.strategy, config.rebasing);
        amount = _toAssetUnits(asset, config.rebasing, arrived);
        emit DelegatorWithdrawalCompleted(delegator, asset, amount);
    }

    /// @inheritdoc IVaultOperations
    function claimRewards(address delegator, IRewardsCoordinatorTypes.RewardsMerkleClaim calldata claim)
        external
        restricted
        nonReentrant
    {
        VaultStorage storage $ = _s();
        if (!$.isDelegator[delegator]) revert UnknownDelegator(delegator);
        uint256 n = claim.tokenLeaves.length;
        uint256[] memory before = new uint256[](n);
        bool[] memory supported = new bool[](n);
        bool[] memory rebasing = new bool[](n);
        for (uint256 i; i < n; ++i) {
            address token = address(claim.tokenLeaves[i].token);
            // Each token's arrival is measured as a balance difference: a repeated token would be counted twice.
            if (i != 0 && token <= address(claim.tokenLeaves[i - 1].token)) {
                revert RewardTokensNotAscending(address(claim.tokenLeaves[i - 1].token), token);
            }
            supported[i] = $.assetRegistry.isSupported(token);
            if (supported[i]) rebasing[i] = $.assetRegistry.getAssetConfig(token).rebasing;
            before[i] = _heldTokenUnits(token, rebasing[i]);
        }
        IOperatorDelegator(delegator).claimRewards(claim, address(this));
        for (uint256 i; i < n; ++i) {
            address token = address(claim.tokenLeaves[i].token);
            uint256 received = _heldTokenUnits(token, rebasing[i]) - before[i];
            if (received == 0) continue;
            if (supported[i]) {
                // In the mark at once (a deposit pays for it); in the rate streamed from the next sync.
                $.balances[token].idle += received.toUint128();
            } else {
                IERC20(token).safeTransfer($.treasury, received);
            }
            emit RewardsClaimed(delegator, token, received, !supported[i]);
        }
    }

    /// @inheritdoc IVaultOperations
    function refresh(uint256 maxDelegators) external nonReentrant returns (uint256 refreshed, bool roundCompleted) {
        VaultStorage storage $ = _s();
        (address[] memory assets, address[] memory strategies, bool[] memory rebasing) = _heldAssets();
        uint256 n = $.delegators.length;
        uint256 cursor = $.refreshCursor;
        if (cursor == 0) $.refreshRoundStart = uint40(block.timestamp);
        while (refreshed < maxDelegators && cursor < n) {
            _refreshDelegator($.delegators[cursor], assets, strategies, rebasing);
            ++cursor;
            ++refreshed;
        }
        if (cursor >= n) {
            roundCompleted = true;
            uint256 startedAt = $.refreshRoundStart;
            $.lastFullRefresh = uint40(startedAt);
            cursor = 0;
            emit RefreshRoundCompleted(startedAt, n);
        }
        $.refreshCursor = uint32(cursor); // <= delegators.length, far below 2^32
        _settle(_mark());
    }

    /// @inheritdoc IVaultOperations
    function refreshDelegator(address delegator) external nonReentrant {
        if (!_s().isDelegator[delegator]) revert UnknownDelegator(delegator);
        (address[] memory assets, address[] memory strategies, bool[] memory rebasing) = _heldAssets();
        _refreshDelegator(delegator, assets, strategies, rebasing);
        _settle(_mark());
    }

    // ---- delegator lifecycle
    // Retired flags and the checks live in the RiskRegistry (it refuses stake); here, what moves the vault's books.

    /// @inheritdoc IVaultOperations
    function retireDelegator(address delegator) external restricted {
        VaultStorage storage $ = _s();
        if (!$.isDelegator[delegator]) revert UnknownDelegator(delegator);
        // Everything it holds is queued at once; it stays counted and slashable until the keeper completes it.
        IOperatorDelegator(delegator).undelegate();
        $.riskRegistry.retire(delegator);
    }

    /// @inheritdoc IVaultOperations
    function redelegateDelegator(address delegator, address newOperator) external restricted {
        VaultStorage storage $ = _s();
        if (!$.isDelegator[delegator]) revert UnknownDelegator(delegator);
        if ($.delegatorOf[newOperator] != address(0)) revert DelegatorAlreadyExists(newOperator, $.delegatorOf[newOperator]);
        $.riskRegistry.checkRedelegation(delegator, newOperator);
        address oldOperator = IOperatorDelegator(delegator).redelegate(newOperator);
        delete $.delegatorOf[oldOperator];
        $.delegatorOf[newOperator] = delegator;
        $.riskRegistry.refresh(delegator);
        emit DelegatorRedelegated(delegator, oldOperator, newOperator);
    }

    /// @inheritdoc IVaultOperations
    function removeDelegator(address delegator) external restricted {
        VaultStorage storage $ = _s();
        if (!$.isDelegator[delegator]) revert UnknownDelegator(delegator);
        $.riskRegistry.checkRemovable(delegator);
        // O(delegators) once per removal, never on a user's path; found, as it is a delegator.
        address[] storage list = $.delegators;
        uint256 i;
        while (list[i] != delegator) ++i;
        list[i] = list[list.length - 1];
        list.pop();
        delete $.isDelegator[delegator];
        delete $.delegatorOf[IOperatorDelegator(delegator).operator()];
        // Empty (checked): its cached holdings are zero; the list was reordered, so a refresh round restarts.
        (address[] memory assets,,) = _heldAssets();
        for (uint256 k; k < assets.length; ++k) _setDelegatorUnits(delegator, assets[k], 0);
        $.refreshCursor = 0;
        // The registry drops the cached exposure of a delegator the vault no longer has.
        $.riskRegistry.refresh(delegator);
        emit DelegatorRemoved(delegator);
    }

    /// @inheritdoc IVaultOperations
    function isRetired(address delegator) external view returns (bool) {
        return _s().riskRegistry.isRetired(delegator);
    }
}
