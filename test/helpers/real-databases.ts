// Throwaway MariaDB and PostgreSQL servers for tests that need the real thing:
// each in its own temp dir, listening on 127.0.0.1 on a free port only, with a
// database, a user with a password, and a table with a few rows. Readiness
// is the server's own "ready" log line, never a fixed sleep. The binaries
// come from Debian's mariadb-server and postgresql packages (.ci/run installs them).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import type { DatabaseTarget } from '../../src/tools/db-dump.js';

/** The seeded database: its table holds one row per name. */
export const SEED = { database: 'zenml_pro', user: 'zenml', table: 'workspaces', names: ['alpha', 'beta', 'gamma'] } as const;
/** Quotes, a comment sign and a backslash: the option file and the SQL must carry it intact. */
export const SEED_PASSWORD = `Dump "pw" #7 'q' \\ x9f3c`;

const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;

export interface RealDatabase {
  readonly type: DatabaseTarget['type'];
  readonly port: number;
  /** The seeded database as its user sees it over TCP. */
  readonly target: DatabaseTarget;
  /** Directory holding the server's client programs (psql, pg_restore; mariadb). */
  readonly clientDir: string;
  /** Runs SQL as the superuser over the unix socket; returns the unaligned output. */
  sql(statements: string, database?: string): Promise<string>;
  stop(): Promise<void>;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function findBinary(names: readonly string[], dirs: readonly string[]): string {
  for (const name of names) {
    for (const dir of dirs) if (existsSync(join(dir, name))) return join(dir, name);
    const found = onPath(name);
    if (found) return found;
  }
  throw new Error(`none of ${names.join(', ')} found (looked in ${dirs.join(', ')} and PATH): install mariadb-server, mariadb-client, postgresql and postgresql-client, as .ci/run does`);
}

/** Debian puts each major's server programs in /usr/lib/postgresql/<major>/bin; the newest wins. */
function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a)) : [];
  const dir = majors.map((m) => join(root, m, 'bin')).find((d) => existsSync(join(d, 'initdb')) && existsSync(join(d, 'postgres')));
  if (dir) return dir;
  return findBinary(['initdb'], ['/usr/pgsql/bin', '/usr/local/pgsql/bin']).replace(/\/initdb$/, '');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

interface Started {
  readonly child: ChildProcess;
  readonly log: () => string;
}

/**
 * Spawns a server and resolves once its log shows `ready`; rejects with the
 * log when it exits first (a port taken in the meantime, a bad option) or
 * when START_TIMEOUT_MS pass.
 */
function startServer(file: string, args: readonly string[], ready: RegExp, ids: { uid?: number; gid?: number }): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], ...ids });
    let log = '';
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${file} ${why}\n${log.slice(-4000)}`));
    };
    const timer = setTimeout(() => fail(`was not ready within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      log += chunk.toString('utf8');
      if (ready.test(log)) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({ child, log: () => log });
      }
    };
    const onExit = (code: number | null, signal: string | null): void => fail(`exited (${signal ?? `code ${code}`}) before it was ready`);
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', onExit);
    child.once('error', (error) => fail(`could not start: ${error.message}`));
  });
}

/** Tries a few free ports: another process may take the one we picked before the server binds it. */
async function startOnFreePort(start: (port: number) => Promise<Started>): Promise<{ port: number; server: Started }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return { port, server: await start(port) };
    } catch (error) {
      if (attempt >= 3 || !/address already in use/i.test(String(error))) throw error;
    }
  }
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** The uid and gid a server runs as: postgres refuses root, so root hands it to the `postgres` user. */
function postgresIds(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === 'postgres');
  if (!entry) throw new Error('running as root, and there is no postgres user to run PostgreSQL as: install the postgresql package');
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

/** A SQL string literal; MariaDB also treats backslashes as escapes, PostgreSQL (standard_conforming_strings) does not. */
const sqlString = (value: string, backslashEscapes: boolean): string =>
  `'${(backslashEscapes ? value.replaceAll('\\', '\\\\') : value).replaceAll("'", "''")}'`;

