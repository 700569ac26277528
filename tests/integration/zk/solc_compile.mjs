// Compiles a snarkjs-exported Solidity verifier with the pinned solc-js and
// prints its creation bytecode (0x...).
//   node solc_compile.mjs VERIFIER.sol
import { readFileSync } from "fs";
import { createRequire } from "module";

const require = createRequire(new URL("../../../node_modules/", import.meta.url));
const solc = require("solc");
const source = readFileSync(process.argv[2], "utf8");
const input = {
    language: "Solidity",
    sources: { "verifier.sol": { content: source } },
    settings: { optimizer: { enabled: true, runs: 200 }, outputSelection: { "*": { "*": ["evm.bytecode.object"] } } },
};
const out = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (out.errors || []).filter((e) => e.severity === "error");
if (errors.length) {
    process.stderr.write(errors.map((e) => e.formattedMessage).join("\n") + "\n");
    process.exit(1);
}
const contracts = out.contracts["verifier.sol"];
const name = Object.keys(contracts)[0];
process.stderr.write(`solc ${solc.version()}: compiled ${name}\n`);
process.stdout.write("0x" + contracts[name].evm.bytecode.object + "\n");
