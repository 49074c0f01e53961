// How the run ended: the report on success; on failure or interruption, the
// support bundle and the exact command that resumes.
import { Box, Text } from 'ink';
import { usePalette } from '../theme.js';
import type { RunEnd } from './state.js';

const HEADLINES: Readonly<Record<'install' | 'upgrade', Readonly<Record<RunEnd['outcome'], string>>>> = {
  install: {
    done: '✔ ZenML Pro is installed',
    'up-to-date': '✔ Everything is already installed and up to date',
    failed: '✖ The install stopped',
    blocked: '✖ The install stopped at a check',
    interrupted: '■ The install was interrupted',
    waiting: '‖ The install is paused: it waits for the values above',
  },
  upgrade: {
    done: '✔ ZenML Pro is upgraded',
    'up-to-date': '✔ Every release already runs the versions the answers name',
    failed: '✖ The upgrade stopped',
    blocked: '✖ The upgrade stopped at a check',
    interrupted: '■ The upgrade was interrupted',
    waiting: '‖ The upgrade is paused: it waits for the values above',
  },
};

export function RunEndView({ end, columns }: { readonly end: RunEnd; readonly columns: number }) {
  const p = usePalette();
  const good = end.outcome === 'done' || end.outcome === 'up-to-date';
  return (
    <Box flexDirection="column" marginTop={1} width={columns}>
      <Text color={good ? p.ok : p.fail} bold={p.bold}>{HEADLINES[end.command ?? 'install'][end.outcome]}</Text>
      {end.report.map((line, i) => (
        <Text key={`${i}:${line}`}>{line}</Text>
      ))}
      {end.supportBundle ? <Text>{`Support bundle: ${end.supportBundle}`}</Text> : null}
      {end.resumeCommand ? (
        <Text>
          {end.outcome === 'waiting' ? 'Then continue with: ' : 'Resume with: '}
          <Text color={p.accent} bold={p.bold}>{end.resumeCommand}</Text>
        </Text>
      ) : null}
    </Box>
  );
}
