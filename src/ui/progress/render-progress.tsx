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
import { useNow } from './use-now.js';

/** Events as an async iterable, or a subscribe function returning its unsubscribe. */
export type ProgressSource = AsyncIterable<EngineEvent> | ((sink: EventSink) => () => void);

export interface RenderProgressOptions {
  readonly stdout?: NodeJS.WriteStream;
  readonly stdin?: NodeJS.ReadStream;
  /** Default: colours unless NO_COLOR is set. */
  readonly color?: boolean;
}

function ProgressApp({ store }: { readonly store: ProgressStore }) {
  const { progress, ended } = useSyncExternalStore(store.subscribe, store.snapshot);
  const { exit } = useApp();
  const done = progress.end !== undefined || ended;
  const now = useNow(progress.running.length > 0 && !done ? 100 : 0);
  useEffect(() => {
    if (done) exit();
  }, [done, exit]);
  return <ProgressView state={progress} now={now} />;
}

export async function renderProgress(source: ProgressSource, options: RenderProgressOptions = {}): Promise<ProgressState> {
  const store = createProgressStore();
  const instance = render(
    <PaletteContext.Provider value={paletteFor(options.color ?? colorsEnabled())}>
      <ProgressApp store={store} />
    </PaletteContext.Provider>,
    {
      ...(options.stdout ? { stdout: options.stdout } : {}),
      ...(options.stdin ? { stdin: options.stdin } : {}),
      patchConsole: false,
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
