import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Redactor } from '../../src/tools/redact.js';
import { SupportBundleSecretError, writeSupportBundle } from '../../src/engine/support-bundle.js';

const PASSWORD = 'S3cr3t&"pa$$word';
const TOKEN = 'enroll-key-0123456789abcdef';

let dir: string;
let redactor: Redactor;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zpi-bundle-'));
  redactor = new Redactor();
  redactor.add(PASSWORD, 'database password');
  redactor.add(TOKEN, 'enrollment key');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Extracts with the real tar CLI and returns every file as text, keyed by its path inside the bundle. */
function extract(archive: string): Record<string, string> {
  const out = join(dir, 'extracted');
  mkdirSync(out);
  execFileSync('tar', ['-xzf', archive, '-C', out]);
  const [top, ...others] = readdirSync(out);
  expect(others).toEqual([]);
  const files: Record<string, string> = {};
  const walk = (relative: string): void => {
    for (const entry of readdirSync(join(out, top!, relative), { withFileTypes: true })) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else files[path] = readFileSync(join(out, top!, path), 'utf8');
    }
  };
  walk('');
  return files;
}

describe('writeSupportBundle', () => {
  it('writes a 0600 tar.gz that the tar CLI reads, with every entry scrubbed and a manifest with the redaction report', async () => {
    const bundle = await writeSupportBundle(
      dir,
      [
        { path: 'journal.json', content: '{"steps":{}}\n' },
        { path: 'values/control-plane.yaml', content: `database:\n  url: mysql://zenml:${encodeURIComponent(PASSWORD)}@db:3306/zenml\n  password: "${PASSWORD}"\n` },
        { path: 'kubectl/secret.json', content: Buffer.from(JSON.stringify({ data: { key: Buffer.from(TOKEN).toString('base64') } })) },
        { path: 'logs/install.log', content: `line with ${TOKEN}\nline with ${JSON.stringify(PASSWORD)}\n` },
      ],
      redactor,
      { now: new Date(Date.UTC(2026, 2, 4, 5, 6, 7)) },
    );
    expect(basename(bundle.path)).toBe('support-bundle-20260304T050607Z.tar.gz');
    expect(statSync(bundle.path).mode & 0o777).toBe(0o600);
    expect(bundle.entries.map((e) => [e.path, e.replacements])).toEqual([
      ['journal.json', 0],
      ['values/control-plane.yaml', 2],
      ['kubectl/secret.json', 1],
      ['logs/install.log', 2],
    ]);

    const files = extract(bundle.path);
    expect(Object.keys(files).sort()).toEqual(['journal.json', 'kubectl/secret.json', 'logs/install.log', 'manifest.txt', 'values/control-plane.yaml']);
    expect(files['values/control-plane.yaml']).toBe('database:\n  url: mysql://zenml:***@db:3306/zenml\n  password: "***"\n');
    expect(files['kubectl/secret.json']).toBe('{"data":{"key":"***"}}');
    for (const text of Object.values(files)) expect(redactor.containsSecret(text)).toBeUndefined();
    expect(files['manifest.txt']).toContain('values/control-plane.yaml\t');
    expect(files['manifest.txt']).toMatch(/logs\/install\.log\t\d+ bytes\t2 replacements/);
    // Nothing but the bundle is left in the directory (no staging, no temp archive).
    expect(readdirSync(dir).filter((n) => n !== 'extracted')).toEqual([basename(bundle.path)]);
  });

  it('keeps binary entries byte for byte when they hold no secret, and says so in the manifest', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe, 0x00, 0x01]);
    const bundle = await writeSupportBundle(dir, [{ path: 'screen.png', content: png }], redactor);
    expect(bundle.entries[0]).toEqual({ path: 'screen.png', bytes: png.length, replacements: 0, scrubbed: false });
    const out = join(dir, 'x');
    mkdirSync(out);
    execFileSync('tar', ['-xzf', bundle.path, '-C', out]);
    const top = readdirSync(out)[0]!;
    expect(readFileSync(join(out, top, 'screen.png')).equals(png)).toBe(true);
    expect(readFileSync(join(out, top, 'manifest.txt'), 'utf8')).toContain('binary, not scrubbed');
  });

  it('refuses, leaving no file, when binary content holds a raw secret the scrubber could not touch', async () => {
    // Invalid UTF-8 around the secret: the entry cannot be scrubbed as text, so only the final scan can catch it.
    const binary = Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(PASSWORD), Buffer.from([0x80, 0xff])]);
    const attempt = writeSupportBundle(dir, [{ path: 'ok.txt', content: 'fine' }, { path: 'dump/heap.bin', content: binary }], redactor);
    await expect(attempt).rejects.toThrow(SupportBundleSecretError);
    await expect(attempt).rejects.toMatchObject({ entry: 'dump/heap.bin', secretLabel: 'database password' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses gzip-compressed data that holds a secret (the final scan expands nested gzip)', async () => {
    const compressed = gzipSync(Buffer.from(`{"values":{"enrollmentKey":"${TOKEN}"}}`));
    expect(compressed.includes(Buffer.from(TOKEN))).toBe(false); // invisible without decompression
    const attempt = writeSupportBundle(dir, [{ path: 'helm/payload.gz', content: compressed }], redactor);
    await expect(attempt).rejects.toMatchObject({ name: 'SupportBundleSecretError', entry: 'helm/payload.gz', secretLabel: 'enrollment key' });
    await expect(attempt).rejects.not.toThrow(TOKEN);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('scrubs secrets out of entry paths and rejects unsafe or duplicate paths', async () => {
    const bundle = await writeSupportBundle(dir, [{ path: `secrets/${TOKEN}.txt`, content: 'x' }], redactor);
    expect(bundle.entries[0]?.path).toBe('secrets/***.txt');
    await expect(writeSupportBundle(dir, [{ path: '../escape.txt', content: 'x' }], redactor)).rejects.toThrow(/relative/);
    await expect(writeSupportBundle(dir, [{ path: '/etc/passwd', content: 'x' }], redactor)).rejects.toThrow(/relative/);
    await expect(writeSupportBundle(dir, [{ path: 'manifest.txt', content: 'x' }], redactor)).rejects.toThrow(/reserved/);
    await expect(writeSupportBundle(dir, [{ path: 'a.txt', content: 'x' }, { path: 'a.txt', content: 'y' }], redactor)).rejects.toThrow(/twice/);
  });

  it('does not overwrite an earlier bundle made in the same second', async () => {
    const now = new Date(Date.UTC(2026, 0, 1));
    const first = await writeSupportBundle(dir, [{ path: 'a.txt', content: '1' }], redactor, { now });
    const second = await writeSupportBundle(dir, [{ path: 'a.txt', content: '2' }], redactor, { now });
    expect(first.path).not.toBe(second.path);
    expect(basename(second.path)).toBe('support-bundle-20260101T000000Z-2.tar.gz');
  });
});
