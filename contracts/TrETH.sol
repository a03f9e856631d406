// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.30;

import {ERC20Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/ERC20Upgradeable.sol";
import {ERC20PermitUpgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20PermitUpgradeable.sol";
import {AccessManagedUpgradeable} from "@openzeppelin/contracts-upgradeable/access/manager/AccessManagedUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ITrETH} from "./interfaces/ITrETH.sol";

/// @title TrETH
/// @notice The Trellis liquid restaking token.
contract TrETH is ITrETH, ERC20PermitUpgradeable, AccessManagedUpgradeable, UUPSUpgradeable {
    /// @custom:storage-location erc7201:trellis.TrETH
    struct TrETHStorage {
        address vault;
        address withdrawalQueue;
    }

    // keccak256(abi.encode(uint256(keccak256("trellis.TrETH")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 public constant STORAGE_LOCATION = 0x8952cd864f3c13a546686834b6d9076626084d731466a6d9854f50d1c3f53600;

    constructor() {
        _disableInitializers();
    }

    function initialize(address authority_, address vault_) external initializer {
        __ERC20_init("Trellis Restaked ETH", "trETH");
        __ERC20Permit_init("Trellis Restaked ETH");
        __AccessManaged_init(authority_);
        _s().vault = vault_;
    }

    /// @inheritdoc ITrETH
    function mint(address to, uint256 amount) external {
        if (msg.sender != _s().vault) revert UnauthorizedMinter(msg.sender);
        _mint(to, amount);
    }

    /// @inheritdoc ITrETH
    function burn(address from, uint256 amount) external {
        TrETHStorage storage $ = _s();
        // Burners may only burn what they hold themselves (the queue burns escrowed trETH).
        if ((msg.sender != $.vault && msg.sender != $.withdrawalQueue) || from != msg.sender) {
            revert UnauthorizedBurner(msg.sender);
        }
        _burn(from, amount);
    }

    /// @notice Sets the withdrawal queue allowed to burn (ADMIN).
    /// @inheritdoc ITrETH
    function escrowFrom(address owner, address spender, uint256 amount) external {
        address queue = _s().withdrawalQueue;
        if (msg.sender != queue) revert UnauthorizedBurner(msg.sender);
        if (spender != owner) _spendAllowance(owner, spender, amount);
        _transfer(owner, queue, amount);
    }

    function setWithdrawalQueue(address queue) external restricted {
        _s().withdrawalQueue = queue;
        emit WithdrawalQueueSet(queue);
    }

    /// @inheritdoc ITrETH
    function vault() external view returns (address) {
        return _s().vault;
    }

    /// @inheritdoc ITrETH
    function withdrawalQueue() external view returns (address) {
        return _s().withdrawalQueue;
    }

    function _authorizeUpgrade(address) internal override restricted {}

    function _s() private pure returns (TrETHStorage storage $) {
        assembly {
            $.slot := STORAGE_LOCATION
        }
    }
}
