// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {OperatorSet} from "../../../contracts/interfaces/eigenlayer/OperatorSetLib.sol";
import {ERC20__Mock} from "../../mocks/ERC20__Mock.sol";
import {
    EigenLayerDevnetDeployer,
    EigenLayerDevnetDeployment,
    EigenLayerDevnetParams,
    EigenLayerDevnetSetup
} from "../../../script/lib/EigenLayerDevnetDeployer.sol";
import {EigenLayerDevnetBase} from "./EigenLayerDevnetBase.sol";

/// @dev setUpEigenLayerDevnet and writeEigenLayerDevnetJson, as other deploy scripts call them.
contract EigenLayerDevnetDeployerTest is EigenLayerDevnetBase {
    function testFuzz_setUpEigenLayerDevnet_wiresOperatorsAndAvss(uint8 operatorCount, uint8 avsCount, uint8 setsPerAvs)
        public
    {
        operatorCount = uint8(bound(operatorCount, 1, 4));
        avsCount = uint8(bound(avsCount, 1, 3));
        setsPerAvs = uint8(bound(setsPerAvs, 1, 3));

        EigenLayerDevnetSetup memory setup;
        setup.deployerKey = ownerKey;
        setup.params = EigenLayerDevnetParams(10, 10, 10);
        setup.tokens = new IERC20[](2);
        setup.tokens[0] = new ERC20__Mock("A", "A", 18);
        setup.tokens[1] = new ERC20__Mock("B", "B", 18);
        setup.operatorKeys = new uint256[](operatorCount);
        for (uint256 i = 0; i < operatorCount; ++i) {
            (, setup.operatorKeys[i]) = makeAddrAndKey(string.concat("op", vm.toString(i)));
        }
        setup.avsKeys = new uint256[](avsCount);
        for (uint256 i = 0; i < avsCount; ++i) {
            (, setup.avsKeys[i]) = makeAddrAndKey(string.concat("avs", vm.toString(i)));
        }
        setup.operatorSetsPerAvs = setsPerAvs;
        setup.allocationDelay = 1;
        setup.magnitudePerSet = uint64(WAD / (uint256(avsCount) * setsPerAvs));

        EigenLayerDevnetDeployment memory d = setUpEigenLayerDevnet(setup);
        vm.roll(block.number + 1);

        assertEq(d.strategies.length, 2);
        assertTrue(d.core.strategyManager.strategyIsWhitelistedForDeposit(d.strategies[1]));
        assertEq(address(d.strategies[0].underlyingToken()), address(setup.tokens[0]));
        for (uint256 a = 0; a < avsCount; ++a) {
            assertEq(d.core.allocationManager.getOperatorSetCount(d.avss[a]), setsPerAvs);
            for (uint32 id = 0; id < setsPerAvs; ++id) {
                OperatorSet memory set = OperatorSet(d.avss[a], id);
                assertEq(d.core.allocationManager.getMemberCount(set), operatorCount);
                assertEq(
                    d.core.allocationManager.getAllocation(d.operators[0], set, d.strategies[0]).currentMagnitude,
                    setup.magnitudePerSet
                );
            }
        }
        for (uint256 o = 0; o < operatorCount; ++o) {
            assertTrue(d.core.delegationManager.isOperator(d.operators[o]));
            assertLe(d.core.allocationManager.getEncumberedMagnitude(d.operators[o], d.strategies[1]), WAD);
        }
    }

    function test_setUpEigenLayerDevnet_refusesOverAllocation() public {
        EigenLayerDevnetSetup memory setup;
        setup.deployerKey = ownerKey;
        setup.avsKeys = new uint256[](2);
        setup.operatorSetsPerAvs = 1;
        setup.magnitudePerSet = WAD / 2 + 1;
        vm.expectRevert(abi.encodeWithSelector(EigenLayerDevnetDeployer.MagnitudeOverAllocated.selector, WAD + 2));
        this.externalSetUp(setup);
    }

    function externalSetUp(EigenLayerDevnetSetup memory setup) external {
        setUpEigenLayerDevnet(setup);
    }

    function test_writeEigenLayerDevnetJson_roundTrips() public {
        EigenLayerDevnetDeployment memory d;
        d.core = el;
        d.tokens = new IERC20[](1);
        d.tokens[0] = token;
        d.strategies = _one(strategy);
        d.operators = new address[](1);
        d.operators[0] = operator;
        d.avss = new address[](1);
        d.avss[0] = avs;
        d.params = EigenLayerDevnetParams(MIN_WITHDRAWAL_DELAY, DEALLOCATION_DELAY, ALLOCATION_CONFIGURATION_DELAY);
        string memory path = "deployments/eigenlayer-devnet.unit-test.json";
        writeEigenLayerDevnetJson(d, path);
        string memory json = vm.readFile(path);
        vm.removeFile(path);
        assertEq(vm.parseJsonAddress(json, ".delegationManager"), address(el.delegationManager));
        assertEq(vm.parseJsonAddress(json, ".allocationManager"), address(el.allocationManager));
        assertEq(vm.parseJsonAddressArray(json, ".strategies")[0], address(strategy));
        assertEq(vm.parseJsonUint(json, ".minWithdrawalDelayBlocks"), MIN_WITHDRAWAL_DELAY);
    }
}
