// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {
    IAllocationManagerErrors,
    IAllocationManagerTypes
} from "../../../contracts/interfaces/eigenlayer/IAllocationManager.sol";
import {IAVSRegistrar} from "../../../contracts/devnet/eigenlayer/IAVSRegistrar.sol";
import {DevnetAVSRegistrar} from "../../../contracts/devnet/eigenlayer/DevnetAVSRegistrar.sol";
import {EigenLayerDevnetBase} from "./EigenLayerDevnetBase.sol";

/// @dev The AllocationManager calls the AVS's registrar on registration and deregistration, as the real one
/// does: an EOA AVS without a registrar can have no members, and a registrar can refuse.
contract AVSRegistrarTest is EigenLayerDevnetBase {
    function _register(address avs_, uint32 id) internal {
        uint32[] memory ids = new uint32[](1);
        ids[0] = id;
        vm.prank(operator);
        el.allocationManager.registerForOperatorSets(
            operator, IAllocationManagerTypes.RegisterParams({avs: avs_, operatorSetIds: ids, data: ""})
        );
    }

    function _newAvs(string memory name) internal returns (address a) {
        a = makeAddr(name);
        IAllocationManagerTypes.CreateSetParams[] memory sets = new IAllocationManagerTypes.CreateSetParams[](1);
        sets[0] = IAllocationManagerTypes.CreateSetParams({operatorSetId: 0, strategies: _one(strategy)});
        vm.startPrank(a);
        el.allocationManager.updateAVSMetadataURI(a, "ipfs://avs");
        el.allocationManager.createOperatorSets(a, sets);
        vm.stopPrank();
    }

    function test_registration_callsTheRegistrar() public {
        address registrar = address(el.allocationManager.getAVSRegistrar(avs));
        assertTrue(registrar != avs, "the deployer set a registrar contract");
        assertEq(DevnetAVSRegistrar(registrar).memberCount(0), 0);
        _register(avs, 0);
        assertEq(DevnetAVSRegistrar(registrar).memberCount(0), 1);

        uint32[] memory ids = new uint32[](1);
        vm.prank(operator);
        el.allocationManager.deregisterFromOperatorSets(
            IAllocationManagerTypes.DeregisterParams({operator: operator, avs: avs, operatorSetIds: ids})
        );
        assertEq(DevnetAVSRegistrar(registrar).memberCount(0), 0);
    }

    function test_eoaAvsWithoutRegistrar_cannotHaveMembers() public {
        address eoa = _newAvs("eoa-avs");
        assertEq(address(el.allocationManager.getAVSRegistrar(eoa)), eoa);
        vm.expectRevert(); // a call to an EOA that expects no return data still fails the interface call
        _register(eoa, 0);
    }

    function test_setAVSRegistrar_refusesARegistrarForAnotherAvs() public {
        address other = _newAvs("other-avs");
        IAVSRegistrar wrong = new DevnetAVSRegistrar(avs, address(el.allocationManager));
        vm.prank(other);
        vm.expectRevert(IAllocationManagerErrors.InvalidAVSRegistrar.selector);
        el.allocationManager.setAVSRegistrar(other, wrong);
    }

    function test_registrar_onlyTheAllocationManagerCalls() public {
        DevnetAVSRegistrar registrar = DevnetAVSRegistrar(address(el.allocationManager.getAVSRegistrar(avs)));
        uint32[] memory ids = new uint32[](1);
        vm.expectRevert(abi.encodeWithSelector(DevnetAVSRegistrar.OnlyAllocationManager.selector, address(this)));
        registrar.registerOperator(operator, avs, ids, "");
    }
}
