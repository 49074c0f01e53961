// The last section: what will be installed, section by section, the plan and
// the rendered values from the caller's preview, and what to do next. Install
// is never the highlighted item and asks for y with the target named: a stray
// Enter cannot start changing a cluster.
import { Box, Text, useInput } from 'ink';
import { useMemo, useState } from 'react';
import { validateAnswers, type Problem } from '../../answers/load.js';
import { finalAnswers, workingAnswers } from '../../wizard/answers-out.js';
import { getAt, scalarText } from '../../wizard/path.js';
import type { PreviewFn } from '../../wizard/result.js';
import { SECTION_TITLES, sectionsFor, type SectionId } from '../../wizard/sections.js';
import type { WizardState } from '../../wizard/state.js';
import { reviewSummary, sectionOfProblem } from '../../wizard/summary.js';
import { ChoiceList } from '../components/ChoiceList.js';
import { KeyHints } from '../components/KeyHints.js';
import { ScrollView } from '../components/ScrollView.js';
import { usePalette } from '../theme.js';
import { SectionHeader } from './SectionHeader.js';
import { maskTyped, usePreview } from './use-preview.js';

type View = 'menu' | 'sections' | 'confirm' | 'summary' | 'plan' | 'values';
type MenuItem = { id: 'install' | 'edit' | 'summary' | 'plan' | 'values' | 'save'; label: string; hint?: string };

interface Props {
  readonly state: WizardState;
  readonly preview: PreviewFn;
  readonly active: boolean;
  readonly onFinish: (action: 'install' | 'save') => void;
  readonly onEditSection: (section: SectionId) => void;
  readonly onBack: () => void;
  /** The API server of each kube context, to name the target before installing. */
  readonly contextServers?: Readonly<Record<string, string>> | undefined;
}

