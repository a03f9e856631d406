// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IStETH} from "../../interfaces/lst/IStETH.sol";

/// @title DevnetStETH
/// @notice A stand-in for Lido's stETH with the same share accounting: balances are
/// `shares * totalPooledEther / totalShares` rounded down, and `transfer(amount)` moves
/// `getSharesByPooledEth(amount)` shares rounded down, so the recipient may get 1-2 wei less than `amount`.
/// @dev Devnet only. Instead of Lido's oracle, the owner moves `totalPooledEther`: `accrue(bps)` for staking
/// yield, `setTotalPooledEther` for anything, including a fall (slashing). `submit` takes real ETH;
/// the owner's `mint` creates stETH out of thin air for tests. No withdrawal queue.
contract DevnetStETH is IStETH, IERC20Errors, Ownable {
    /// @dev A transfer to the token itself, as Lido forbids (`TRANSFER_TO_STETH_CONTRACT`).
    error TransferToStETHContract();
    /// @dev A single `accrue` may raise pooled ether by at most `MAX_ACCRUE_BPS`.
    error AccrueTooLarge(uint256 bps, uint256 maxBps);
    /// @dev Pooled ether cannot be zero while shares exist: every balance would become zero.
    error ZeroPooledEther();
    /// @dev `submit` or `mint` of an amount too small to buy a single share.
    error ZeroShares();

    /// @notice Lido's own event for share movements, emitted beside `Transfer`.
    event TransferShares(address indexed from, address indexed to, uint256 sharesValue);
    /// @notice Lido's event for a `submit`.
    event Submitted(address indexed sender, uint256 amount, address referral);
    /// @notice The devnet oracle changed the pooled ether, moving every balance at once.
    event TotalPooledEtherSet(uint256 oldTotalPooledEther, uint256 newTotalPooledEther);

    uint256 public constant MAX_ACCRUE_BPS = 10_000;
    uint256 internal constant BPS = 10_000;

    string public constant name = "Liquid staked Ether 2.0";
    string public constant symbol = "stETH";
    uint8 public constant decimals = 18;

    uint256 internal _totalPooledEther;
    uint256 internal _totalShares;
    mapping(address account => uint256) internal _shares;
    mapping(address owner => mapping(address spender => uint256)) public allowance;

    constructor(address initialOwner) Ownable(initialOwner) {}

    /// @notice Stakes `msg.value` ETH and mints the matching shares to the sender, as Lido's `submit`.
    function submit(address referral) external payable returns (uint256 sharesMinted) {
        sharesMinted = _mintPooledEther(msg.sender, msg.value);
        emit Submitted(msg.sender, msg.value, referral);
    }

    /// @notice Devnet: mints stETH worth `ethAmount` to `to` without ETH behind it.
    function mint(address to, uint256 ethAmount) external onlyOwner returns (uint256 sharesMinted) {
        return _mintPooledEther(to, ethAmount);
    }

    /// @notice Devnet oracle: raises pooled ether by `bps` basis points, so every balance grows by as much.
    function accrue(uint256 bps) external onlyOwner {
        if (bps > MAX_ACCRUE_BPS) revert AccrueTooLarge(bps, MAX_ACCRUE_BPS);
        _setTotalPooledEther(_totalPooledEther + Math.mulDiv(_totalPooledEther, bps, BPS));
    }

    /// @notice Devnet oracle: sets pooled ether to any value, up or down (a fall models slashing).
    function setTotalPooledEther(uint256 newTotalPooledEther) external onlyOwner {
        _setTotalPooledEther(newTotalPooledEther);
    }

    function totalSupply() external view returns (uint256) {
        return _totalPooledEther;
    }

    function balanceOf(address account) external view returns (uint256) {
        return getPooledEthByShares(_shares[account]);
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _transfer(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        _spendAllowance(from, msg.sender, amount);
        _transfer(from, to, amount);
        return true;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        if (spender == address(0)) revert ERC20InvalidSpender(address(0));
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    /// @inheritdoc IStETH
    function transferShares(address recipient, uint256 sharesAmount) external returns (uint256 tokensAmount) {
        _transferShares(msg.sender, recipient, sharesAmount);
        tokensAmount = getPooledEthByShares(sharesAmount);
        _emitTransferEvents(msg.sender, recipient, tokensAmount, sharesAmount);
    }

    /// @notice Lido's `transferSharesFrom`: spends the allowance in stETH rounded up, as Lido does.
    function transferSharesFrom(address from, address to, uint256 sharesAmount) external returns (uint256 tokensAmount) {
        tokensAmount = _getPooledEthBySharesUp(sharesAmount);
        _spendAllowance(from, msg.sender, tokensAmount);
        _transferShares(from, to, sharesAmount);
        _emitTransferEvents(from, to, tokensAmount, sharesAmount);
    }

    /// @inheritdoc IStETH
    function sharesOf(address account) external view returns (uint256) {
        return _shares[account];
    }

    /// @inheritdoc IStETH
    function getTotalShares() external view returns (uint256) {
        return _totalShares;
    }

    /// @inheritdoc IStETH
    function getTotalPooledEther() external view returns (uint256) {
        return _totalPooledEther;
    }

    /// @inheritdoc IStETH
    function getPooledEthByShares(uint256 sharesAmount) public view returns (uint256) {
        if (_totalShares == 0) return 0;
        return Math.mulDiv(sharesAmount, _totalPooledEther, _totalShares);
    }

    /// @inheritdoc IStETH
    function getSharesByPooledEth(uint256 ethAmount) public view returns (uint256) {
        // The first stake sets the rate at one share per wei, as Lido's bootstrap deposit does.
        if (_totalShares == 0) return ethAmount;
        return Math.mulDiv(ethAmount, _totalShares, _totalPooledEther);
    }

    function _getPooledEthBySharesUp(uint256 sharesAmount) internal view returns (uint256) {
        if (_totalShares == 0) return 0;
        return Math.mulDiv(sharesAmount, _totalPooledEther, _totalShares, Math.Rounding.Ceil);
    }

    function _mintPooledEther(address to, uint256 ethAmount) internal returns (uint256 sharesMinted) {
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        sharesMinted = getSharesByPooledEth(ethAmount);
        if (sharesMinted == 0) revert ZeroShares();
        _totalShares += sharesMinted;
        _totalPooledEther += ethAmount;
        _shares[to] += sharesMinted;
        _emitTransferEvents(address(0), to, getPooledEthByShares(sharesMinted), sharesMinted);
    }

    function _transfer(address from, address to, uint256 amount) internal {
        uint256 sharesToTransfer = getSharesByPooledEth(amount);
        _transferShares(from, to, sharesToTransfer);
        _emitTransferEvents(from, to, amount, sharesToTransfer);
    }

    function _transferShares(address from, address to, uint256 sharesAmount) internal {
        if (from == address(0)) revert ERC20InvalidSender(address(0));
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        if (to == address(this)) revert TransferToStETHContract();
        uint256 fromShares = _shares[from];
        if (sharesAmount > fromShares) {
            revert ERC20InsufficientBalance(from, getPooledEthByShares(fromShares), getPooledEthByShares(sharesAmount));
        }
        // Cannot underflow: checked just above.
        unchecked {
            _shares[from] = fromShares - sharesAmount;
        }
        _shares[to] += sharesAmount;
    }

    function _spendAllowance(address owner, address spender, uint256 amount) internal {
        uint256 allowed = allowance[owner][spender];
        if (allowed == type(uint256).max) return;
        if (amount > allowed) revert ERC20InsufficientAllowance(spender, allowed, amount);
        // Cannot underflow: checked just above.
        unchecked {
            allowance[owner][spender] = allowed - amount;
        }
    }

    function _setTotalPooledEther(uint256 newTotalPooledEther) internal {
        if (newTotalPooledEther == 0 && _totalShares != 0) revert ZeroPooledEther();
        uint256 old = _totalPooledEther;
        _totalPooledEther = newTotalPooledEther;
        emit TotalPooledEtherSet(old, newTotalPooledEther);
    }

    function _emitTransferEvents(address from, address to, uint256 tokens, uint256 shares) internal {
        emit Transfer(from, to, tokens);
        emit TransferShares(from, to, shares);
    }
}
