// What an upgrade will do, as data, before anything changes: the releases
// found running, each release's path (with the required stops on the way), the
// values set by hand that are kept, the values diff (already masked) and the
// databases to back up. The text output and the terminal walkthrough both
// draw it; neither decides anything. Pure.
import type { Hop, UnverifiedPair } from './upgrade-checks.js';
import type { Component } from './upgrade-components.js';
import { dumpCommand } from './upgrade-components.js';
import { valuesDiff } from './values-diff.js';

export interface DiscoveredRelease {
  /** As the checks name it: control-plane or workspace:<name>. */
  readonly component: string;
  readonly release: string;
  readonly namespace: string;
  readonly chart: 'zenml-pro' | 'zenml';
  /** The running chart version; undefined when the release is not installed yet. */
  readonly version?: string;
  readonly revision?: number;
  readonly status?: string;
}

export interface PreviewHop {
  readonly from: string;
  readonly to: string;
  /** Set when `to` is a required stop on the way, not the target. */
  readonly stop?: { readonly why: string; readonly source: string };
}

export interface ReleaseChange {
  readonly component: string;
  readonly release: string;
  readonly namespace: string;
  /** In order; one hop when no stop is required; `from` equals `to` when only the values change. */
  readonly hops: readonly PreviewHop[];
  readonly revision: number;
  /** Values set by hand on the running release that the answers do not model: kept. */
  readonly kept: readonly string[];
  /** Unified diff lines from the running values to the new ones, secrets masked. */
  readonly diff: readonly string[];
}

export interface DatabaseBackup {
  readonly component: string;
  /** The database's name. */
  readonly name: string;
  /** The dump command an operator can run themselves (the password never in it). */
  readonly command: string;
}

export interface UpgradePreview {
  readonly context: string;
  readonly server: string;
  readonly discovered: readonly DiscoveredRelease[];
  /** In the order they run: the control plane first, then each workspace. */
  readonly changes: readonly ReleaseChange[];
  /** Version pairs the compatibility table cannot vouch for, as sentences. */
  readonly unverified: readonly string[];
  /** Databases whose schema the upgrade migrates (a chart rollback does not undo a migration). */
  readonly databases: readonly DatabaseBackup[];
  /** Where each release's values, manifest and kept secrets are exported before it changes. */
  readonly backupFolder: string;
}

function hopText(h: PreviewHop): string {
  if (h.from === h.to) return `${h.to}, values change only`;
  return h.stop ? `${h.from} → ${h.to} (required stop: ${h.stop.why}; ${h.stop.source})` : `${h.from} → ${h.to}`;
}

/** The path of one release, e.g. "0.92.0 → 0.93.0 (required stop: …) → 0.93.2". */
export function pathText(change: ReleaseChange): string {
  return change.hops.map(hopText).join(', then ');
}

/** The preview as plain lines, for a log, a pipe or `--yes`. */
export function previewLines(p: UpgradePreview): string[] {
  const lines = [`Upgrade in context ${p.context} at ${p.server}:`];
  if (p.changes.length === 0) lines.push('  every release already runs the version the answers name');
  for (const c of p.changes) {
    lines.push(`  ${c.namespace}/${c.release}: ${pathText(c)} (revision ${c.revision}; the chart's database migration job runs first${c.hops.length > 1 ? ', at each stop' : ''})`);
    if (c.kept.length > 0) lines.push(`    kept, set by hand on the running release: ${c.kept.join(', ')}`);
    for (const line of c.diff) lines.push(`    ${line}`);
  }
  for (const u of p.unverified) lines.push(`  warning: ${u}`);
  return lines;
}

export interface PreviewInputs {
  readonly context: string;
  readonly server: string;
  readonly components: readonly Component[];
  /** What runs, by release id. */
  readonly live: ReadonlyMap<string, { readonly chartVersion: string | undefined; readonly revision: number; readonly status: string; readonly values: Readonly<Record<string, unknown>> }>;
  /** The new values, by release id. */
  readonly next: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  /** The ids of the releases that change (a version, or only their values). */
  readonly changing: ReadonlySet<string>;
  readonly hops: readonly Hop[];
  readonly kept: ReadonlyMap<string, readonly string[]>;
  readonly unverified: readonly UnverifiedPair[];
  readonly backupFolder: string;
  /** Masks secrets in the diffs. */
  readonly scrub: (text: string) => string;
}

export function buildPreview(i: PreviewInputs): UpgradePreview {
  const migrating = i.components.filter((c) => i.changing.has(c.id));
  return {
    context: i.context,
    server: i.server,
    discovered: i.components.map((c) => {
      const record = i.live.get(c.id);
      return { component: c.checkId, release: c.release, namespace: c.namespace, chart: c.chart, ...(record ? { version: record.chartVersion, revision: record.revision, status: record.status } : {}) };
    }),
    changes: migrating.flatMap((c) => {
      const record = i.live.get(c.id);
      const next = i.next.get(c.id);
      if (!record || !next) return [];
      const path = i.hops.filter((h) => h.component === c.checkId);
      return [{
        component: c.checkId, release: c.release, namespace: c.namespace, revision: record.revision, kept: i.kept.get(c.id) ?? [],
        hops: path.length > 0 ? path.map((h) => ({ from: h.from, to: h.to, ...(h.stop ? { stop: { why: h.stop.why, source: h.stop.source } } : {}) })) : [{ from: record.chartVersion ?? c.version, to: c.version }],
        diff: valuesDiff(record.values, next, i.scrub),
      }];
    }),
    unverified: i.unverified.map((pair) => `the installer cannot verify control plane ${pair.controlPlane} with workspace ${pair.workspace} (${pair.component}); check the release notes`),
    databases: migrating.map((c) => ({ component: c.checkId, name: c.database.name, command: dumpCommand(c) })),
    backupFolder: i.backupFolder,
  };
}
