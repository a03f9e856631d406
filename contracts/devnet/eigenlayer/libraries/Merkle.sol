// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

/// @title Merkle
/// @notice Index-ordered keccak merkle proofs in EigenLayer's format (`Merkle.verifyInclusionKeccak`).
/// @dev Unlike OpenZeppelin's `MerkleProof`, pairs are not sorted: the leaf's index says at each level whether the
/// running node is the left (even index) or the right (odd index) child. A proof is the 32-byte siblings from the
/// leaf up, concatenated; an empty proof proves a one-leaf tree whose root is the leaf itself.
library Merkle {
    /// @dev The proof is not a whole number of 32-byte siblings.
    error InvalidProofLength();

    function verifyInclusionKeccak(bytes calldata proof, bytes32 root, bytes32 leaf, uint256 index)
        internal
        pure
        returns (bool)
    {
        return processInclusionProofKeccak(proof, leaf, index) == root;
    }

    /// @notice The root reached by climbing from `leaf` at `index` along `proof`.
    function processInclusionProofKeccak(bytes calldata proof, bytes32 leaf, uint256 index)
        internal
        pure
        returns (bytes32 node)
    {
        if (proof.length % 32 != 0) revert InvalidProofLength();
        node = leaf;
        for (uint256 end = 32; end <= proof.length; end += 32) {
            bytes32 sibling = bytes32(proof[end - 32:end]);
            node = index % 2 == 0 ? _hashPair(node, sibling) : _hashPair(sibling, node);
            index /= 2;
        }
    }

    function _hashPair(bytes32 left, bytes32 right) private pure returns (bytes32) {
        return keccak256(abi.encodePacked(left, right));
    }
}
