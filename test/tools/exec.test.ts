import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helmNeverReachedCluster } from '../../src/tools/cluster.js';
import { Redactor } from '../../src/tools/redact.js';
import {
  SecretInArgvError,
  TRANSIENT_FAILURE_PATTERNS,
  failureSummary,
  isTransientFailure,
  retryTransient,
  runTool,
  transientFailureReason,
  type OutputStream,
  type ToolResult,
} from '../../src/tools/exec.js';

const TOOLS = join(import.meta.dirname, '../../.tools/bin');
const KUBECTL = join(TOOLS, 'kubectl');
const HELM = join(TOOLS, 'helm');
const HELM3 = join(TOOLS, 'helm3');
const NODE = process.execPath;
const SECRET = 'sup3r-s3cret-value!';

function redactorWithSecret(): Redactor {
  const r = new Redactor();
  r.add(SECRET, 'admin password');
  return r;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'zpi-exec-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('runTool', () => {
  it('runs the real kubectl and returns its output', async () => {
    const result = await runTool({ file: KUBECTL, args: ['version', '--client', '-o', 'json'], redactor: new Redactor() });
    expect(result.exitCode).toBe(0);
    expect(result.canceled).toBe(false);
    const version = JSON.parse(result.stdout) as { clientVersion: { gitVersion: string } };
    expect(version.clientVersion.gitVersion).toMatch(/^v1\.34\./);
    expect(result.commandLine).toBe(`${KUBECTL} version --client -o json`);
    expect(result.durationMs).toBeGreaterThan(0);
  });

  it('streams lines as they arrive, ANSI-stripped and scrubbed, before the process ends', async () => {
    const seen: { stream: OutputStream; line: string; at: number }[] = [];
    const started = Date.now();
    // The child assembles the secret from two halves: the whole value on argv would be refused.
    const halves = `${JSON.stringify(SECRET.slice(0, 6))} + ${JSON.stringify(SECRET.slice(6))}`;
    const script = `
      process.stdout.write('first line\\n');
      setTimeout(() => process.stderr.write('\\x1b[31mred warning\\x1b[0m\\n'), 100);
      setTimeout(() => { console.log('leaked ' + ${halves} + ' here'); console.log('last'); }, 400);`;
    const result = await runTool({
      file: NODE,
      args: ['-e', script],
      redactor: redactorWithSecret(),
      onLine: (stream, line) => seen.push({ stream, line, at: Date.now() - started }),
    });
    expect(result.exitCode).toBe(0);
    expect(seen.map(({ stream, line }) => [stream, line])).toEqual([
      ['stdout', 'first line'],
      ['stderr', 'red warning'],
      ['stdout', 'leaked *** here'],
      ['stdout', 'last'],
    ]);
    // The first line was delivered well before the last one was even printed.
    expect(seen[3]!.at - seen[0]!.at).toBeGreaterThanOrEqual(300);
    expect(result.stdout).toBe(`first line\nleaked ${SECRET} here\nlast`);
  });

  it('hands a secret over stdin, and it is not in the child argv (/proc/<pid>/cmdline) or environment', async () => {
    let cmdline = '';
    let environ = '';
    const script = `
      let data = '';
      process.stdin.on('data', (c) => { data += c; });
      process.stdin.on('end', () => {
        console.log('pid ' + process.pid);
        const hash = require('node:crypto').createHash('sha256').update(data).digest('hex');
        setTimeout(() => console.log('sha ' + hash), 300);
      });`;
    const result = await runTool({
      file: NODE,
      args: ['-e', script],
      input: SECRET,
      redactor: redactorWithSecret(),
      onLine: (_stream, line) => {
        const pid = /^pid (\d+)$/.exec(line)?.[1];
        if (pid !== undefined) {
          cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
        }
      },
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`sha ${createHash('sha256').update(SECRET).digest('hex')}`);
    expect(cmdline).toContain('process.stdin.on');
    expect(cmdline).not.toContain(SECRET);
    expect(environ.length).toBeGreaterThan(0);
    expect(environ).not.toContain(SECRET);
  });

  it('refuses to start when a secret (or its base64) is in the arguments, and starts nothing', async () => {
    const marker = join(work, 'started');
    const redactor = redactorWithSecret();
    const run = (extra: string): Promise<ToolResult> =>
      runTool({ file: NODE, args: ['-e', `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x')`, extra], redactor });
    await expect(run(`--password=${SECRET}`)).rejects.toThrow(SecretInArgvError);
    await expect(run(Buffer.from(SECRET).toString('base64'))).rejects.toThrow(/value of admin password/);
    const error = (await run(SECRET).then(
      () => undefined,
      (e: unknown) => e,
    )) as SecretInArgvError;
    expect(error).toBeInstanceOf(SecretInArgvError);
    expect(error.message).not.toContain(SECRET);
    expect(error.commandLine).toContain('***');
    expect(existsSync(marker)).toBe(false);
    // The same command without the secret does run.
    expect((await run('harmless')).exitCode).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });

  it('returns a non-zero exit as a result, with a scrubbed failure summary', async () => {
    const redactor = redactorWithSecret();
    const result = await runTool({
      file: NODE,
      args: ['-e', `console.error('Error: login failed for ' + process.argv[1]); process.exit(3)`, 'user'],
      redactor,
    });
    expect(result.exitCode).toBe(3);
    expect(result.canceled).toBe(false);
    expect(failureSummary(result, redactor)).toMatch(/exited with code 3\nError: login failed for user$/);
    const leaky: ToolResult = { ...result, stderr: `boom ${SECRET}` };
    expect(failureSummary(leaky, redactor)).toContain('boom ***');
  });

  it('reports a program that cannot start instead of throwing', async () => {
    const result = await runTool({ file: join(work, 'no-such-helm'), args: ['version'], redactor: new Redactor() });
    expect(result.exitCode).toBeUndefined();
    expect(result.startError).toMatch(/ENOENT/);
    expect(failureSummary(result, new Redactor())).toMatch(/could not start: .*ENOENT/);
  });

  it('on abort sends SIGTERM, and SIGKILL after the grace period to a child that ignores it', async () => {
    const controller = new AbortController();
    let pid = 0;
    const started = Date.now();
    const pending = runTool({
      file: NODE,
      args: ['-e', `process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('pid ' + process.pid); setInterval(() => {}, 1000);`],
      redactor: new Redactor(),
      killGraceMs: 300,
      signal: controller.signal,
      onLine: (_s, line) => {
        const match = /^pid (\d+)$/.exec(line);
        if (match) {
          pid = Number(match[1]);
          controller.abort();
        }
      },
    });
    const result = await pending;
    expect(result.canceled).toBe(true);
    expect(result.signal).toBe('SIGKILL');
    expect(result.stdout.split('\n')).toContain('ignoring SIGTERM');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(pid).toBeGreaterThan(0);
    expect(isAlive(pid)).toBe(false);
  });

  it('on abort a well-behaved child ends with SIGTERM', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const result = await runTool({ file: NODE, args: ['-e', 'setInterval(() => {}, 1000)'], redactor: new Redactor(), signal: controller.signal });
    expect(result.canceled).toBe(true);
    expect(result.signal).toBe('SIGTERM');
  });

  it('times out', async () => {
    const result = await runTool({ file: NODE, args: ['-e', 'setInterval(() => {}, 1000)'], redactor: new Redactor(), timeoutMs: 200 });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeUndefined();
  });

  it('never lets the child read the terminal: stdin is closed without input', async () => {
    const result = await runTool({ file: NODE, args: ['-e', `process.stdin.on('end', () => console.log('eof')).resume()`], redactor: new Redactor(), timeoutMs: 5000 });
    expect(result.timedOut).toBe(false);
    expect(result.stdout).toBe('eof');
  });

  it('quotes and scrubs the printable command line', async () => {
    const result = await runTool({ file: NODE, args: ['-e', '', "it's", 'a b', 'plain=ok'], redactor: new Redactor() });
    expect(result.commandLine).toBe(`${NODE} -e '' 'it'\\''s' 'a b' plain=ok`);
  });
});

