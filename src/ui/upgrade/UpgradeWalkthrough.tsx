// The upgrade walkthrough on a terminal: draws the state of
// src/wizard/upgrade-walkthrough.ts and hands it the keys. The keys are
// decoded from the raw input, so several keys in one chunk (fast typing) are
// applied in order, exactly as if typed one at a time.
import { Box, Text, useApp } from 'ink';
import { useEffect, useReducer } from 'react';
import { pathText, type DiscoveredRelease, type UpgradePreview } from '../../plan/upgrade-preview.js';
import { choicesOf, diffViews, diffWindow, initWalkthrough, walkIntents, walkReducer, type WalkScreen, type WalkState, type WalkthroughDecision } from '../../wizard/upgrade-walkthrough.js';
import { ChoiceList } from '../components/ChoiceList.js';
import { KeyHints } from '../components/KeyHints.js';
import { useRawInput } from '../components/use-raw-input.js';
import { useTerminalSize } from '../progress/use-terminal-size.js';
import { usePalette } from '../theme.js';

interface Props {
  readonly preview: UpgradePreview;
  readonly dumpTool?: string | undefined;
  readonly onDone: (decision: WalkthroughDecision) => void;
}

/** Rows the diffs screen needs besides the diff: heading, its sentence, the window line, the key hints, one spare. */
const DIFF_CHROME_ROWS = 6;

const TITLES: Readonly<Record<WalkScreen, string>> = {
  overview: 'What runs and what changes',
  diffs: 'Values diffs',
  unverified: 'Versions the installer cannot verify',
  backup: 'Database backups',
  confirm: 'Upgrade now?',
};

function keyHints(state: WalkState): string[] {
  if (state.screen === 'diffs') return [...(diffViews(state.preview) > 1 ? ['←→ release/all'] : []), '↑↓ PgUp PgDn scroll', 'Enter continue', 'Esc back', 'q cancel'];
  // The overview has no screen before it: Esc leaves, as q does, and nothing has changed.
  return ['↑↓ choose', 'Enter select', ...(state.screen === 'overview' ? ['Esc, q or Ctrl+C cancel'] : ['Esc back', 'q or Ctrl+C cancel'])];
}

function Heading({ state }: { readonly state: WalkState }) {
  const p = usePalette();
  return (
    <Text wrap="truncate-end">
      <Text color={p.accent} bold={p.bold}>{`${state.screens.indexOf(state.screen) + 1}/${state.screens.length} ${TITLES[state.screen]}`}</Text>
      <Text dimColor={p.dim}>{`  · upgrade in context ${state.preview.context}`}</Text>
    </Text>
  );
}

/** Indented text that keeps its indent when it wraps. */
function Indented({ by, color, bold, dim, children }: { readonly by: number; readonly color?: string | undefined; readonly bold?: boolean; readonly dim?: boolean; readonly children: string }) {
  return (
    <Box paddingLeft={by}>
      <Text color={color} bold={bold} dimColor={dim}>
        {children}
      </Text>
    </Box>
  );
}

function releaseTable(releases: readonly DiscoveredRelease[]): string[] {
  const rows = [
    ['RELEASE', 'CHART', 'RUNNING', 'REVISION', 'STATUS'],
    ...releases.map((r) => [`${r.namespace}/${r.release}`, r.chart, r.version ?? 'not installed', r.revision === undefined ? '—' : String(r.revision), r.status ?? '—']),
  ];
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
}

function Overview({ state }: { readonly state: WalkState }) {
  const p = usePalette();
  const { context, server, discovered, changes, unverified } = state.preview;
  const [header, ...rows] = releaseTable(discovered);
  return (
    <Box flexDirection="column">
      <Text>{`Kube context ${context}, API server ${server}.`}</Text>
      <Text>Nothing has been changed yet. This is what runs now and what the upgrade would do.</Text>
      <Box marginTop={1} flexDirection="column">
        <Text bold={p.bold} wrap="truncate-end">{`  ${header ?? ''}`}</Text>
        {rows.map((row) => (
          <Text key={row} wrap="truncate-end">{`  ${row}`}</Text>
        ))}
      </Box>
      <Box marginTop={1} flexDirection="column">
        {changes.length === 0 ? <Text>Every release already runs the version the answers name.</Text> : <Text bold={p.bold}>Changes, in the order they run:</Text>}
        {changes.map((c) => (
          <Box key={`${c.namespace}/${c.release}`} flexDirection="column">
            <Indented by={2}>{`${c.namespace}/${c.release}: ${pathText(c)} (revision ${c.revision}; the chart's database migration job runs first${c.hops.length > 1 ? ', at each stop' : ''})`}</Indented>
            {c.kept.length > 0 ? <Indented by={4} dim={p.dim}>{`kept, set by hand on the running release: ${c.kept.join(', ')}`}</Indented> : null}
          </Box>
        ))}
      </Box>
      {unverified.length > 0 ? (
        <Box marginTop={1} flexDirection="column">
          {unverified.map((u) => (
            <Text key={u} color={p.warn}>{`⚠ ${u}`}</Text>
          ))}
        </Box>
      ) : null}
    </Box>
  );
}

