// Dumps a database before an upgrade migrates it, with the engine's own dump
// tool, so a failed upgrade can be followed by a restore of the data as it was.
// The password never goes on argv (any user can read it with ps): pg_dump gets
// it in its own PGPASSWORD, mysqldump/mariadb-dump in a 0600 option file.
// The dump appears under its final name only when complete.
import { createHash } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import { mkdtemp, open, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { shellLine } from './argv.js';
import { ToolError } from './cluster.js';
import { failureSummary, runTool, type ToolResult } from './exec.js';
import { Redactor } from './redact.js';

export type DatabaseType = 'mysql' | 'postgres';

/** A database as the answers describe it (controlPlane.database, workspace databases), password resolved. */
export interface DatabaseTarget {
  readonly type: DatabaseType;
  readonly host: string;
  /** 3306 (mysql) or 5432 (postgres) when omitted, as in the answers. */
  readonly port?: number | undefined;
  readonly name: string;
  readonly username: string;
  readonly password: string;
}

export interface DumpOptions {
  /** The dump program, e.g. from findDumpTool. */
  readonly tool: string;
  /** Where the dump goes; written as `<outFile>.partial` first, then renamed. */
  readonly outFile: string;
  readonly signal?: AbortSignal;
}

export interface DumpResult {
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** What went wrong, for callers that react differently (e.g. skip the offer when the database is unreachable). */
export type DumpProblem = 'tool-missing' | 'unreachable' | 'login-refused' | 'no-database' | 'canceled' | 'failed';

/** A dump that failed; the message names the database and never holds its password. */
export class DatabaseDumpError extends ToolError {
  override readonly name = 'DatabaseDumpError';
  constructor(
    message: string,
    result: ToolResult,
    readonly problem: DumpProblem,
    override readonly hints: readonly string[],
  ) {
    super(message, result, false);
  }
}

const DUMP_TOOLS: Readonly<Record<DatabaseType, readonly string[]>> = {
  // mysqldump is a deprecated alias on MariaDB and the only name on MySQL.
  mysql: ['mariadb-dump', 'mysqldump'],
  postgres: ['pg_dump'],
};

const DEFAULT_PORT: Readonly<Record<DatabaseType, number>> = { mysql: 3306, postgres: 5432 };

/** The dump program for `type` on PATH, or undefined when none is installed. */
export function findDumpTool(type: DatabaseType, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = (env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  for (const name of DUMP_TOOLS[type]) {
    for (const dir of dirs) {
      const file = join(dir, name);
      try {
        accessSync(file, constants.X_OK);
        if (statSync(file).isFile()) return file;
      } catch {
        // Not here; try the next directory.
      }
    }
  }
  return undefined;
}

function portOf(target: DatabaseTarget): number {
  return target.port ?? DEFAULT_PORT[target.type];
}

function databaseLabel(target: DatabaseTarget): string {
  return `the ${target.type === 'mysql' ? 'MySQL' : 'PostgreSQL'} database "${target.name}" on ${target.host}:${portOf(target)}`;
}

/** An option-file value: quoted, so `#` is not a comment, with the escapes MySQL and MariaDB read back. */
function optionFileValue(value: string): string {
  const escaped = value.replace(/[\\"\n\r\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? c);
  return `"${escaped}"`;
}

interface Diagnosis {
  readonly problem: DumpProblem;
  readonly what: string;
  readonly hints: readonly string[];
}

/** Reads the client's error output (MariaDB/MySQL client error numbers, libpq messages) as an operator problem. */
function diagnose(target: DatabaseTarget, stderr: string): Diagnosis | undefined {
  const where = `${target.host}:${portOf(target)}`;
  const reach = `Check the host and port, and that this machine may connect to ${where} (firewall, security group, VPN); or skip the dump.`;
  const checkPassword = `Check the username and password given for ${target.name}.`;
  const checkName = `Check the database name; the user must be allowed to read every table in it.`;
  const patterns: readonly [RegExp, Diagnosis][] = [
    [
      /Unknown (MySQL |MariaDB )?server host|could not translate host name/i,
      { problem: 'unreachable', what: `the host name "${target.host}" does not resolve from this machine`, hints: [reach] },
    ],
    [
      /Can't connect to (MySQL |MariaDB )?server|Lost connection to (MySQL |MariaDB )?server|Connection refused|timeout expired|No route to host|Network is unreachable/i,
      { problem: 'unreachable', what: `the server at ${where} could not be reached from this machine`, hints: [reach] },
    ],
    [
      /Access denied for user '[^']*'@'[^']*' \(using password|password authentication failed|no password supplied/i,
      { problem: 'login-refused', what: `the server refused the password for user "${target.username}"`, hints: [checkPassword] },
    ],
    [
      /no pg_hba\.conf entry/i,
      { problem: 'login-refused', what: `the server does not accept user "${target.username}" from this machine (pg_hba.conf)`, hints: [reach] },
    ],
    [/Unknown database|database "[^"]*" does not exist/i, { problem: 'no-database', what: 'that database does not exist', hints: [checkName] }],
    // MySQL answers a user without global privileges this way whether or not the database exists.
    [
      /Access denied for user '[^']*'@'[^']*' to database/i,
      { problem: 'no-database', what: `that database does not exist, or user "${target.username}" may not use it`, hints: [checkName] },
    ],
  ];
  return patterns.find(([pattern]) => pattern.test(stderr))?.[1];
}

function pgDumpArgs(target: DatabaseTarget, partial: string): string[] {
  return ['-Fc', '-h', target.host, '-p', String(portOf(target)), '-U', target.username, '-d', target.name, '--no-password', '-f', partial];
}

function mysqlDumpArgs(target: DatabaseTarget, partial: string, optionFile: string): string[] {
  return [
    // The client reads --defaults-extra-file only as the first argument.
    `--defaults-extra-file=${optionFile}`,
    '--protocol=TCP',
    `--host=${target.host}`,
    `--port=${portOf(target)}`,
    `--user=${target.username}`,
    '--single-transaction',
    // Dumping tablespaces needs the PROCESS privilege, which an application's user rarely has.
    '--no-tablespaces',
    `--result-file=${partial}`,
    target.name,
  ];
}

async function sha256Of(file: string): Promise<{ bytes: number; sha256: string }> {
  const handle = await open(file, 'r');
  try {
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of handle.createReadStream({ autoClose: false }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytes += chunk.length;
    }
    // On disk before the rename makes it look complete.
    await handle.sync();
    return { bytes, sha256: hash.digest('hex') };
  } finally {
    await handle.close();
  }
}

/**
 * Dumps `target` into `options.outFile` (mode 0600): SQL for mysql
 * (--single-transaction, a consistent snapshot without locks), custom format
 * (-Fc) for postgres. Throws a DatabaseDumpError naming the database and the
 * problem; nothing is left at outFile or its .partial then.
 */
export async function dumpDatabase(target: DatabaseTarget, options: DumpOptions): Promise<DumpResult> {
  const redactor = new Redactor();
  redactor.add(target.password, 'database password');
  const partial = `${options.outFile}.partial`;
  await rm(partial, { force: true });
  // Created here so the dump is 0600 from its first byte: the tools open it with O_TRUNC, which keeps the mode.
  await (await open(partial, 'wx', 0o600)).close();
  try {
    const result = await runDump(target, options, partial, redactor);
    if (result.exitCode !== 0) throw dumpFailure(target, options.tool, result, redactor);
    const { bytes, sha256 } = await sha256Of(partial);
    await rename(partial, options.outFile);
    return { file: options.outFile, bytes, sha256 };
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

async function runDump(target: DatabaseTarget, options: DumpOptions, partial: string, redactor: Redactor): Promise<ToolResult> {
  if (target.type === 'postgres') {
    // Only the child sees PGPASSWORD; libpq gives up on a silent host after PGCONNECT_TIMEOUT seconds.
    const env = { PGPASSWORD: target.password, PGCONNECT_TIMEOUT: '15' };
    return runTool({ file: options.tool, args: pgDumpArgs(target, partial), env, signal: options.signal, redactor });
  }
  const optionDir = await mkdtemp(join(tmpdir(), 'zenml-db-dump-'));
  try {
    const optionFile = join(optionDir, 'client.cnf');
    await writeFile(optionFile, `[client]\npassword=${optionFileValue(target.password)}\n`, { mode: 0o600, flag: 'wx' });
    return await runTool({ file: options.tool, args: mysqlDumpArgs(target, partial, optionFile), signal: options.signal, redactor });
  } finally {
    await rm(optionDir, { recursive: true, force: true });
  }
}

function dumpFailure(target: DatabaseTarget, tool: string, raw: ToolResult, redactor: Redactor): DatabaseDumpError {
  // The error keeps the result (and its output tail) for the failure panel: scrubbed, like the message.
  const result: ToolResult = { ...raw, stdout: redactor.scrub(raw.stdout), stderr: redactor.scrub(raw.stderr) };
  const head = `Could not dump ${databaseLabel(target)}`;
  if (result.startError !== undefined) {
    const packages = target.type === 'mysql' ? 'mariadb-client or mysql-client' : 'postgresql-client';
    return new DatabaseDumpError(`${head}: cannot run ${tool}: ${result.startError}`, result, 'tool-missing', [`Install ${packages}, or skip the dump.`]);
  }
  if (result.canceled) return new DatabaseDumpError(`${head}: the dump was cancelled`, result, 'canceled', []);
  const diagnosis = diagnose(target, result.stderr);
  if (diagnosis !== undefined) return new DatabaseDumpError(`${head}: ${diagnosis.what}.`, result, diagnosis.problem, diagnosis.hints);
  return new DatabaseDumpError(`${head}:\n${failureSummary(result, redactor, 12)}`, result, 'failed', []);
}

/**
 * The shell line that restores `file` into `target`'s database, for the
 * message after a rollback. The password is read from $DB_PASSWORD, which the
 * operator sets; the line never holds it.
 */
export function restoreCommand(target: DatabaseTarget, file: string): string {
  const port = String(portOf(target));
  if (target.type === 'postgres') {
    // --clean --if-exists: each dumped object is dropped before it is recreated, so migrated tables go back as they were.
    const args = ['--clean', '--if-exists', '--no-owner', '-h', target.host, '-p', port, '-U', target.username, '-d', target.name, file];
    return `PGPASSWORD="$DB_PASSWORD" ${shellLine('pg_restore', args)}`;
  }
  const args = ['--protocol=TCP', `--host=${target.host}`, `--port=${port}`, `--user=${target.username}`, target.name];
  return `MYSQL_PWD="$DB_PASSWORD" ${shellLine('mysql', args)} < ${shellLine(file, [])}`;
}
