// Raw terminal input as the keys it holds, in order. Fast typing and tmux send
// several keys in one chunk ("↓↓↓⏎" arrives as one string); reading a chunk as
// one key moves a menu once and chooses the wrong item. Pure.

export type NavKey = 'up' | 'down' | 'left' | 'right' | 'pageUp' | 'pageDown' | 'return' | 'escape' | 'ctrl-c';

export type Key = NavKey | { readonly char: string };

/** CSI and SS3 sequences of the keys menus know (xterm and VT220 variants). */
const SEQUENCES: Readonly<Record<string, NavKey>> = {
  '[A': 'up',
  OA: 'up',
  '[B': 'down',
  OB: 'down',
  '[D': 'left',
  OD: 'left',
  '[C': 'right',
  OC: 'right',
  '[5~': 'pageUp',
  '[6~': 'pageDown',
};

const ESCAPE_SEQUENCE = /^\u001B(\[[0-9;]*[@-~]|O[A-Za-z])/;

/** The keys in one chunk; unknown sequences (F-keys, paste markers) are dropped, a lone Esc is `escape`. */
export function splitKeys(chunk: string): Key[] {
  const keys: Key[] = [];
  for (let i = 0; i < chunk.length; ) {
    const ch = chunk[i] ?? '';
    if (ch === '\u001B') {
      const sequence = ESCAPE_SEQUENCE.exec(chunk.slice(i))?.[1];
      if (sequence === undefined) keys.push('escape');
      else {
        const key = SEQUENCES[sequence];
        if (key) keys.push(key);
      }
      i += 1 + (sequence?.length ?? 0);
      continue;
    }
    if (ch === '\r' || ch === '\n') keys.push('return');
    else if (ch === '\u0003') keys.push('ctrl-c');
    else if (ch >= ' ') keys.push({ char: ch });
    i += 1;
  }
  return keys;
}
