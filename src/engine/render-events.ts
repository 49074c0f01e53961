// Event renderers that need no terminal: plain timestamped lines (CI, pipes)
// and NDJSON (--output json). The Ink view lives in src/ui.
import type { EngineEvent } from './events.js';
import type { RunOutcome } from './states.js';

const clock = (iso: string): string => iso.slice(11, 19);

/** One or more plain lines for an event, or none (output lines go to the debug log only). */
const OUTCOME_LINES: Readonly<Record<'install' | 'upgrade', Readonly<Record<RunOutcome, string>>>> = {
  install: {
    'up-to-date': 'up to date: the cluster already matches the answers; nothing was changed',
    done: 'install finished',
    interrupted: 'interrupted',
    waiting: 'paused: waiting for enrollment values (see above); everything that does not need them is in place',
    failed: 'install failed',
    blocked: 'install stopped at a check',
  },
  upgrade: {
    'up-to-date': 'up to date: every release already runs what the answers name; nothing was changed',
    done: 'upgrade finished',
    interrupted: 'interrupted',
    waiting: 'paused: waiting for enrollment values (see above)',
    failed: 'upgrade failed',
    blocked: 'upgrade stopped at a check',
  },
};

export function plainLines(e: EngineEvent): string[] {
  switch (e.type) {
    case 'run-started':
      return [
        `${clock(e.at)} target: context ${e.context}, API server ${e.server}`,
        `${clock(e.at)} namespaces: ${e.namespaces.join(', ')}`,
        `${clock(e.at)} ${e.resumed ? 'resuming' : 'starting'}: ${e.steps} steps`,
      ];
    case 'step-started':
      return [`${clock(e.at)} ▶ ${e.title}${e.deadline ? ` (deadline ${clock(e.deadline)})` : ''}`];
    case 'step-skipped':
      return [`${clock(e.at)} ↷ ${e.title}: ${e.reason}`];
    case 'step-done':
      return [`${clock(e.at)} ✔ ${e.title} (${(e.durationMs / 1000).toFixed(1)}s)`];
    case 'step-failed':
      return [
        `${clock(e.at)} ✖ ${e.title}`,
        ...e.message.split('\n').map((l) => `    ${l}`),
        ...e.diagnoses.flatMap((d) => [`    diagnosis: ${d.summary} (${d.resource})`, ...d.details.map((l) => `      ${l}`)]),
        ...(e.next.length > 0 ? ['    what to do next:', ...e.next.map((l) => `      - ${l}`)] : []),
      ];
    case 'step-waiting':
      return [`${clock(e.at)} ⏸ ${e.title}`, ...e.instructions.map((l) => `    ${l}`)];
    case 'resource-status':
      return e.resources.length > 0 ? [`${clock(e.at)}   ${e.resources.map((r) => r.text).join(' | ')}`] : [];
    case 'warning-event':
      return [`${clock(e.at)}   warning: ${e.line}`];
    case 'notice':
      return [`${clock(e.at)}   ${e.message}`];
    case 'retry':
      return [`${clock(e.at)}   retrying after a transient error (${e.reason}), attempt ${e.attempt + 1} in ${(e.delayMs / 1000).toFixed(1)}s`];
    case 'run-finished': {
      const head = OUTCOME_LINES[e.command ?? 'install'][e.outcome];
      return [
        `${clock(e.at)} ${head}`,
        ...(e.report ?? []).map((l) => `  ${l}`),
        ...(e.supportBundle ? [`  support bundle: ${e.supportBundle}`] : []),
        ...(e.resumeCommand ? [`  ${e.outcome === 'waiting' ? 'then continue with' : 'resume with'}: ${e.resumeCommand}`] : []),
      ];
    }
    case 'command':
    case 'output-line':
      return [];
  }
}

export function jsonLine(e: EngineEvent): string {
  return JSON.stringify(e);
}
