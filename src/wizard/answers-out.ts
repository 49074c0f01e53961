// The answers the wizard hands back: its working copy without what no longer
// applies (the other scenario's block, removed workspaces, certificates of
// old host names), then with typed secrets moved out (see typed-secrets.ts).
import { API_VERSION } from '../answers/schema.js';
import { getAt, setAt, type Raw } from './path.js';
import type { WizardData } from './question.js';
import { runnerImageMode } from './questions/workload-manager.js';
import { workspaceCount } from './questions/workspaces.js';
import { extractTypedSecrets, type ExtractedSecrets } from './typed-secrets.js';

function without(raw: Raw, key: string): Raw {
  if (!(key in raw)) return raw;
  const { [key]: _dropped, ...rest } = raw;
  return rest;
}

/** The answers as validated: still holding typed secrets as literals. */
export function workingAnswers(d: WizardData): Raw {
  let raw = setAt(d.raw, ['apiVersion'], API_VERSION);
  const count = workspaceCount(d);
  if (Array.isArray(raw.workspaces) && raw.workspaces.length > count) raw = { ...raw, workspaces: raw.workspaces.slice(0, count) };
  if (raw.scenario === 'hybrid' || raw.scenario === 'workspace-only') raw = without(without(raw, 'controlPlane'), 'airGapped');
  else if (raw.scenario === 'self-hosted') raw = without(raw, 'existingControlPlane');

  const hosts = getAt(raw, ['cluster', 'tls', 'hosts']);
  if (hosts !== null && typeof hosts === 'object' && !Array.isArray(hosts)) {
    const workspaces: unknown[] = Array.isArray(raw.workspaces) ? raw.workspaces : [];
    const inUse = new Set([getAt(raw, ['controlPlane', 'hostname']), ...workspaces.map((_, i) => getAt(raw, ['workspaces', i, 'hostname']))]);
    for (const host of Object.keys(hosts)) if (!inUse.has(host)) raw = setAt(raw, ['cluster', 'tls', 'hosts', host], undefined);
  }
  const workspaces: unknown[] = Array.isArray(raw.workspaces) ? raw.workspaces : [];
  workspaces.forEach((_, i) => {
    if (runnerImageMode(d, i) !== 'prebuilt' && getAt(raw, ['workspaces', i, 'workloadManager', 'runnerImage']) !== undefined) {
      raw = setAt(raw, ['workspaces', i, 'workloadManager', 'runnerImage'], undefined);
    }
  });
  return raw;
}

/** The answers to save or install: secret references only, typed values beside them. */
export function finalAnswers(d: WizardData): ExtractedSecrets {
  return extractTypedSecrets(workingAnswers(d));
}
