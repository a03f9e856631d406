// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @title EigenLayer's IAVSRegistrar: the contract the AllocationManager calls when an operator joins or
/// leaves an AVS's operator sets.
/// @dev ABI-identical to the real `IAVSRegistrar` (eigenlayer-contracts v1.12). It lives here, not under
/// `contracts/interfaces/eigenlayer/`, because `../shared/eigenlayer/abi/` has no copy of it to check against.
/// The AllocationManager calls `getAVSRegistrar(avs)`: the registrar set with `setAVSRegistrar`, or the AVS
/// address itself, so an EOA AVS without a registrar can never have members.
interface IAVSRegistrar {
    /// @notice Called by the AllocationManager when `operator` registers for `operatorSetIds` of `avs`.
    /// @dev Reverting refuses the registration.
    function registerOperator(address operator, address avs, uint32[] calldata operatorSetIds, bytes calldata data)
        external;

    /// @notice Called by the AllocationManager when `operator` leaves `operatorSetIds` of `avs`.
    function deregisterOperator(address operator, address avs, uint32[] calldata operatorSetIds) external;

    /// @notice Whether this registrar serves `avs`; `setAVSRegistrar` refuses a registrar that says no.
    function supportsAVS(address avs) external view returns (bool);
}
