// While the live view is up, text written straight to a terminal stderr (the
// install's "stopping…" on Ctrl+C, a warning, a Node warning) lands where Ink
// is about to erase: the live area's top lines would stay on screen as stale
// copies. Such writes go through Ink instead, which erases the live area,
// writes them, and draws it again below.
import { useStderr } from 'ink';
import { useEffect } from 'react';

/** Sends every write on `stream` to `through`, until the returned function puts `write` back. */
export function routeWrites(stream: NodeJS.WriteStream, through: (text: string) => void): () => void {
  const own = Object.getOwnPropertyDescriptor(stream, 'write');
  const original = stream.write.bind(stream);
  // `through` (Ink) ends in stream.write itself: that call must reach the stream.
  let passing = false;
  const routed = (...args: Parameters<typeof original>): boolean => {
    if (passing) return original(...args);
    passing = true;
    try {
      through(typeof args[0] === 'string' ? args[0] : Buffer.from(args[0]).toString('utf8'));
    } finally {
      passing = false;
    }
    return true;
  };
  Object.defineProperty(stream, 'write', { configurable: true, writable: true, value: routed });
  return () => {
    if (own) Object.defineProperty(stream, 'write', own);
    else delete (stream as { write?: unknown }).write;
  };
}

export function useStderrGuard(): void {
  const { stderr, write } = useStderr();
  useEffect(() => (stderr.isTTY ? routeWrites(stderr, write) : undefined), [stderr, write]);
}
