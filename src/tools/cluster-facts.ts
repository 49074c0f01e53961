// What the installer reads of a cluster and of a helm release, shared by the
// API client (which reads them) and the Cluster (which the steps ask).

export interface ClusterFacts {
  readonly server: string;
  readonly uid: string | undefined;
  readonly gitVersion: string;
  readonly minor: number;
}

export interface HelmReleaseStatus {
  readonly status: string;
  readonly revision: number;
  readonly chartVersion: string | undefined;
}

/** A release's latest revision in full, read from helm's records: values hold secrets, never log them. */
export interface HelmReleaseRecord extends HelmReleaseStatus {
  readonly chartName: string | undefined;
  readonly values: Record<string, unknown>;
  readonly manifest: string;
  /** Helm's own record of the revision (the Secret's name, labels and data), as a rehearsal restores it elsewhere. */
  readonly stored: { readonly name: string; readonly labels: Readonly<Record<string, string>>; readonly data: Readonly<Record<string, string>> };
}
