// Where a run's events go, chosen in one place. Progress is the output of
// `install`, so it goes to stdout: the live Ink view on a terminal, NDJSON
// with --output json (one event per line, for machines), plain lines
// otherwise (CI logs, pipes). Prompts, warnings and errors go to stderr.
// Every event also goes to the debug log, and everything shown is scrubbed.
import type { DebugLog } from '../engine/debug-log.js';
import type { EngineEvent, EventSink } from '../engine/events.js';
import { jsonLine, plainLines } from '../engine/render-events.js';
import type { Redactor } from '../tools/redact.js';

export interface RunOutput {
  readonly emit: EventSink;
  /** Starts the live view when there is one; what it returns waits until the view has drawn the last event. */
  startView(): Promise<() => Promise<unknown>>;
}

export function runOutput(o: { readonly json: boolean; readonly redactor: Redactor; readonly log: DebugLog }): RunOutput {
  const live = !o.json && Boolean(process.stdout.isTTY);
  const viewers = new Set<(event: EngineEvent) => void>();
  const line = (text: string): void => {
    process.stdout.write(`${text}\n`);
  };
  const emit: EventSink = (event) => {
    o.log.write(JSON.stringify(event), 'event');
    if (o.json) line(o.redactor.scrub(jsonLine(event)));
    else if (live) for (const viewer of viewers) viewer(o.redactor.scrubObject(event));
    else for (const text of plainLines(event)) line(o.redactor.scrub(text));
  };
  return {
    emit,
    async startView() {
      if (!live) return () => Promise.resolve();
      const { renderProgress } = await import('../ui/progress/render-progress.js');
      const drawn = renderProgress((sink) => {
        viewers.add(sink);
        return () => viewers.delete(sink);
      });
      return () => drawn;
    },
  };
}