/** Starts a server in a fresh temp dir; its stop (or a failed start) stops the server and removes the dir. */
async function inServerDir(prefix: string, start: (root: string, started: (child: ChildProcess) => void) => Promise<Omit<RealDatabase, 'stop'>>): Promise<RealDatabase> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  let child: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    if (child) await stopServer(child);
    await rm(root, { recursive: true, force: true });
  };
  try {
    return { ...(await start(root, (c) => (child = c))), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export async function startMariaDb(): Promise<RealDatabase> {
  const sbin = ['/usr/sbin', '/usr/bin', '/usr/libexec', '/usr/local/mysql/bin'];
  const mariadbd = findBinary(['mariadbd', 'mysqld'], sbin);
  const installDb = findBinary(['mariadb-install-db', 'mysql_install_db'], ['/usr/bin', '/usr/scripts', ...sbin]);
  const client = findBinary(['mariadb', 'mysql'], ['/usr/bin']);
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  return inServerDir('zpi-mariadb-', async (root, started) => {
    const dataDir = join(root, 'data');
    const socket = join(root, 'mysqld.sock');
    const tmp = join(root, 'tmp');
    // Its own tmpdir: a starting server deletes the temporary tables it finds there, other servers' too.
    await mkdir(tmp);
    // normal: a root account without password, reachable over the socket in root's temp dir only.
    await execa(installDb, ['--no-defaults', `--datadir=${dataDir}`, '--auth-root-authentication-method=normal', '--skip-test-db', '--skip-name-resolve', ...asRoot], {
      env: { TMPDIR: tmp },
    });
    const { port, server } = await startOnFreePort((port) =>
      startServer(
        mariadbd,
        [
          '--no-defaults',
          `--datadir=${dataDir}`,
          `--tmpdir=${tmp}`,
          `--socket=${socket}`,
          `--pid-file=${join(root, 'mysqld.pid')}`,
          `--port=${port}`,
          '--bind-address=127.0.0.1',
          '--skip-name-resolve',
          '--innodb-buffer-pool-size=32M',
          ...asRoot,
        ],
        /ready for connections/,
        {},
      ),
    );
    started(server.child);
    const sql = async (statements: string, database?: string): Promise<string> => {
      const result = await execa(client, ['--no-defaults', `--socket=${socket}`, '--user=root', '--batch', '--skip-column-names', ...(database ? [database] : [])], { input: statements });
      return result.stdout;
    };
    await sql(`
      CREATE DATABASE ${SEED.database};
      CREATE USER '${SEED.user}'@'%' IDENTIFIED BY ${sqlString(SEED_PASSWORD, true)};
      GRANT ALL PRIVILEGES ON ${SEED.database}.* TO '${SEED.user}'@'%';
      CREATE TABLE ${SEED.database}.${SEED.table} (id INT PRIMARY KEY, name VARCHAR(64) NOT NULL);
      INSERT INTO ${SEED.database}.${SEED.table} VALUES ${SEED.names.map((n, i) => `(${i + 1}, '${n}')`).join(', ')};
    `);
    return {
      type: 'mysql',
      port,
      target: { type: 'mysql', host: '127.0.0.1', port, name: SEED.database, username: SEED.user, password: SEED_PASSWORD },
      clientDir: client.replace(/\/[^/]+$/, ''),
      sql,
    };
  });
}

export async function startPostgres(): Promise<RealDatabase> {
  const bin = postgresBinDir();
  const ids = postgresIds();
  return inServerDir('zpi-postgres-', async (root, started) => {
    const dataDir = join(root, 'data');
    if (ids.uid !== undefined && ids.gid !== undefined) await chown(root, ids.uid, ids.gid);
    // Trust on the socket (the test's own superuser), passwords over TCP: a wrong one must be refused.
    await execa(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '--no-locale', '-E', 'UTF8', '--no-sync'], { ...ids, cwd: root });
    const { port, server } = await startOnFreePort((port) =>
      startServer(
        join(bin, 'postgres'),
        ['-D', dataDir, '-h', '127.0.0.1', '-p', String(port), '-k', root, '-c', 'fsync=off', '-c', 'shared_buffers=16MB', '-c', 'max_connections=20'],
        /database system is ready to accept connections/,
        ids,
      ),
    );
    started(server.child);
    const sql = async (statements: string, database = 'postgres'): Promise<string> => {
      const result = await execa(join(bin, 'psql'), ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', root, '-p', String(port), '-U', 'postgres', '-d', database], { input: statements });
      return result.stdout;
    };
    await sql(`
      CREATE USER ${SEED.user} PASSWORD ${sqlString(SEED_PASSWORD, false)};
      CREATE DATABASE ${SEED.database} OWNER ${SEED.user};
    `);
    await sql(
      `SET ROLE ${SEED.user};
       CREATE TABLE ${SEED.table} (id INT PRIMARY KEY, name VARCHAR(64) NOT NULL);
       INSERT INTO ${SEED.table} VALUES ${SEED.names.map((n, i) => `(${i + 1}, '${n}')`).join(', ')};`,
      SEED.database,
    );
    return {
      type: 'postgres',
      port,
      target: { type: 'postgres', host: '127.0.0.1', port, name: SEED.database, username: SEED.user, password: SEED_PASSWORD },
      clientDir: bin,
      sql,
    };
  });
}
