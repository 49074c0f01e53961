// The support bundle: a .tar.gz the user can send us, scrubbed of every secret
// value the installer knows. Fail-closed: after the archive is written, its
// decompressed content is scanned again (including gzip data nested inside an
// entry), and if any known secret form is still there the archive is deleted
// and the error names the entry. A bundle is either clean or does not exist.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, isAbsolute, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { gunzipSync } from 'node:zlib';
import { create, list } from 'tar';
import type { Redactor } from '../tools/redact.js';

export interface BundleEntry {
  /** Relative path inside the bundle, e.g. `helm/zenml-pro/status.txt`. */
  readonly path: string;
  readonly content: string | Uint8Array;
}

export interface BundleEntryReport {
  readonly path: string;
  readonly bytes: number;
  readonly replacements: number;
  /** false for binary content, which is stored as given and left to the final scan. */
  readonly scrubbed: boolean;
}

export interface SupportBundle {
  readonly path: string;
  readonly entries: readonly BundleEntryReport[];
}

/** The finished archive still contained a known secret; no bundle was kept. */
export class SupportBundleSecretError extends Error {
  override readonly name = 'SupportBundleSecretError';
  constructor(
    readonly entry: string,
    readonly secretLabel: string,
  ) {
    super(
      `Refusing to write the support bundle: entry ${entry} still contains the value of ${secretLabel} ` +
        `(binary or compressed content cannot be scrubbed). Leave that entry out, or add it as text.`,
    );
  }
}

export const MANIFEST_FILE = 'manifest.txt';
/** Bound on nested gzip data expanded during the final scan. */
const MAX_NESTED_GZIP_BYTES = 64 * 1024 * 1024;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// Replacement decoding keeps every valid sequence, so a secret inside binary data still shows.
const lenientUtf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

function timestamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

function checkedEntryPath(path: string): string {
  const clean = normalize(path);
  if (path === '' || isAbsolute(path) || clean.split(sep).includes('..') || clean !== path) {
    throw new Error(`support bundle entry path "${path}" must be relative and normalised, without "..".`);
  }
  if (clean === MANIFEST_FILE) throw new Error(`support bundle entry path "${MANIFEST_FILE}" is reserved.`);
  return clean;
}

function scrubEntry(content: string | Uint8Array, redactor: Redactor): { data: Uint8Array; replacements: number; scrubbed: boolean } {
  let text: string;
  if (typeof content === 'string') {
    text = content;
  } else {
    try {
      text = strictUtf8.decode(content);
    } catch {
      return { data: content, replacements: 0, scrubbed: false };
    }
  }
  const result = redactor.scrubWithCount(text);
  const unchangedBytes = typeof content !== 'string' && result.replacements === 0;
  return { data: unchangedBytes ? content : Buffer.from(result.text, 'utf8'), replacements: result.replacements, scrubbed: true };
}

function manifest(created: Date, reports: readonly BundleEntryReport[], redactor: Redactor): string {
  const lines = [
    'ZenML Pro installer support bundle',
    `created: ${created.toISOString()}`,
    `redaction: ${redactor.formCount} known secret forms (values and their encodings) replaced by ***`,
    '',
    'entries (path, bytes after redaction, redaction report):',
    ...reports.map(
      (r) => `  ${r.path}\t${r.bytes} bytes\t${r.scrubbed ? `${r.replacements} replacements` : 'binary, not scrubbed (passed the final scan)'}`,
    ),
    '',
  ];
  return lines.join('\n');
}

function findSecret(data: Uint8Array, redactor: Redactor): string | undefined {
  const found = redactor.containsSecret(lenientUtf8.decode(data));
  if (found !== undefined || data[0] !== 0x1f || data[1] !== 0x8b) return found;
  try {
    return redactor.containsSecret(lenientUtf8.decode(gunzipSync(data, { maxOutputLength: MAX_NESTED_GZIP_BYTES })));
  } catch {
    return undefined; // not gzip after all, or too large to expand
  }
}

/** Reads the finished archive back and returns the first entry still holding a secret. */
async function scanArchive(archive: string, redactor: Redactor): Promise<{ entry: string; label: string } | undefined> {
  const contents: { path: string; chunks: Buffer[] }[] = [];
  await list({
    file: archive,
    onReadEntry: (entry) => {
      const record = { path: entry.path, chunks: [] as Buffer[] };
      contents.push(record);
      entry.on('data', (chunk: Buffer) => record.chunks.push(chunk));
    },
  });
  for (const { path, chunks } of contents) {
    const label = findSecret(Buffer.concat(chunks), redactor);
    if (label !== undefined) return { entry: path, label };
  }
  // Headers too (names, pax records): scan the whole decompressed stream once.
  const label = redactor.containsSecret(lenientUtf8.decode(gunzipSync(await readFile(archive))));
  return label === undefined ? undefined : { entry: '(archive headers)', label };
}

async function freePath(dir: string, base: string): Promise<string> {
  for (let n = 1; n < 100; n++) {
    const candidate = join(dir, `${base}${n === 1 ? '' : `-${n}`}.tar.gz`);
    const exists = await stat(candidate).then(
      () => true,
      () => false,
    );
    if (!exists) return candidate;
  }
  throw new Error(`too many support bundles named ${base} in ${dir}; remove old ones`);
}

/**
 * Writes `<dir>/support-bundle-<UTC timestamp>.tar.gz` (0600) with every entry
 * scrubbed and a manifest.txt, then scans the finished archive. Throws
 * SupportBundleSecretError (leaving no file) if a known secret survived.
 */
export async function writeSupportBundle(
  dir: string,
  entries: readonly BundleEntry[],
  redactor: Redactor,
  options: { readonly now?: Date } = {},
): Promise<SupportBundle> {
  const now = options.now ?? new Date();
  const name = `support-bundle-${timestamp(now)}`;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const staging = await mkdtemp(join(dir, '.support-bundle-staging-'));
  const archiveTemp = join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const seen = new Set<string>();
    const reports: BundleEntryReport[] = [];
    for (const entry of entries) {
      const path = redactor.scrub(checkedEntryPath(entry.path));
      if (seen.has(path)) throw new Error(`support bundle entry ${path} is listed twice.`);
      seen.add(path);
      const { data, replacements, scrubbed } = scrubEntry(entry.content, redactor);
      const target = join(staging, name, path);
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      await writeFile(target, data, { mode: 0o600 });
      reports.push({ path, bytes: data.byteLength, replacements, scrubbed });
    }
    await writeFile(join(staging, name, MANIFEST_FILE), manifest(now, reports, redactor), { mode: 0o600 });

    await pipeline(
      create({ gzip: true, cwd: staging, portable: true }, [name]),
      createWriteStream(archiveTemp, { mode: 0o600, flags: 'wx' }),
    );
    const leak = await scanArchive(archiveTemp, redactor);
    if (leak !== undefined) throw new SupportBundleSecretError(leak.entry.replace(`${name}/`, ''), leak.label);
    const path = await freePath(dir, name);
    await rename(archiveTemp, path);
    return { path, entries: reports };
  } finally {
    await unlink(archiveTemp).catch(() => undefined);
    await rm(staging, { recursive: true, force: true });
  }
}
