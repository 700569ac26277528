// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title The baseline Checkpoints is measured against (issue 10, must show 6).
/// @notice Anchors records the naive way: one transaction and one event per
/// record hash. Not part of a deployment; tests and benchmarks compare the
/// gas of one Checkpoints.checkpoint covering N records with N of these.
contract EventPerRecord {
    event RecordLogged(bytes32 recordHash);

    function logRecord(bytes32 recordHash) external {
        emit RecordLogged(recordHash);
    }
}
