import { expect, test } from 'vitest';
import { applyLineOps, decodeKeys, lineAtEnd, type Line } from '../../src/wizard/line-editor.js';

/** Feeds raw terminal input to the editor, as the text field does. */
function typeInto(line: Line, ...chunks: string[]): { line: Line; submitted: boolean } {
  let current = line;
  for (const chunk of chunks) {
    const { ops, submit } = decodeKeys(chunk);
    current = applyLineOps(current, ops);
    if (submit) return { line: current, submitted: true };
  }
  return { line: current, submitted: false };
}

const text = (line: Line, ...chunks: string[]): string => typeInto(line, ...chunks).line.text;

test('control keys edit like a shell line', () => {
  const start = lineAtEnd('hello world');
  expect(text(start, '\u0001', 'X')).toBe('Xhello world'); // Ctrl+A
  expect(text(start, '\u0001', '\u0005', '!')).toBe('hello world!'); // Ctrl+E
  expect(text(start, '\u0015')).toBe(''); // Ctrl+U
  expect(text(start, '\u001B[D\u001B[D\u001B[D\u001B[D\u001B[D', '\u0015')).toBe('world'); // Ctrl+U keeps what is after the caret
  expect(text(start, '\u001B[D\u001B[D', '\u000B')).toBe('hello wor'); // Ctrl+K
  expect(text(start, '\u0017')).toBe('hello '); // Ctrl+W
  expect(text(lineAtEnd('hello world   '), '\u0017')).toBe('hello ');
  expect(text(start, '\u0002\u0002\u0006', '_')).toBe('hello worl_d'); // Ctrl+B, Ctrl+F
  expect(text(start, '\u001B[H\u001B[3~')).toBe('ello world'); // Home, Delete
  expect(text(start, '\u001BOH\u0004')).toBe('ello world'); // SS3 Home, Ctrl+D
  expect(text(start, '\u001B[1~\u001B[4~', '?')).toBe('hello world?'); // VT220 Home, End
});

test('a chunk holding many keys is applied key by key', () => {
  expect(text(lineAtEnd(''), `${'a'.repeat(50)}${'\u007F'.repeat(35)}`)).toBe('a'.repeat(15));
  expect(text(lineAtEnd('abc'), '\b\b')).toBe('a');
  expect(text(lineAtEnd(''), 'ab\u0015cd')).toBe('cd');
  const pasted = 'tok-'.repeat(200);
  expect(text(lineAtEnd('x'), pasted)).toBe(`x${pasted}`);
});

test('Enter submits; what follows it in the chunk is dropped; other controls and unknown sequences are ignored', () => {
  expect(typeInto(lineAtEnd(''), 'abc\rdef')).toEqual({ line: { text: 'abc', caret: 3 }, submitted: true });
  expect(typeInto(lineAtEnd(''), 'abc\n').submitted).toBe(true);
  expect(text(lineAtEnd('ab'), '\u0003\t\u001B[200~cd\u001B[201~\u001B[15~')).toBe('abcd');
  expect(text(lineAtEnd('ab'), '\u001B')).toBe('ab');
});

test('the caret stays within the line and counts code points', () => {
  expect(typeInto(lineAtEnd('ab'), '\u001B[C\u001B[C').line.caret).toBe(2);
  expect(typeInto(lineAtEnd('ab'), '\u001B[D\u001B[D\u001B[D').line.caret).toBe(0);
  expect(text(lineAtEnd('a😀'), '\u007F')).toBe('a');
  expect(text({ text: 'abc', caret: 99 }, '\u007F')).toBe('ab');
});
