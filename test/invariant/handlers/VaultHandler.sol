// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {Vm} from "forge-std/Vm.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IVault, IVaultTypes} from "../../../contracts/interfaces/IVault.sol";
import {ITrETH} from "../../../contracts/interfaces/ITrETH.sol";
import {IWithdrawalQueue} from "../../../contracts/interfaces/IWithdrawalQueue.sol";
import {IAssetRegistry} from "../../../contracts/interfaces/IAssetRegistry.sol";
import {TrellisEntry} from "../../../contracts/TrellisEntry.sol";
import {IStrategy} from "../../../contracts/interfaces/eigenlayer/IStrategy.sol";
import {IAllocationManager, IAllocationManagerTypes} from "../../../contracts/interfaces/eigenlayer/IAllocationManager.sol";
import {IDelegationManager, IDelegationManagerTypes} from "../../../contracts/interfaces/eigenlayer/IDelegationManager.sol";
import {IStrategyManager} from "../../../contracts/interfaces/eigenlayer/IStrategyManager.sol";
import {DevnetStETH} from "../../../contracts/devnet/tokens/DevnetStETH.sol";
import {DevnetWstETH} from "../../../contracts/devnet/tokens/DevnetWstETH.sol";
import {DevnetRETH} from "../../../contracts/devnet/tokens/DevnetRETH.sol";
import {DevnetOsETH} from "../../../contracts/devnet/tokens/DevnetOsETH.sol";
import {DevnetOsTokenVaultController} from "../../../contracts/devnet/tokens/DevnetOsTokenVaultController.sol";

