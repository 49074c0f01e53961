// What every command that changes the cluster asks and listens for on a
// terminal: a y/N question, and Ctrl+C or SIGTERM.
import { createInterface } from 'node:readline/promises';
import { ExitCode } from '../errors.js';

/** A y/N question on stderr; only y or yes is a yes. */
export async function confirm(question: string): Promise<boolean> {
  // After the wizard (Ink) stdin is unreferenced: without this the process would end instead of waiting for the answer.
  process.stdin.ref();
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(question);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
    process.stdin.unref();
  }
}

/** Ctrl+C or SIGTERM once: stop after the current command; twice: at once. Returns the function that stops listening. */
export function onInterrupt(abort: AbortController, say: (message: string) => void): () => void {
  let signals = 0;
  const handler = (): void => {
    signals += 1;
    if (signals > 1) {
      process.stderr.write('\nstopping now\n');
      process.exit(ExitCode.interrupted);
    }
    say('stopping after the current command is ended (Ctrl+C again to quit at once)');
    abort.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
