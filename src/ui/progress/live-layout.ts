// The live area (the running steps) as exact terminal lines, sized to the
// terminal. Ink redraws this area by erasing as many lines as it drew last
// time; a frame taller than the terminal scrolls its top out of reach and
// stays on screen twice, so the area never takes more than rows - 1 lines
// (Ink's cursor sits on the last row). Pure: tests give it any size.
import { clockTime, formatDuration, type ProgressState, type RunningStep } from './state.js';

export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

export type LiveLine =
  | { readonly kind: 'title'; readonly frame: string; readonly title: string; readonly suffix: string }
  | { readonly kind: 'command' | 'warning' | 'retry' | 'tail' | 'hint'; readonly text: string }
  | { readonly kind: 'resource'; readonly text: string; readonly ready: boolean };

export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
export const DETAILS_KEY = 'd';
const DETAILS_HINT = `press ${DETAILS_KEY} to print the running steps in full (whole command, warnings, output)`;
/** Body lines are indented under the title. */
const INDENT = 2;

const width = (text: string): number => [...text].length;

function cut(text: string, columns: number): string {
  const chars = [...text];
  if (chars.length <= columns) return text;
  return columns <= 0 ? '' : `${chars.slice(0, columns - 1).join('')}…`;
}

/** Word-wraps `text` to `columns`, continuation lines indented by `hang`; words longer than a line are split. */
export function wrap(text: string, columns: number, hang = 0): string[] {
  const lines: string[] = [];
  let line = '';
  const room = (): number => columns - (lines.length > 0 ? hang : 0);
  const push = (): void => {
    lines.push(`${lines.length > 0 ? ' '.repeat(hang) : ''}${line}`);
    line = '';
  };
  for (const word of text.split(' ')) {
    let rest = word;
    if (line !== '' && width(line) + 1 + width(rest) > room()) push();
    else if (line !== '') line += ' ';
    while (width(line) + width(rest) > room() && room() > 0) {
      const take = room() - width(line);
      line += [...rest].slice(0, take).join('');
      rest = [...rest].slice(take).join('');
      push();
    }
    line += rest;
  }
  if (line !== '' || lines.length === 0) push();
  return lines;
}

interface StepParts {
  /** Some text did not fit its line. */
  readonly clipped: boolean;
  readonly title: LiveLine;
  readonly retry: LiveLine[];
  command: LiveLine[];
  resources: LiveLine[];
  warnings: LiveLine[];
  tail: LiveLine[];
}

type Trimmable = 'tail' | 'warnings' | 'resources' | 'command';

function partsOf(step: RunningStep, totalSteps: number, now: number, columns: number, tailLines: number): StepParts {
  const body = Math.max(1, columns - INDENT);
  const counter = totalSteps > 0 ? `[${step.position}/${totalSteps}] ` : '';
  // In a very narrow terminal even the times give way, to the spinner and a little of the title.
  const suffix = cut(`  ${formatDuration(now - Date.parse(step.startedAt))}${step.deadline ? ` · deadline ${clockTime(step.deadline)}` : ''}`, columns - 5);
  const frame = SPINNER[Math.floor(now / 100) % SPINNER.length] ?? '-';
  const retryIn = step.retry ? Math.max(0, Date.parse(step.retry.at) + step.retry.delayMs - now) : 0;
  let clipped = false;
  const fit = (text: string, room: number): string => {
    clipped ||= width(text) > room;
    return cut(text, room);
  };
  const line = (kind: 'warning' | 'retry' | 'tail', text: string): LiveLine => ({ kind, text: fit(text, body) });
  // The title gives way first: elapsed time and deadline always fit.
  const title: LiveLine = { kind: 'title', frame, title: fit(`${counter}${step.title}`, Math.max(1, columns - 2 - width(suffix))), suffix };
  const retry = step.retry ? [line('retry', `↻ attempt ${step.retry.attempt} in ${formatDuration(retryIn)}: ${step.retry.reason}`)] : [];
  // A command wraps instead of being cut: it is what the person may want to run by hand.
  const command: LiveLine[] = step.command ? wrap(`$ ${step.command}`, body, 2).map((text) => ({ kind: 'command', text })) : [];
  // The status text already names the deployment ("zenml-pro 1/2 ready").
  const resources: LiveLine[] = step.resources.map((r) => ({ kind: 'resource', text: fit(`${r.ready ? '✔' : '◌'} ${r.text}`, body), ready: r.ready }));
  const warnings = step.warnings.map((w) => line('warning', `⚠ ${w}`));
  const tail = step.tail.slice(-tailLines).map((l) => line('tail', `│ ${l}`));
  return { clipped, title, retry, command, resources, warnings, tail };
}

const linesOf = (p: StepParts): LiveLine[] => [p.title, ...p.retry, ...p.command, ...p.resources, ...p.warnings, ...p.tail];

/**
 * The running steps' lines, at most `rows - 1`. The output tail gets a third
 * of the terminal (shared by parallel steps); when even that is too much,
 * the tail goes first, then warnings, readiness, and last the command's
 * wrapped lines, and a hint tells how to print everything in full.
 */
export function liveLines(state: ProgressState, size: TerminalSize, now: number): LiveLine[] {
  const { columns, rows } = size;
  if (state.running.length === 0) return [];
  const tailLines = Math.max(1, Math.floor(Math.max(3, Math.floor(rows / 3)) / state.running.length));
  const steps = state.running.map((s) => partsOf(s, state.totalSteps, now, columns, tailLines));
  let cutSomething = steps.some((p) => p.clipped);
  const budget = Math.max(1, rows - 1);
  const total = (): number => steps.reduce((n, p) => n + linesOf(p).length, 0) + (cutSomething ? 1 : 0);
  const order: Trimmable[] = ['tail', 'warnings', 'resources', 'command'];
  for (const part of order) {
    while (total() > budget) {
      const keep = part === 'command' ? 1 : 0;
      const fullest = steps.filter((p) => p[part].length > keep).sort((a, b) => b[part].length - a[part].length)[0];
      if (!fullest) break;
      // The oldest output and warnings go first; readiness and the command lose their ends.
      fullest[part] = part === 'tail' || part === 'warnings' ? fullest[part].slice(1) : fullest[part].slice(0, -1);
      cutSomething = true;
      if (part === 'command') {
        const last = fullest.command.at(-1);
        if (last?.kind === 'command') fullest.command = [...fullest.command.slice(0, -1), { kind: 'command', text: cut(`${last.text} …`, columns - INDENT) }];
      }
    }
  }
  const lines = [...steps.flatMap(linesOf), ...(cutSomething ? [{ kind: 'hint', text: cut(DETAILS_HINT, columns) } as const] : [])];
  return lines.slice(0, budget);
}
