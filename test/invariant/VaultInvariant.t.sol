// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {BaseTest} from "../BaseTest.sol";
import {VaultHandler} from "./handlers/VaultHandler.sol";
import {IWithdrawalQueue} from "../../contracts/interfaces/IWithdrawalQueue.sol";

/// @dev Invariants of the vault and the queue under deposits, withdrawals, finalization, claims, syncs, LST
/// yield and time (no slashing, no allocation: every asset stays idle, so finalization always has liquidity
/// for some asset).
contract VaultInvariantTest is BaseTest {
    VaultHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new VaultHandler(
            vault,
            queue,
            keeper,
            VaultHandler.Tokens({stETH: stETH, wstETH: wstETH, rETH: rETH, osETH: osETH, osController: osController})
        );
        stETH.transferOwnership(address(handler));
        rETH.transferOwnership(address(handler));
        osETH.transferOwnership(address(handler));
        osController.transferOwnership(address(handler));

        bytes4[] memory selectors = new bytes4[](7);
        selectors[0] = VaultHandler.deposit.selector;
        selectors[1] = VaultHandler.requestWithdrawal.selector;
        selectors[2] = VaultHandler.finalize.selector;
        selectors[3] = VaultHandler.claim.selector;
        selectors[4] = VaultHandler.sync.selector;
        selectors[5] = VaultHandler.accrueYield.selector;
        selectors[6] = VaultHandler.warp.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
        targetContract(address(handler));
    }

    /// @dev (a) Without a loss event the rate never falls (stETH is priced at exactly 1e18, so Lido's share rate
    /// moving with other people's mints cannot lower it).
    function invariant_rateNeverFalls() public view {
        assertEq(handler.maxRateFall(), 0, "rate fell without a loss");
        assertGe(vault.rate(), 1e18);
    }

    /// @dev (b) trETH is only held by the actors, the queue (escrow) and the treasury (fees).
    function invariant_balancesSumToSupply() public view {
        uint256 sum = trETH.balanceOf(address(queue)) + trETH.balanceOf(treasury);
        for (uint256 i; i < handler.actorCount(); ++i) sum += trETH.balanceOf(handler.actors(i));
        assertEq(sum, trETH.totalSupply());
    }

    /// @dev (c) The queue holds every finalized, unclaimed payout (Lido shares for stETH), and
    /// (d) the effective supply is the supply less the escrow of those requests.
    function invariant_queueCoversFinalizedAndEffectiveSupply() public view {
        uint256[] memory owed = new uint256[](4);
        uint256 finalizedEscrow;
        uint256 pendingEscrow;
        for (uint256 id = 1; id < queue.nextRequestId(); ++id) {
            IWithdrawalQueue.Request memory r = queue.getRequest(id);
            if (r.claimed) continue;
            if (r.finalizedAt == 0) {
                pendingEscrow += r.shares;
                continue;
            }
            finalizedEscrow += r.shares;
            for (uint256 i; i < 4; ++i) {
                if (assets[i] == r.asset) owed[i] += r.payout;
            }
            assertLe(r.valueFinalized, r.valueAtRequest, "finalized above the value at request");
        }
        assertGe(stETH.sharesOf(address(queue)), owed[0], "queue short of stETH shares");
        for (uint256 i = 1; i < 4; ++i) {
            assertGe(IERC20(assets[i]).balanceOf(address(queue)), owed[i], "queue short");
        }
        assertEq(vault.effectiveSupply(), trETH.totalSupply() - finalizedEscrow);
        assertEq(trETH.balanceOf(address(queue)), finalizedEscrow + pendingEscrow);
    }

    /// @dev What the vault holds covers its books: measured assets are never below total assets by more than
    /// rounding dust (a rise above the APR bound waits in the measurement): a few wei of per-deposit flooring.
    function invariant_measuredCoversTotalAssets() public view {
        uint256 dust = 10;
        assertGe(vault.measureTotalAssets() + dust, vault.totalAssets());
    }

    function afterInvariant() public view {
        assertGt(handler.calls(), 0);
        assertLe(handler.claimedCount(), handler.finalizedCount());
        assertEq(handler.finalizedCount(), queue.nextToFinalize() - 1);
    }
}
