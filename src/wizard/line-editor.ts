// A one-line editor with a shell's keys, as pure functions: the raw bytes a
// terminal sends (one chunk may hold many keys when typing fast or pasting)
// become edits, and each edit maps a line to the next. Working on the raw
// chunk, in order, is what keeps fast typing and pasted text whole.

export interface Line {
  readonly text: string;
  /** Position in code points, 0..length. */
  readonly caret: number;
}

export type LineOp =
  | { readonly type: 'insert'; readonly text: string }
  | { readonly type: 'backspace' | 'delete' | 'left' | 'right' | 'home' | 'end' | 'kill-start' | 'kill-end' | 'kill-word' };

export interface DecodedKeys {
  readonly ops: readonly LineOp[];
  /** Enter was pressed (after the ops); input after it is dropped. */
  readonly submit: boolean;
}

type SimpleOp = Exclude<LineOp, { type: 'insert' }>['type'];

const CONTROL_KEYS: Readonly<Record<string, SimpleOp>> = {
  '\u007F': 'backspace',
  '\b': 'backspace',
  '\u0001': 'home', // Ctrl+A
  '\u0005': 'end', // Ctrl+E
  '\u0002': 'left', // Ctrl+B
  '\u0006': 'right', // Ctrl+F
  '\u0004': 'delete', // Ctrl+D
  '\u0015': 'kill-start', // Ctrl+U
  '\u000B': 'kill-end', // Ctrl+K
  '\u0017': 'kill-word', // Ctrl+W
};

/** CSI and SS3 sequences of the editing keys (xterm, VT220 and rxvt variants). */
const ESCAPE_KEYS: Readonly<Record<string, SimpleOp>> = {
  '[D': 'left',
  '[C': 'right',
  '[H': 'home',
  '[F': 'end',
  OD: 'left',
  OC: 'right',
  OH: 'home',
  OF: 'end',
  '[1~': 'home',
  '[7~': 'home',
  '[4~': 'end',
  '[8~': 'end',
  '[3~': 'delete',
};

// ESC, then a CSI (parameters, final byte) or an SS3 key; anything else after ESC is not ours.
const ESCAPE_SEQUENCE = /^\u001B(\[[0-9;]*[@-~]|O[A-Za-z])/;

export function decodeKeys(raw: string): DecodedKeys {
  const ops: LineOp[] = [];
  let typed = '';
  const flush = (): void => {
    if (typed !== '') ops.push({ type: 'insert', text: typed });
    typed = '';
  };
  for (let i = 0; i < raw.length; ) {
    const ch = raw[i] ?? '';
    if (ch === '\r' || ch === '\n') {
      flush();
      return { ops, submit: true };
    }
    if (ch === '\u001B') {
      const sequence = ESCAPE_SEQUENCE.exec(raw.slice(i))?.[1];
      const key = sequence === undefined ? undefined : ESCAPE_KEYS[sequence];
      if (key) {
        flush();
        ops.push({ type: key });
      }
      // Unknown sequences (bracketed-paste markers, F-keys) and a lone Esc are left to others.
      i += 1 + (sequence?.length ?? 0);
      continue;
    }
    const control = CONTROL_KEYS[ch];
    if (control) {
      flush();
      ops.push({ type: control });
    } else if (ch >= ' ') {
      typed += ch;
    }
    i += 1;
  }
  flush();
  return { ops, submit: false };
}

const isSpace = (ch: string | undefined): boolean => ch !== undefined && /\s/.test(ch);

export function applyLineOp(line: Line, op: LineOp): Line {
  const chars = Array.from(line.text);
  const caret = Math.min(Math.max(0, line.caret), chars.length);
  const make = (left: readonly string[], right: readonly string[]): Line => ({ text: [...left, ...right].join(''), caret: left.length });
  const before = chars.slice(0, caret);
  const after = chars.slice(caret);
  switch (op.type) {
    case 'insert':
      return make([...before, ...Array.from(op.text)], after);
    case 'backspace':
      return make(before.slice(0, -1), after);
    case 'delete':
      return make(before, after.slice(1));
    case 'left':
      return { text: line.text, caret: Math.max(0, caret - 1) };
    case 'right':
      return { text: line.text, caret: Math.min(chars.length, caret + 1) };
    case 'home':
      return { text: line.text, caret: 0 };
    case 'end':
      return { text: line.text, caret: chars.length };
    case 'kill-start':
      return make([], after);
    case 'kill-end':
      return make(before, []);
    case 'kill-word': {
      // Like a shell's Ctrl+W: the spaces before the caret, then the word before them.
      let start = caret;
      while (start > 0 && isSpace(chars[start - 1])) start--;
      while (start > 0 && !isSpace(chars[start - 1])) start--;
      return make(before.slice(0, start), after);
    }
  }
}

export function applyLineOps(line: Line, ops: readonly LineOp[]): Line {
  return ops.reduce(applyLineOp, line);
}

/** The caret at the end of `text`. */
export const lineAtEnd = (text: string): Line => ({ text, caret: Array.from(text).length });
