// `render`: validate the answers, render every values file, write them (0600).
import { join, relative } from 'node:path';
import { prepare, writeValues } from './prepare.js';
import { loadAnswersFile } from './answers-file.js';
import type { Output } from './output.js';

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

export interface RenderOptions {
  readonly answers: string;
  readonly dir: string;
}

export async function renderCommand(options: RenderOptions, out: Output): Promise<number> {
  const loaded = loadAnswersFile(options.answers);
  for (const w of loaded.warnings) out.warn(`${w.path}: ${w.message}`);
  // Generated secrets are kept only once everything rendered: a failed render writes nothing.
  const prepared = await prepare(loaded, { dir: options.dir, env: process.env, helm: 'helm', persist: false });
  const files = await writeValues(options.dir, prepared.releases);
  await prepared.generated.save();
  for (const key of prepared.createdSecrets) out.info(`generated ${key} (kept in ${join(options.dir, 'generated-secrets.yaml')}, 0600)`);
  prepared.releases.forEach((release, i) => {
    out.info(`wrote ${displayPath(files[i] ?? release.fileName)}${release.chartRoot ? `  (values root ${release.chartRoot.root}: ${release.chartRoot.reason})` : ''}`);
    for (const key of release.overridden) out.warn(`  extraValues overrides ${key}`);
    if (release.pending) out.warn(`  ${release.pending}`);
  });
  return 0;
}
