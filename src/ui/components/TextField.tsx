// One line of text input after a prompt marker; masked for typed secrets.
// Keys are decoded from the raw input and handed up as edits (see
// src/wizard/line-editor.ts); the caller's reducer applies them in order, so
// no keystroke is computed from a stale value between renders.
import { Box, Text } from 'ink';
import { decodeKeys, type LineOp } from '../../wizard/line-editor.js';
import { usePalette } from '../theme.js';
import { useRawInput } from './use-raw-input.js';

interface Props {
  readonly value: string;
  /** In code points; the end when undefined. */
  readonly caret?: number | undefined;
  readonly placeholder?: string | undefined;
  readonly mask?: string | undefined;
  readonly active: boolean;
  readonly onEdit: (ops: readonly LineOp[]) => void;
  readonly onSubmit: () => void;
}

export function TextField({ value, caret, placeholder, mask, active, onEdit, onSubmit }: Props) {
  const p = usePalette();
  useRawInput((chunk) => {
    const { ops, submit } = decodeKeys(chunk);
    if (ops.length > 0) onEdit(ops);
    if (submit) onSubmit();
  }, active);
  const chars = Array.from(value).map((c) => (mask ? mask : c));
  const at = Math.min(caret ?? chars.length, chars.length);
  if (chars.length === 0 && placeholder) {
    return (
      <Box>
        <Text color={p.accent}>{'› '}</Text>
        <Text dimColor={p.dim}>
          <Text inverse={active}>{placeholder.slice(0, 1)}</Text>
          {placeholder.slice(1)}
        </Text>
      </Box>
    );
  }
  return (
    <Box>
      <Text color={p.accent}>{'› '}</Text>
      <Text>
        {chars.slice(0, at).join('')}
        <Text inverse={active}>{chars[at] ?? ' '}</Text>
        {chars.slice(at + 1).join('')}
      </Text>
    </Box>
  );
}
