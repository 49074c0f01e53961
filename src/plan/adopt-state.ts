// What `adopt` gathers while it maps a deployment's releases: the secrets
// they hold (by answers slot), the fields it cannot fill, and notes.
import type { Values } from './adopt-values.js';

export interface AdoptRelease {
  readonly chart: 'zenml-pro' | 'zenml';
  readonly release: string;
  readonly namespace: string;
  readonly chartVersion: string;
  /** The user-supplied values of its deployed revision. They hold secrets. */
  readonly values: Readonly<Values>;
}

/** Where the answers file finds a secret, relative to itself. */
export const secretFile = (slot: string): string => `./secrets/${slot}`;

export interface Problem {
  readonly path: string;
  readonly message: string;
  /** Puts a stand-in where the field is missing, so the rest of the answers can still be checked by rendering them. */
  readonly fill?: (draft: Values) => void;
}

/** What is being gathered: secrets, problems, notes. */
export class Adoption {
  readonly secrets = new Map<string, string>();
  readonly problems: Problem[] = [];
  readonly notes: string[] = [];

  problem(path: string, message: string, fill?: (draft: Values) => void): void {
    this.problems.push({ path, message, ...(fill ? { fill } : {}) });
  }

  /** The reference for `slot`; without a value the operator must write the file. */
  secret(slot: string, value: string | undefined, path: string, missing: string): { fromFile: string } {
    if (value !== undefined) this.secrets.set(slot, value);
    else this.problem(path, `${missing}; write it to ${secretFile(slot)} (0600)`);
    return { fromFile: secretFile(slot) };
  }
}

export const label = (r: AdoptRelease): string => `${r.namespace}/${r.release}`;
