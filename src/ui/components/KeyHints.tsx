// The keys that work on the current screen, one dim line at the bottom.
import { Text } from 'ink';
import { usePalette } from '../theme.js';

export function KeyHints({ hints }: { readonly hints: readonly string[] }) {
  const p = usePalette();
  return (
    <Text dimColor={p.dim} wrap="truncate-end">
      {hints.join(' · ')}
    </Text>
  );
}
