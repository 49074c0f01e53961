// What `uninstall` shows: the list of what it removes and what it keeps,
// before it asks; its steps' progress; and a summary at the end. As text, or
// with --output json as one JSON object per line: the list
// (`uninstall-list`), the engine's events, then `uninstall-summary`.
import type { DebugLog } from '../engine/debug-log.js';
import type { EventSink } from '../engine/events.js';
import { jsonLine, plainLines } from '../engine/render-events.js';
import type { RunOutcome } from '../engine/states.js';
import type { Kept, ListedObject, ListedRelease, UninstallPlan } from '../plan/uninstall-plan.js';
import type { Redactor } from '../tools/redact.js';

export interface ListContext {
  readonly context: string;
  readonly server: string;
  readonly installDir: string;
}

const releaseLine = (r: ListedRelease): string =>
  `${r.namespace}/${r.release}: revision ${r.revision}, chart ${r.chart}${r.chartVersion ? ` ${r.chartVersion}` : ''}, ${r.status} (${r.component})`;
const objectLine = (o: ListedObject): string => `${o.kind.toLowerCase()}/${o.name} -n ${o.namespace}`;
const KEPT_LABELS: Readonly<Record<Kept['what'], string>> = {
  release: 'release', namespace: 'namespace', database: 'database', enrollment: 'enrollment of', 'generated-secrets': 'generated secrets', 'install-dir': 'install directory',
};
const keptLine = (k: Kept): string => `${KEPT_LABELS[k.what]} ${k.name}: ${k.reason}`;

export function listJson(plan: UninstallPlan, c: ListContext): object {
  return {
    type: 'uninstall-list', context: c.context, server: c.server, installDir: c.installDir,
    remove: plan.remove, keep: plan.keep,
    steps: plan.steps.map((s) => ({ id: s.id, title: s.title, needs: s.needs, commands: s.commands })),
  };
}

export function listText(plan: UninstallPlan, c: ListContext): string[] {
  const { releases, objects, namespaces, installDir } = plan.remove;
  const lines = [`Uninstall ZenML Pro from context ${c.context} (${c.server}), install directory ${c.installDir}.`, ''];
  if (plan.steps.length === 0 && !installDir) {
    lines.push('Nothing to remove: no release, object or namespace of this install is on the cluster.');
  } else {
    lines.push('To remove, in this order:');
    if (releases.length > 0) lines.push('  helm releases (workspaces first, then the control plane):', ...releases.map((r) => `    ${releaseLine(r)}`));
    if (objects.length > 0) lines.push('  objects the installer applied:', ...objects.map((o) => `    ${objectLine(o)}`));
    if (namespaces.length > 0) lines.push('  namespaces the installer created, with anything still in them:', ...namespaces.map((n) => `    ${n}`));
    if (installDir) lines.push(`  the install directory ${installDir}, with generated-secrets.yaml: the encryption keys the kept databases need are lost with it`);
  }
  lines.push('', 'To keep:', ...plan.keep.map((k) => `  - ${keptLine(k)}`));
  if (plan.steps.length > 0) lines.push('', 'Commands:', ...plan.steps.flatMap((s) => s.commands.map((cmd) => `  $ ${cmd}`)));
  return lines;
}

/** What the run removed, by what its steps recorded; what it did not, with the step that did not finish. */
export interface Removal {
  readonly removed: { readonly releases: readonly ListedRelease[]; readonly objects: readonly ListedObject[]; readonly namespaces: readonly string[]; readonly installDir?: string };
  /** Namespaces deleted but not gone yet when the run ended. */
  readonly terminating: readonly string[];
  readonly notRemoved: { readonly releases: readonly ListedRelease[]; readonly objects: readonly ListedObject[]; readonly namespaces: readonly string[]; readonly installDir?: string };
}

export function removalOf(plan: UninstallPlan, outputs: ReadonlyMap<string, Readonly<Record<string, string>>>, installDirRemoved: boolean): Removal {
  const ran = (stepId: string): boolean => outputs.has(stepId);
  const stepOf = (type: string, namespace: string, release?: string): string | undefined =>
    plan.steps.find((s) => s.action.type === type && s.action.namespace === namespace && (release === undefined || (s.action.type === 'uninstall-release' && s.action.release === release)))?.id;
  const done = (type: string, namespace: string, release?: string): boolean => {
    const id = stepOf(type, namespace, release);
    return id !== undefined && ran(id);
  };
  const split = <T>(items: readonly T[], isDone: (x: T) => boolean): [T[], T[]] => [items.filter(isDone), items.filter((x) => !isDone(x))];
  const [releases, releasesLeft] = split(plan.remove.releases, (r) => done('uninstall-release', r.namespace, r.release));
  const [objects, objectsLeft] = split(plan.remove.objects, (o) => done('delete-objects', o.namespace));
  const [namespaces, namespacesLeft] = split(plan.remove.namespaces, (n) => done('delete-namespace', n));
  const terminating = namespaces.filter((n) => outputs.get(`namespace:${n}`)?.terminating === 'yes');
  const dir = plan.remove.installDir;
  return {
    removed: { releases, objects, namespaces, ...(dir && installDirRemoved ? { installDir: dir } : {}) },
    terminating,
    notRemoved: { releases: releasesLeft, objects: objectsLeft, namespaces: namespacesLeft, ...(dir && !installDirRemoved ? { installDir: dir } : {}) },
  };
}

const HEADLINES: Readonly<Record<RunOutcome, string>> = {
  done: 'uninstall finished',
  'up-to-date': 'uninstall finished: everything listed was already gone',
  failed: 'uninstall failed',
  blocked: 'uninstall stopped at a check',
  interrupted: 'uninstall interrupted',
  waiting: 'uninstall paused',
};

export function summaryJson(outcome: RunOutcome, removal: Removal, plan: UninstallPlan, resumeCommand: string | undefined): object {
  return { type: 'uninstall-summary', outcome, ...removal, kept: plan.keep, ...(resumeCommand ? { resumeCommand } : {}) };
}

export function summaryText(outcome: RunOutcome, removal: Removal, plan: UninstallPlan, resumeCommand: string | undefined): string[] {
  const { removed, notRemoved, terminating } = removal;
  const items = (r: Removal['removed']): string[] => [
    ...r.releases.map((x) => `release ${x.namespace}/${x.release} (${x.component})`),
    ...r.objects.map((o) => objectLine(o)),
    ...r.namespaces.map((n) => `namespace ${n}${terminating.includes(n) ? ' (still terminating)' : ''}`),
    ...(r.installDir ? [`install directory ${r.installDir}`] : []),
  ];
  const left = items(notRemoved);
  return [
    HEADLINES[outcome],
    ...items(removed).map((l) => `  removed: ${l}`),
    ...left.map((l) => `  not removed (its step failed or did not run): ${l}`),
    ...plan.keep.map((k) => `  kept: ${keptLine(k)}`),
    ...(resumeCommand ? [`  resume with: ${resumeCommand}`] : []),
  ];
}

/**
 * The run's events: NDJSON, or plain lines. Not the live view, nor the plain
 * closing line: both speak of an install; the summary closes an uninstall.
 */
export function uninstallEvents(o: { readonly json: boolean; readonly redactor: Redactor; readonly log: DebugLog }): EventSink {
  const line = (text: string): void => {
    process.stdout.write(`${o.redactor.scrub(text)}\n`);
  };
  return (event) => {
    o.log.write(JSON.stringify(event), 'event');
    if (o.json) line(jsonLine(event));
    else if (event.type !== 'run-finished') for (const text of plainLines(event)) line(text);
  };
}
