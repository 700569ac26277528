#!/usr/bin/env node
// Compiles contracts/*.sol with the solc-js pinned in package-lock.json into
// ABI and creation bytecode:
//   node contracts/build.js [OUTDIR]      (default contracts/build)
// writes OUTDIR/<Name>.abi.json, OUTDIR/<Name>.bin (hex, no 0x, newline) and
// OUTDIR/compiler.json (the compiler version and the exact settings).
// Deterministic: the same sources give byte-identical files. A warning is
// an error. contracts/check.sh compares a fresh build with the committed one.
"use strict";
const fs = require("fs");
const path = require("path");

const here = __dirname;
const root = path.join(here, "..");
const outDir = path.resolve(process.argv[2] || path.join(here, "build"));

function die(msg) {
    process.stderr.write("contracts/build.js: " + msg + "\n");
    process.exit(1);
}

// The compiler must be exactly the one the lock file pins.
const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8"));
const pinned = (lock.packages && lock.packages["node_modules/solc"] || {}).version;
if (!pinned) die("package-lock.json pins no solc");
let solc;
try {
    solc = require(path.join(root, "node_modules", "solc"));
} catch (e) {
    die("solc-js is not installed (run bash scripts/deps.sh): " + e.message);
}
const version = solc.version();
if (!version.startsWith(pinned + "+")) die(`solc-js is ${version}, package-lock.json pins ${pinned}`);

// Pinned settings. evmVersion paris: no PUSH0 or later opcodes, so the same
// bytecode runs on anvil and on Besu networks still on a pre-Shanghai
// milestone (the `besu` chain profile).
const settings = {
    optimizer: { enabled: true, runs: 200 },
    evmVersion: "paris",
    metadata: { bytecodeHash: "ipfs", appendCBOR: true },
    outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
};

const files = fs.readdirSync(here).filter((f) => f.endsWith(".sol")).sort();
if (files.length === 0) die("no contracts/*.sol");
const sources = {};
for (const f of files) sources[f] = { content: fs.readFileSync(path.join(here, f), "utf8") };

const out = JSON.parse(solc.compile(JSON.stringify({ language: "Solidity", sources, settings })));
const problems = out.errors || [];
if (problems.length) {
    process.stderr.write(problems.map((e) => e.formattedMessage).join("\n") + "\n");
    die(`${problems.length} error(s) or warning(s); warnings count as errors`);
}

const artifacts = new Map();
for (const f of files) {
    for (const [name, c] of Object.entries(out.contracts[f] || {})) {
        if (artifacts.has(name)) die(`contract ${name} is defined twice`);
        const bin = c.evm.bytecode.object;
        // Interfaces have no bytecode and are not deployed.
        if (bin.length === 0) continue;
        artifacts.set(name, { abi: c.abi, bin });
    }
}

fs.mkdirSync(outDir, { recursive: true });
const wanted = new Set(["compiler.json"]);
for (const [name, a] of [...artifacts].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    fs.writeFileSync(path.join(outDir, name + ".abi.json"), JSON.stringify(a.abi, null, 2) + "\n");
    fs.writeFileSync(path.join(outDir, name + ".bin"), a.bin + "\n");
    wanted.add(name + ".abi.json").add(name + ".bin");
}
const compiler = { solc: version, sources: files, settings };
fs.writeFileSync(path.join(outDir, "compiler.json"), JSON.stringify(compiler, null, 2) + "\n");
// Artifacts of contracts that no longer exist are removed, so a rename
// cannot leave a stale file behind.
for (const f of fs.readdirSync(outDir)) {
    if ((f.endsWith(".abi.json") || f.endsWith(".bin")) && !wanted.has(f)) fs.unlinkSync(path.join(outDir, f));
}
process.stdout.write(`contracts: solc ${version}: ${[...artifacts.keys()].sort().join(", ")} -> ${outDir}\n`);
