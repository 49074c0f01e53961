import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DebugLog } from '../../src/engine/debug-log.js';
import { Redactor } from '../../src/tools/redact.js';

const KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';

let dir: string;
let redactor: Redactor;
let tick: number;
const clock = (): Date => new Date(Date.UTC(2026, 0, 2, 3, 4, 5, tick++));
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zpi-log-'));
  redactor = new Redactor();
  redactor.add('admin-password-1', 'admin password');
  redactor.add(KEY, 'tls key');
  tick = 0;
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('DebugLog', () => {
  it('creates logs/install-<timestamp>.log, 0600 in a 0700 directory', () => {
    const log = DebugLog.open(dir, redactor, { clock });
    log.close();
    expect(basename(log.path)).toBe('install-20260102T030405Z.log');
    expect(statSync(log.path).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(log.path)).mode & 0o777).toBe(0o700);
  });

  it('tightens an existing logs directory to 0700', () => {
    mkdirSync(join(dir, 'logs'), { mode: 0o755 });
    DebugLog.open(dir, redactor, { clock }).close();
    expect(statSync(join(dir, 'logs')).mode & 0o777).toBe(0o700);
  });

  it('writes timestamped, tagged lines and scrubs every one, including a multi-line secret', () => {
    const log = DebugLog.open(dir, redactor, { clock });
    log.write('helm upgrade --install zenml-pro', 'runner');
    log.write(`stderr: login failed for admin-password-1\nnext line\n`, 'helm');
    log.write(`key follows:\n${KEY}\ndone`);
    log.close();
    const lines = readFileSync(log.path, 'utf8').split('\n');
    expect(lines).toEqual([
      '2026-01-02T03:04:05.001Z [runner] helm upgrade --install zenml-pro',
      '2026-01-02T03:04:05.002Z [helm] stderr: login failed for ***',
      '2026-01-02T03:04:05.002Z [helm] next line',
      '2026-01-02T03:04:05.003Z key follows:',
      '2026-01-02T03:04:05.003Z ***',
      '2026-01-02T03:04:05.003Z done',
      '',
    ]);
  });

  it('scrubs each line of a secret that arrives split over several writes', () => {
    const log = DebugLog.open(dir, redactor, { clock });
    for (const line of KEY.split('\n')) log.write(line, 'kubectl');
    log.close();
    expect(readFileSync(log.path, 'utf8')).not.toContain('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC');
  });

  it('appends across writes, never reuses an earlier file, and refuses writes after close', () => {
    const first = DebugLog.open(dir, redactor, { clock: () => new Date(0) });
    first.write('one');
    first.write('two');
    first.close();
    const second = DebugLog.open(dir, redactor, { clock: () => new Date(0) });
    second.close();
    expect(second.path).not.toBe(first.path);
    expect(readFileSync(first.path, 'utf8')).toBe('1970-01-01T00:00:00.000Z one\n1970-01-01T00:00:00.000Z two\n');
    expect(() => first.write('three')).toThrow(/closed/);
  });
});
