// Reading and answering the wizard in a real terminal (tmux): every decision
// is taken from the captured screen, as a person would take it.
import type { TmuxTerminal } from '../../helpers/tmux.js';

export const lines = (screen: string): string[] => screen.split('\n');
export const header = (screen: string): string => lines(screen).find((l) => l.trim() !== '') ?? '';
export const questionOf = (screen: string): string | undefined => /^\? (.+?)(?: \(optional\))?$/m.exec(screen)?.[1];
/** Ink draws a frame top to bottom: with the key hints (its last line) on screen, the frame is whole. */
export const frameComplete = (screen: string): boolean => (lines(screen).at(-1) ?? '').includes('Ctrl+C leave');
export const errorLine = (screen: string): string | undefined => lines(screen).find((l) => l.startsWith('✖ '));
/** Which screen this is, to notice that an answer moved the wizard on. */
export const screenKey = (screen: string): string => `${header(screen)}\n${questionOf(screen) ?? ''}\n${screen.includes('Type it (hidden):') ? 'typing' : ''}`;

export function choices(screen: string): { cursor: number; labels: string[] } {
  const labels: string[] = [];
  let cursor = -1;
  for (const line of lines(screen)) {
    const m = /^( ❯ | {3})(\S.*?)(?: {2}.*)?$/.exec(line);
    if (!m?.[1] || !m[2]) continue;
    if (m[1] === ' ❯ ') cursor = labels.length;
    labels.push(m[2]);
  }
  return { cursor, labels };
}

/** The text in the input field; empty when it shows a placeholder. */
export function fieldText(screen: string): string | undefined {
  const line = lines(screen).find((l) => l.startsWith('›'));
  if (line === undefined) return undefined;
  const text = line.slice(1).trim();
  return text.startsWith('e.g. ') || text.startsWith('empty: ') ? '' : text;
}

export async function waitForFrame(term: TmuxTerminal, what: string, done: (screen: string) => boolean, timeoutMs?: number): Promise<string> {
  return term.waitFor(what, (s) => frameComplete(s) && done(s), timeoutMs === undefined ? {} : { timeoutMs });
}

/** Moves the cursor to `label`, one key per frame, and presses Enter. */
export async function choose(term: TmuxTerminal, screen: string, label: string): Promise<void> {
  const { labels } = choices(screen);
  let { cursor } = choices(screen);
  const target = labels.indexOf(label);
  if (target === -1) throw new Error(`no choice "${label}" among ${labels.join(', ')}; the screen:\n${screen}`);
  while (cursor !== target) {
    await term.keys(cursor < target ? 'Down' : 'Up');
    const moved = cursor + (cursor < target ? 1 : -1);
    cursor = choices(await waitForFrame(term, `the cursor on "${labels[moved] ?? ''}"`, (s) => choices(s).cursor === moved)).cursor;
  }
  await term.keys('Enter');
}

/** Waits for the shell's `EXIT=<status>` line after the command; returns the status and how long it took from `since`. */
export async function waitForExit(term: TmuxTerminal, since: number, timeoutMs: number): Promise<{ status: number; elapsedMs: number; screen: string }> {
  const screen = await term.waitFor('the installer to exit', (s) => /EXIT=\d+$/m.test(s), { read: 'history', timeoutMs });
  const elapsedMs = Date.now() - since;
  return { status: Number(/EXIT=(\d+)$/m.exec(screen)?.[1]), elapsedMs, screen };
}
