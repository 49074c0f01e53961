import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { buildSync } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_FILE, LockHeldError, acquireLock, type HeldLock } from '../../src/engine/lock.js';

let bundleDir: string;
let bundle: string;
let dir: string;
const children: ChildProcessByStdio<null, Readable, null>[] = [];
const held: HeldLock[] = [];

beforeAll(() => {
  // The children run the real module, bundled for plain node.
  bundleDir = mkdtempSync(join(tmpdir(), 'zpi-lock-bundle-'));
  bundle = join(bundleDir, 'lock.mjs');
  buildSync({ entryPoints: [join(import.meta.dirname, '../../src/engine/lock.ts')], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'silent' });
});
afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zpi-lock-'));
});
afterEach(() => {
  for (const lock of held.splice(0)) lock.release();
  for (const child of children.splice(0)) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts a node child that tries the lock, prints one JSON line about the outcome, and holds it for `holdMs` if it won. */
function lockChild(holdMs: number): ChildProcessByStdio<null, Readable, null> {
  const script = `
    import { acquireLock } from ${JSON.stringify(bundle)};
    try {
      const lock = acquireLock(${JSON.stringify(dir)}, { command: 'install --answers prod.yaml' });
      console.log(JSON.stringify({ won: true, pid: process.pid, takenOver: lock.takenOver ?? null }));
      setTimeout(() => process.exit(0), ${holdMs});
    } catch (e) {
      console.log(JSON.stringify({ won: false, pid: process.pid, holder: e.holder?.pid ?? null, message: e.message }));
    }`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return child;
}

function firstLine(child: ChildProcessByStdio<null, Readable, null>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('child printed nothing within 10s')), 10_000);
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const newline = buffer.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        resolve(JSON.parse(buffer.slice(0, newline)) as Record<string, unknown>);
      }
    });
  });
}

function exited(child: ChildProcessByStdio<null, Readable, null>): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

function take(command = 'install'): HeldLock {
  const lock = acquireLock(dir, { command });
  held.push(lock);
  return lock;
}

describe('acquireLock', () => {
  it('writes who holds the lock, 0600, and removes it on release', () => {
    const lock = take('install --yes');
    const onDisk = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as Record<string, unknown>;
    expect(onDisk).toMatchObject({ pid: process.pid, host: hostname(), command: 'install --yes' });
    expect(statSync(join(dir, LOCK_FILE)).mode & 0o777).toBe(0o600);
    expect(lock.takenOver).toBeUndefined();
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    lock.release(); // idempotent
  });

  it('refuses while a live process on this host holds it, naming the holder and what to do', async () => {
    const child = lockChild(30_000);
    const outcome = await firstLine(child);
    expect(outcome.won).toBe(true);
    let error: unknown;
    try {
      take();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LockHeldError);
    const heldError = error as LockHeldError;
    expect(heldError.holder.pid).toBe(child.pid);
    expect(heldError.message).toContain(`pid ${child.pid} on this host, running "install --answers prod.yaml" since`);
    expect(heldError.message).toContain(`kill ${child.pid}`);
    expect(heldError.message).toContain(`delete ${join(dir, LOCK_FILE)}`);
  });

  it('takes over the lock of a process that was killed (SIGKILL leaves it behind) and says so', async () => {
    const child = lockChild(30_000);
    expect((await firstLine(child)).won).toBe(true);
    child.kill('SIGKILL');
    await exited(child);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    const lock = take();
    expect(lock.takenOver?.previous?.pid).toBe(child.pid);
    expect(lock.takenOver?.reason).toContain(`process ${child.pid}`);
    expect(lock.takenOver?.reason).toContain('is no longer running');
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
  });

  it('is released by the exit handler when the holder exits normally', async () => {
    const child = lockChild(50);
    expect((await firstLine(child)).won).toBe(true);
    await exited(child);
    expect(child.exitCode).toBe(0);
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('takes over a lock written by a pid that no longer exists', () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    expect(dead).toBeGreaterThan(0);
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: dead, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z', command: 'upgrade' }));
    const lock = take();
    expect(lock.takenOver).toEqual({
      previous: { pid: dead, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z', command: 'upgrade' },
      reason: `process ${dead} that took it at 2026-01-01T00:00:00.000Z for "upgrade" is no longer running`,
    });
  });

  it('takes over a damaged lock file', () => {
    writeFileSync(join(dir, LOCK_FILE), '{"pid": 12');
    expect(take().takenOver).toEqual({ reason: 'the lock file was damaged' });
  });

  it('refuses a lock from another host, since it cannot check that process', () => {
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 1, host: 'jump-host-2', startedAt: new Date().toISOString(), command: 'install' }));
    expect(() => take()).toThrow(/held by pid 1 on host jump-host-2.*cannot check.*delete .*\.lock/);
  });

  it('refuses a second acquire in the same process', () => {
    take();
    expect(() => take()).toThrow(/This process already holds/);
  });

  it('does not delete a lock that someone else took over meanwhile', () => {
    const lock = take();
    const successor = JSON.stringify({ pid: 424242, host: hostname(), startedAt: new Date().toISOString(), command: 'other' });
    writeFileSync(join(dir, LOCK_FILE), successor);
    lock.release();
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(successor);
  });

  it('lets exactly one of several racing processes take over a stale lock', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: dead, host: hostname(), startedAt: new Date().toISOString(), command: 'install' }));
    const racers = Array.from({ length: 4 }, () => lockChild(3_000));
    const outcomes = await Promise.all(racers.map(firstLine));
    const winners = outcomes.filter((o) => o.won === true);
    expect(winners).toHaveLength(1);
    const winnerPid = winners[0]?.pid;
    for (const loser of outcomes.filter((o) => o.won !== true)) expect(loser.holder).toBe(winnerPid);
    // Only the lock itself remains: no temp files, no takeover marker.
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
  });
});
