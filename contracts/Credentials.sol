// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Nautilus credential commitments (DESIGN §5, issue 10).
/// @notice The issuer (the deployer) publishes the commitments of the
/// credentials it issued, Poseidon(Poseidon(a[0..8)), salt, keyBinding) of
/// the disclosure circuit, and revokes them. A commitment is a BN254 scalar
/// field element written as 32 big-endian bytes; anything >= r, and zero, is
/// refused rather than reduced. A commitment is issued once: revoked stays
/// revoked, and issuing it again reverts.
contract Credentials {
    /// The BN254 scalar field order r (EIP-196).
    uint256 private constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    uint8 private constant ISSUED = 1;
    uint8 private constant REVOKED = 2;

    address public immutable issuer;
    mapping(bytes32 => uint8) private state;

    event CredentialIssued(bytes32 indexed commitment, address indexed issuer);
    event CredentialRevoked(bytes32 indexed commitment, address indexed issuer);

    error NotIssuer(address caller);
    error BadCommitment(bytes32 commitment);
    error AlreadyIssued(bytes32 commitment);
    error NotIssued(bytes32 commitment);
    error AlreadyRevoked(bytes32 commitment);

    constructor() {
        issuer = msg.sender;
    }

    modifier onlyIssuer() {
        if (msg.sender != issuer) revert NotIssuer(msg.sender);
        _;
    }

    function issue(bytes32 commitment) external onlyIssuer {
        if (commitment == bytes32(0) || uint256(commitment) >= R) revert BadCommitment(commitment);
        if (state[commitment] != 0) revert AlreadyIssued(commitment);
        state[commitment] = ISSUED;
        emit CredentialIssued(commitment, msg.sender);
    }

    function revoke(bytes32 commitment) external onlyIssuer {
        uint8 s = state[commitment];
        if (s == 0) revert NotIssued(commitment);
        if (s == REVOKED) revert AlreadyRevoked(commitment);
        state[commitment] = REVOKED;
        emit CredentialRevoked(commitment, msg.sender);
    }

    /// True once issued, revoked or not.
    function isIssued(bytes32 commitment) external view returns (bool) {
        return state[commitment] != 0;
    }

    function isRevoked(bytes32 commitment) external view returns (bool) {
        return state[commitment] == REVOKED;
    }
}
