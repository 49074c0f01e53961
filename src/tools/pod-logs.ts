// Follows one container's log through the API server (`GET
// …/pods/{pod}/log?follow=true`): each line, ANSI-stripped and scrubbed, as
// the container prints it, until the container ends (the server then closes
// the answer) or the caller aborts. The request carries the kubeconfig's own
// TLS material, credentials (exec plugins included) and proxy, from the
// client's applyToHTTPSOptions. Not the client's Log class: it cannot be
// cancelled before the server answers (an API server that cannot reach the
// kubelet holds the request for its dial timeout) and drops the reason of a
// refusal.
import http from 'node:http';
import https from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import { stripVTControlCharacters } from 'node:util';
import { ApiException, type KubeConfig } from '@kubernetes/client-node';
import { KubeApiError, toKubeApiError } from './kube-errors.js';

/** A longer line is shown cut to this many characters (a log may hold a whole SQL statement or JSON document). */
export const MAX_LOG_LINE_CHARS = 2000;
/** What is kept of one line to scrub it before it is cut: a secret spanning the cut is still caught. */
const KEPT_LINE_CHARS = 64 * 1024;
/** Of a refusal's body, only its Status message is wanted. */
const MAX_ERROR_BODY = 64 * 1024;

export interface FollowLogOptions {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  /** Each complete line, scrubbed and cut to MAX_LOG_LINE_CHARS; blank lines are skipped. */
  readonly onLine: (line: string) => void;
  readonly scrub: (text: string) => string;
  /** Ends the follow (the promise resolves); no line is passed on after it. */
  readonly signal: AbortSignal;
}

/**
 * Resolves when the log ends (the container ended, or its pod went) or
 * `signal` aborts; rejects with a KubeApiError when the log cannot be read
 * (403, the pod gone, a container not started, the connection lost midway).
 */
export async function followPodLog(kc: KubeConfig, o: FollowLogOptions): Promise<void> {
  const what = `following the log of pod ${o.pod} (container ${o.container})`;
  const server = kc.getCurrentCluster()?.server ?? '';
  const url = new URL(`${server.replace(/\/+$/, '')}/api/v1/namespaces/${encodeURIComponent(o.namespace)}/pods/${encodeURIComponent(o.pod)}/log`);
  url.searchParams.set('container', o.container);
  url.searchParams.set('follow', 'true');
  const options: https.RequestOptions = { method: 'GET', headers: { accept: 'text/plain, application/json' } };
  try {
    // Sets ca/cert/key, the Authorization header and a fresh agent (a proxy's when the kubeconfig names one).
    await kc.applyToHTTPSOptions(options);
  } catch (error) {
    throw toKubeApiError(error, what, o.scrub);
  }
  const agent = options.agent instanceof http.Agent ? options.agent : undefined;
  if (o.signal.aborted) {
    agent?.destroy();
    return;
  }
  const lines = new LineSplitter((line) => {
    if (!o.signal.aborted) o.onLine(line);
  }, o.scrub);

  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (error?: KubeApiError): void => {
      if (settled) return;
      settled = true;
      // The agent is this follow's own: its socket goes with it.
      agent?.destroy();
      if (error && !o.signal.aborted) reject(error);
      else resolve();
    };
    const transport = url.protocol === 'http:' ? http : https;
    const request = transport.request(url, { ...options, signal: o.signal }, (response) => {
      if (response.statusCode !== 200) {
        refusal(response, what, o.scrub).then(settle, () => settle(new KubeApiError(o.scrub(`${what}: HTTP ${response.statusCode ?? '?'}`), response.statusCode, false, undefined)));
        return;
      }
      const decoder = new StringDecoder('utf8');
      response.on('data', (chunk: Buffer) => lines.push(decoder.write(chunk)));
      response.on('end', () => {
        lines.push(decoder.end());
        lines.end();
        settle();
      });
      // An abort or a lost connection both end here; only the latter is an error.
      response.on('error', () => undefined);
      response.on('close', () => settle(response.complete ? undefined : new KubeApiError(o.scrub(`${what}: the connection closed before the log ended`), undefined, true, 'ECONNRESET')));
    });
    request.on('error', (error) => settle(toKubeApiError(error, what, o.scrub)));
    request.end();
  });
}

/** A refused follow (403, 404, 400 for a container not started): the Status the server answered, as a KubeApiError. */
async function refusal(response: http.IncomingMessage, what: string, scrub: (text: string) => string): Promise<KubeApiError> {
  let body = '';
  for await (const chunk of response as AsyncIterable<Buffer>) {
    if (body.length < MAX_ERROR_BODY) body += chunk.toString('utf8');
  }
  const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v ?? '']));
  return toKubeApiError(new ApiException(response.statusCode ?? 0, 'HTTP', body, headers), what, scrub);
}

/**
 * Text in chunks → whole lines: stripped of terminal control sequences,
 * scrubbed whole, then cut. Only KEPT_LINE_CHARS of a line are held; the rest
 * is counted, so a line without end cannot grow memory.
 */
class LineSplitter {
  private kept = '';
  private dropped = 0;

  constructor(
    private readonly emit: (line: string) => void,
    private readonly scrub: (text: string) => string,
  ) {}

  push(text: string): void {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      this.add(text.slice(start, nl));
      this.flush();
      start = nl + 1;
    }
    this.add(text.slice(start));
  }

  /** The last line, when the log ended without a newline. */
  end(): void {
    this.flush();
  }

  private add(part: string): void {
    const room = Math.max(0, KEPT_LINE_CHARS - this.kept.length);
    this.kept += part.slice(0, room);
    this.dropped += Math.max(0, part.length - room);
  }

  private flush(): void {
    const raw = this.kept.replace(/\r$/, '');
    const total = raw.length + this.dropped;
    this.kept = '';
    this.dropped = 0;
    const line = this.scrub(stripVTControlCharacters(raw));
    if (line.trim() === '') return;
    this.emit(line.length > MAX_LOG_LINE_CHARS || total > KEPT_LINE_CHARS ? `${line.slice(0, MAX_LOG_LINE_CHARS)} … [line cut: ${total} characters]` : line);
  }
}