export function ReviewScreen({ state, preview, active, onFinish, onEditSection, onBack, contextServers }: Props) {
  const p = usePalette();
  const [view, setView] = useState<View>('menu');
  const [cursor, setCursor] = useState(0);
  const [sectionCursor, setSectionCursor] = useState(0);
  const { raw, typedSecrets } = useMemo(() => finalAnswers(state.data), [state.data]);
  const validation = useMemo(() => validateAnswers(workingAnswers(state.data)), [state.data]);
  const summary = useMemo(() => reviewSummary(state.data), [state.data]);
  const previewState = usePreview(preview, raw, typedSecrets);
  const sections = sectionsFor(state.data.raw.scenario).filter((s) => s !== 'review');

  const previewed = previewState.status === 'done' && previewState.result.ok ? previewState.result : undefined;
  const problems: Problem[] = [
    ...(validation.ok ? [] : validation.problems),
    ...(previewState.status === 'done' && !previewState.result.ok ? previewState.result.problems : []),
  ];
  const items: MenuItem[] = [
    ...(previewed ? [{ id: 'plan' as const, label: 'Show the plan', hint: `${previewed.planLines.length} lines` }, { id: 'values' as const, label: 'Show the rendered values', hint: `${previewed.values.length} files, secrets masked` }] : []),
    { id: 'summary', label: 'Show every answer' },
    { id: 'edit', label: 'Edit a section' },
    ...(previewed && problems.length === 0 ? [{ id: 'install' as const, label: 'Install', hint: 'asks before changing the cluster' }] : []),
    { id: 'save', label: 'Save the answers and quit', hint: 'install later with --answers' },
  ];
  const context = scalarText(getAt(state.data.raw, ['cluster', 'context'])) ?? state.data.currentContext;
  const server = context === undefined ? undefined : contextServers?.[context];
  const menuCursor = Math.min(cursor, items.length - 1);

  useInput(
    (input, key) => {
      if (view === 'confirm') {
        if (input === 'y' || input === 'Y') onFinish('install');
        else if (input === 'n' || input === 'N' || key.escape || key.return) setView('menu');
      } else if (key.escape) {
        if (view === 'sections') setView('menu');
        else onBack();
      }
    },
    { isActive: active && (view === 'menu' || view === 'sections' || view === 'confirm') },
  );

  const choose = (index: number): void => {
    const item = items[index];
    if (!item) return;
    if (item.id === 'save') onFinish('save');
    else if (item.id === 'install') setView('confirm');
    else if (item.id === 'edit') setView('sections');
    else setView(item.id);
  };

  if (view === 'summary' || view === 'plan' || view === 'values') {
    const lines =
      view === 'summary'
        ? summary.flatMap((s) => [s.title, ...s.groups.flatMap((g) => [...(g.group ? [`  ${g.group}`] : []), ...g.items.map((item) => `${g.group ? '    ' : '  '}${item}`)])])
        : view === 'plan'
          ? (previewed?.planLines ?? []).map((l) => maskTyped(l, typedSecrets))
          : (previewed?.values ?? []).flatMap((v) => [`── ${v.file}`, ...maskTyped(v.text, typedSecrets).split('\n')]);
    const title = view === 'summary' ? 'Every answer' : view === 'plan' ? 'The plan' : 'Rendered values';
    return <ScrollView title={title} lines={lines} active={active} onClose={() => setView('menu')} />;
  }

  return (
    <Box flexDirection="column">
      <SectionHeader scenario={state.data.raw.scenario} section="review" />
      {summary.map((s) => (
        <Text key={s.section} wrap="truncate-end">
          <Text bold={p.bold}>{s.title.padEnd(24)}</Text>
          {s.lines.join(' │ ') || '—'}
        </Text>
      ))}
      <Box marginTop={1} flexDirection="column">
        {previewState.status === 'loading' ? <Text dimColor={p.dim}>Planning and rendering the values…</Text> : null}
        {previewState.status === 'error' ? <Text color={p.fail}>{`✖ The preview failed: ${previewState.message}`}</Text> : null}
        {problems.slice(0, 5).map((pr) => {
          const section = sectionOfProblem(state.data, pr.path);
          return <Text key={`${pr.path}:${pr.message}`} color={p.fail}>{`✖ ${pr.path}: ${pr.message}${section ? ` (edit ${SECTION_TITLES[section]})` : ''}`}</Text>;
        })}
        {problems.length > 5 ? <Text color={p.fail}>{`  and ${problems.length - 5} more`}</Text> : null}
        {previewed && problems.length === 0 ? <Text color={p.ok}>{'✔ Ready: the answers are valid, the plan is made and the values are rendered'}</Text> : null}
      </Box>
      <Box marginTop={1} flexDirection="column">
        {view === 'confirm' ? (
          <Box flexDirection="column" borderStyle="round" borderColor={p.warn} paddingX={1}>
            <Text bold={p.bold}>{`Install ZenML Pro into context ${context ?? '(the current context)'}${server ? ` (${server})` : ''}?`}</Text>
            <Text>{'This creates the namespaces and helm releases of the plan in that cluster.'}</Text>
            <Text>
              <Text color={p.accent}>y</Text>
              {' install now · '}
              <Text color={p.accent}>n</Text>
              {', Esc or Enter: not now'}
            </Text>
          </Box>
        ) : view === 'sections' ? (
          <ChoiceList
            items={sections.map((s) => ({ label: SECTION_TITLES[s] }))}
            cursor={sectionCursor}
            active={active}
            onMove={(d) => setSectionCursor((c) => Math.min(sections.length - 1, Math.max(0, c + d)))}
            onChoose={(index) => {
              const section = sections[index];
              if (section) onEditSection(section);
            }}
          />
        ) : (
          <ChoiceList items={items} cursor={menuCursor} active={active} onMove={(d) => setCursor((c) => Math.min(items.length - 1, Math.max(0, Math.min(c, items.length - 1) + d)))} onChoose={choose} />
        )}
      </Box>
      <Box marginTop={1}>
        <KeyHints hints={view === 'confirm' ? ['y install', 'n not now', 'Ctrl+C leave'] : ['↑↓ choose', 'Enter select', view === 'sections' ? 'Esc menu' : 'Esc back to the questions', 'Ctrl+C leave']} />
      </Box>
    </Box>
  );
}
