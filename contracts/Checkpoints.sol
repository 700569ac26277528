// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// The part of the Registry that Checkpoints reads.
interface IRegistryKeys {
    function keyOf(bytes32 nameHash)
        external
        view
        returns (bytes32 digest, address owner, bool revoked, uint64 updatedBlock);
}

/// @title Nautilus log checkpoints (DESIGN §4, issue 10).
/// @notice Anchors the head (tree size, RFC 9162 root) of each publisher's
/// Merkle log. A log id is the publisher's key digest. The latest head of
/// each log is kept in storage and every checkpoint is an event, so auditors
/// can fetch the whole sequence with eth_getLogs and check each pair for
/// consistency off chain; the contract itself checks only that the size
/// strictly grows.
///
/// Who may checkpoint a log: the Registry owner of the name whose current,
/// unrevoked digest is the log id. The caller names both the log id and
/// the name; the call reverts when the name is now bound to another key, so
/// a checkpoint queued before a rotation cannot land in the new key's log.
/// A revoked key's log can no longer be extended.
contract Checkpoints {
    struct Head {
        bytes32 root;
        uint64 size;
        uint64 updatedBlock;
    }

    IRegistryKeys public immutable registry;
    mapping(bytes32 => Head) private heads;

    /// One per checkpoint; nameHash says through which registration it came.
    event Checkpointed(bytes32 indexed logId, bytes32 indexed nameHash, uint64 size, bytes32 root);

    error NotLogOwner(bytes32 logId, bytes32 nameHash, address caller);
    error KeyRevoked(bytes32 logId, bytes32 nameHash);
    error NotExtending(bytes32 logId, uint64 currentSize, uint64 size);
    error AlreadyCheckpointed(bytes32 logId, uint64 size, bytes32 root);
    error ZeroRoot();

    constructor(IRegistryKeys registry_) {
        registry = registry_;
    }

    /// Records (size, root) as the new head of log `logId`. Reverts unless
    /// size > the current size. Sending the current head again reverts with
    /// AlreadyCheckpointed, so a client retrying a checkpoint can tell "done
    /// already" from a conflicting head (NotExtending).
    function checkpoint(bytes32 logId, bytes32 nameHash, uint64 size, bytes32 root) external {
        (bytes32 digest, address owner, bool revoked,) = registry.keyOf(nameHash);
        if (owner != msg.sender || digest != logId) revert NotLogOwner(logId, nameHash, msg.sender);
        if (revoked) revert KeyRevoked(logId, nameHash);
        if (root == bytes32(0)) revert ZeroRoot();
        Head storage h = heads[logId];
        uint64 cur = h.size;
        if (size <= cur) {
            if (size == cur && root == h.root) revert AlreadyCheckpointed(logId, size, root);
            revert NotExtending(logId, cur, size);
        }
        h.root = root;
        h.size = size;
        h.updatedBlock = uint64(block.number);
        emit Checkpointed(logId, nameHash, size, root);
    }

    /// The latest head of a log; size 0 when it was never checkpointed.
    function headOf(bytes32 logId) external view returns (uint64 size, bytes32 root, uint64 updatedBlock) {
        Head storage h = heads[logId];
        return (h.size, h.root, h.updatedBlock);
    }
}
