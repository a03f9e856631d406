// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @notice An operator set: an AVS address and an id unique within that AVS.
/// @dev Mirrors `OperatorSet` from EigenLayer's `libraries/OperatorSetLib.sol` (file-level struct, so the
/// ABI's internalType is `struct OperatorSet`).
struct OperatorSet {
    address avs;
    uint32 id;
}

/// @notice Packs an operator set into a single storage key and back, as EigenLayer does.
library OperatorSetLib {
    /// @dev Layout: avs in the high 20 bytes, id in the low 4 bytes.
    function key(OperatorSet memory os) internal pure returns (bytes32) {
        return bytes32(abi.encodePacked(os.avs, uint96(os.id)));
    }

    function decode(bytes32 _key) internal pure returns (OperatorSet memory) {
        // Safe: the key was built by `key` above, so the low 32 bits hold the id and the high 160 the avs.
        return OperatorSet({avs: address(uint160(uint256(_key) >> 96)), id: uint32(uint256(_key) & type(uint32).max)});
    }
}
