// Keys, one at a time and in order, from each raw input chunk (see
// src/wizard/keys.ts): Ink's useInput reads a chunk of several keys as one.
import { splitKeys, type Key } from '../../wizard/keys.js';
import { useRawInput } from './use-raw-input.js';

export function useKeys(handler: (keys: readonly Key[]) => void, active: boolean): void {
  useRawInput((chunk) => handler(splitKeys(chunk)), active);
}
