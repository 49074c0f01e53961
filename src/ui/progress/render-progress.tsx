// Entry point: shows a run live from the engine's events until run-finished
// (or the end of the events), then leaves the final frame on screen and
// resolves with the final progress state.
import { render, useApp } from 'ink';
import { useEffect, useSyncExternalStore } from 'react';
import type { EngineEvent, EventSink } from '../../engine/events.js';
import { PaletteContext, colorsEnabled, paletteFor } from '../theme.js';
import { createProgressStore, type ProgressStore } from './progress-store.js';
import { ProgressView } from './ProgressView.js';
import type { ProgressState } from './state.js';
import { useLiveKeys } from './use-live-keys.js';
import { useNow } from './use-now.js';
import { useStderrGuard } from './use-stderr-guard.js';
import { useTerminalSize } from './use-terminal-size.js';

/** Events as an async iterable, or a subscribe function returning its unsubscribe. */
export type ProgressSource = AsyncIterable<EngineEvent> | ((sink: EventSink) => () => void);

export interface RenderProgressOptions {
  readonly stdout?: NodeJS.WriteStream;
  readonly stdin?: NodeJS.ReadStream;
  /** Default: process.stderr. */
  readonly stderr?: NodeJS.WriteStream;
  /** Default: colours unless NO_COLOR is set. */
  readonly color?: boolean;
  /**
   * Ctrl+C typed during the view (the terminal is in raw mode, so it sends no signal).
   * Default: SIGINT to this process group, as the terminal would have sent it.
   */
  readonly onInterrupt?: () => void;
}

const interruptGroup = (): void => {
  process.kill(0, 'SIGINT');
};

function ProgressApp({ store, onInterrupt }: { readonly store: ProgressStore; readonly onInterrupt: () => void }) {
  const { progress, ended } = useSyncExternalStore(store.subscribe, store.snapshot);
  const { exit } = useApp();
  const done = progress.end !== undefined || ended;
  const now = useNow(progress.running.length > 0 && !done ? 100 : 0);
  const size = useTerminalSize();
  useLiveKeys({ onDetails: store.printDetails, onInterrupt });
  useStderrGuard();
  useEffect(() => {
    if (done) exit();
  }, [done, exit]);
  return <ProgressView state={progress} now={now} size={size} />;
}

export async function renderProgress(source: ProgressSource, options: RenderProgressOptions = {}): Promise<ProgressState> {
  const store = createProgressStore();
  const instance = render(
    <PaletteContext.Provider value={paletteFor(options.color ?? colorsEnabled())}>
      <ProgressApp store={store} onInterrupt={options.onInterrupt ?? interruptGroup} />
    </PaletteContext.Provider>,
    {
      ...(options.stdout ? { stdout: options.stdout } : {}),
      ...(options.stdin ? { stdin: options.stdin } : {}),
      ...(options.stderr ? { stderr: options.stderr } : {}),
      patchConsole: false,
      // Ctrl+C stops the install (onInterrupt), not just the view.
      exitOnCtrlC: false,
    },
  );
  let unsubscribe = (): void => {};
  let failure: unknown;
  if (typeof source === 'function') {
    unsubscribe = source(store.dispatch);
  } else {
    void (async () => {
      try {
        for await (const event of source) store.dispatch(event);
      } catch (error) {
        failure = error;
      } finally {
        store.end();
      }
    })();
  }
  await instance.waitUntilExit();
  unsubscribe();
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error('the event source failed', { cause: failure });
  return store.snapshot().progress;
}
