// One line of text input after a prompt marker; masked for typed secrets.
import { Box, Text } from 'ink';
import TextInput from 'ink-text-input';
import { usePalette } from '../theme.js';

interface Props {
  readonly value: string;
  readonly placeholder?: string | undefined;
  readonly mask?: string | undefined;
  readonly active: boolean;
  readonly onChange: (value: string) => void;
  readonly onSubmit: () => void;
}

export function TextField({ value, placeholder, mask, active, onChange, onSubmit }: Props) {
  const p = usePalette();
  return (
    <Box>
      <Text color={p.accent}>{'› '}</Text>
      <TextInput value={value} placeholder={placeholder ?? ''} mask={mask} focus={active} onChange={onChange} onSubmit={onSubmit} />
    </Box>
  );
}
