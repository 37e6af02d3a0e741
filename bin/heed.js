#!/usr/bin/env node
// heed runs its TypeScript sources directly with Node's type stripping (Node >= 22.18).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`heed needs Node.js >= 22.18 (this is ${process.versions.node}).\n`);
  process.exit(2);
}
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
