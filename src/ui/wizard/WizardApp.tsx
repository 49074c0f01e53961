// The wizard: routes the reducer's screen to its view and owns the keys that
// work everywhere (Esc back, Ctrl+C leave). Logic lives in src/wizard.
import { Box, useApp, useInput } from 'ink';
import { useEffect, useReducer } from 'react';
import { wizardReducer } from '../../wizard/reducer.js';
import { wizardResult, type PreviewFn, type WizardResult } from '../../wizard/result.js';
import { currentQuestion, type WizardState } from '../../wizard/state.js';
import { LeavePrompt } from './LeavePrompt.js';
import { QuestionScreen } from './QuestionScreen.js';
import { ReviewScreen } from './ReviewScreen.js';

interface Props {
  readonly initial: WizardState;
  readonly preview: PreviewFn;
  readonly onDone: (result: WizardResult) => void;
  /** Sees every state, so an interrupted wizard can still hand back what was answered. */
  readonly onState?: (state: WizardState) => void;
  /** The API server of each kube context, named before an install starts. */
  readonly contextServers?: Readonly<Record<string, string>> | undefined;
}

export function WizardApp({ initial, preview, onDone, onState, contextServers }: Props) {
  const [state, dispatch] = useReducer(wizardReducer, initial);
  const { exit } = useApp();
  const screen = state.screen;

  useInput((input, key) => {
    if (key.ctrl && input === 'c') dispatch({ type: 'interrupt' });
    else if (state.leaving) {
      if (input === 'y' || input === 'Y') dispatch({ type: 'leave', confirm: true });
      else if (input === 'n' || input === 'N' || key.escape || key.return) dispatch({ type: 'leave', confirm: false });
    } else if (key.escape && screen.kind === 'question') dispatch({ type: 'back' });
  });

  useEffect(() => {
    onState?.(state);
    if (state.screen.kind === 'done') {
      onDone(wizardResult(state, state.screen.action));
      exit();
    }
  }, [state, onDone, onState, exit]);

  const active = !state.leaving;
  const question = currentQuestion(state);
  return (
    <Box flexDirection="column">
      {screen.kind === 'question' && question ? <QuestionScreen state={state} question={question} active={active} dispatch={dispatch} /> : null}
      {screen.kind === 'review' ? (
        <ReviewScreen
          state={state}
          preview={preview}
          active={active}
          onFinish={(action) => dispatch({ type: 'finish', action })}
          onEditSection={(section) => dispatch({ type: 'edit-section', section })}
          onBack={() => dispatch({ type: 'back' })}
          contextServers={contextServers}
        />
      ) : null}
      {state.leaving ? <LeavePrompt /> : null}
    </Box>
  );
}
