// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Vault} from "../../../contracts/Vault.sol";
import {TrETH} from "../../../contracts/TrETH.sol";
import {WithdrawalQueue} from "../../../contracts/WithdrawalQueue.sol";
import {IWithdrawalQueue} from "../../../contracts/interfaces/IWithdrawalQueue.sol";
import {IAssetRegistry} from "../../../contracts/interfaces/IAssetRegistry.sol";
import {DevnetStETH} from "../../../contracts/devnet/tokens/DevnetStETH.sol";
import {DevnetWstETH} from "../../../contracts/devnet/tokens/DevnetWstETH.sol";
import {DevnetRETH} from "../../../contracts/devnet/tokens/DevnetRETH.sol";
import {DevnetOsETH} from "../../../contracts/devnet/tokens/DevnetOsETH.sol";
import {DevnetOsTokenVaultController} from "../../../contracts/devnet/tokens/DevnetOsTokenVaultController.sol";

/// @dev Drives the vault and the queue with bounded, always-valid calls (the suite runs with fail_on_revert):
/// deposits, withdrawal requests, finalization, claims, syncs, LST yield and time. No slashing, so the rate
/// must never fall: the handler records the largest fall it ever saw between two calls.
contract VaultHandler is Test {
    struct Tokens {
        DevnetStETH stETH;
        DevnetWstETH wstETH;
        DevnetRETH rETH;
        DevnetOsETH osETH;
        DevnetOsTokenVaultController osController;
    }

    Vault internal immutable vault;
    TrETH internal immutable trETH;
    WithdrawalQueue internal immutable queue;
    address internal immutable keeper;
    Tokens internal t;
    address[] internal assets;
    address[] public actors;

    uint256 public lastRate;
    /// @dev The largest fall of the rate between two handler calls (0 when it never fell).
    uint256 public maxRateFall;
    uint256 public calls;
    /// @dev Ghosts: requests finalized and claimed through the handler, so a run that never exercises the
    /// queue shows up.
    uint256 public finalizedCount;
    uint256 public claimedCount;
    /// @dev Value at request of the not yet finalized requests, per asset: new requests stay within the idle
    /// balance left over, so the FIFO head never waits forever on an asset the vault does not hold.
    mapping(address asset => uint256) public pendingValue;
    mapping(bytes32 action => uint256) public callsOf;

    constructor(Vault vault_, WithdrawalQueue queue_, address keeper_, Tokens memory tokens_) {
        vault = vault_;
        trETH = TrETH(vault_.trETH());
        queue = queue_;
        keeper = keeper_;
        t = tokens_;
        assets.push(address(tokens_.stETH));
        assets.push(address(tokens_.wstETH));
        assets.push(address(tokens_.rETH));
        assets.push(address(tokens_.osETH));
        actors.push(makeAddr("handler.alice"));
        actors.push(makeAddr("handler.bob"));
        actors.push(makeAddr("handler.carol"));
        actors.push(makeAddr("handler.dave"));
        lastRate = vault_.rate();
    }

    modifier tracked(bytes32 action) {
        _;
        ++calls;
        ++callsOf[action];
        uint256 rate = vault.rate();
        if (rate < lastRate && lastRate - rate > maxRateFall) maxRateFall = lastRate - rate;
        lastRate = rate;
    }

    // ---------------------------------------------------------------- actions

    function deposit(uint256 actorSeed, uint256 assetSeed, uint256 amount) external tracked("deposit") {
        address actor = actors[actorSeed % actors.length];
        address asset = assets[assetSeed % assets.length];
        amount = bound(amount, 2e9, 1e22);
        _mint(asset, actor, amount);
        // Whatever the actor holds (stETH mints can land a wei short), above the registry's 1 gwei minimum.
        amount = IERC20(asset).balanceOf(actor);
        if (amount < 1e9 || vault.previewDeposit(asset, amount) == 0) return;
        vm.startPrank(actor);
        IERC20(asset).approve(address(vault), amount);
        vault.deposit(asset, amount, 0, actor);
        vm.stopPrank();
    }

    function requestWithdrawal(uint256 actorSeed, uint256 assetSeed, uint256 shares)
        external
        tracked("requestWithdrawal")
    {
        // The first actor holding trETH and the first asset with idle value left, from random starting points.
        address actor;
        for (uint256 k; k < actors.length && actor == address(0); ++k) {
            address a = actors[(actorSeed % actors.length + k) % actors.length];
            if (trETH.balanceOf(a) != 0) actor = a;
        }
        address asset;
        uint256 available;
        for (uint256 k; k < assets.length && asset == address(0); ++k) {
            address candidate = assets[(assetSeed % assets.length + k) % assets.length];
            uint256 price = IAssetRegistry(vault.assetRegistry()).price(candidate);
            uint256 idleValue = vault.idleBalance(candidate) * price / 1e18;
            // The queue also bounds requests by the asset's net deposits less open reservations.
            uint256 reservable = (vault.depositedOf(candidate) - queue.pendingUnits(candidate)) * price / 1e18;
            if (idleValue > pendingValue[candidate] + 1e9 && reservable > 1e9) {
                asset = candidate;
                available = idleValue - pendingValue[candidate];
                if (reservable < available) available = reservable;
            }
        }
        if (actor == address(0) || asset == address(0)) return;
        // 1% short of what is left, for the rounding between the rate and convertToAssets.
        uint256 maxShares = available * 0.99e18 / vault.rate();
        uint256 balance = trETH.balanceOf(actor);
        if (balance < maxShares) maxShares = balance;
        // At least 2 gwei of trETH: worth at least the 1 gwei deposit minimum of any asset priced up to 2 ETH.
        if (maxShares < 2e9) return;
        shares = bound(shares, 2e9, maxShares);
        if (vault.convertToAssets(shares) == 0) return;
        vm.startPrank(actor);
        trETH.approve(address(queue), shares);
        uint256 id = queue.requestWithdrawal(shares, asset, actor);
        vm.stopPrank();
        pendingValue[asset] += queue.getRequest(id).valueAtRequest;
    }

    function finalize(uint256 maxRequests) external tracked("finalize") {
        uint256 first = queue.nextToFinalize();
        vm.prank(keeper);
        finalizedCount += queue.finalize(bound(maxRequests, 0, 5));
        for (uint256 id = first; id < queue.nextToFinalize(); ++id) {
            IWithdrawalQueue.Request memory r = queue.getRequest(id);
            pendingValue[r.asset] -= r.valueAtRequest;
        }
    }

    function claim(uint256 idSeed) external tracked("claim") {
        uint256 first = 1;
        uint256 end = queue.nextToFinalize();
        if (end <= first) return;
        // The first finalized, unclaimed request at or after a random start.
        uint256 start = first + idSeed % (end - first);
        for (uint256 k; k < end - first; ++k) {
            uint256 id = first + (start - first + k) % (end - first);
            if (queue.getRequest(id).claimed) continue;
            address owner = queue.ownerOf(id);
            vm.prank(owner);
            queue.claim(id);
            ++claimedCount;
            return;
        }
    }

    function sync() external tracked("sync") {
        vm.prank(keeper);
        vault.sync();
    }

    /// @dev At most 20 bps per call, so 64 calls keep every price inside its registry bounds.
    function accrueYield(uint256 assetSeed, uint256 bps) external tracked("accrueYield") {
        bps = bound(bps, 0, 20);
        uint256 which = assetSeed % 3;
        if (which == 0) {
            t.stETH.accrue(bps);
        } else if (which == 1) {
            t.rETH.accrue(bps);
        } else {
            uint256 rate = t.osController.rate();
            t.osController.setRate(rate + rate * bps / 10_000);
        }
    }

    function warp(uint256 seconds_) external tracked("warp") {
        seconds_ = bound(seconds_, 1, 30 days);
        vm.warp(block.timestamp + seconds_);
        vm.roll(block.number + seconds_ / 12 + 1);
    }

    // ---------------------------------------------------------------- views

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    // ---------------------------------------------------------------- internal

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
