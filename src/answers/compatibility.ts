// Which workspace-server versions a control-plane version serves. The two
// version lines are independent (control plane 0.13.x, workspace servers
// 0.9x): "the control plane at least as new as the workspace" is about release
// recency, which no comparison of the numbers can tell. So the rule is data.
import semver from 'semver';

export interface CompatibilityEntry {
  /** A control-plane (zenml-pro chart) version. */
  readonly controlPlane: string;
  /** The newest workspace-server (zenml chart) version known to work with it. */
  readonly newestWorkspace: string;
  /**
   * True when `newestWorkspace` is the newest that works (a later workspace
   * release needs a newer control plane); false when it is only the newest
   * known to work, and later ones are unverified.
   */
  readonly complete: boolean;
  /** Where the fact comes from, shown to the operator. */
  readonly source: string;
}

export const RELEASE_NOTES = 'https://docs.zenml.io/changelog (workspace servers) and the zenml-pro chart on ArtifactHub (control plane)';

/**
 * What the installer knows. Extend it as ZenML publishes compatibility data
 * (an offline bundle's manifest may add entries through `extra`).
 */
export const KNOWN_COMPATIBILITY: readonly CompatibilityEntry[] = [
  {
    controlPlane: '0.13.0',
    newestWorkspace: '0.93.2',
    complete: false,
    source: "ZenML's deployment prerequisites guide (its example: control plane 0.13.0 with workspace servers 0.93.2)",
  },
];

export type Compatibility =
  | { readonly verdict: 'compatible'; readonly source: string }
  | { readonly verdict: 'incompatible'; readonly message: string }
  | { readonly verdict: 'unknown'; readonly message: string };

/** Whether a control plane at `controlPlane` serves a workspace server at `workspace`, by the table. */
export function checkCompatibility(controlPlane: string, workspace: string, table: readonly CompatibilityEntry[] = KNOWN_COMPATIBILITY): Compatibility {
  const exact = table.find((e) => semver.eq(e.controlPlane, controlPlane));
  if (exact) {
    if (semver.lte(workspace, exact.newestWorkspace)) return { verdict: 'compatible', source: exact.source };
    if (exact.complete) {
      const newer = table.filter((e) => semver.gt(e.controlPlane, controlPlane) && semver.lte(workspace, e.newestWorkspace)).sort((x, y) => semver.compare(x.controlPlane, y.controlPlane))[0];
      const fix = newer ? `upgrade the control plane to ${newer.controlPlane} or newer first` : 'upgrade the control plane first';
      return {
        verdict: 'incompatible',
        message: `workspace server ${workspace} is newer than control plane ${controlPlane} supports (up to ${exact.newestWorkspace}, per ${exact.source}); ${fix}, or pick workspace version ${exact.newestWorkspace} or older`,
      };
    }
  }
  // A later release of the control plane is more recent than one known to serve this workspace version, so it serves it too.
  const older = table.filter((e) => semver.lt(e.controlPlane, controlPlane) && semver.lte(workspace, e.newestWorkspace)).sort((x, y) => semver.rcompare(x.controlPlane, y.controlPlane))[0];
  if (older) return { verdict: 'compatible', source: `${older.source}; control plane ${controlPlane} is a later release than ${older.controlPlane}` };
  // No entry for this control plane, or one that does not say how far it goes: only release dates could tell.
  return {
    verdict: 'unknown',
    message: `the installer cannot verify that control plane ${controlPlane} serves workspace server ${workspace} (the control plane must be released at least as recently as the workspace server); check the release notes: ${RELEASE_NOTES}`,
  };
}
