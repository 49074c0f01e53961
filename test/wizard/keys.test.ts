// One chunk of raw terminal input, split into the keys it holds, in order.
import { describe, expect, test } from 'vitest';
import { splitKeys } from '../../src/wizard/keys.js';

describe('splitKeys', () => {
  test('arrows (xterm and VT220), pages, Enter, Esc and Ctrl+C, in the order they came', () => {
    expect(splitKeys('\u001B[B\u001BOB\u001B[A\u001B[5~\u001B[6~\u001B[C\u001B[D\r')).toEqual(['down', 'down', 'up', 'pageUp', 'pageDown', 'right', 'left', 'return']);
    expect(splitKeys('\u001B')).toEqual(['escape']);
    expect(splitKeys('\u0003')).toEqual(['ctrl-c']);
  });

  test('characters stay characters; unknown sequences (F5, paste markers) are dropped, not read as Esc', () => {
    expect(splitKeys('q\u001B[15~y\u001B[200~')).toEqual([{ char: 'q' }, { char: 'y' }]);
  });
});
