// Watch streams: newline-delimited JSON events. Supports the classic
// list-then-watch-from-resourceVersion contract (history replay, 410 when too
// old), WatchList (`sendInitialEvents=true`: initial ADDED events, then a
// BOOKMARK annotated `k8s.io/initial-events-end`), periodic bookmarks, and
// selector transitions (an object that stops matching is sent as DELETED).
import { gone } from './errors.js';
import { apiVersionOf, typeKey, type ResourceType } from './registry.js';
import type { Store, StoreEvent } from './store.js';
import type { KubeObject } from './types.js';

export interface WatchSink {
  /** Writes one event line. */
  send(event: { type: string; object: unknown }): void;
  end(): void;
  /** Registers the client-gone handler (use the response's close event, not the request's). */
  onClose(handler: () => void): void;
  /** HTTP/1.1 clients need frequent bookmarks to notice they are done (see the research notes). */
  readonly http1: boolean;
}

export interface WatchSpec {
  type: ResourceType;
  namespace?: string;
  matches: (obj: KubeObject) => boolean;
  resourceVersion?: string;
  sendInitialEvents: boolean;
  allowBookmarks: boolean;
  timeoutSeconds: number;
}

const H2_BOOKMARK_MS = 15_000;
const H1_BOOKMARK_MS = 1_000;

export class Watches {
  private readonly open = new Set<() => void>();

  constructor(private readonly store: Store) {}

  get count(): number {
    return this.open.size;
  }

  start(spec: WatchSpec, sink: WatchSink): void {
    const key = typeKey(spec.type);
    const bookmark = (annotations?: Record<string, string>): void => sink.send({
      type: 'BOOKMARK',
      object: { kind: spec.type.kind, apiVersion: apiVersionOf(spec.type), metadata: { resourceVersion: String(this.store.resourceVersion), ...(annotations ? { annotations } : {}) } },
    });
    const translate = (event: StoreEvent): { type: string; object: KubeObject } | undefined => {
      if (typeKey(event.resource) !== key) return undefined;
      if (spec.namespace !== undefined && event.object.metadata.namespace !== spec.namespace) return undefined;
      const now = event.type !== 'DELETED' && spec.matches(event.object);
      const before = event.previous !== undefined && spec.matches(event.previous);
      if (event.type === 'DELETED') return before ? { type: 'DELETED', object: event.object } : undefined;
      if (now && before) return { type: 'MODIFIED', object: event.object };
      if (now) return { type: 'ADDED', object: event.object };
      if (before) return { type: 'DELETED', object: event.object };
      return undefined;
    };

    let finished = false;
    const timers: { bookmark?: NodeJS.Timeout; timeout?: NodeJS.Timeout } = {};
    const unsubscribe = this.store.subscribe((event) => {
      const out = translate(event);
      if (out) sink.send(out);
    });
    const finish = (): void => {
      if (finished) return;
      finished = true;
      unsubscribe();
      clearTimeout(timers.bookmark);
      clearTimeout(timers.timeout);
      this.open.delete(finish);
      sink.end();
    };
    this.open.add(finish);
    sink.onClose(finish);

    const rv = spec.resourceVersion;
    if (spec.sendInitialEvents || rv === undefined || rv === '' || rv === '0') {
      for (const obj of this.store.list(spec.type, spec.namespace)) {
        if (spec.matches(obj)) sink.send({ type: 'ADDED', object: obj });
      }
      if (spec.sendInitialEvents) bookmark({ 'k8s.io/initial-events-end': 'true' });
    } else {
      const since = Number(rv);
      const changes = Number.isFinite(since) ? this.store.changesSince(since) : undefined;
      if (!changes) {
        sink.send({ type: 'ERROR', object: gone(`too old resource version: ${rv} (${this.store.resourceVersion})`).toStatus() });
        finish();
        return;
      }
      for (const change of changes) {
        const out = translate(change);
        if (out) sink.send(out);
      }
    }

    if (spec.allowBookmarks) {
      const every = sink.http1 ? H1_BOOKMARK_MS : H2_BOOKMARK_MS;
      const tick = (): void => {
        bookmark();
        timers.bookmark = setTimeout(tick, every).unref();
      };
      timers.bookmark = setTimeout(tick, every).unref();
    }
    timers.timeout = setTimeout(finish, spec.timeoutSeconds * 1000).unref();
  }

  closeAll(): void {
    for (const finish of [...this.open]) finish();
  }
}
