// The scheduler on its own, with stub step kinds (a table of what each step
// does) and a real journal on disk: order, bounded parallelism, probes,
// waiting, failure and interruption. The cluster is never reached here: the
// stub kinds do not touch it, which is the point of kinds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { UserError } from '../../src/errors.js';
import { JournalStore } from '../../src/engine/journal.js';
import { runPlan } from '../../src/engine/runner.js';
import { StepFailure, Waiting, type RunContext, type StepKind, type StepKinds } from '../../src/engine/step-kind.js';
import type { Plan, Step } from '../../src/plan/steps.js';
import { Redactor } from '../../src/tools/redact.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A plan of report steps (the kind is stubbed per step id below). */
function plan(steps: readonly { id: string; needs?: string[]; workspace?: string; mutates?: boolean }[]): Plan {
  return {
    scenario: 'self-hosted',
    target: { context: 'ctx' },
    namespaces: [],
    steps: steps.map((s): Step => ({ id: s.id, title: `step ${s.id}`, needs: s.needs ?? [], mutates: s.mutates ?? true, commands: [], inputsDigest: `d-${s.id}`, action: { type: 'report' }, ...(s.workspace ? { workspace: s.workspace } : {}) })),
  };
}

interface Behaviour {
  /** What the probe says, or throws. */
  readonly probe?: string | Error;
  readonly run?: (id: string) => Promise<Record<string, string>>;
}

/** Stub kinds: each step does what the table says; `log` records starts and ends. */
function kinds(table: Record<string, Behaviour>, log: string[]): StepKinds {
  const report: StepKind<{ type: 'report' }> = {
    probe(_a, ctx) {
      const said = table[ctx.step.id]?.probe;
      return said instanceof Error ? Promise.reject(said) : Promise.resolve(said);
    },
    async run(_a, ctx) {
      log.push(`start ${ctx.step.id}`);
      const out = await (table[ctx.step.id]?.run?.(ctx.step.id) ?? Promise.resolve({}));
      log.push(`end ${ctx.step.id}`);
      return out;
    },
  };
  // These plans are made of report steps only.
  return { report };
}

async function run(p: Plan, table: Record<string, Behaviour>, options: { parallel?: number; signal?: AbortSignal } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'zpi-runner-'));
  dirs.push(dir);
  const redactor = new Redactor();
  const journal = await JournalStore.open(dir, { answersDigest: 'a'.repeat(64), cluster: { context: 'ctx', server: 'https://x' } }, redactor);
  const events: EngineEvent[] = [];
  const log: string[] = [];
  // The stub kinds use none of the context's tools.
  const context = {} as Omit<RunContext, 'outputsOf' | 'emit' | 'signal'>;
  const result = await runPlan({ plan: p, kinds: kinds(table, log), context, journal, emit: (e) => events.push(e), signal: options.signal ?? new AbortController().signal, parallel: options.parallel ?? 2 });
  return { result, events, log, journal };
}

const later = (ms: number, value: Record<string, string> = {}): Promise<Record<string, string>> => new Promise((r) => setTimeout(() => r(value), ms));

