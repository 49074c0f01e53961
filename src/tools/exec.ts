// Runs helm and kubectl. The rules it enforces for every caller:
// - secrets never on argv: a known secret (in any encoding the redactor knows)
//   in `file` or `args` makes it refuse to start; secrets go on stdin (`input`);
// - the child never reads the terminal (stdin is closed unless `input` is given);
// - a non-zero exit is a result, not an exception;
// - cancelling (AbortSignal) or timing out sends SIGTERM, then SIGKILL after a grace period;
// - streamed lines are ANSI-stripped and scrubbed before anyone sees them.
// result.stdout/stderr are raw (a probe may need to read a Secret); scrub them
// before showing or storing them, e.g. with failureSummary().
import { stripVTControlCharacters } from 'node:util';
import { execa } from 'execa';
import type { Redactor } from './redact.js';

export type OutputStream = 'stdout' | 'stderr';

export interface RunToolOptions {
  readonly file: string;
  readonly args: readonly string[];
  /** Written to the child's stdin, then closed: the way to hand it a secret. */
  readonly input?: string;
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Between SIGTERM and SIGKILL; default 5000 ms. */
  readonly killGraceMs?: number;
  readonly redactor: Redactor;
  /** Each output line as it arrives, ANSI-stripped and scrubbed. */
  readonly onLine?: (stream: OutputStream, line: string) => void;
}

export interface ToolResult {
  /** undefined when the child was killed by a signal or never started. */
  readonly exitCode: number | undefined;
  /** The signal that ended the child, e.g. SIGTERM. */
  readonly signal: string | undefined;
  /** Raw output; may hold secrets. Scrub before display. */
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  readonly canceled: boolean;
  readonly timedOut: boolean;
  /** Shell-quoted, scrubbed, printable. */
  readonly commandLine: string;
  /** Why the program could not be started (e.g. ENOENT), scrubbed. */
  readonly startError?: string;
}

/** runTool refused to start because a secret was about to go on the command line. */
export class SecretInArgvError extends Error {
  override readonly name = 'SecretInArgvError';
  constructor(
    readonly commandLine: string,
    readonly secretLabel: string,
  ) {
    super(`Refusing to run ${commandLine}: the command line would contain the value of ${secretLabel}. Pass secrets on stdin or in a 0600 file, never as arguments.`);
  }
}

const DEFAULT_KILL_GRACE_MS = 5000;

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

export function printableCommandLine(file: string, args: readonly string[], redactor: Redactor): string {
  return redactor.scrub([file, ...args].map(shellQuote).join(' '));
}

export async function runTool(options: RunToolOptions): Promise<ToolResult> {
  const { file, args, redactor, onLine } = options;
  const commandLine = printableCommandLine(file, args, redactor);
  for (const part of [file, ...args]) {
    const label = redactor.containsSecret(part);
    if (label !== undefined) throw new SecretInArgvError(commandLine, label);
  }
  // execa splits output into lines for a generator transform; this one only watches.
  const lines = (stream: OutputStream) =>
    function* (line: unknown): Generator<unknown, void, void> {
      onLine?.(stream, redactor.scrub(stripVTControlCharacters(String(line))));
      yield line;
    };
  const result = await execa(file, [...args], {
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
    stdout: lines('stdout'),
    stderr: lines('stderr'),
    env: options.env,
    cwd: options.cwd,
    timeout: options.timeoutMs,
    cancelSignal: options.signal,
    killSignal: 'SIGTERM',
    forceKillAfterDelay: options.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
    reject: false,
  });
  const startError =
    result.failed && result.exitCode === undefined && result.signal === undefined && !result.isCanceled && !result.timedOut
      ? redactor.scrub(result.originalMessage ?? result.shortMessage ?? 'unknown error')
      : undefined;
  return {
    exitCode: result.exitCode,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr,
    durationMs: result.durationMs,
    canceled: result.isCanceled,
    timedOut: result.timedOut,
    commandLine,
    ...(startError === undefined ? {} : { startError }),
  };
}

/** The failed command, its exit and the last lines of stderr, scrubbed: for error panels and the journal. */
export function failureSummary(result: ToolResult, redactor: Redactor, tailLines = 20): string {
  const how = result.canceled
    ? 'was cancelled'
    : result.timedOut
      ? 'timed out'
      : result.startError !== undefined
        ? `could not start: ${result.startError}`
        : result.exitCode === undefined
          ? `was killed by ${result.signal ?? 'a signal'}`
          : `exited with code ${result.exitCode}`;
  const tail = result.stderr.trimEnd().split('\n').slice(-tailLines).join('\n');
  return redactor.scrub(`${result.commandLine} ${how}${tail === '' ? '' : `\n${stripVTControlCharacters(tail)}`}`);
}

