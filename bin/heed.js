#!/usr/bin/env node
// heed runs its TypeScript sources directly with Node's type stripping (Node >= 22.18).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`heed needs Node.js >= 22.18 (this is ${process.versions.node}).\n`);
  process.exit(2);
}
// Caches compiled modules between runs: the CLI starts about twice as fast from the second run on.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
