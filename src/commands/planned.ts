// Loaded answers → prepared values and the plan, shared by `plan`, `install`
// and the wizard's preview; plus the redactor that knows every secret in play.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { buildInstallPlan, PlanError } from '../plan/install-plan.js';
import type { Plan, Target } from '../plan/steps.js';
import { Redactor } from '../tools/redact.js';
import { unreadableNamedFile, type LoadedAnswers } from './answers-file.js';
import { prepare, type PrepareOptions, type Prepared } from './prepare.js';

export interface PlanForOptions {
  readonly dir: string;
  readonly target: Target;
  /** Keep newly generated secrets (false for read-only commands such as `plan`). */
  readonly persist: boolean;
  /** helm for reading remote charts. */
  readonly helm?: string;
  /** Where `fromEnv` secrets are looked up (the wizard adds the ones typed into it). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly adjust?: PrepareOptions['adjust'];
}

/** The plan for loaded answers, with the values rendered. */
export async function planFor(loaded: LoadedAnswers, o: PlanForOptions): Promise<{ plan: Plan; prepared: Prepared }> {
  const prepared = await prepare(loaded, { dir: o.dir, env: o.env ?? process.env, persist: o.persist, ...(o.helm ? { helm: o.helm } : {}), ...(o.adjust ? { adjust: o.adjust } : {}) });
  try {
    const plan = buildInstallPlan({
      answers: loaded.answers,
      releases: prepared.releases,
      secrets: prepared.secrets,
      target: o.target,
      valuesDir: resolve(o.dir, 'values'),
      resolvePath: loaded.resolvePath,
      digest: prepared.digest,
    });
    return { plan, prepared };
  } catch (error) {
    if (error instanceof PlanError) throw new UserError(error.message);
    throw unreadableNamedFile(error, loaded.file) ?? error;
  }
}

/** Every secret value in play, so no output, log, journal or bundle can show one. */
export function redactorFor(loaded: LoadedAnswers, prepared: Prepared, redactor = new Redactor()): Redactor {
  for (const [key, value] of prepared.secrets) redactor.add(value, key);
  for (const [key, value] of prepared.generated.all()) redactor.add(value, key);
  const tls = loaded.answers.cluster.tls;
  for (const file of [tls.keyFile, ...Object.values(tls.hosts).map((h) => h.keyFile)]) {
    if (!file) continue;
    try {
      redactor.add(readFileSync(loaded.resolvePath(file), 'utf8').trim(), 'tls key');
    } catch {
      // An unreadable key file is reported when the plan reads it.
    }
  }
  return redactor;
}

/** Secrets for steps, by slot key, resolved before the run started. */
export function secretLookup(prepared: Pick<Prepared, 'secrets'>): (key: string) => string {
  return (key) => {
    const value = prepared.secrets.get(key);
    if (value === undefined) throw new Error(`internal: secret ${key} was not resolved before the run`);
    return value;
  };
}