/** A finished tool run that printed `stderr`; only the fields the classifier reads matter. */
const toolResult = (stderr: string, exitCode = 1): ToolResult => ({
  exitCode,
  signal: undefined,
  stdout: '',
  stderr,
  durationMs: 1,
  canceled: false,
  timedOut: false,
  commandLine: 'kubectl apply',
});

describe('transient failure classification', () => {

  // Lines printed by kubectl 1.34 / helm 3.18 / helm 4.1 (most captured from the real binaries; see the live tests below).
  const transient: [string, string][] = [
    ['The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?', 'connection-refused'],
    ['Error: kubernetes cluster unreachable: Get "https://127.0.0.1:6443/version": dial tcp 127.0.0.1:6443: connect: connection refused', 'connection-refused'],
    ['Error from server (ServiceUnavailable): the server is currently unable to handle the request', 'service-unavailable'],
    ['Error from server (ServiceUnavailable): msg503', 'service-unavailable'],
    ['Error: Kubernetes cluster unreachable: the server has received too many requests and has asked us to try again later', 'too-many-requests'],
    ['Error from server (InternalError): an error on the server ("unknown") has prevented the request from succeeding', 'server-error'],
    ['Error from server (Timeout): the server was unable to return a response in the time allotted, but may still be processing the request', 'server-timeout'],
    ['Error from server: etcdserver: request timed out', 'etcd'],
    ['Error: UPGRADE FAILED: Post "https://10.0.0.1:6443/api/v1/namespaces/zenml/secrets": http2: client connection lost', 'http2-connection-lost'],
    ['Error: kubernetes cluster unreachable: Get "http://127.0.0.1:18099/version": read tcp 127.0.0.1:38822->127.0.0.1:18099: read: connection reset by peer', 'connection-reset'],
    ['Unable to connect to the server: net/http: TLS handshake timeout', 'network-timeout'],
    ['Unable to connect to the server: dial tcp 10.0.0.1:443: i/o timeout', 'network-timeout'],
    ['Unable to connect to the server: context deadline exceeded', 'network-timeout'],
    ['Error: INSTALLATION FAILED: unexpected EOF', 'unexpected-eof'],
  ];
  const permanent = [
    'error: You must be logged in to the server (Unauthorized)',
    'Error from server (Forbidden): secrets is forbidden: User "dev" cannot create resource "secrets" in API group "" in the namespace "zenml"',
    'Error from server (NotFound): namespaces "zenml" not found',
    'Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress',
    'Error: INSTALLATION FAILED: context deadline exceeded',
    'Error: INSTALLATION FAILED: cannot re-use a name that is still in use',
    'Unable to connect to the server: x509: certificate signed by unknown authority',
    'Error: INSTALLATION FAILED: execution error at (zenml/templates/server-secret.yaml:12:3): database url is required',
  ];

  it.each(transient)('transient: %s', (line, id) => {
    expect(transientFailureReason(toolResult(line))).toBe(id);
  });

  it.each(permanent)('not transient: %s', (line) => {
    expect(isTransientFailure(toolResult(line))).toBe(false);
  });

  it('never calls success or a cancellation transient', () => {
    expect(isTransientFailure({ ...toolResult('connection refused'), exitCode: 0 })).toBe(false);
    expect(isTransientFailure({ ...toolResult('connection refused'), canceled: true })).toBe(false);
  });

  it('has unique pattern ids', () => {
    const ids = TRANSIENT_FAILURE_PATTERNS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  describe('against the real binaries', () => {
    let server: Server;
    let port = 0;
    let status = 503;
    const kubeconfig = (): string => {
      const path = join(work, `kubeconfig-${port}-${status}`);
      writeFileSync(
        path,
        `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}"}}]\n` +
          `users: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`,
      );
      return path;
    };
    beforeAll(async () => {
      const reasons: Record<number, string> = { 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout' };
      server = createServer((_req, res) => {
        res.writeHead(status, { 'content-type': 'application/json', 'retry-after': '0' });
        res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'simulated', reason: reasons[status], code: status }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it.each([
      [503, 'service-unavailable'],
      [500, 'server-error'],
      [429, 'too-many-requests'],
      [504, 'server-timeout'],
    ])('kubectl against an API server answering %i', async (code, id) => {
      status = code;
      const result = await runTool({ file: KUBECTL, args: ['--kubeconfig', kubeconfig(), 'get', 'namespaces'], redactor: new Redactor(), timeoutMs: 30_000 });
      expect(result.exitCode).not.toBe(0);
      expect(transientFailureReason(result)).toBe(id);
    });

    it.each([
      ['helm 4', HELM, 503, 'service-unavailable'],
      ['helm 3', HELM3, 429, 'too-many-requests'],
    ])('%s against an API server answering %i', async (_name, file, code, id) => {
      status = code;
      const result = await runTool({ file, args: ['list', '--kubeconfig', kubeconfig()], redactor: new Redactor(), timeoutMs: 30_000, env: { HELM_CACHE_HOME: work, HELM_CONFIG_HOME: work } });
      expect(result.exitCode).not.toBe(0);
      expect(transientFailureReason(result)).toBe(id);
    });

    it.each([
      ['kubectl', KUBECTL, ['get', 'namespaces']],
      ['helm 4', HELM, ['list']],
    ])('%s against a closed port is connection-refused', async (_name, file, args) => {
      const closed = join(work, 'kubeconfig-closed');
      writeFileSync(
        closed,
        'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\n' +
          'users: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
      );
      const result = await runTool({ file, args: [...args, '--kubeconfig', closed], redactor: new Redactor(), timeoutMs: 30_000, env: { HELM_CACHE_HOME: work, HELM_CONFIG_HOME: work } });
      expect(transientFailureReason(result)).toBe('connection-refused');
    });
  });
});

describe('retryTransient', () => {

  it('retries transient failures with growing, jittered delays until success', async () => {
    const outcomes = [toolResult('connection refused'), toolResult('etcdserver: leader changed'), toolResult('', 0)];
    const retries: { attempt: number; delayMs: number; reason: string }[] = [];
    let calls = 0;
    const final = await retryTransient(() => Promise.resolve(outcomes[calls++]!), {
      attempts: 5,
      baseDelayMs: 20,
      maxDelayMs: 1000,
      random: () => 0.5,
      onRetry: ({ attempt, delayMs, reason }) => retries.push({ attempt, delayMs, reason }),
    });
    expect(final.exitCode).toBe(0);
    expect(calls).toBe(3);
    expect(retries).toEqual([
      { attempt: 1, delayMs: 15, reason: 'connection-refused' },
      { attempt: 2, delayMs: 30, reason: 'etcd' },
    ]);
  });

  it('keeps jitter within the upper half of a capped exponential ceiling', async () => {
    const delays: number[] = [];
    for (const random of [() => 0, () => 0.999]) {
      await retryTransient(() => Promise.resolve(toolResult('i/o timeout')), {
        attempts: 6,
        baseDelayMs: 4,
        maxDelayMs: 20,
        random,
        onRetry: ({ delayMs }) => delays.push(delayMs),
      });
    }
    expect(delays).toEqual([2, 4, 8, 10, 10, 4, 8, 16, 20, 20]);
  });

  it('does not retry a permanent failure and gives up after the given attempts', async () => {
    let calls = 0;
    const permanent = await retryTransient(() => (calls++, Promise.resolve(toolResult('Error from server (Forbidden): no'))), { attempts: 5, baseDelayMs: 1, maxDelayMs: 1 });
    expect(calls).toBe(1);
    expect(permanent.stderr).toContain('Forbidden');
    calls = 0;
    const exhausted = await retryTransient(() => (calls++, Promise.resolve(toolResult('connection refused'))), { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 });
    expect(calls).toBe(3);
    expect(isTransientFailure(exhausted)).toBe(true);
  });

  it('bounds the retries by time: no retry is scheduled to start after the budget, however many attempts are left', async () => {
    const began = Date.now();
    const plannedStarts: number[] = [];
    let calls = 0;
    const last = await retryTransient(() => (calls++, Promise.resolve(toolResult('connection refused'))), {
      budgetMs: 200,
      baseDelayMs: 20,
      maxDelayMs: 40,
      random: () => 0.999,
      onRetry: ({ delayMs }) => plannedStarts.push(Date.now() - began + delayMs),
    });
    expect(isTransientFailure(last)).toBe(true);
    expect(calls).toBe(plannedStarts.length + 1);
    expect(calls).toBeGreaterThanOrEqual(3);
    for (const t of plannedStarts) expect(t).toBeLessThanOrEqual(200);
    // It gave up only when the next wait would have crossed the budget.
    expect(Date.now() - began + 40).toBeGreaterThan(200);
  });

  it('retries helm only when it never reached the cluster (nothing changed), not when it failed midway', async () => {
    // As helm 4 and helm 3 print them against a closed port (helm 3 capitalises "Kubernetes").
    const unreachable = ['Error: kubernetes cluster unreachable: Get "https://127.0.0.1:1/version": dial tcp 127.0.0.1:1: connect: connection refused', 'Error: Kubernetes cluster unreachable: Get "https://127.0.0.1:1/version": dial tcp 127.0.0.1:1: connect: connection refused'];
    const midway = 'Error: UPGRADE FAILED: Get "https://127.0.0.1:1/api/v1/namespaces/x/secrets": dial tcp 127.0.0.1:1: connect: connection refused';
    const invalid = 'Error: UPGRADE FAILED: values don\'t meet the specifications of the schema(s)';
    for (const [stderr, expected] of [...unreachable.map((u) => [u, 3] as const), [midway, 1], [invalid, 1]] as const) {
      let calls = 0;
      await retryTransient(() => (calls++, Promise.resolve(toolResult(stderr))), { attempts: 3, baseDelayMs: 1, maxDelayMs: 1, retryReason: helmNeverReachedCluster });
      expect(calls, stderr).toBe(expected);
    }
  });

  it('stops waiting as soon as the signal aborts and returns the last result', async () => {
    const controller = new AbortController();
    let calls = 0;
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const last = await retryTransient(() => (calls++, Promise.resolve(toolResult('connection refused'))), {
      attempts: 10,
      baseDelayMs: 10_000,
      maxDelayMs: 10_000,
      signal: controller.signal,
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(calls).toBe(1);
    expect(last.stderr).toBe('connection refused');
  });

  it('retries a real kubectl call while the API server is unavailable, then succeeds', async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      if (requests <= 2) {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'warming up', reason: 'ServiceUnavailable', code: 503 }));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'APIVersions', versions: ['v1'] }));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const kubeconfig = join(work, 'kubeconfig-retry');
      writeFileSync(
        kubeconfig,
        `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}"}}]\n` +
          `users: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`,
      );
      const reasons: string[] = [];
      const final = await retryTransient(
        () => runTool({ file: KUBECTL, args: ['--kubeconfig', kubeconfig, 'get', '--raw', '/api'], redactor: new Redactor(), timeoutMs: 20_000 }),
        { attempts: 5, baseDelayMs: 10, maxDelayMs: 50, onRetry: ({ reason }) => reasons.push(reason) },
      );
      expect(final.exitCode).toBe(0);
      expect(JSON.parse(final.stdout)).toMatchObject({ kind: 'APIVersions' });
      expect(reasons).toEqual(['service-unavailable', 'service-unavailable']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
