// Reads a chart's default values.yaml from a local chart directory or .tgz,
// so values are rendered for the chart at hand (its root key, its defaults).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { t as listTar } from 'tar';

/** True when the reference is a local chart (directory or .tgz), not oci:// or a repo name. */
export function isLocalChart(ref: string): boolean {
  return !ref.includes('://') && existsSync(ref);
}

/** The chart's values.yaml text, or undefined when the chart has none. */
export function readChartValues(ref: string): string | undefined {
  if (statSync(ref).isDirectory()) {
    const file = join(ref, 'values.yaml');
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  }
  let text: string | undefined;
  listTar({
    file: ref,
    sync: true,
    onReadEntry(entry) {
      if (/^[^/]+\/values\.yaml$/.test(entry.path)) {
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => {
          text = Buffer.concat(chunks).toString('utf8');
        });
      } else entry.resume();
    },
  });
  return text;
}
