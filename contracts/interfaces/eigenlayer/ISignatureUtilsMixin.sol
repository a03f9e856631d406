// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

interface ISignatureUtilsMixinErrors {
    /// @notice The signature does not recover to (or is not valid for) the expected signer.
    error InvalidSignature();
    /// @notice The signature's expiry is in the past.
    error SignatureExpired();
}

interface ISignatureUtilsMixinTypes {
    /// @notice A signature plus the timestamp after which it is no longer valid.
    struct SignatureWithExpiry {
        bytes signature;
        uint256 expiry;
    }
}

/// @notice EIP-712 helpers shared by EigenLayer core contracts (subset).
interface ISignatureUtilsMixin is ISignatureUtilsMixinErrors, ISignatureUtilsMixinTypes {
    /// @notice The EIP-712 domain separator of this contract on the current chain.
    function domainSeparator() external view returns (bytes32);
}
