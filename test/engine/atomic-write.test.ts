import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/engine/atomic-write.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zpi-atomic-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const tempFiles = (): string[] => readdirSync(dir).filter((name) => name.endsWith('.tmp'));

describe('writeFileAtomic', () => {
  it('writes the content with mode 0600 by default and the requested mode exactly otherwise', async () => {
    const target = join(dir, 'state.json');
    await writeFileAtomic(target, '{"a":1}');
    expect(readFileSync(target, 'utf8')).toBe('{"a":1}');
    expect(statSync(target).mode & 0o777).toBe(0o600);

    const oldUmask = process.umask(0o077);
    try {
      await writeFileAtomic(join(dir, 'public.txt'), Buffer.from('x'), { mode: 0o644 });
    } finally {
      process.umask(oldUmask);
    }
    expect(statSync(join(dir, 'public.txt')).mode & 0o777).toBe(0o644);
    expect(tempFiles()).toEqual([]);
  });

  it('replaces an existing file, tightening its mode', async () => {
    const target = join(dir, 'state.json');
    writeFileSync(target, 'old content that is longer than the new one', { mode: 0o644 });
    await writeFileAtomic(target, 'new');
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(statSync(target).mode & 0o777).toBe(0o600);
  });

  it('a temp file left by a crash before the rename leaves the target intact and does not block later writes', async () => {
    const target = join(dir, 'journal.json');
    writeFileSync(target, 'complete old state');
    writeFileSync(join(dir, `.journal.json.99999.abcdef.tmp`), 'half-writ');
    expect(readFileSync(target, 'utf8')).toBe('complete old state');
    await writeFileAtomic(target, 'complete new state');
    expect(readFileSync(target, 'utf8')).toBe('complete new state');
  });

  it('cleans up its temp file and keeps the old target when the rename fails', async () => {
    const target = join(dir, 'occupied');
    // A non-empty directory cannot be replaced by rename.
    mkdirSync(join(target, 'child'), { recursive: true });
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow();
    expect(statSync(target).isDirectory()).toBe(true);
    expect(tempFiles()).toEqual([]);
  });

  it('concurrent writers never interleave: the result is exactly one writer’s full content', async () => {
    const target = join(dir, 'contended.txt');
    // 2 MB each: big enough that a plain write would go out in several chunks.
    const contents = Array.from({ length: 8 }, (_, i) => `${i}:`.repeat(1024 * 1024) + 'END');
    await Promise.all(contents.map((c) => writeFileAtomic(target, c)));
    const final = readFileSync(target, 'utf8');
    expect(contents).toContain(final);
    expect(tempFiles()).toEqual([]);
  });

  it('a writer killed at an arbitrary moment never leaves a truncated target', async () => {
    // Bundle the real module for a plain node child, which writes 4 MB versions in a loop until killed.
    const bundle = join(dir, 'atomic-write.mjs');
    buildSync({ entryPoints: [join(import.meta.dirname, '../../src/engine/atomic-write.ts')], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'silent' });
    const target = join(dir, 'big.txt');
    const size = 4 * 1024 * 1024;
    const child = `
      import { writeFileAtomic } from ${JSON.stringify(bundle)};
      for (let i = 0; ; i++) {
        const body = String(i % 10).repeat(${size});
        await writeFileAtomic(${JSON.stringify(target)}, body + 'END');
        if (i === 0) process.stdout.write('first\\n');
      }`;
    for (const killAfterMs of [0, 3, 7, 12, 20, 31, 45, 70]) {
      rmSync(target, { force: true });
      const proc = spawn(process.execPath, ['--input-type=module', '-e', child], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('child never completed a first write')), 20_000);
        proc.stdout.once('data', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      await new Promise((r) => setTimeout(r, killAfterMs));
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await exited;
      const final = readFileSync(target, 'utf8');
      expect(final.length).toBe(size + 3);
      expect(final.endsWith('END')).toBe(true);
      expect(new Set(final.slice(0, size)).size).toBe(1);
    }
  });
});
