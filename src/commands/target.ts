// Which cluster a run talks to: the kubeconfig and context, resolved once
// and pinned for every helm and kubectl call.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';
import { UserError } from '../errors.js';
import type { Target } from '../plan/steps.js';
import type { LoadedAnswers } from './answers-file.js';

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: { name?: string }[];
}

function kubeconfigPaths(explicit: string | undefined): string[] {
  if (explicit) return [explicit];
  const env = process.env.KUBECONFIG;
  if (env) return env.split(delimiter).filter(Boolean);
  return [join(homedir(), '.kube', 'config')];
}

/** Contexts and the current context from the kubeconfig file(s). */
export function readKubeconfig(explicit: string | undefined): { contexts: string[]; current: string | undefined; files: string[] } {
  const contexts: string[] = [];
  let current: string | undefined;
  const files: string[] = [];
  for (const file of kubeconfigPaths(explicit)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      if (explicit) throw new UserError(`cannot read the kubeconfig ${file}`, ['check --kubeconfig or cluster.kubeconfig in the answers']);
      continue;
    }
    files.push(file);
    const data = (parse(text) ?? {}) as KubeconfigFile;
    current ??= data['current-context'] || undefined;
    for (const c of data.contexts ?? []) if (c.name && !contexts.includes(c.name)) contexts.push(c.name);
  }
  return { contexts, current, files };
}

export interface TargetFlags {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
}

/** Flags win over the answers file; the kubeconfig's current context is the last resort. */
export function resolveTarget(loaded: LoadedAnswers, flags: TargetFlags): Target {
  const fromAnswers = loaded.answers.cluster.kubeconfig ? loaded.resolvePath(loaded.answers.cluster.kubeconfig) : undefined;
  const kubeconfig = flags.kubeconfig ?? fromAnswers;
  const config = readKubeconfig(kubeconfig);
  const context = flags.context ?? loaded.answers.cluster.context ?? config.current;
  if (!context) {
    throw new UserError('no kube context to install into', [
      'set cluster.context in the answers file or pass --context NAME',
      config.contexts.length > 0 ? `contexts in your kubeconfig: ${config.contexts.join(', ')}` : 'no kubeconfig was found; pass --kubeconfig PATH',
    ]);
  }
  if (config.files.length > 0 && !config.contexts.includes(context)) {
    throw new UserError(`context "${context}" is not in the kubeconfig (${config.files.join(', ')})`, [
      config.contexts.length > 0 ? `available contexts: ${config.contexts.join(', ')}` : 'the kubeconfig has no contexts',
      'fix cluster.context in the answers file, or pass --context / --kubeconfig',
    ]);
  }
  return { context, ...(kubeconfig ? { kubeconfig } : {}) };
}
