// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IVault, IVaultTypes} from "../interfaces/IVault.sol";
import {IRiskRegistry} from "../interfaces/IRiskRegistry.sol";
import {IOperatorDelegator} from "../interfaces/IOperatorDelegator.sol";

/// @title DelegatorLifecycle
/// @notice The vault's delegator lifecycle: retire, re-delegate, remove. Deployed as a library of its own
/// (external functions, run by DELEGATECALL in the vault's storage) to keep the vault under EIP-170's size limit.
/// @dev The vault passes the parts of its own storage these touch; the retired flags live in a namespace of
/// their own (trellis.Vault.lifecycle), apart from the vault's books.
library DelegatorLifecycle {
    /// @custom:storage-location erc7201:trellis.Vault.lifecycle
    struct LifecycleStorage {
        mapping(address delegator => bool) retired;
    }

    // keccak256(abi.encode(uint256(keccak256("trellis.Vault.lifecycle")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 internal constant STORAGE_LOCATION = 0x5564506a2725e250bc01ca5b33abf742c2807f02dd3331deb98a9eac97295400;

    /// @dev See `IVault.retireDelegator`.
    function retire(mapping(address => bool) storage isDelegator, IRiskRegistry risk, address delegator) external {
        _requireActive(isDelegator, delegator);
        _s().retired[delegator] = true;
        // Everything it holds is queued at once; it stays counted and slashable until the keeper completes it.
        IOperatorDelegator(delegator).undelegate();
        risk.refresh(delegator);
        emit IVaultTypes.DelegatorRetired(delegator);
    }

    /// @dev See `IVault.redelegateDelegator`.
    function redelegate(
        mapping(address => bool) storage isDelegator,
        mapping(address => address) storage delegatorOf,
        IRiskRegistry risk,
        address delegator,
        address newOperator
    ) external {
        _requireActive(isDelegator, delegator);
        if (delegatorOf[newOperator] != address(0)) {
            revert IVaultTypes.DelegatorAlreadyExists(newOperator, delegatorOf[newOperator]);
        }
        // Refuses the zero address too (never allowlisted).
        risk.checkOperatorPolicy(newOperator);
        address oldOperator = IOperatorDelegator(delegator).redelegate(newOperator);
        delete delegatorOf[oldOperator];
        delegatorOf[newOperator] = delegator;
        risk.refresh(delegator);
        emit IVaultTypes.DelegatorRedelegated(delegator, oldOperator, newOperator);
    }

    /// @dev See `IVault.removeDelegator`.
    function remove(
        address[] storage delegators,
        mapping(address => bool) storage isDelegator,
        mapping(address => address) storage delegatorOf,
        IRiskRegistry risk,
        address delegator
    ) external {
        if (!_s().retired[delegator] || !isDelegator[delegator]) revert IVaultTypes.DelegatorNotRetired(delegator);
        if (!IOperatorDelegator(delegator).isEmpty()) revert IVaultTypes.DelegatorNotEmpty(delegator);
        // O(delegators) once per removal, never on a user's path. Found: it is a delegator.
        uint256 i;
        while (delegators[i] != delegator) ++i;
        delegators[i] = delegators[delegators.length - 1];
        delegators.pop();
        delete isDelegator[delegator];
        delete delegatorOf[IOperatorDelegator(delegator).operator()];
        // The registry drops a delegator the vault no longer has.
        risk.refresh(delegator);
        emit IVaultTypes.DelegatorRemoved(delegator);
    }

    /// @dev Whether `delegator` is retired (gets no more stake).
    function isRetired(address delegator) internal view returns (bool) {
        return _s().retired[delegator];
    }

    function _requireActive(mapping(address => bool) storage isDelegator, address delegator) private view {
        if (!isDelegator[delegator]) revert IVaultTypes.UnknownDelegator(delegator);
        if (_s().retired[delegator]) revert IVaultTypes.RetiredDelegator(delegator);
    }

    function _s() private pure returns (LifecycleStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }
}
