// `GET …/pods/{name}/log?follow=true`, as the real API server relays the
// kubelet's stream: one text/plain answer without a length (chunked over
// HTTP/1.1) holding the log so far, then each line as the container prints
// it, ending when that container ends (it exits, or its pod is deleted) or
// the client goes away. A container that is not running any more answers
// what it printed and ends at once, as a real one does.

/** Told of each line a running container prints, then of its end. */
export interface LogListener {
  line(text: string): void;
  end(): void;
}

/** What a follow answers: the text so far, and while the container runs, how to hear the rest. */
export interface LogFeed {
  readonly text: string;
  /** Undefined when the container is not running: the answer ends after `text`. Returns the unsubscribe. */
  readonly subscribe?: (listener: LogListener) => () => void;
}

/** The HTTP response, as the server hands it over (see server.ts). */
export interface LogSink {
  write(chunk: string): void;
  end(): void;
  /** Registers the client-gone handler (the response's close event). */
  onClose(handler: () => void): void;
}

/** The open follows, so a closing server (or an outage) can end them all. */
export class LogStreams {
  private readonly open = new Set<() => void>();

  get count(): number {
    return this.open.size;
  }

  start(feed: LogFeed, sink: LogSink): void {
    if (feed.text !== '') sink.write(feed.text);
    if (!feed.subscribe) {
      sink.end();
      return;
    }
    let finished = false;
    const subscription: { cancel?: () => void } = {};
    const finish = (): void => {
      if (finished) return;
      finished = true;
      subscription.cancel?.();
      this.open.delete(finish);
      sink.end();
    };
    this.open.add(finish);
    sink.onClose(finish);
    subscription.cancel = feed.subscribe({
      line: (text) => {
        if (!finished) sink.write(`${text}\n`);
      },
      end: finish,
    });
    if (finished) subscription.cancel();
  }

  closeAll(): void {
    for (const finish of [...this.open]) finish();
  }
}
