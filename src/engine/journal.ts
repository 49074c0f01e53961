// The install journal: what each step did, in `<install dir>/journal.json`.
// Resume reads it to know where the last run stopped, and the recorded cluster
// identity stops a resume against a different cluster. It is written atomically
// after every change, before the caller moves on, and never holds a secret value:
// every save is checked against the redactor and refused if one slipped in.
import { readFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-write.js';
import { JOURNAL_STEP_STATES } from './states.js';
import type { Redactor } from '../tools/redact.js';

export const JOURNAL_FILE = 'journal.json';
export const JOURNAL_SCHEMA_VERSION = 1;

const stepStateSchema = z.enum(JOURNAL_STEP_STATES);

const stepErrorSchema = z.object({ message: z.string(), hint: z.string().optional() });

const stepRecordSchema = z.object({
  state: stepStateSchema,
  inputsDigest: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  attempts: z.number().int().nonnegative(),
  outputs: z.record(z.string(), z.string()),
  error: stepErrorSchema.optional(),
});

const clusterIdentitySchema = z.object({
  context: z.string().min(1),
  server: z.string().min(1),
  /** uid of the kube-system namespace: the one identifier a cluster keeps under any context name or URL. */
  uid: z.string().min(1).optional(),
});

const journalSchema = z.object({
  schemaVersion: z.literal(JOURNAL_SCHEMA_VERSION),
  answersDigest: z.string().regex(/^(sha256:)?[0-9a-f]{64}$/, 'a sha256 hex digest'),
  cluster: clusterIdentitySchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  interrupted: z.object({ stepId: z.string(), at: z.string(), reason: z.string() }).optional(),
  steps: z.record(z.string(), stepRecordSchema),
});

export type StepError = z.infer<typeof stepErrorSchema>;
export type StepRecord = z.infer<typeof stepRecordSchema>;
export type ClusterIdentity = z.infer<typeof clusterIdentitySchema>;
export type Journal = z.infer<typeof journalSchema>;

export type JournalErrorKind = 'corrupt' | 'invalid' | 'newer-schema' | 'secret-value';

/** A journal problem the user can act on; the message says what to do. */
export class JournalError extends Error {
  override readonly name = 'JournalError';
  constructor(
    readonly kind: JournalErrorKind,
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

export function journalPath(dir: string): string {
  return join(dir, JOURNAL_FILE);
}

/** Reads `<dir>/journal.json`; undefined when there is none yet. */
export async function loadJournal(dir: string): Promise<Journal | undefined> {
  const path = journalPath(dir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const moveAside = `Move it aside (mv ${path} ${path}.bak) to start a fresh journal; the next run then checks the cluster for each step instead of trusting the file.`;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new JournalError('corrupt', path, `The install journal ${path} is not valid JSON (${(error as Error).message}). ${moveAside}`);
  }
  const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version > JOURNAL_SCHEMA_VERSION) {
    throw new JournalError(
      'newer-schema',
      path,
      `The install journal ${path} was written by a newer zenml-pro-installer (journal schema ${version}; this version reads ${JOURNAL_SCHEMA_VERSION}). Upgrade the installer to continue this install.`,
    );
  }
  const parsed = journalSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`)
      .join('; ');
    throw new JournalError('invalid', path, `The install journal ${path} does not have the expected shape (${problems}). ${moveAside}`);
  }
  return parsed.data;
}

export interface NewJournal {
  readonly answersDigest: string;
  readonly cluster: ClusterIdentity;
  readonly now?: Date;
}

export function createJournal({ answersDigest, cluster, now = new Date() }: NewJournal): Journal {
  const at = now.toISOString();
  return journalSchema.parse({
    schemaVersion: JOURNAL_SCHEMA_VERSION,
    answersDigest,
    cluster,
    createdAt: at,
    updatedAt: at,
    steps: {},
  });
}

/** Writes the journal (0600, atomic). Refuses, writing nothing, if it holds a known secret value. */
export async function saveJournal(dir: string, journal: Journal, redactor: Redactor): Promise<void> {
  const path = journalPath(dir);
  const text = `${JSON.stringify(journalSchema.parse(journal), null, 2)}\n`;
  const label = redactor.containsSecret(text);
  if (label !== undefined) {
    throw new JournalError(
      'secret-value',
      path,
      `Refusing to write the install journal: it would contain the value of ${label}. Record a reference instead (a file path or a Kubernetes Secret name), never the value.`,
    );
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, text, { mode: 0o600 });
}

function normalizeServer(server: string): string {
  return server.trim().replace(/\/+$/, '').toLowerCase();
}

function describeTarget(cluster: ClusterIdentity): string {
  return `context "${cluster.context}" at ${cluster.server}${cluster.uid === undefined ? '' : ` (cluster uid ${cluster.uid})`}`;
}

/**
 * undefined when `current` is the cluster the journal was written for, else the
 * refusal to show. With both uids known, the uid decides (a cluster may be
 * reached under another context name or URL); otherwise context and server must match.
 */
export function checkResumeTarget(journal: Journal, current: ClusterIdentity, dir?: string): string | undefined {
  const recorded = journal.cluster;
  const same =
    recorded.uid !== undefined && current.uid !== undefined
      ? recorded.uid === current.uid
      : recorded.context === current.context && normalizeServer(recorded.server) === normalizeServer(current.server);
  if (same) return undefined;
  const where = dir === undefined ? 'This install directory' : `The install directory ${dir}`;
  return (
    `${where} belongs to ${describeTarget(recorded)}; you are pointing at ${describeTarget(current)}. ` +
    `To continue that install, select context "${recorded.context}" again. ` +
    `To install into the cluster you are pointing at, use a different install directory.`
  );
}

/** The journal of one run: each mark* call changes one step and is on disk before it returns. */
export class JournalStore {
  private current: Journal;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly dir: string,
    journal: Journal,
    private readonly redactor: Redactor,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.current = journal;
  }

  /** Loads the journal of `dir`, or starts (and saves) a new one. Does not check the cluster: see checkResumeTarget. */
  static async open(dir: string, fresh: NewJournal, redactor: Redactor, clock?: () => Date): Promise<JournalStore> {
    return JournalStore.continue(dir, await loadJournal(dir), fresh, redactor, clock);
  }

  /** Continues `existing` (as loadJournal read it, once), or starts a fresh journal when there is none. */
  static async continue(dir: string, existing: Journal | undefined, fresh: NewJournal, redactor: Redactor, clock?: () => Date): Promise<JournalStore> {
    const store = new JournalStore(dir, existing ?? createJournal({ ...fresh, now: clock?.() }), redactor, clock);
    if (existing === undefined) await saveJournal(dir, store.current, redactor);
    return store;
  }

  get journal(): Readonly<Journal> {
    return this.current;
  }

  step(stepId: string): Readonly<StepRecord> | undefined {
    return this.current.steps[stepId];
  }

  markRunning(stepId: string, inputsDigest: string): Promise<void> {
    return this.updateStep(stepId, (step, at, journal) => {
      step.state = 'running';
      step.inputsDigest = inputsDigest;
      step.startedAt = at;
      delete step.finishedAt;
      delete step.error;
      step.attempts += 1;
      // This run has taken the interrupted step up again; the marker has done its job.
      if (journal.interrupted?.stepId === stepId) delete journal.interrupted;
    });
  }

  /** Records outputs a step produced so far, e.g. an enrollment key's file path, before anything else can fail. */
  recordOutputs(stepId: string, outputs: Record<string, string>): Promise<void> {
    return this.updateStep(stepId, (step) => {
      Object.assign(step.outputs, outputs);
    });
  }

  /** `inputsDigest`: for a step recorded only once it is done (verified by its probe, or one that changes nothing). */
  markDone(stepId: string, outputs: Record<string, string> = {}, inputsDigest?: string): Promise<void> {
    return this.updateStep(stepId, (step, at) => {
      if (inputsDigest !== undefined) step.inputsDigest = inputsDigest;
      step.state = 'done';
      step.finishedAt = at;
      Object.assign(step.outputs, outputs);
      delete step.error;
    });
  }

  /** Error text often quotes tool output, so it is scrubbed here rather than refused. */
  markFailed(stepId: string, error: StepError): Promise<void> {
    return this.updateStep(stepId, (step, at) => {
      step.state = 'failed';
      step.finishedAt = at;
      step.error = this.redactor.scrubObject({ ...error });
    });
  }

  markInterrupted(stepId: string, reason: string): Promise<void> {
    return this.updateStep(stepId, (step, at, journal) => {
      step.state = 'interrupted';
      step.finishedAt = at;
      journal.interrupted = { stepId, at, reason: this.redactor.scrub(reason) };
    });
  }

  /** Records the digest of the answers this run uses (they may have changed since the journal was started). */
  setAnswersDigest(answersDigest: string): Promise<void> {
    return this.update((journal) => {
      journal.answersDigest = answersDigest;
    });
  }

  private updateStep(stepId: string, change: (step: StepRecord, at: string, journal: Journal) => void): Promise<void> {
    return this.update((journal, at) => {
      change((journal.steps[stepId] ??= { state: 'pending', attempts: 0, outputs: {} }), at, journal);
    });
  }

  /**
   * Applies `change` to a copy, saves it, and only then makes it current: a
   * refused save changes nothing. Updates run one after another, so steps
   * marked concurrently cannot overwrite each other's record.
   */
  private update(change: (journal: Journal, at: string) => void): Promise<void> {
    const run = this.queue.then(async () => {
      const next = structuredClone(this.current);
      const at = this.clock().toISOString();
      change(next, at);
      next.updatedAt = at;
      await saveJournal(this.dir, next, this.redactor);
      this.current = next;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
