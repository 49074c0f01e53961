// Where the user is: `3/8 Registry & images`, and which workspace.
import { Box, Text } from 'ink';
import { sectionPosition, type SectionId } from '../../wizard/sections.js';
import { usePalette } from '../theme.js';

interface Props {
  readonly scenario: unknown;
  readonly section: SectionId;
  readonly group?: string | undefined;
}

export function SectionHeader({ scenario, section, group }: Props) {
  const p = usePalette();
  const { index, total, title } = sectionPosition(scenario, section);
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text wrap="truncate-end">
        <Text color={p.accent} bold={p.bold}>{`${index}/${total} ${title}`}</Text>
        {group ? <Text>{`  ${group}`}</Text> : null}
        <Text dimColor={p.dim}>{'  · ZenML Pro installer'}</Text>
      </Text>
    </Box>
  );
}
