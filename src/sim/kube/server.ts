// The HTTP side: TLS with HTTP/2 (watches hang over HTTP/1.1 in the real
// clients) and HTTP/1.1 allowed, bearer-token auth, request-level faults
// (errors, dropped connections, outages that refuse connections), the
// request log, and replies as JSON, text, watch streams or followed logs.
import { timingSafeEqual } from 'node:crypto';
import http2 from 'node:http2';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { handleAdmin } from './admin.js';
import { ApiError, unauthorized } from './errors.js';
import type { Faults, RequestFault } from './faults.js';
import type { LogStreams } from './log-follow.js';
import type { ApiRequest, Reply } from './protocol.js';
import { isMutating, type RequestLog, type RequestLogEntry } from './request-log.js';
import type { Watches } from './watch.js';

type Request = http2.Http2ServerRequest | IncomingMessage;

/** The members both response classes share, so one code path serves HTTP/2 and HTTP/1.1. */
interface Response {
  writeHead(status: number, headers: Record<string, string | number>): unknown;
  write(chunk: string): boolean;
  end(chunk?: string): unknown;
  on(event: 'close', listener: () => void): unknown;
  readonly writableEnded: boolean;
}

export interface ServerDeps {
  cert: string;
  key: string;
  token: string;
  faults: Faults;
  log: RequestLog;
  watches: Watches;
  logStreams: LogStreams;
  route: (req: ApiRequest) => Reply;
  onError: (error: unknown) => void;
}

const MAX_BODY = 16 * 1024 * 1024;

function statusForFault(fault: Extract<RequestFault, { type: 'apiError' }>): ApiError {
  const reasons: Record<number, [string, string]> = {
    429: ['TooManyRequests', 'Too many requests, please try again later.'],
    500: ['InternalError', 'Internal error occurred: simulated server error'],
    503: ['ServiceUnavailable', 'The server is currently unable to handle the request'],
    504: ['Timeout', 'Timeout: request did not complete within the allowed duration'],
  };
  const [reason, message] = reasons[fault.status] ?? ['Unknown', 'simulated failure'];
  const retry = fault.retryAfterSeconds;
  return new ApiError(fault.status, reason, fault.message ?? message,
    retry !== undefined ? { retryAfterSeconds: retry } : undefined, retry !== undefined ? { 'retry-after': String(retry) } : {});
}

export class SimServer {
  private readonly server: http2.Http2SecureServer;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private offline = false;
  private outageTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly tokenBuffer: Buffer;

