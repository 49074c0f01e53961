// Holds the progress state outside React, so events can arrive before, during
// and after renders; the view reads it with useSyncExternalStore.
import type { EngineEvent } from '../../engine/events.js';
import { initialProgress, printDetails, progressReducer, type ProgressState } from './state.js';

export interface ProgressSnapshot {
  readonly progress: ProgressState;
  /** The event source ended (with or without run-finished). */
  readonly ended: boolean;
}

export interface ProgressStore {
  readonly snapshot: () => ProgressSnapshot;
  readonly subscribe: (listener: () => void) => () => void;
  readonly dispatch: (event: EngineEvent) => void;
  readonly end: () => void;
  /** Prints the running steps in full (the `d` key). */
  readonly printDetails: () => void;
}

export function createProgressStore(): ProgressStore {
  let snapshot: ProgressSnapshot = { progress: initialProgress, ended: false };
  const listeners = new Set<() => void>();
  const set = (next: ProgressSnapshot): void => {
    snapshot = next;
    for (const listener of listeners) listener();
  };
  return {
    snapshot: () => snapshot,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispatch: (event) => set({ ...snapshot, progress: progressReducer(snapshot.progress, event) }),
    end: () => set({ ...snapshot, ended: true }),
    printDetails: () => set({ ...snapshot, progress: printDetails(snapshot.progress) }),
  };
}
