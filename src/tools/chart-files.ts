// Reads a chart's Chart.yaml and default values.yaml, from a local chart
// directory or .tgz, or from a remote chart through `helm show`, so values
// are rendered for the chart at hand (its root key, its settings) and a chart
// that is not what the answers say is caught before anything changes.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { t as listTar } from 'tar';
import { parse } from 'yaml';

export interface ChartFiles {
  readonly name: string | undefined;
  readonly version: string | undefined;
  readonly values: string | undefined;
}

function metadata(chartYaml: string | undefined): { name: string | undefined; version: string | undefined } {
  const doc: unknown = chartYaml === undefined ? undefined : parse(chartYaml);
  const field = (key: string): string | undefined => {
    const v = doc !== null && typeof doc === 'object' ? (doc as Record<string, unknown>)[key] : undefined;
    return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
  };
  return { name: field('name'), version: field('version') };
}

/** A local chart's Chart.yaml fields and values.yaml. Throws (with the reason) when it cannot be read. */
export function readLocalChart(path: string): ChartFiles {
  if (statSync(path).isDirectory()) {
    const read = (file: string): string | undefined => (existsSync(join(path, file)) ? readFileSync(join(path, file), 'utf8') : undefined);
    return { ...metadata(read('Chart.yaml')), values: read('values.yaml') };
  }
  const files = new Map<string, string>();
  listTar({
    file: path,
    sync: true,
    strict: true,
    onReadEntry(entry) {
      const name = /^[^/]+\/(Chart\.yaml|values\.yaml)$/.exec(entry.path)?.[1];
      if (!name) {
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => files.set(name, Buffer.concat(chunks).toString('utf8')));
    },
  });
  if (!files.has('Chart.yaml')) throw new Error('it is not a Helm chart archive (no <chart>/Chart.yaml inside)');
  return { ...metadata(files.get('Chart.yaml')), values: files.get('values.yaml') };
}

/**
 * `helm show chart` and `helm show values` of a remote chart; undefined when
 * it cannot be reached (an offline jump host), so the caller can say so.
 */
export async function showRemoteChart(helm: string, ref: string, version: string, env: Readonly<Record<string, string | undefined>> = {}): Promise<ChartFiles | undefined> {
  const show = async (what: 'chart' | 'values'): Promise<string | undefined> => {
    const r = await execa(helm, ['show', what, ref, '--version', version], { reject: false, timeout: 20_000, stdin: 'ignore', env });
    return r.exitCode === 0 ? r.stdout : undefined;
  };
  const [chart, values] = await Promise.all([show('chart'), show('values')]);
  return chart === undefined ? undefined : { ...metadata(chart), values };
}
