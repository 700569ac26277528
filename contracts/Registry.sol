// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Nautilus name registry (DESIGN §4, issue 10).
/// @notice Binds a DNS host name to the digest of its DNSKEY. The first
/// account to register a name owns it for good; only the owner rotates the
/// digest or revokes the binding. Every change is an event, so the whole
/// history of a name can be read back with eth_getLogs.
///
/// Name hash: keccak-256 of the name in canonical DNS wire form (RFC 4034
/// §6.2): length-prefixed labels, ASCII letters A-Z folded to a-z, no
/// compression, ending with the root label (one zero octet). For example
/// "Printer.local" is hashed as 07 'printer' 05 'local' 00. The contract
/// never sees the name itself, only this hash (contracts/README.md).
///
/// Digest: the key's identity as Nautilus prints it (`keygen`): SHA-256 of
/// the canonical owner name followed by the DNSKEY RDATA (a DS digest of
/// type 2, RFC 4509), as 32 bytes. Since it covers the name, one digest
/// serves one name: a digest bound to a name is never bound to another.
/// The part of Checkpoints the Registry reads when it is pointed at one.
interface ICheckpointsRegistry {
    function registry() external view returns (address);
}

contract Registry {
    struct Binding {
        bytes32 digest;
        address owner;
        uint64 updatedBlock;
        bool revoked;
    }

    /// The account that may switch allow-list mode and edit the list: the
    /// deployer, fixed for the contract's life.
    address public immutable admin;
    /// The block the registry was deployed in: where its history starts, so
    /// an auditor's eth_getLogs need not scan from genesis.
    uint64 public immutable deployedBlock;
    /// The Checkpoints and Credentials of this deployment, set once by the
    /// admin (setContracts), so that a client that knows only the registry's
    /// address finds the other two. Zero until set.
    address public checkpoints;
    address public credentials;
    /// When true, only accounts on the allow list may register new names.
    /// Owners keep rotating and revoking what they already own.
    bool public allowListEnabled;
    mapping(address => bool) public allowed;

    mapping(bytes32 => Binding) private bindings;
    /// The name a digest was first bound to (0 if none). Kept after rotation
    /// and revocation: a digest serves one name only, ever.
    mapping(bytes32 => bytes32) public nameOfDigest;
    /// Digests revoked for a name; they can never be bound to it again.
    mapping(bytes32 => mapping(bytes32 => bool)) public digestRevoked;

    event Registered(bytes32 indexed nameHash, address indexed owner, bytes32 digest);
    event Rotated(bytes32 indexed nameHash, address indexed owner, bytes32 oldDigest, bytes32 newDigest);
    event Revoked(bytes32 indexed nameHash, address indexed owner, bytes32 digest);
    event AllowListModeChanged(address indexed admin, bool enabled);
    event AllowListChanged(address indexed account, bool allowed);
    event ContractsSet(address indexed admin, address checkpoints, address credentials);

    error NotAdmin(address caller);
    error NotAllowed(address caller);
    error NotOwner(bytes32 nameHash, address caller);
    error NameTaken(bytes32 nameHash, address owner);
    error NotRegistered(bytes32 nameHash);
    error AlreadyRevoked(bytes32 nameHash);
    error ZeroName();
    error ZeroDigest();
    error SameDigest(bytes32 digest);
    error DigestInUse(bytes32 digest, bytes32 nameHash);
    error DigestRevoked(bytes32 nameHash, bytes32 digest);
    error ContractsAlreadySet(address checkpoints, address credentials);
    error ZeroAddress();
    error WrongRegistry(address checkpoints, address registry);

    constructor() {
        admin = msg.sender;
        deployedBlock = uint64(block.number);
    }

    modifier onlyAdmin() {
        if (msg.sender != admin) revert NotAdmin(msg.sender);
        _;
    }

    /// Registers a name that nobody owns yet, bound to `digest`; the caller
    /// becomes its owner. In allow-list mode the caller must be allowed.
    function register(bytes32 nameHash, bytes32 digest) external {
        if (allowListEnabled && !allowed[msg.sender]) revert NotAllowed(msg.sender);
        if (nameHash == bytes32(0)) revert ZeroName();
        Binding storage b = bindings[nameHash];
        if (b.owner != address(0)) revert NameTaken(nameHash, b.owner);
        _claimDigest(nameHash, digest);
        b.digest = digest;
        b.owner = msg.sender;
        b.updatedBlock = uint64(block.number);
        emit Registered(nameHash, msg.sender, digest);
    }

    /// Replaces the name's digest (a new key). Also ends a revocation: the
    /// owner of a revoked name returns with a new key, never with a revoked one.
    function rotate(bytes32 nameHash, bytes32 newDigest) external {
        Binding storage b = _owned(nameHash);
        bytes32 old = b.digest;
        if (newDigest == old) revert SameDigest(newDigest);
        _claimDigest(nameHash, newDigest);
        b.digest = newDigest;
        b.revoked = false;
        b.updatedBlock = uint64(block.number);
        emit Rotated(nameHash, msg.sender, old, newDigest);
    }

    /// Withdraws the name's current binding. The name stays with its owner,
    /// and the revoked digest can never be bound to it again.
    function revoke(bytes32 nameHash) external {
        Binding storage b = _owned(nameHash);
        if (b.revoked) revert AlreadyRevoked(nameHash);
        b.revoked = true;
        b.updatedBlock = uint64(block.number);
        digestRevoked[nameHash][b.digest] = true;
        emit Revoked(nameHash, msg.sender, b.digest);
    }

    function setAllowListEnabled(bool enabled) external onlyAdmin {
        allowListEnabled = enabled;
        emit AllowListModeChanged(msg.sender, enabled);
    }

    function setAllowed(address account, bool isAllowed) external onlyAdmin {
        allowed[account] = isAllowed;
        emit AllowListChanged(account, isAllowed);
    }

    /// Points this registry at its Checkpoints and Credentials, once. The
    /// Checkpoints must read this registry, so the pointer cannot name a
    /// Checkpoints that enforces another registry's owners.
    function setContracts(address checkpoints_, address credentials_) external onlyAdmin {
        if (checkpoints != address(0)) revert ContractsAlreadySet(checkpoints, credentials);
        if (checkpoints_ == address(0) || credentials_ == address(0)) revert ZeroAddress();
        address reads = ICheckpointsRegistry(checkpoints_).registry();
        if (reads != address(this)) revert WrongRegistry(checkpoints_, reads);
        checkpoints = checkpoints_;
        credentials = credentials_;
        emit ContractsSet(msg.sender, checkpoints_, credentials_);
    }

    /// The current binding of a name; owner is the zero address when the
    /// name was never registered. updatedBlock is the block of the last change.
    function keyOf(bytes32 nameHash)
        external
        view
        returns (bytes32 digest, address owner, bool revoked, uint64 updatedBlock)
    {
        Binding storage b = bindings[nameHash];
        return (b.digest, b.owner, b.revoked, b.updatedBlock);
    }

    function _owned(bytes32 nameHash) private view returns (Binding storage b) {
        b = bindings[nameHash];
        if (b.owner == address(0)) revert NotRegistered(nameHash);
        if (b.owner != msg.sender) revert NotOwner(nameHash, msg.sender);
    }

    function _claimDigest(bytes32 nameHash, bytes32 digest) private {
        if (digest == bytes32(0)) revert ZeroDigest();
        bytes32 holder = nameOfDigest[digest];
        // A digest comes back to its own name only if it was never revoked there
        // (rotate A -> B -> A); elsewhere it is taken for good.
        if (holder != bytes32(0) && holder != nameHash) revert DigestInUse(digest, holder);
        if (digestRevoked[nameHash][digest]) revert DigestRevoked(nameHash, digest);
        nameOfDigest[digest] = nameHash;
    }
}
