// The raw input chunks Ink reads, in order. useInput is not enough for a line
// editor: it reports Backspace (DEL) and Delete (ESC [3~) alike, and hands a
// chunk of several keys (fast typing, paste) over as one undecoded string.
import { useStdin } from 'ink';
import { useEffect, useRef } from 'react';

export function useRawInput(handler: (chunk: string) => void, active: boolean): void {
  const { internal_eventEmitter: events, setRawMode } = useStdin();
  // The latest handler, without resubscribing on every render.
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    if (!active) return;
    setRawMode(true);
    const listener = (chunk: string): void => latest.current(chunk);
    events.on('input', listener);
    return () => {
      events.off('input', listener);
      setRawMode(false);
    };
  }, [active, events, setRawMode]);
}