/// @dev Drives Trellis with bounded, always-valid calls (the suite runs with fail_on_revert): deposits through the
/// entries, redemption requests, cancels, finalization, claims, instant exits, allocation, the keeper freeing
/// restaked stake, LST price moves both ways, EigenLayer slashes, and time with the keeper's refresh and sync.
/// Every loss is booked inside the action that causes it (as anyone may); the handler records any fall of the
/// rate in an action that booked no loss.
contract VaultHandler is Test {
    struct Tokens {
        DevnetStETH stETH;
        DevnetWstETH wstETH;
        DevnetRETH rETH;
        DevnetOsETH osETH;
        DevnetOsTokenVaultController osController;
    }

    struct EigenLayer {
        IAllocationManager allocationManager;
        IDelegationManager delegationManager;
        IStrategyManager strategyManager;
        /// @dev The held strategies, sorted ascending (as slashOperator wants them).
        IStrategy[] sortedStrategies;
        address[] operators;
        address[] delegators;
        /// @dev Per operator: the AVS and set it is slashable in.
        address[] avs;
        uint32[] setIds;
        uint256 minWithdrawalDelayBlocks;
    }

    struct Queued {
        bytes32 root;
        address delegator;
        address asset;
    }

    IVault internal immutable vault;
    ITrETH internal immutable trETH;
    IWithdrawalQueue internal immutable queue;
    IAssetRegistry internal immutable registry;
    address internal immutable keeper;
    Tokens internal t;
    EigenLayer internal el;
    TrellisEntry[] internal entries;
    address[] internal assets;
    address[] public actors;
    Queued[] internal queued;

    uint256 public lastRate;
    /// @dev Falls of the rate in actions that booked no loss (must stay 0).
    uint256 public unexplainedFalls;
    uint256 public lossesBooked;
    uint256 public calls;
    /// @dev Ghosts: what the actions really did (an action may find nothing to do), to see a run exercised the exits.
    uint256 public requested;
    uint256 public finalized;
    uint256 public cancelled;
    uint256 public claimed;
    uint256 public instantExits;
    mapping(bytes32 action => uint256) public callsOf;

    bytes32 internal constant LOSS_BOOKED = keccak256("LossBooked(address,uint256,uint256,uint256,uint256)");

    constructor(
        IVault vault_,
        IWithdrawalQueue queue_,
        address keeper_,
        address treasury_,
        TrellisEntry[] memory entries_,
        Tokens memory tokens_,
        EigenLayer memory el_
    ) {
        vault = vault_;
        trETH = ITrETH(vault_.trETH());
        queue = queue_;
        registry = IAssetRegistry(vault_.assetRegistry());
        keeper = keeper_;
        t = tokens_;
        el = el_;
        for (uint256 i; i < entries_.length; ++i) {
            entries.push(entries_[i]);
            assets.push(entries_[i].asset());
        }
        actors.push(makeAddr("handler.alice"));
        actors.push(makeAddr("handler.bob"));
        actors.push(makeAddr("handler.carol"));
        // The treasury's fee shares leave like anyone's.
        actors.push(treasury_);
        lastRate = vault_.rate();
    }

    modifier tracked(bytes32 action) {
        vm.recordLogs();
        _;
        ++calls;
        ++callsOf[action];
        Vm.Log[] memory logs = vm.getRecordedLogs();
        bool lossBooked;
        for (uint256 k; k < logs.length; ++k) {
            if (logs[k].emitter == address(vault) && logs[k].topics[0] == LOSS_BOOKED) lossBooked = true;
        }
        if (lossBooked) ++lossesBooked;
        uint256 rate = vault.rate();
        if (rate < lastRate && !lossBooked) ++unexplainedFalls;
        lastRate = rate;
    }

    // ---------------------------------------------------------------- users

    function deposit(uint256 actorSeed, uint256 assetSeed, uint256 amount) external tracked("deposit") {
        address actor = actors[actorSeed % 3];
        uint256 i = assetSeed % 4;
        amount = bound(amount, 1e10, 1e22);
        if (entries[i].maxDeposit(actor) < amount) return;
        _mint(assets[i], actor, amount);
        amount = IERC20(assets[i]).balanceOf(actor);
        if (entries[i].previewDeposit(amount) == 0) return;
        vm.startPrank(actor);
        IERC20(assets[i]).approve(address(entries[i]), amount);
        entries[i].deposit(amount, actor);
        vm.stopPrank();
    }

    /// @dev A request within what the asset can still take (its holdings less open reservations).
    function requestRedeem(uint256 actorSeed, uint256 assetSeed, uint256 shares) external tracked("requestRedeem") {
        // The first actor holding trETH and the first asset with room left, from random starting points.
        address actor = actors[actorSeed % actors.length];
        for (uint256 k; k < actors.length && trETH.balanceOf(actor) == 0; ++k) {
            actor = actors[(actorSeed % actors.length + k + 1) % actors.length];
        }
        uint256 i = _redeemable(assetSeed);
        for (uint256 k; k < 3 && vault.heldUnits(assets[i]) <= queue.reservedUnits(assets[i]) + 1e10; ++k) {
            i = _redeemable(assetSeed % 3 + k + 1);
        }
        uint256 balance = trETH.balanceOf(actor);
        uint256 held = vault.heldUnits(assets[i]);
        uint256 reserved = queue.reservedUnits(assets[i]);
        if (balance == 0 || held <= reserved) return;
        uint256 price = registry.price(assets[i]);
        uint256 roomValue = (held - reserved) * price / 1e18;
        uint256 maxShares = vault.convertToShares(roomValue);
        if (maxShares > balance) maxShares = balance;
        if (maxShares == 0) return;
        shares = bound(shares, 1, maxShares);
        // The asset's 1 gwei minimum, with room for the price's rounding.
        if (vault.convertToAssets(shares) * 1e18 / price < 2e9) return;
        vm.prank(actor);
        entries[i].requestRedeem(shares, actor, actor);
        ++requested;
    }

    function cancel(uint256 idSeed) external tracked("cancel") {
        (bool found, uint256 id) = _pendingFrom(idSeed);
        if (!found) return;
        IWithdrawalQueue.Request memory r = queue.getRequest(id);
        vm.prank(r.controller);
        entries[_indexOf(r.asset)].cancelRedeemRequest(id, r.controller);
        ++cancelled;
    }

    /// @dev Anyone finalizes every open request; those not matured or not payable are skipped.
    function finalize() external tracked("finalize") {
        vault.refresh(type(uint256).max);
        uint256[] memory ids = _pendingIds();
        vm.prank(keeper);
        finalized += queue.finalize(ids);
    }

    function claim(uint256 actorSeed, uint256 assetSeed, uint256 part) external tracked("claim") {
        address actor = actors[actorSeed % actors.length];
        uint256 i = _redeemable(assetSeed);
        (uint256 shares,) = queue.claimableOf(assets[i], actor);
        if (shares == 0) return;
        vm.prank(actor);
        entries[i].redeem(bound(part, 1, shares), actor, actor);
        ++claimed;
    }

    /// @dev An instant exit the lane accepts now (the quote says so), with a 0.1% slippage bound.
    function instantRedeem(uint256 actorSeed, uint256 assetSeed, uint256 shares) external tracked("instantRedeem") {
        address actor = actors[actorSeed % actors.length];
        uint256 i = _redeemable(assetSeed);
        uint256 balance = trETH.balanceOf(actor);
        if (balance == 0) return;
        shares = bound(shares, 1, balance);
        if (vault.convertToAssets(shares) < 1e9) return;
        try entries[i].previewInstantRedeem(shares) returns (uint256 quoted, uint256) {
            if (quoted == 0) return;
            vm.prank(actor);
            entries[i].instantRedeem(shares, actor, actor, quoted * 999 / 1000);
            ++instantExits;
        } catch {
            // The lane refuses this one (limit, watermark): nothing to do.
        }
    }

    // ---------------------------------------------------------------- keeper

    /// @dev Up to half of an asset's idle to one operator; a risk limit refusing it is a valid outcome.
    function allocate(uint256 opSeed, uint256 assetSeed, uint256 fraction) external tracked("allocate") {
        uint256 i = _redeemable(assetSeed);
        uint256 amount = vault.idleBalance(assets[i]) * bound(fraction, 1, 50) / 100;
        if (amount < 1e10) return;
        address delegator = el.delegators[opSeed % el.delegators.length];
        vm.prank(keeper);
        try vault.allocate(delegator, assets[i], amount) {}
        catch (bytes memory err) {
            bytes4 selector = bytes4(err);
            // Only the risk registry's caps may refuse an allocation of idle assets to an allowed operator.
            require(selector != bytes4(0) && selector != IVaultTypes.InsufficientIdle.selector, "allocate failed");
        }
    }

    /// @dev Queues all of a delegator's stake in one asset for withdrawal (completed by `completeWithdrawals`).
    function freeRestaked(uint256 opSeed, uint256 assetSeed) external tracked("freeRestaked") {
        _queueWithdrawal(el.delegators[opSeed % el.delegators.length], assets[_redeemable(assetSeed)]);
    }

    function completeWithdrawals() external tracked("completeWithdrawals") {
        _completeMatured();
    }

    /// @dev Time passes; the keeper refreshes and syncs (deposits stay open).
    function warp(uint256 seconds_) external tracked("warp") {
        seconds_ = bound(seconds_, 1, 2 days);
        vm.warp(block.timestamp + seconds_);
        vm.roll(block.number + seconds_ / 12 + 1);
        vault.refresh(type(uint256).max);
        vm.prank(keeper);
        vault.sync();
    }

    // ---------------------------------------------------------------- the world

    /// @dev An LST's price moves, up or down, inside its registry bounds; a fall is booked at once (by anyone).
    function movePrice(uint256 assetSeed, uint256 bps, bool down) external tracked("movePrice") {
        bps = bound(bps, 0, 100);
        uint256 which = assetSeed % 3;
        if (which == 0) {
            uint256 pooled = t.stETH.getTotalPooledEther();
            t.stETH.setTotalPooledEther(down ? pooled - pooled * bps / 10_000 : pooled + pooled * bps / 10_000);
        } else if (which == 1) {
            uint256 rate = t.rETH.getExchangeRate();
            uint256 next = down ? rate - rate * bps / 10_000 : rate + rate * bps / 10_000;
            t.rETH.setExchangeRate(_clamp(next));
        } else {
            uint256 rate = t.osController.rate();
            uint256 next = down ? rate - rate * bps / 10_000 : rate + rate * bps / 10_000;
            t.osController.setRate(_clamp(next));
        }
        vault.bookLoss();
    }

    /// @dev An AVS slashes an operator by up to 30% of its allocation; anyone then refreshes, booking the loss.
    function slash(uint256 opSeed, uint256 wad) external tracked("slash") {
        uint256 op = opSeed % el.operators.length;
        uint256[] memory wads = new uint256[](el.sortedStrategies.length);
        for (uint256 k; k < wads.length; ++k) wads[k] = bound(wad, 0.01e18, 0.3e18);
        vm.prank(el.avs[op]);
        el.allocationManager.slashOperator(
            el.avs[op],
            IAllocationManagerTypes.SlashingParams({
                operator: el.operators[op],
                operatorSetId: el.setIds[op],
                strategies: el.sortedStrategies,
                wadsToSlash: wads,
                description: "invariant"
            })
        );
        vault.refresh(type(uint256).max);
    }

    // ---------------------------------------------------------------- the end: everyone can leave

    /// @dev As the keeper would: frees every restaked unit, waits out EigenLayer's delay and the redemption delay,
    /// and finalizes every open request. Returns the ids still pending (the test cancels them).
    function freeEverythingAndFinalize() external returns (uint256[] memory stillPending) {
        for (uint256 d; d < el.delegators.length; ++d) {
            for (uint256 i; i < 3; ++i) _queueWithdrawal(el.delegators[d], assets[_redeemable(i)]);
        }
        vm.roll(block.number + el.minWithdrawalDelayBlocks + 1);
        _completeMatured();
        vm.warp(block.timestamp + queue.exitParams().minRedeemDelay);
        vault.refresh(type(uint256).max);
        uint256[] memory ids = _pendingIds();
        vm.prank(keeper);
        queue.finalize(ids);
        return _pendingIds();
    }

    // ---------------------------------------------------------------- views

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function pendingIds() external view returns (uint256[] memory) {
        return _pendingIds();
    }

    // ---------------------------------------------------------------- internal

    function _queueWithdrawal(address delegator, address asset) internal {
        IStrategy strategy = IStrategy(registry.getAssetConfig(asset).strategy);
        uint256 depositShares = el.strategyManager.stakerDepositShares(delegator, strategy);
        if (depositShares == 0) return;
        (uint256[] memory withdrawable,) = el.delegationManager.getWithdrawableShares(delegator, _one(strategy));
        // A fully slashed stake cannot be withdrawn (EigenLayer refuses a zero-share withdrawal).
        if (withdrawable[0] == 0) return;
        vm.prank(keeper);
        bytes32 root = vault.queueDelegatorWithdrawal(delegator, asset, depositShares);
        queued.push(Queued(root, delegator, asset));
    }

    function _completeMatured() internal {
        for (uint256 k = queued.length; k > 0; --k) {
            Queued memory q = queued[k - 1];
            (IDelegationManagerTypes.Withdrawal memory w,) = el.delegationManager.getQueuedWithdrawal(q.root);
            if (block.number <= w.startBlock + el.minWithdrawalDelayBlocks) continue;
            vm.prank(keeper);
            vault.completeDelegatorWithdrawal(q.delegator, w, q.asset);
            queued[k - 1] = queued[queued.length - 1];
            queued.pop();
        }
    }

    function _pendingIds() internal view returns (uint256[] memory ids) {
        uint256 n = queue.nextRequestId();
        uint256 count;
        for (uint256 id = 1; id < n; ++id) {
            if (queue.getRequest(id).status == IWithdrawalQueue.Status.Pending) ++count;
        }
        ids = new uint256[](count);
        count = 0;
        for (uint256 id = 1; id < n; ++id) {
            if (queue.getRequest(id).status == IWithdrawalQueue.Status.Pending) ids[count++] = id;
        }
    }

    function _pendingFrom(uint256 seed) internal view returns (bool, uint256) {
        uint256[] memory ids = _pendingIds();
        if (ids.length == 0) return (false, 0);
        return (true, ids[seed % ids.length]);
    }

    /// @dev stETH, rETH, osETH: the entries that redeem (wstETH's takes deposits only).
    function _redeemable(uint256 seed) internal pure returns (uint256) {
        uint256 k = seed % 3;
        return k == 0 ? 0 : k + 1;
    }

    function _indexOf(address asset) internal view returns (uint256 i) {
        while (assets[i] != asset) ++i;
    }

    function _clamp(uint256 rate) internal pure returns (uint256) {
        if (rate < 1.0e18) return 1.0e18;
        if (rate > 1.9e18) return 1.9e18;
        return rate;
    }

    function _one(IStrategy s) internal pure returns (IStrategy[] memory a) {
        a = new IStrategy[](1);
        a[0] = s;
    }

    /// @dev This handler owns the LST look-alikes (the test hands them over).
    function _mint(address asset, address to, uint256 amount) internal {
        if (asset == address(t.stETH)) {
            t.stETH.mint(to, amount);
        } else if (asset == address(t.wstETH)) {
            uint256 stAmount = t.wstETH.getStETHByWstETH(amount) + 10;
            t.stETH.mint(address(this), stAmount);
            t.stETH.approve(address(t.wstETH), stAmount);
            uint256 wrapped = t.wstETH.wrap(stAmount);
            t.wstETH.transfer(to, wrapped);
        } else if (asset == address(t.rETH)) {
            t.rETH.mint(to, amount);
        } else {
            t.osETH.mint(to, amount);
        }
    }
}
