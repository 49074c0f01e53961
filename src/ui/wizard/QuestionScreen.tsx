// One question: where we are, what was answered just before, the question
// with its one-line help, the input, and the schema's message if it is wrong.
import { Box, Text } from 'ink';
import { fieldDescription } from '../../answers/field-help.js';
import type { Question } from '../../wizard/question.js';
import type { WizardAction } from '../../wizard/reducer.js';
import { schemaDescription } from '../../wizard/schema-info.js';
import { draftFor, type WizardState } from '../../wizard/state.js';
import { answeredBefore } from '../../wizard/summary.js';
import { ChoiceList } from '../components/ChoiceList.js';
import { KeyHints } from '../components/KeyHints.js';
import { TextField } from '../components/TextField.js';
import { usePalette } from '../theme.js';
import { SecretField } from './SecretField.js';
import { SectionHeader } from './SectionHeader.js';

interface Props {
  readonly state: WizardState;
  readonly question: Question;
  readonly active: boolean;
  readonly dispatch: (action: WizardAction) => void;
}

const SECRET_HELP = 'Never written into the answers file: pick how the installer gets it.';

/** Placeholders must not look like a prefilled value, even without colour. */
function placeholderText(placeholder: string | undefined, optional: boolean): string | undefined {
  if (optional) return `empty: ${placeholder ?? 'the default'}`;
  return placeholder ? `e.g. ${placeholder}` : undefined;
}

function Field({ state, question: q, active, dispatch }: Props) {
  const draft = draftFor(state, q);
  switch (q.kind) {
    case 'text':
      return (
        <TextField
          key={q.id}
          value={draft.text ?? ''}
          caret={draft.caret}
          placeholder={placeholderText(q.placeholder, q.optional ?? false)}
          active={active}
          onEdit={(ops) => dispatch({ type: 'line', ops })}
          onSubmit={() => dispatch({ type: 'submit' })}
        />
      );
    case 'select':
      return (
        <ChoiceList
          items={q.choices}
          cursor={draft.cursor ?? 0}
          active={active}
          onMove={(delta) => dispatch({ type: 'move', delta })}
          onChoose={() => dispatch({ type: 'submit' })}
        />
      );
    case 'secret':
      return <SecretField key={q.id} question={q} draft={draft} active={active} dispatch={dispatch} />;
  }
}

export function QuestionScreen(props: Props) {
  const { state, question: q } = props;
  const p = usePalette();
  const help = q.help ?? (q.kind === 'secret' ? (schemaDescription(q.path) ?? SECRET_HELP) : fieldDescription(q.path));
  const typing = q.kind === 'text' || (q.kind === 'secret' && draftFor(state, q).stage === 'value');
  return (
    <Box flexDirection="column">
      <SectionHeader scenario={state.data.raw.scenario} section={q.section} group={q.group} />
      {answeredBefore(state.data, q, 4).map((a) => (
        <Text key={a.label} dimColor={p.dim} wrap="truncate-end">{`✔ ${a.label}: ${a.value}`}</Text>
      ))}
      <Box marginTop={1} flexDirection="column">
        <Text bold={p.bold} wrap="truncate-end">{`? ${q.label}${q.kind === 'text' && q.optional ? ' (optional)' : ''}`}</Text>
        {help ? (
          <Box paddingLeft={2}>
            <Text dimColor={p.dim}>{help}</Text>
          </Box>
        ) : null}
      </Box>
      <Field {...props} />
      {state.error
        ? state.error.split('\n').map((line) => (
            <Text key={line} color={p.fail}>{`✖ ${line}`}</Text>
          ))
        : null}
      <Box marginTop={1}>
        <KeyHints hints={[...(typing ? ['Enter continue'] : ['↑↓ choose', 'Enter continue']), 'Esc back', 'Ctrl+C leave']} />
      </Box>
    </Box>
  );
}
