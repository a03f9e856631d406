// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {BaseTest} from "./BaseTest.sol";
import {IStrategy} from "../contracts/interfaces/eigenlayer/IStrategy.sol";
import {IAllocationManagerTypes} from "../contracts/interfaces/eigenlayer/IAllocationManager.sol";
import {IDelegationManagerTypes} from "../contracts/interfaces/eigenlayer/IDelegationManager.sol";
import {IWithdrawalQueue} from "../contracts/interfaces/IWithdrawalQueue.sol";

/// @dev BaseTest plus the exit path as users, the keeper and AVSs drive it: requests through the entries,
/// finalization, claims, EigenLayer slashes and the keeper freeing restaked stake. Asset indices as in `assets`.
abstract contract ExitBase is BaseTest {
    uint256 internal constant ST = 0;
    uint256 internal constant WST = 1;
    uint256 internal constant RE = 2;
    uint256 internal constant OS = 3;

    address internal carol = makeAddr("carol");

    // ---------------------------------------------------------------- requests and claims

    /// @dev `user` requests `shares` of its own trETH through entry `i`, as controller.
    function _request(address user, uint256 i, uint256 shares) internal returns (uint256 id) {
        vm.prank(user);
        id = entries[i].requestRedeem(shares, user, user);
    }

    function _requestAll(address user, uint256 i) internal returns (uint256 id) {
        return _request(user, i, trETH.balanceOf(user));
    }

    /// @dev As the keeper does: refresh every delegator, then finalize.
    function _finalize(uint256 id) internal returns (uint256) {
        return _finalizeIds(_ids(id));
    }

    function _finalizeIds(uint256[] memory ids) internal returns (uint256) {
        vault.refresh(type(uint256).max);
        vm.prank(keeper);
        return queue.finalize(ids);
    }

    /// @dev Claims `user`'s whole claimable pool in entry `i`'s asset; returns the assets paid.
    function _claim(address user, uint256 i) internal returns (uint256 paid) {
        (uint256 shares,) = queue.claimableOf(assets[i], user);
        vm.prank(user);
        paid = entries[i].redeem(shares, user, user);
    }

    /// @dev Past every open request's minimum wait.
    function _mature() internal {
        vm.warp(block.timestamp + queue.exitParams().minRedeemDelay);
    }

    /// @dev As the keeper does, syncs every 30 days until every pending gain has entered the rate (the APR cap can
    /// make that months for a large gain).
    function _streamAll() internal {
        _sync();
        for (uint256 k; k < 60 && vault.books().pending != 0; ++k) {
            vm.warp(block.timestamp + 30 days);
            _sync();
        }
        assertEq(vault.books().pending, 0, "still streaming");
    }

    function _status(uint256 id) internal view returns (IWithdrawalQueue.Status) {
        return queue.getRequest(id).status;
    }

    function _ids(uint256 a) internal pure returns (uint256[] memory ids) {
        ids = new uint256[](1);
        ids[0] = a;
    }

    function _ids(uint256 a, uint256 b) internal pure returns (uint256[] memory ids) {
        ids = new uint256[](2);
        ids[0] = a;
        ids[1] = b;
    }

    /// @dev What `who` holds of `assets[i]`: Lido shares for stETH (what the queue moves), units otherwise.
    function _held(uint256 i, address who) internal view returns (uint256) {
        return i == ST ? stETH.sharesOf(who) : IERC20(assets[i]).balanceOf(who);
    }

    // ---------------------------------------------------------------- EigenLayer

    /// @dev The AVS slashes `operators[op]` by `wad` of its allocation on (avs, setId), in every held strategy.
    function _slash(uint256 op, address avs, uint32 setId, uint256 wad) internal {
        IStrategy[] memory sorted = new IStrategy[](heldStrategies.length);
        for (uint256 i; i < sorted.length; ++i) sorted[i] = heldStrategies[i];
        for (uint256 i; i < sorted.length; ++i) {
            for (uint256 j = i + 1; j < sorted.length; ++j) {
                if (address(sorted[j]) < address(sorted[i])) (sorted[i], sorted[j]) = (sorted[j], sorted[i]);
            }
        }
        uint256[] memory wads = new uint256[](sorted.length);
        for (uint256 i; i < wads.length; ++i) wads[i] = wad;
        vm.prank(avs);
        el.allocationManager.slashOperator(
            avs,
            IAllocationManagerTypes.SlashingParams({
                operator: operators[op],
                operatorSetId: setId,
                strategies: sorted,
                wadsToSlash: wads,
                description: "test slash"
            })
        );
    }

    /// @dev As the keeper frees restaked stake: queues all of `delegators[op]`'s `asset` in EigenLayer, waits out
    /// EigenLayer's delay and completes it into the vault's idle balance. Returns the amount that arrived.
    function _freeRestaked(uint256 op, address asset) internal returns (uint256 amount) {
        IStrategy strategy = IStrategy(registry.getAssetConfig(asset).strategy);
        uint256 depositShares = el.strategyManager.stakerDepositShares(delegators[op], strategy);
        vm.prank(keeper);
        bytes32 root = vault.queueDelegatorWithdrawal(delegators[op], asset, depositShares);
        (IDelegationManagerTypes.Withdrawal memory w,) = el.delegationManager.getQueuedWithdrawal(root);
        vm.roll(w.startBlock + MIN_WITHDRAWAL_DELAY + 1);
        vm.prank(keeper);
        amount = vault.completeDelegatorWithdrawal(delegators[op], w, asset);
    }
}
