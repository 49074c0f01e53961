// A plan is data: ordered steps, what each needs, what it will run (printable,
// secrets redacted), how to check whether its result is already there, and
// what it does. The engine interprets it; `plan` prints it.

import type { Target } from '../tools/argv.js';
import type { HelmUpgradeSpec } from '../tools/commands.js';
import type { Manifest } from '../tools/kube-objects.js';

export type { Manifest, Target };

export interface ReleaseSpec extends HelmUpgradeSpec {
  /** `control-plane` or `workspace-<name>`; names the values file. */
  readonly id: string;
  /** Keyed digest of the canonical rendered values, to compare with `helm get values`. */
  readonly valuesDigest: string;
  /** Deployments the release must bring to Ready. */
  readonly deployments: readonly string[];
  /** The database migration hook Job, when the chart has one. */
  readonly migrationJob?: string;
  /** The workspace whose values are completed when the step runs, from its automatic enrollment (the key exists only then). */
  readonly enrolledWorkspace?: string;
}

/**
 * How steps reach the control-plane API, without a secret: the credential is
 * named by its slot key and resolved when the step runs. `addressesFrom` names
 * the ready step that found the ingress address of the control plane's host,
 * so the API is reached before DNS exists, as its health was.
 */
export interface ControlPlaneAccess {
  readonly apiUrl: string;
  readonly credential: { readonly kind: 'password'; readonly username: string; readonly passwordKey: string } | { readonly kind: 'token'; readonly tokenKey: string };
  readonly addressesFrom?: string;
}

/** A database as the jump host reaches it; the password stays in its answers slot until a step runs. */
export interface DatabaseAccess {
  readonly type: 'mysql' | 'postgres';
  readonly host: string;
  readonly port?: number | undefined;
  readonly name: string;
  readonly username: string;
  readonly passwordKey: string;
}

export interface PlannedUser {
  readonly username: string;
  readonly email?: string;
  readonly superuser: boolean;
  readonly passwordKey: string;
}

export type StepAction =
  | { readonly type: 'check-target' }
  | { readonly type: 'apply'; readonly manifests: readonly Manifest[] }
  /** An image pull secret, built when the step runs: the plan holds the password's slot key, not the password. */
  | { readonly type: 'pull-secret'; readonly namespace: string; readonly name: string; readonly server: string; readonly username: string; readonly passwordKey: string }
  /** TLS secrets, built from the certificate and key files when the step runs. */
  | { readonly type: 'tls-secret'; readonly namespace: string; readonly secrets: readonly { readonly name: string; readonly certFile: string; readonly keyFile: string }[] }
  | { readonly type: 'helm-release'; readonly spec: ReleaseSpec }
  | { readonly type: 'wait-ready'; readonly namespace: string; readonly deployments: readonly string[]; readonly healthUrl: string }
  | { readonly type: 'disruption-budget'; readonly namespace: string; readonly deployments: readonly string[]; readonly minAvailable: number }
  | {
      readonly type: 'manual-enrollment';
      readonly workspace: string;
      readonly workspaceId: string;
      readonly organizationId: string;
      /** Set when the answers lack the enrollment values: the run waits here, saying how to get them. */
      readonly waiting?: { readonly missing: readonly string[]; readonly instructions: readonly string[] };
    }
  /** Finds the organization by name, or creates it; with no name, the control plane's only one. */
  | { readonly type: 'organization'; readonly access: ControlPlaneAccess; readonly name?: string }
  | { readonly type: 'users'; readonly access: ControlPlaneAccess; readonly users: readonly PlannedUser[] }
  /** Enrolls a workspace through the API; the key (shown once) is kept in the install directory before the step counts as done. */
  | { readonly type: 'enroll-workspace'; readonly access: ControlPlaneAccess; readonly workspace: string; readonly organizationStep: string }
  /** Before an upgrade changes a release: its values, manifest and the install directory's kept secrets, exported (0600). */
  | { readonly type: 'backup'; readonly release: string; readonly namespace: string; readonly component: string; readonly from: string; readonly to: string }
  /** Before an upgrade changes anything: a database dumped from the jump host into its release's backup folder; `to` is the path's target. */
  | { readonly type: 'dump-database'; readonly component: string; readonly from: string; readonly to: string; readonly database: DatabaseAccess; readonly tool: string }
  | { readonly type: 'report' }
  /** Uninstall: `helm uninstall --wait` of one release. */
  | { readonly type: 'uninstall-release'; readonly release: string; readonly namespace: string; readonly timeoutSeconds: number }
  /** Uninstall: `kubectl delete` of objects the installer applied in one namespace. */
  | { readonly type: 'delete-objects'; readonly namespace: string; readonly objects: readonly Manifest[] }
  /** Uninstall: `kubectl delete namespace`, then watched until it is gone. */
  | { readonly type: 'delete-namespace'; readonly namespace: string };

/** The action of one type, e.g. ActionOf<'helm-release'>. */
export type ActionOf<T extends StepAction['type']> = Extract<StepAction, { readonly type: T }>;

export interface Step {
  readonly id: string;
  readonly title: string;
  /** Ids of the steps that must be done first. */
  readonly needs: readonly string[];
  /** Whether running it changes the cluster. */
  readonly mutates: boolean;
  /** What it will run, printable: secrets are never in these. */
  readonly commands: readonly string[];
  /** Digest of everything the step's result depends on; a change re-runs the step. */
  readonly inputsDigest: string;
  readonly action: StepAction;
  /** Workspace the step belongs to, for parallel runs and grouping. */
  readonly workspace?: string;
}

export interface Plan {
  readonly scenario: string;
  readonly target: Target;
  readonly namespaces: readonly string[];
  readonly steps: readonly Step[];
}
