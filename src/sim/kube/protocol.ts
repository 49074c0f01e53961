// The request and reply shapes shared by the router, the resource handlers and
// the HTTP server, so that only server.ts deals with node:http2.
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
  | { kind: 'watch'; spec: WatchSpec };

export function json(status: number, body: unknown, contentType?: string): Reply {
  return { kind: 'json', status, body, ...(contentType ? { contentType } : {}) };
}

export function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}