/**
 * Output that means the API server (or the path to it) had a passing problem,
 * so the same call may well succeed in a moment. Written against the messages
 * kubectl 1.34 and helm 3/4 print (see test/tools/exec.test.ts). Deliberately
 * absent: a bare "context deadline exceeded" (helm's --wait timing out: the
 * workload is not ready, retrying will not help), x509 and auth errors,
 * "another operation is in progress" (a stuck release needs recovery, not retries).
 */
export const TRANSIENT_FAILURE_PATTERNS: readonly { readonly id: string; readonly pattern: RegExp }[] = [
  { id: 'connection-refused', pattern: /connection refused|the connection to the server \S+ was refused/i },
  { id: 'connection-reset', pattern: /connection reset by peer|write: broken pipe/i },
  { id: 'network-timeout', pattern: /i\/o timeout|TLS handshake timeout|Client\.Timeout exceeded|unable to connect to the server: context deadline exceeded/i },
  { id: 'unexpected-eof', pattern: /unexpected EOF|unable to connect to the server: EOF/i },
  { id: 'http2-connection-lost', pattern: /http2: client connection lost|http2: server sent GOAWAY/i },
  { id: 'service-unavailable', pattern: /the server is currently unable to handle the request|Error from server \(ServiceUnavailable\)|503 Service Unavailable/i },
  { id: 'too-many-requests', pattern: /the server has received too many requests|Error from server \(TooManyRequests\)|429 Too Many Requests/i },
  { id: 'server-error', pattern: /an error on the server \(.*\) has prevented the request from succeeding|Error from server \(InternalError\)|500 Internal Server Error/i },
  { id: 'server-timeout', pattern: /the server was unable to return a response in the time allotted|Error from server \((Server)?Timeout\)|504 Gateway Timeout|502 Bad Gateway/i },
  { id: 'etcd', pattern: /etcdserver: (request timed out|leader changed|too many requests)/i },
];

export type FailureSignals = Pick<ToolResult, 'exitCode' | 'stdout' | 'stderr' | 'canceled'>;

/** The id of the transient-failure pattern the output matches, or undefined (also for success and cancellation). */
export function transientFailureReason(result: FailureSignals): string | undefined {
  if (result.exitCode === 0 || result.canceled) return undefined;
  const text = `${result.stderr}\n${result.stdout.slice(-4000)}`;
  return TRANSIENT_FAILURE_PATTERNS.find(({ pattern }) => pattern.test(text))?.id;
}

export function isTransientFailure(result: FailureSignals): boolean {
  return transientFailureReason(result) !== undefined;
}

export interface RetryOptions<T> {
  /** Total attempts, the first included; unbounded when omitted (then budgetMs bounds the retries). */
  readonly attempts?: number;
  /** No retry is started that would begin later than this many ms after the first attempt began. */
  readonly budgetMs?: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Why a result is worth another attempt, or undefined when it is final; transientFailureReason by default. */
  readonly retryReason?: (result: T) => string | undefined;
  /** Stops waiting: the last result is returned at once (check signal.aborted). */
  readonly signal?: AbortSignal;
  readonly onRetry?: (retry: { attempt: number; delayMs: number; reason: string; result: T }) => void;
  /** Source of jitter in [0, 1); Math.random by default. */
  readonly random?: () => number;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Calls `fn` until its result is not a transient failure, or the attempts or
 * the time budget run out, waiting base·2^(n-1) ms (capped at maxDelayMs), of
 * which the upper half is random (so parallel retries spread out). Returns the
 * last result; a thrown error is not retried.
 */
export async function retryTransient<T extends FailureSignals>(fn: (attempt: number) => Promise<T>, options: RetryOptions<T>): Promise<T> {
  const random = options.random ?? Math.random;
  const retryReason = options.retryReason ?? transientFailureReason;
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    const result = await fn(attempt);
    const reason = retryReason(result);
    if (reason === undefined || attempt >= (options.attempts ?? Infinity) || options.signal?.aborted) return result;
    const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
    const delayMs = Math.round(ceiling / 2 + random() * (ceiling / 2));
    if (Date.now() + delayMs - started > (options.budgetMs ?? Infinity)) return result;
    options.onRetry?.({ attempt, delayMs, reason, result });
    await sleep(delayMs, options.signal);
    if (options.signal?.aborted) return result;
  }
}