describe('the scheduler', () => {
  test('runs steps after what they need; workspaces in parallel up to the bound; journals outputs', async () => {
    const p = plan([
      { id: 'cp' },
      { id: 'a1', needs: ['cp'], workspace: 'a' },
      { id: 'a2', needs: ['a1'], workspace: 'a' },
      { id: 'b1', needs: ['cp'], workspace: 'b' },
      { id: 'c1', needs: ['cp'], workspace: 'c' },
      { id: 'end', needs: ['a2', 'b1', 'c1'] },
    ]);
    let running = 0;
    let most = 0;
    const slow = async (): Promise<Record<string, string>> => {
      running += 1;
      most = Math.max(most, running);
      await later(20);
      running -= 1;
      return {};
    };
    const { result, log, journal } = await run(p, { a1: { run: slow }, a2: { run: slow }, b1: { run: slow }, c1: { run: slow }, end: { run: () => later(1, { report: 'ok' }) } });
    expect(result.outcome).toBe('done');
    expect(most).toBe(2);
    expect(log.indexOf('end cp')).toBeLessThan(log.indexOf('start a1'));
    expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
    expect(log.at(-1)).toBe('end end');
    expect(result.outputs.get('end')).toEqual({ report: 'ok' });
    expect(journal.step('end')).toMatchObject({ state: 'done', outputs: { report: 'ok' } });
  });

  test('a step whose probe verifies its result is skipped, journalled as done, and not run', async () => {
    const { result, events, log, journal } = await run(plan([{ id: 'x' }, { id: 'y', needs: ['x'] }]), { x: { probe: 'already there' } });
    expect(log).toEqual(['start y', 'end y']);
    expect(events.find((e) => e.type === 'step-skipped')).toMatchObject({ stepId: 'x', reason: 'already there' });
    expect(journal.step('x')?.state).toBe('done');
    expect(result.outcome).toBe('done');
  });

  test('nothing mutating ran: up to date', async () => {
    const { result } = await run(plan([{ id: 'x' }, { id: 'y', mutates: false }]), { x: { probe: 'there' } });
    expect(result.outcome).toBe('up-to-date');
  });

  test('a failure stops new steps; the event carries the message, the next steps and the failed command', async () => {
    const command = { commandLine: 'helm upgrade --install x', exitCode: 1, outputTail: 'Error: boom' };
    const p = plan([{ id: 'cp' }, { id: 'after', needs: ['cp'] }]);
    const { result, events, log, journal } = await run(p, { cp: { run: () => Promise.reject(new StepFailure('it broke', ['do this'], [], false, command)) } });
    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'cp', message: 'it broke' });
    expect(log).toEqual(['start cp']);
    expect(events.find((e) => e.type === 'step-failed')).toMatchObject({ stepId: 'cp', message: 'it broke', next: ['do this'], command });
    expect(journal.step('cp')).toMatchObject({ state: 'failed', error: { message: 'it broke', hint: 'do this' } });
    expect(journal.step('after')).toBeUndefined();
  });

  test('a failing workspace stops only its own later steps: the other workspaces finish, and the run ends failed', async () => {
    const p = plan([
      { id: 'cp' },
      { id: 'a1', needs: ['cp'], workspace: 'a' }, { id: 'a2', needs: ['a1'], workspace: 'a' },
      { id: 'b1', needs: ['cp'], workspace: 'b' }, { id: 'b2', needs: ['b1'], workspace: 'b' },
      { id: 'report', needs: ['a2', 'b2'] },
    ]);
    const { result, log, journal } = await run(p, { a1: { run: () => Promise.reject(new StepFailure('image cannot be pulled')) }, b1: { run: () => later(30) } }, { parallel: 2 });
    expect(result).toMatchObject({ outcome: 'failed', failedStep: 'a1' });
    expect(log).toContain('end b2');
    expect(log).not.toContain('start a2');
    expect(log).not.toContain('start report');
    expect(journal.step('b2')?.state).toBe('done');
  });

  test('a plan with a step no kind was handed in for is refused before anything runs', async () => {
    const p = plan([{ id: 'x' }]);
    const wrong: Plan = { ...p, steps: p.steps.map((s) => ({ ...s, action: { type: 'check-target' } as const })) };
    await expect(run(wrong, {})).rejects.toThrow('no step kind for check-target');
  });

  test("an error only the operator can fix blocks the run and keeps its hints", async () => {
    const { result, events } = await run(plan([{ id: 'x' }]), { x: { run: () => Promise.reject(new UserError('ps is missing', ['install procps'])) } });
    expect(result.outcome).toBe('blocked');
    expect(events.find((e) => e.type === 'step-failed')).toMatchObject({ message: 'ps is missing', next: ['install procps'] });
  });

  test('a blocked check ends the run as blocked', async () => {
    const { result } = await run(plan([{ id: 'check' }]), { check: { run: () => Promise.reject(new StepFailure('no rights', [], [], true)) } });
    expect(result.outcome).toBe('blocked');
  });

  test('a waiting step holds back only what needs it; the run ends waiting with the instructions', async () => {
    const p = plan([
      { id: 'cp' },
      { id: 'enroll-a', needs: ['cp'], workspace: 'a' },
      { id: 'release-a', needs: ['enroll-a'], workspace: 'a' },
      { id: 'release-b', needs: ['cp'], workspace: 'b' },
    ]);
    const { result, log, events, journal } = await run(p, { 'enroll-a': { probe: new Waiting(['copy the key']) } });
    expect(result).toMatchObject({ outcome: 'waiting', waiting: [{ stepId: 'enroll-a', instructions: ['copy the key'] }] });
    expect(log).toContain('end release-b');
    expect(log).not.toContain('start release-a');
    expect(events.find((e) => e.type === 'step-waiting')).toMatchObject({ stepId: 'enroll-a', instructions: ['copy the key'] });
    // It waited before it started: the journal has nothing for it, and a re-run begins it afresh.
    expect(journal.step('enroll-a')).toBeUndefined();
  });

  test('an abort while a step runs ends the run interrupted and journals it', async () => {
    const abort = new AbortController();
    const p = plan([{ id: 'long' }, { id: 'next', needs: ['long'] }]);
    const { result, journal, log } = await run(
      p,
      {
        long: {
          run: async () => {
            abort.abort();
            await later(1);
            throw new Error('killed by the abort');
          },
        },
      },
      { signal: abort.signal },
    );
    expect(result).toMatchObject({ outcome: 'interrupted', failedStep: 'long' });
    expect(journal.step('long')?.state).toBe('interrupted');
    expect(log).not.toContain('start next');
  });
});
