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
  | { readonly type: 'report' };

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
