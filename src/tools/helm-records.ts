// Helm's release records, read without helm. Helm 3 and 4 both keep each
// revision of a release in a Secret `sh.helm.release.v1.<release>.v<revision>`
// labelled owner=helm, name=<release>, status=<status>, version=<revision>;
// `data.release` is base64 (helm's own, inside the Secret's) of gzip of JSON.
// Status and revision come from the labels; only the one record a caller
// needs is decoded. Pure: the caller lists the Secrets.
import { gunzipSync } from 'node:zlib';

/** The parts of a release Secret read here (a V1Secret fits). */
export interface ReleaseSecret {
  readonly metadata?: { readonly name?: string; readonly labels?: Readonly<Record<string, string>> };
  readonly data?: Readonly<Record<string, string>>;
}

/** The fields of helm's release payload used here. */
export interface ReleasePayload {
  readonly name?: string;
  readonly version?: number;
  readonly info?: { readonly status?: string };
  readonly chart?: { readonly metadata?: { readonly name?: string; readonly version?: string; readonly appVersion?: string } };
  /** The values the user supplied (what `helm get values` prints). */
  readonly config?: Record<string, unknown> | null;
  /** The rendered manifests (what `helm get manifest` prints). */
  readonly manifest?: string;
}

export const releaseSelector = (release: string): string => `owner=helm,name=${release}`;

const revisionOf = (s: ReleaseSecret): number => Number.parseInt(s.metadata?.labels?.version ?? '', 10);

/** The record of the highest revision (what `helm status` and `helm get values` show), or undefined. */
export function latestRecord<T extends ReleaseSecret>(secrets: readonly T[]): T | undefined {
  let latest: T | undefined;
  for (const s of secrets) {
    if (Number.isNaN(revisionOf(s))) continue;
    if (!latest || revisionOf(s) > revisionOf(latest)) latest = s;
  }
  return latest;
}

/**
 * The record of what runs: the newest deployed revision, as helm's own
 * upgrade takes it when a later one is pending (its helm was killed) or
 * failed; the newest of all when none is deployed.
 */
export function runningRecord<T extends ReleaseSecret>(secrets: readonly T[]): T | undefined {
  return latestRecord(secrets.filter((s) => recordStatus(s) === 'deployed')) ?? latestRecord(secrets);
}

export function recordRevision(secret: ReleaseSecret): number {
  return revisionOf(secret);
}

export function recordStatus(secret: ReleaseSecret): string {
  return secret.metadata?.labels?.status ?? 'unknown';
}

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b, 0x08]);

/** Decodes one record's payload. It holds the user's values, secrets included: never log it. */
export function decodeRecord(secret: ReleaseSecret): ReleasePayload {
  const field = secret.data?.release;
  if (field === undefined) throw new Error(`the helm record ${secret.metadata?.name ?? '?'} has no release data`);
  const helmEncoded = Buffer.from(field, 'base64').toString('latin1');
  const bytes = Buffer.from(helmEncoded, 'base64');
  // Helm gzips every record it writes, but its reader accepts plain JSON too.
  const json = bytes.subarray(0, 3).equals(GZIP_MAGIC) ? gunzipSync(bytes) : bytes;
  return JSON.parse(json.toString('utf8')) as ReleasePayload;
}

/** One revision of a release, as `helm history` lists it, with the values it ran with (they hold secrets: never log them). */
export interface HelmRevision {
  readonly revision: number;
  readonly status: string;
  readonly chartVersion: string | undefined;
  readonly values: Record<string, unknown>;
}

/** Every revision in the records, oldest first; each one is decoded, since a rollback needs the values of two of them. */
export function releaseHistory(secrets: readonly ReleaseSecret[]): HelmRevision[] {
  return secrets
    .filter((s) => !Number.isNaN(revisionOf(s)))
    .sort((a, b) => revisionOf(a) - revisionOf(b))
    .map((s) => {
      const payload = decodeRecord(s);
      return { revision: revisionOf(s), status: recordStatus(s), chartVersion: payload.chart?.metadata?.version, values: payload.config ?? {} };
    });
}
