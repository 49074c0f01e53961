// What goes into a support bundle after a failure: the journal, the debug log,
// helm's view of our releases, and kubectl's view of our namespaces. Every
// call is best effort; the bundle writer scrubs and scans it all.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plan } from '../plan/steps.js';
import type { BundleEntry } from './support-bundle.js';
import type { Cluster } from '../tools/cluster.js';
import { JOURNAL_FILE } from './journal.js';

function readIfThere(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    return `(not readable: ${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
}

export async function collectBundleEntries(dir: string, plan: Plan, cluster: Cluster, debugLogPath: string | undefined, checks: readonly string[]): Promise<BundleEntry[]> {
  const entries: BundleEntry[] = [
    { path: 'journal.json', content: readIfThere(join(dir, JOURNAL_FILE)) },
    { path: 'checks.txt', content: `${checks.join('\n')}\n` },
  ];
  if (debugLogPath) entries.push({ path: 'debug.log', content: readIfThere(debugLogPath) });
  const quiet = {};
  const text = async (tool: 'helm' | 'kubectl', args: string[]): Promise<string> => {
    try {
      const r = await cluster.raw(tool, args, quiet);
      return `$ ${r.commandLine}\n${r.stdout}${r.stderr ? `\n[stderr]\n${r.stderr}` : ''}\n[exit ${r.exitCode ?? r.signal ?? '?'}]\n`;
    } catch (error) {
      return `failed: ${error instanceof Error ? error.message : String(error)}\n`;
    }
  };
  for (const step of plan.steps) {
    if (step.action.type !== 'helm-release') continue;
    const { release, namespace } = step.action.spec;
    entries.push({ path: `helm/${namespace}/${release}-status.txt`, content: await text('helm', ['status', release, '--namespace', namespace]) });
    entries.push({ path: `helm/${namespace}/${release}-history.txt`, content: await text('helm', ['history', release, '--namespace', namespace]) });
  }
  for (const ns of plan.namespaces) {
    entries.push({ path: `kubectl/${ns}/get.txt`, content: await text('kubectl', ['get', 'all,ingresses,jobs', '--namespace', ns, '-o', 'wide']) });
    entries.push({ path: `kubectl/${ns}/events.txt`, content: await text('kubectl', ['get', 'events', '--namespace', ns, '--sort-by', '.lastTimestamp']) });
    entries.push({ path: `kubectl/${ns}/describe-pods.txt`, content: await text('kubectl', ['describe', 'pods', '--namespace', ns]) });
    const pods = await cluster.raw('kubectl', ['get', 'pods', '--namespace', ns, '-o', 'jsonpath={.items[*].metadata.name}'], quiet).catch(() => undefined);
    for (const pod of pods?.exitCode === 0 ? pods.stdout.split(/\s+/).filter(Boolean).slice(0, 20) : []) {
      entries.push({ path: `kubectl/${ns}/logs/${pod}.txt`, content: await text('kubectl', ['logs', pod, '--namespace', ns, '--all-containers', '--tail', '200']) });
    }
  }
  return entries;
}
