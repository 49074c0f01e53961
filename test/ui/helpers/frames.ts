// Waiting on Ink frames instead of sleeping: a key press is done when the
// frame it causes has been drawn.
export const KEYS = {
  up: '\u001B[A',
  down: '\u001B[B',
  enter: '\r',
  escape: '\u001B',
  backspace: '\u007F',
  ctrlC: '\u0003',
} as const;

const ANSI = /\u001B\[[0-9;?]*[A-Za-z]/g;

export const stripAnsi = (text: string): string => text.replace(ANSI, '');

/** Polls `read` until `done` holds, failing with the last frame after `timeoutMs` (generous: CI runs helm beside these tests on 2 cores). */
export async function waitFor(read: () => string, done: (frame: string) => boolean, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = read();
    if (done(frame)) return frame;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms; last frame:\n${frame}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Lets React run the effects of the last commit: Ink's input hooks subscribe there. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Waits for the first frame and for its input hooks. */
export async function ready(read: () => string): Promise<string> {
  const frame = await waitFor(read, (f) => f.trim() !== '');
  await settle();
  return frame;
}
