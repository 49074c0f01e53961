// The releases an upgrade is about, as the answers describe them: each with
// the version it should reach and the database its migration changes. Pure.
import { workspaceNamespace } from '../answers/derived.js';
import type { Answers } from '../answers/schema.js';
import type { DatabaseAccess } from './steps.js';

/** A release the answers describe, with the version they want. */
export interface Component {
  /** The release spec's id: control-plane or workspace-<name>. */
  readonly id: string;
  /** As the upgrade checks name it: control-plane or workspace:<name>. */
  readonly checkId: string;
  readonly chart: 'zenml-pro' | 'zenml';
  readonly release: string;
  readonly namespace: string;
  readonly version: string;
  readonly workspace?: string;
  readonly database: DatabaseAccess;
}


export function componentsOf(a: Answers): Component[] {
  const out: Component[] = [];
  const cp = a.scenario === 'self-hosted' ? a.controlPlane : undefined;
  if (cp) out.push({ id: 'control-plane', checkId: 'control-plane', chart: 'zenml-pro', release: cp.releaseName, namespace: cp.namespace, version: cp.version, database: { type: cp.database.type, host: cp.database.host, port: cp.database.port, name: cp.database.name, username: cp.database.username, passwordKey: 'controlPlane.database.password' } });
  for (const w of a.workspaces) {
    out.push({ id: `workspace-${w.name}`, checkId: `workspace:${w.name}`, chart: 'zenml', release: w.releaseName, namespace: workspaceNamespace(w), version: w.version, workspace: w.name, database: { type: w.database.type, host: w.database.host, port: w.database.port, name: w.database.name, username: w.database.username, passwordKey: `workspaces.${w.name}.database.password` } });
  }
  return out;
}

/** The dump command for one database: the password goes in the environment, never on the command line. */
export function dumpCommand(c: Component): string {
  const d = c.database;
  const name = d.name;
  return d.type === 'postgres'
    ? `PGPASSWORD=… pg_dump -h ${d.host} -p ${d.port ?? 5432} -U ${d.username} -Fc ${name} > ${name}-before-upgrade.dump`
    : `MYSQL_PWD=… mysqldump --host ${d.host} --port ${d.port ?? 3306} --user ${d.username} --single-transaction ${name} > ${name}-before-upgrade.sql`;
}

