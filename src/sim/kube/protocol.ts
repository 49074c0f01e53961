// The request and reply shapes shared by the router, the resource handlers and
// the HTTP server, so that only server.ts deals with node:http2.
import type { LogFeed } from './log-follow.js';
import type { WatchSpec } from './watch.js';

export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly accept: string;
  readonly contentType: string;
  readonly body: Buffer;
}

export type Reply =
  | { kind: 'json'; status: number; body: unknown; contentType?: string; headers?: Record<string, string> }
  | { kind: 'text'; status: number; body: string }
  | { kind: 'watch'; spec: WatchSpec }
  /** `pods/log?follow=true`: text/plain that stays open while the container runs. */
  | { kind: 'log-follow'; feed: LogFeed };

export function json(status: number, body: unknown, contentType?: string): Reply {
  return { kind: 'json', status, body, ...(contentType ? { contentType } : {}) };
}

export function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}
