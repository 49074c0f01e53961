// A secret: first how to supply it, then (unless generated) the value, the
// variable name or the file path. Typed values are masked.
import { Box, Text } from 'ink';
import type { WizardAction } from '../../wizard/reducer.js';
import { SECRET_METHOD_LABELS, secretMethods } from '../../wizard/secret-entry.js';
import type { SecretQuestion } from '../../wizard/question.js';
import type { Draft } from '../../wizard/state.js';
import { ChoiceList } from '../components/ChoiceList.js';
import { TextField } from '../components/TextField.js';
import { usePalette } from '../theme.js';

const PLACEHOLDERS = { type: '', env: 'e.g. ZENML_DB_PASSWORD', file: 'e.g. ./secrets/db-password', generate: '' } as const;

interface Props {
  readonly question: SecretQuestion;
  readonly draft: Draft;
  readonly active: boolean;
  readonly dispatch: (action: WizardAction) => void;
}

export function SecretField({ question, draft, active, dispatch }: Props) {
  const p = usePalette();
  const methods = secretMethods(question);
  const method = methods[draft.cursor ?? 0] ?? 'type';
  if (draft.stage !== 'value') {
    return (
      <ChoiceList
        items={methods.map((m) => SECRET_METHOD_LABELS[m])}
        cursor={draft.cursor ?? 0}
        active={active}
        onMove={(delta) => dispatch({ type: 'move', delta })}
        onChoose={() => dispatch({ type: 'submit' })}
      />
    );
  }
  return (
    <Box flexDirection="column">
      <Text dimColor={p.dim}>{method === 'type' ? 'Type it (hidden):' : method === 'env' ? 'Environment variable name:' : 'File path:'}</Text>
      <TextField
        key={method}
        value={draft.texts?.[method] ?? ''}
        caret={draft.caret}
        placeholder={PLACEHOLDERS[method]}
        mask={method === 'type' ? '*' : undefined}
        active={active}
        onEdit={(ops) => dispatch({ type: 'line', ops })}
        onSubmit={() => dispatch({ type: 'submit' })}
      />
    </Box>
  );
}
