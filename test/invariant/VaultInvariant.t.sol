// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {console} from "forge-std/console.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ExitBase} from "../ExitBase.sol";
import {VaultHandler} from "./handlers/VaultHandler.sol";
import {IStrategy} from "../../contracts/interfaces/eigenlayer/IStrategy.sol";
import {IAllocationManager} from "../../contracts/interfaces/eigenlayer/IAllocationManager.sol";
import {IDelegationManager} from "../../contracts/interfaces/eigenlayer/IDelegationManager.sol";
import {IStrategyManager} from "../../contracts/interfaces/eigenlayer/IStrategyManager.sol";
import {IWithdrawalQueue} from "../../contracts/interfaces/IWithdrawalQueue.sol";
import {TrellisEntry} from "../../contracts/TrellisEntry.sol";

/// @dev Invariants of the vault and the redemption queue under deposits through the entries, requests, cancels,
/// finalization, claims, instant exits, allocation and the keeper freeing stake, LST price moves both ways,
/// EigenLayer slashes, and time with the keeper's refresh and sync.
contract VaultInvariantTest is ExitBase {
    VaultHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new VaultHandler(
            vault,
            queue,
            keeper,
            treasury,
            entries,
            VaultHandler.Tokens({stETH: stETH, wstETH: wstETH, rETH: rETH, osETH: osETH, osController: osController}),
            _eigenLayer()
        );
        _bystanderStakes();
        stETH.transferOwnership(address(handler));
        rETH.transferOwnership(address(handler));
        osETH.transferOwnership(address(handler));
        osController.transferOwnership(address(handler));

        bytes4[] memory selectors = new bytes4[](13);
        selectors[0] = VaultHandler.deposit.selector;
        selectors[1] = VaultHandler.requestRedeem.selector;
        selectors[2] = VaultHandler.cancel.selector;
        selectors[3] = VaultHandler.finalize.selector;
        selectors[4] = VaultHandler.claim.selector;
        selectors[5] = VaultHandler.instantRedeem.selector;
        selectors[6] = VaultHandler.allocate.selector;
        selectors[7] = VaultHandler.freeRestaked.selector;
        selectors[8] = VaultHandler.completeWithdrawals.selector;
        selectors[9] = VaultHandler.warp.selector;
        selectors[10] = VaultHandler.movePrice.selector;
        selectors[11] = VaultHandler.slash.selector;
        selectors[12] = VaultHandler.deposit.selector; // deposits twice as often: something to exit
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        targetContract(address(handler));
    }

    /// @dev As on mainnet, Trellis is not a strategy's only staker. (Alone, after a stETH loss took the strategy's
    /// balance below its share count, EigenLayer's virtual offset makes the last withdrawal ask a few wei more than
    /// the strategy holds, and it reverts.)
    function _bystanderStakes() internal {
        address bystander = makeAddr("bystander");
        address[3] memory tokens = [address(stETH), address(rETH), address(osETH)];
        for (uint256 i; i < 3; ++i) {
            _mintLst(tokens[i], bystander, 10 ether);
            vm.startPrank(bystander);
            IERC20(tokens[i]).approve(address(el.strategyManager), 10 ether);
            el.strategyManager.depositIntoStrategy(heldStrategies[i], IERC20(tokens[i]), 9 ether);
            vm.stopPrank();
        }
    }

    function _eigenLayer() internal view returns (VaultHandler.EigenLayer memory e) {
        e.allocationManager = IAllocationManager(address(el.allocationManager));
        e.delegationManager = IDelegationManager(address(el.delegationManager));
        e.strategyManager = IStrategyManager(address(el.strategyManager));
        e.sortedStrategies = new IStrategy[](heldStrategies.length);
        for (uint256 i; i < heldStrategies.length; ++i) e.sortedStrategies[i] = heldStrategies[i];
        for (uint256 i; i < e.sortedStrategies.length; ++i) {
            for (uint256 j = i + 1; j < e.sortedStrategies.length; ++j) {
                if (address(e.sortedStrategies[j]) < address(e.sortedStrategies[i])) {
                    (e.sortedStrategies[i], e.sortedStrategies[j]) = (e.sortedStrategies[j], e.sortedStrategies[i]);
                }
            }
        }
        e.operators = operators;
        e.delegators = delegators;
        // op0 on (avsA, 0), op1 on (avsA, 1), op2 on (avsB, 0): see BaseTest.
        e.avs = new address[](3);
        e.setIds = new uint32[](3);
        (e.avs[0], e.setIds[0]) = (avsA, 0);
        (e.avs[1], e.setIds[1]) = (avsA, 1);
        (e.avs[2], e.setIds[2]) = (avsB, 0);
        e.minWithdrawalDelayBlocks = MIN_WITHDRAWAL_DELAY;
    }

    /// @dev Every invariant below, checked in one campaign (each `invariant_` function runs its own, and the stack is
    /// heavy to drive).
    function invariant_vault() public view {
        _rateNeverFallsWithoutALossBooked();
        _supplySums();
        _openRequestsWithinHoldings();
        _queueHoldsWhatPoolsOwe();
        _holdingsCoverTheBooks();
        _noOpenRequestBelowTheHead();
    }

    /// @dev The keeper reads requests from `firstPendingRequestId`: no open request may sit below it.
    function _noOpenRequestBelowTheHead() internal view {
        uint256 head = queue.firstPendingRequestId();
        uint256[] memory ids = handler.pendingIds();
        for (uint256 k; k < ids.length; ++k) assertGe(ids[k], head, "an open request below the head");
        assertLe(head, queue.nextRequestId());
    }

    /// @dev The rate never falls in an action that booked no loss.
    function _rateNeverFallsWithoutALossBooked() internal view {
        assertEq(handler.unexplainedFalls(), 0, "the rate fell without a loss");
    }

    /// @dev trETH is held by the actors (the treasury among them) and the queue, whose balance is exactly the
    /// escrow of the open requests.
    function _supplySums() internal view {
        uint256 sum = trETH.balanceOf(address(queue));
        for (uint256 i; i < handler.actorCount(); ++i) sum += trETH.balanceOf(handler.actors(i));
        assertEq(sum, trETH.totalSupply());
        uint256[] memory ids = handler.pendingIds();
        uint256 escrow;
        for (uint256 k; k < ids.length; ++k) escrow += queue.getRequest(ids[k]).shares;
        assertEq(trETH.balanceOf(address(queue)), escrow);
    }

    /// @dev Everyone can leave: what the open requests may claim (min of the value at request and now) is within
    /// the holdings. (Per asset, reservations can exceed what a slashed or fallen asset still holds: those requests
    /// are cancelled or re-targeted, which `afterInvariant` checks; they block nobody.)
    function _openRequestsWithinHoldings() internal view {
        uint256 dust = queue.MAX_DUST();
        uint256[] memory ids = handler.pendingIds();
        uint256 mayClaim;
        for (uint256 k; k < ids.length; ++k) {
            IWithdrawalQueue.Request memory r = queue.getRequest(ids[k]);
            uint256 now_ = vault.convertToAssets(r.shares);
            mayClaim += now_ < r.valueAtRequest ? now_ : r.valueAtRequest;
        }
        assertLe(mayClaim, vault.markedAssets() + 2 * dust, "open requests may claim more than is held");
    }

    /// @dev The queue holds what its claimable pools owe, asset by asset.
    function _queueHoldsWhatPoolsOwe() internal view {
        for (uint256 i; i < assets.length; ++i) {
            if (i == WST) continue;
            uint256 owed;
            for (uint256 a; a < handler.actorCount(); ++a) {
                (, uint256 amount) = queue.claimableOf(assets[i], handler.actors(a));
                owed += amount;
            }
            assertLe(owed, IERC20(assets[i]).balanceOf(address(queue)), "queue short");
        }
    }

    /// @dev The booked total is backed by holdings (a few wei of EigenLayer rounding wait for the next refresh).
    function _holdingsCoverTheBooks() internal view {
        assertLe(vault.totalAssets(), vault.markedAssets() + 1e6);
    }

    /// @dev Once the keeper has freed all restaked stake, every open request is payable (finalized) or its
    /// controller can cancel it; every pool then pays out and the queue keeps nothing.
    function afterInvariant() public {
        assertGt(handler.calls(), 0);
        console.log(
            string.concat(
                "exits: requested ", vm.toString(handler.requested()), ", finalized ", vm.toString(handler.finalized()),
                ", cancelled ", vm.toString(handler.cancelled()), ", claims ", vm.toString(handler.claimed())
            ),
            string.concat(
                ", instant ", vm.toString(handler.instantExits()), ", losses booked ", vm.toString(handler.lossesBooked())
            )
        );
        uint256[] memory stuck = handler.freeEverythingAndFinalize();
        for (uint256 k; k < stuck.length; ++k) {
            IWithdrawalQueue.Request memory r = queue.getRequest(stuck[k]);
            vm.prank(r.controller);
            entries[_entryOf(r.asset)].cancelRedeemRequest(stuck[k], r.controller);
        }
        assertEq(handler.pendingIds().length, 0);
        for (uint256 i; i < assets.length; ++i) {
            if (i == WST) continue;
            for (uint256 a; a < handler.actorCount(); ++a) {
                address actor = handler.actors(a);
                (uint256 shares,) = queue.claimableOf(assets[i], actor);
                if (shares == 0) continue;
                vm.prank(actor);
                entries[i].redeem(shares, actor, actor);
            }
        }
        assertEq(trETH.balanceOf(address(queue)), 0);
    }

    /// @dev The handler's actions really act (none of them finds nothing to do in a plain sequence), so the campaign
    /// exercises every exit.
    function test_handler_exercisesEveryExit() public {
        handler.deposit(0, RE, 100 ether);
        handler.deposit(1, OS, 50 ether);
        handler.requestRedeem(0, 1, 10 ether); // seed 1: rETH
        handler.requestRedeem(0, 1, 20 ether);
        handler.cancel(0);
        handler.warp(1 days);
        handler.finalize();
        handler.claim(0, 1, type(uint256).max);
        handler.instantRedeem(1, 2, 1 ether); // seed 2: osETH
        handler.allocate(0, 1, 50);
        handler.slash(0, 0.1e18);
        handler.movePrice(1, 50, true);
        handler.freeRestaked(0, 1);
        handler.warp(1 days);
        handler.completeWithdrawals();
        assertEq(handler.requested(), 2);
        assertEq(handler.cancelled(), 1);
        assertEq(handler.finalized(), 1);
        assertEq(handler.claimed(), 1);
        assertEq(handler.instantExits(), 1);
        assertEq(handler.lossesBooked(), 2);
        assertGt(vault.idleBalance(address(rETH)), 40 ether, "the freed rETH came back");
        invariant_vault();
        afterInvariant();
    }

    function _entryOf(address asset) internal view returns (uint256 i) {
        while (assets[i] != asset) ++i;
    }
}
