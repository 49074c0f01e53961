// One run at a time per install directory. The lock is `<dir>/.lock`, holding
// who took it. It is created complete (written to a temp file, then hard-linked
// into place, which fails if `.lock` exists, like O_EXCL), so a reader never sees
// a half-written lock. A lock whose process is gone (crash, SIGKILL, reboot) is
// stale and is taken over, and the caller is told so. Synchronous on purpose:
// release must also work from a process 'exit' handler.
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';

export const LOCK_FILE = '.lock';
const TAKEOVER_FILE = '.lock.takeover';
/** A takeover marker older than this belongs to a process that died mid-takeover. */
const TAKEOVER_STALE_MS = 10_000;
const MAX_ATTEMPTS = 50;
const RETRY_SLEEP_MS = 20;

export interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  readonly command: string;
}

export interface StaleTakeover {
  /** The dead holder, when its lock file was readable. */
  readonly previous?: LockInfo;
  /** Why it counted as stale, in words for the user. */
  readonly reason: string;
}

export interface HeldLock {
  readonly path: string;
  readonly info: LockInfo;
  /** Set when a stale lock was taken over; report it. */
  readonly takenOver?: StaleTakeover;
  /** Removes the lock if it is still ours. Idempotent; also runs on process exit. */
  release(): void;
}

/** Another live run holds the lock (or one on another host that cannot be checked). */
export class LockHeldError extends Error {
  override readonly name = 'LockHeldError';
  constructor(
    readonly path: string,
    readonly holder: LockInfo,
    message: string,
  ) {
    super(message);
  }
}

/** Lock files this process created, by path, with their exact content (to tell ours from a same-pid leftover). */
const heldHere = new Map<string, string>();

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/** Places `content` at `path` only if nothing is there; false if something is. */
function createExclusive(path: string, content: string): boolean {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, content, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temp);
  }
}

function readRaw(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

function parseInfo(raw: string): LockInfo | undefined {
  try {
    const data = JSON.parse(raw) as Partial<LockInfo> | null;
    if (
      typeof data?.pid === 'number' &&
      typeof data.host === 'string' &&
      typeof data.startedAt === 'string' &&
      typeof data.command === 'string'
    ) {
      return { pid: data.pid, host: data.host, startedAt: data.startedAt, command: data.command };
    }
  } catch {
    // A damaged lock file is treated as stale below.
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return errorCode(error) === 'EPERM';
  }
}

function since(startedAt: string): string {
  const minutes = Math.round((Date.now() - Date.parse(startedAt)) / 60_000);
  if (!Number.isFinite(minutes)) return startedAt;
  return `${startedAt}, ${minutes < 1 ? 'less than a minute' : `${minutes} min`} ago`;
}

/** Why the lock is stale; throws LockHeldError when its holder is alive or cannot be checked. */
function staleReason(dir: string, path: string, raw: string, holder: LockInfo | undefined): string {
  if (holder === undefined) return 'the lock file was damaged';
  const me = hostname();
  if (holder.host !== me) {
    throw new LockHeldError(
      path,
      holder,
      `${path} is held by pid ${holder.pid} on host ${holder.host}, running "${holder.command}" since ${since(holder.startedAt)}. ` +
        `This host (${me}) cannot check whether that run is still going. If no run is active there, delete ${path} and try again.`,
    );
  }
  if (holder.pid === process.pid) {
    if (heldHere.get(path) === raw) {
      throw new LockHeldError(path, holder, `This process already holds ${path}; release it before taking it again.`);
    }
    return `it was left by an earlier process with the same pid (${holder.pid})`;
  }
  if (isAlive(holder.pid)) {
    throw new LockHeldError(
      path,
      holder,
      `Another zenml-pro-installer run is using ${dir}: pid ${holder.pid} on this host, running "${holder.command}" since ${since(holder.startedAt)}. ` +
        `Wait for it to finish, or stop it (kill ${holder.pid}) and run again. If you are sure no run is active, delete ${path}.`,
    );
  }
  return `process ${holder.pid} that took it at ${holder.startedAt} for "${holder.command}" is no longer running`;
}

/** Swaps a stale lock for ours, under a takeover marker so that two runs cannot both take it over. */
function takeOver(path: string, staleRaw: string, ours: string): boolean {
  const marker = join(dirname(path), TAKEOVER_FILE);
  if (!createExclusive(marker, String(process.pid))) {
    try {
      if (Date.now() - statSync(marker).mtimeMs > TAKEOVER_STALE_MS) unlinkSync(marker);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
    return false;
  }
  try {
    if (readRaw(path) !== staleRaw) return false;
    unlinkSync(path);
    return createExclusive(path, ours);
  } finally {
    unlinkSync(marker);
  }
}

function holding(path: string, info: LockInfo, content: string, takenOver?: StaleTakeover): HeldLock {
  heldHere.set(path, content);
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    heldHere.delete(path);
    // Never delete a lock someone else took over meanwhile.
    if (readRaw(path) === content) unlinkSync(path);
  };
  process.on('exit', release);
  return takenOver === undefined ? { path, info, release } : { path, info, takenOver, release };
}

/**
 * Takes the lock of an install directory (creating the directory, 0700, if needed).
 * Throws LockHeldError when a live run holds it; takes over a stale one and says so in `takenOver`.
 * The lock is released on process exit; a SIGINT handler must call process.exit (or release) for that to happen.
 */
export function acquireLock(dir: string, options: { readonly command: string }): HeldLock {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), command: options.command };
  // The random field makes our content unique, so release can tell our lock from a successor's.
  const content = `${JSON.stringify({ ...info, nonce: randomBytes(8).toString('hex') }, null, 2)}\n`;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (createExclusive(path, content)) return holding(path, info, content);
    const raw = readRaw(path);
    if (raw === undefined) continue; // released between our two calls
    const holder = parseInfo(raw);
    const reason = staleReason(dir, path, raw, holder);
    if (takeOver(path, raw, content)) {
      return holding(path, info, content, holder === undefined ? { reason } : { previous: holder, reason });
    }
    sleepSync(RETRY_SLEEP_MS);
  }
  throw new Error(`Could not take ${path}: it kept changing hands. Check for other installer runs and try again.`);
}
