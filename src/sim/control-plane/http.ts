// HTTP plumbing for the simulated control-plane API: errors shaped like the
// FastAPI service it imitates (`{"detail": ...}`), body reading, JSON replies.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** One entry of a FastAPI 422 `detail` list. */
export interface ValidationIssue {
  readonly type: string;
  readonly loc: readonly (string | number)[];
  readonly msg: string;
}

/** An error answer: thrown by handlers, turned into `status` + `{detail}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string | readonly ValidationIssue[],
  ) {
    super(typeof detail === 'string' ? detail : detail.map((d) => d.msg).join('; '));
  }
}

/** Where a request parameter travels, as FastAPI names it in a 422's `loc`. */
export type ParameterLocation = 'query' | 'body' | 'path';

/** A 422 for one parameter, as FastAPI reports it (never echoing the value: it may be a password). */
export function invalidParameter(where: ParameterLocation, name: string, type: string, msg: string): ApiError {
  return new ApiError(422, [{ type, loc: [where, name], msg }]);
}

const MAX_BODY_BYTES = 64 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'Request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  // A delayed answer may find its connection already closed by close().
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}