function DiffLine({ line }: { readonly line: string }) {
  const p = usePalette();
  if (line.startsWith('── ')) return <Text bold={p.bold} wrap="truncate-end">{line}</Text>;
  const color = line.startsWith('+') ? p.ok : line.startsWith('-') ? p.fail : line.startsWith('@@') ? p.accent : undefined;
  return (
    <Text color={color} wrap="truncate-end">
      {line === '' ? ' ' : line}
    </Text>
  );
}

function Diffs({ state }: { readonly state: WalkState }) {
  const p = usePalette();
  const { changes } = state.preview;
  const one = changes[state.diff];
  const { lines, first, total } = diffWindow(state);
  const which = one ? `${one.namespace}/${one.release}` : 'all releases';
  const of = diffViews(state.preview) > 1 ? ` (${state.diff + 1} of ${diffViews(state.preview)})` : '';
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">Running values → new values, secrets masked. Nothing has been changed yet.</Text>
      <Text bold={p.bold} wrap="truncate-end">{`${which}${of}  lines ${total === 0 ? 0 : first + 1}–${first + lines.length} of ${total}`}</Text>
      {lines.map((line, i) => (
        <DiffLine key={first + i} line={line} />
      ))}
    </Box>
  );
}

function Unverified({ state }: { readonly state: WalkState }) {
  const p = usePalette();
  return (
    <Box flexDirection="column">
      <Text>The compatibility table cannot vouch for these versions together:</Text>
      {state.preview.unverified.map((u) => (
        <Indented key={u} by={2} color={p.warn}>{`⚠ ${u}`}</Indented>
      ))}
      <Text>Read the release notes of both versions before going on.</Text>
    </Box>
  );
}

function Backup({ state }: { readonly state: WalkState }) {
  const p = usePalette();
  return (
    <Box flexDirection="column">
      <Text>Each upgrade migrates its database, and a chart rollback does not undo a migration. Back these up first:</Text>
      {state.preview.databases.map((d) => (
        <Box key={`${d.component}:${d.name}`} flexDirection="column">
          <Indented by={2} bold={p.bold}>{`${d.name}  (${d.component})`}</Indented>
          <Indented by={4} dim={p.dim}>{d.command}</Indented>
        </Box>
      ))}
    </Box>
  );
}

function Confirm({ state }: { readonly state: WalkState }) {
  const { context, server, changes, backupFolder } = state.preview;
  const backup =
    state.backup === 'dump'
      ? `The installer dumps the databases with ${state.dumpTool ?? ''} into ${backupFolder} first.`
      : state.backup === 'backed-up'
        ? 'You said the databases are backed up.'
        : undefined;
  return (
    <Box flexDirection="column">
      <Text>{changes.length > 0 ? `Upgrade in context ${context} at ${server}, in this order:` : `In context ${context} at ${server}, every release already runs the version the answers name.`}</Text>
      {changes.map((c, i) => (
        <Indented key={`${c.namespace}/${c.release}`} by={2}>{`${i + 1}. ${c.namespace}/${c.release}: ${pathText(c)}`}</Indented>
      ))}
      {state.acceptUnverified ? <Text>You chose to go on with versions the installer cannot verify.</Text> : null}
      {backup ? <Text>{backup}</Text> : null}
      <Text>{`Before each release changes, its values, manifest and kept secrets are exported to ${backupFolder}; a release that fails is rolled back by helm (its database migration is not).`}</Text>
    </Box>
  );
}

function Ended({ decision, state }: { readonly decision: WalkthroughDecision; readonly state: WalkState }) {
  const p = usePalette();
  if (decision.action === 'cancel') return <Text color={p.warn}>✖ Upgrade cancelled: nothing was changed.</Text>;
  return <Text color={p.ok}>{`✔ Upgrading in context ${state.preview.context}: ${state.preview.changes.length} release${state.preview.changes.length === 1 ? '' : 's'}.`}</Text>;
}

export function UpgradeWalkthrough({ preview, dumpTool, onDone }: Props) {
  const { rows } = useTerminalSize();
  const height = Math.max(3, rows - DIFF_CHROME_ROWS);
  const [state, dispatch] = useReducer(walkReducer, undefined, () => initWalkthrough(preview, { dumpTool, height }));
  const { exit } = useApp();
  const { decision } = state;

  useEffect(() => dispatch({ type: 'resize', height }), [height]);
  useRawInput((chunk) => {
    for (const intent of walkIntents(chunk)) dispatch(intent);
  }, decision === undefined);
  useEffect(() => {
    if (!decision) return;
    onDone(decision);
    exit();
  }, [decision, onDone, exit]);

  if (decision) return <Ended decision={decision} state={state} />;
  const screen = state.screen;
  const choices = choicesOf(state);
  return (
    <Box flexDirection="column">
      <Heading state={state} />
      {screen === 'overview' ? <Overview state={state} /> : null}
      {screen === 'diffs' ? <Diffs state={state} /> : null}
      {screen === 'unverified' ? <Unverified state={state} /> : null}
      {screen === 'backup' ? <Backup state={state} /> : null}
      {screen === 'confirm' ? <Confirm state={state} /> : null}
      {choices.length > 0 ? (
        <Box marginTop={1}>
          {/* Inactive: the keys come through walkIntents, not the list's own handler. */}
          <ChoiceList items={choices} cursor={state.cursor} active={false} onMove={() => undefined} onChoose={() => undefined} />
        </Box>
      ) : null}
      <KeyHints hints={keyHints(state)} />
    </Box>
  );
}
