// Every file the answers name and that the install reads (secrets, CA and
// certificate files, local charts), with where each is named, so all of them
// can be checked in one pass and a state copy can point at them absolutely.
import type { Answers } from './schema.js';
import { formatPath } from './load.js';
import { isLocalChartRef } from './derived.js';
import { secretSlots } from './secrets.js';

export interface NamedFile {
  /** Where in the answers, as keys: e.g. ['cluster', 'tls', 'hosts', 'ml.example.com', 'certFile']. */
  readonly at: readonly (string | number)[];
  /** The same, printable: `cluster.tls.hosts.ml.example.com.certFile`. */
  readonly path: string;
  /** As written in the answers (relative paths start at the answers file's folder). */
  readonly file: string;
  /** A chart may be a directory or a .tgz; everything else must be a readable file. */
  readonly kind: 'file' | 'chart';
}

/** The files in effect: a CA file with a public CA, or certificates with cert-manager, are not read and not listed. */
export function namedFiles(a: Answers): NamedFile[] {
  const out: NamedFile[] = [];
  const add = (at: readonly (string | number)[], file: string | undefined, kind: NamedFile['kind'] = 'file'): void => {
    if (file !== undefined) out.push({ at, path: formatPath(at), file, kind });
  };
  for (const slot of secretSlots(a)) {
    if (typeof slot.ref === 'object' && 'fromFile' in slot.ref) add([...slot.at, 'fromFile'], slot.ref.fromFile);
  }
  const tls = a.cluster.tls;
  if (tls.ca !== 'public') add(['cluster', 'tls', 'caFile'], tls.caFile);
  if (tls.provisioning === 'manual') {
    if (tls.wildcard) {
      add(['cluster', 'tls', 'certFile'], tls.certFile);
      add(['cluster', 'tls', 'keyFile'], tls.keyFile);
    } else {
      for (const [host, files] of Object.entries(tls.hosts)) {
        add(['cluster', 'tls', 'hosts', host, 'certFile'], files.certFile);
        add(['cluster', 'tls', 'hosts', host, 'keyFile'], files.keyFile);
      }
    }
  }
  const cpDb = a.controlPlane?.database.tls;
  if (cpDb?.enabled) add(['controlPlane', 'database', 'tls', 'caFile'], cpDb.caFile);
  a.workspaces.forEach((w, i) => {
    if (w.database.tls?.enabled) add(['workspaces', i, 'database', 'tls', 'caFile'], w.database.tls.caFile);
  });
  const chart = (at: readonly (string | number)[], ref: string | undefined): void => {
    if (ref !== undefined && isLocalChartRef(ref)) add(at, ref, 'chart');
  };
  if (a.controlPlane) chart(['charts', 'controlPlane'], a.charts.controlPlane);
  // A workspace's own chart (workspaces[].chart) replaces the shared one for it.
  const own = a.workspaces.map((w) => (w as { readonly chart?: string }).chart);
  own.forEach((ref, i) => chart(['workspaces', i, 'chart'], ref));
  if (own.some((ref) => ref === undefined)) chart(['charts', 'workspace'], a.charts.workspace);
  return out;
}