  constructor(private readonly deps: ServerDeps) {
    this.tokenBuffer = Buffer.from(`Bearer ${deps.token}`);
    this.server = http2.createSecureServer({ cert: deps.cert, key: deps.key, allowHTTP1: true }, (req, res) => {
      this.handle(req, res as unknown as Response).catch(deps.onError);
    });
    this.server.on('connection', (socket: Socket) => {
      if (this.offline) {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    // A client that resets its connection is not a server error.
    this.server.on('sessionError', () => undefined);
    this.server.on('tlsClientError', () => undefined);
    deps.faults.onChange(() => this.syncOutage());
  }

  async listen(port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.outageTimer);
    this.deps.watches.closeAll();
    this.deps.logStreams.closeAll();
    const done = new Promise<void>((resolve) => {
      if (!this.server.listening) resolve();
      else this.server.close(() => resolve());
    });
    for (const socket of this.sockets) socket.destroy();
    await done;
  }

  /** Outages stop the listener (clients see "connection refused") and cut open connections. */
  private syncOutage(): void {
    if (this.closed) return;
    clearTimeout(this.outageTimer);
    const { active, nextChangeInMs } = this.deps.faults.outage();
    if (active && !this.offline) {
      this.offline = true;
      // Followed logs are cut with their connections, not ended: an end says the container ended.
      this.deps.watches.closeAll();
      this.server.close();
      for (const socket of this.sockets) socket.destroy();
    } else if (!active && this.offline) {
      this.offline = false;
      this.server.listen(this.port, '127.0.0.1');
    }
    // Not unref()ed: while offline, this timer is what keeps a sim-only process alive.
    if (nextChangeInMs !== undefined) this.outageTimer = setTimeout(() => this.syncOutage(), nextChangeInMs + 1);
  }

  private authorized(req: Request): boolean {
    const header = Buffer.from(req.headers.authorization ?? '');
    return header.length === this.tokenBuffer.length && timingSafeEqual(header, this.tokenBuffer);
  }

  private async readBody(req: Request): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY) throw new ApiError(413, 'RequestEntityTooLarge', 'the request body is too large');
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  private drop(req: Request): void {
    if ('stream' in req) req.stream.session?.destroy();
    else req.socket.destroy();
  }

  private async handle(req: Request, res: Response): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://simulated.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    if (this.offline) {
      this.drop(req);
      return;
    }
    if (path.startsWith('/_sim/')) {
      const body = await this.readBody(req);
      const reply = this.authorized(req)
        ? handleAdmin(method, path, url.searchParams, body.toString('utf8'), this.deps.faults, this.deps.log)
        : { kind: 'json' as const, status: 401, body: unauthorized().toStatus() };
      this.send(res, reply);
      return;
    }
    const contentType = req.headers['content-type'];
    const accept = req.headers.accept;
    const watch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
    const entry: RequestLogEntry = this.deps.log.add({
      method, path, query: url.search.replace(/^\?/, ''), params: Object.fromEntries(url.searchParams),
      ...(contentType ? { contentType } : {}), ...(accept ? { accept } : {}),
      status: 0, mutating: isMutating(method, path, url.searchParams), watch,
      protocol: req.httpVersion.startsWith('2') ? 'h2' : 'http/1.1',
    });
    let reply: Reply;
    try {
      if (!this.authorized(req)) throw unauthorized();
      const fault = this.deps.faults.takeRequestFault({ method, path, mutating: entry.mutating });
      if (fault) entry.fault = fault.id;
      if (fault?.type === 'dropConnection') {
        this.drop(req);
        return;
      }
      if (fault?.type === 'apiError') throw statusForFault(fault);
      const body = await this.readBody(req);
      reply = this.deps.route({ method, path, query: url.searchParams, accept: accept ?? '', contentType: contentType ?? '', body });
    } catch (error) {
      if (error instanceof ApiError) {
        reply = { kind: 'json', status: error.code, body: error.toStatus(), headers: error.headers };
      } else {
        this.deps.onError(error);
        const internal = new ApiError(500, 'InternalError', `Internal error occurred: ${(error as Error).message}`);
        reply = { kind: 'json', status: 500, body: internal.toStatus() };
      }
    }
    entry.status = reply.kind === 'watch' || reply.kind === 'log-follow' ? 200 : reply.status;
    this.send(res, reply, req);
  }

  private send(res: Response, reply: Reply, req?: Request): void {
    if (reply.kind === 'watch') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private' });
      if (req && !('stream' in req)) (res as unknown as { flushHeaders(): void }).flushHeaders();
      this.deps.watches.start(reply.spec, {
        http1: req !== undefined && !('stream' in req),
        send: (event) => {
          if (!res.writableEnded) res.write(`${JSON.stringify(event)}\n`);
        },
        end: () => {
          if (!res.writableEnded) res.end();
        },
        onClose: (handler) => {
          res.on('close', handler);
        },
      });
      return;
    }
    if (reply.kind === 'log-follow') {
      // No content-length: chunked over HTTP/1.1, data frames over HTTP/2, open until the container ends.
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-cache, private' });
      if (req && !('stream' in req)) (res as unknown as { flushHeaders(): void }).flushHeaders();
      this.deps.logStreams.start(reply.feed, {
        write: (chunk) => {
          if (!res.writableEnded) res.write(chunk);
        },
        end: () => {
          if (!res.writableEnded) res.end();
        },
        onClose: (handler) => {
          res.on('close', handler);
        },
      });
      return;
    }
    const text = reply.kind === 'json' ? JSON.stringify(reply.body) : reply.body;
    const contentType = reply.kind === 'json' ? reply.contentType ?? 'application/json' : 'text/plain';
    res.writeHead(reply.status, {
      'content-type': contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-cache, private',
      ...(reply.kind === 'json' ? reply.headers ?? {} : {}),
    });
    res.end(text);
  }
}
