// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IAVSRegistrar} from "./IAVSRegistrar.sol";

/// @title A minimal AVS registrar for the devnet and the real-core tests: one per AVS.
/// @notice Accepts any operator the AllocationManager registers for its AVS and keeps a count of each
/// operator set's members, as an AVS's own registry would. Only the AllocationManager may call it, so
/// membership here always mirrors the AllocationManager's.
/// @dev Works with the devnet AllocationManager and with EigenLayer's real one (same `IAVSRegistrar`).
contract DevnetAVSRegistrar is IAVSRegistrar {
    /// @notice A caller other than the AllocationManager called a registration hook.
    error OnlyAllocationManager(address caller);
    /// @notice A registration named an AVS this registrar does not serve.
    error WrongAVS(address avs);

    /// @notice `operator` joined `operatorSetIds` of the registrar's AVS.
    event OperatorRegistered(address indexed operator, uint32[] operatorSetIds);
    /// @notice `operator` left `operatorSetIds` of the registrar's AVS.
    event OperatorDeregistered(address indexed operator, uint32[] operatorSetIds);

    address public immutable avs;
    address public immutable allocationManager;
    mapping(uint32 operatorSetId => uint256) public memberCount;

    constructor(address avs_, address allocationManager_) {
        avs = avs_;
        allocationManager = allocationManager_;
    }

    /// @inheritdoc IAVSRegistrar
    function registerOperator(address operator, address avs_, uint32[] calldata operatorSetIds, bytes calldata)
        external
    {
        _check(avs_);
        for (uint256 i = 0; i < operatorSetIds.length; ++i) ++memberCount[operatorSetIds[i]];
        emit OperatorRegistered(operator, operatorSetIds);
    }

    /// @inheritdoc IAVSRegistrar
    function deregisterOperator(address operator, address avs_, uint32[] calldata operatorSetIds) external {
        _check(avs_);
        for (uint256 i = 0; i < operatorSetIds.length; ++i) --memberCount[operatorSetIds[i]];
        emit OperatorDeregistered(operator, operatorSetIds);
    }

    /// @inheritdoc IAVSRegistrar
    function supportsAVS(address avs_) external view returns (bool) {
        return avs_ == avs;
    }

    function _check(address avs_) internal view {
        require(msg.sender == allocationManager, OnlyAllocationManager(msg.sender));
        require(avs_ == avs, WrongAVS(avs_));
    }
}
