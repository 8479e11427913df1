#!/usr/bin/env node
// Entry point of the `haven` command. Haven is TypeScript run by Node's built-in type stripping (Node >= 22.18).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `haven: needs Node.js 22.18 or newer (this is ${process.versions.node}). Run it through npm (npm start, npx haven), which uses the Node 24 installed with it.\n`,
  );
  process.exit(1);
}
await import('../src/cli/main.ts');
