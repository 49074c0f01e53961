// Runs the caller's preview (plan + rendered values) for the review, once per set of answers.
import { useEffect, useState } from 'react';
import type { PreviewFn, PreviewResult } from '../../wizard/result.js';

export type PreviewState = { readonly status: 'loading' } | { readonly status: 'done'; readonly result: PreviewResult } | { readonly status: 'error'; readonly message: string };

export function usePreview(preview: PreviewFn, raw: Readonly<Record<string, unknown>>, typedSecrets: ReadonlyMap<string, string>): PreviewState {
  // Remembers which answers the settled preview was for: other answers are still loading.
  const [settled, setSettled] = useState<{ readonly raw: object; readonly state: PreviewState } | undefined>(undefined);
  useEffect(() => {
    let live = true;
    preview({ ...raw }, typedSecrets).then(
      (result) => {
        if (live) setSettled({ raw, state: { status: 'done', result } });
      },
      (error: unknown) => {
        if (live) setSettled({ raw, state: { status: 'error', message: error instanceof Error ? error.message : String(error) } });
      },
    );
    return () => {
      live = false;
    };
  }, [preview, raw, typedSecrets]);
  return settled?.raw === raw ? settled.state : { status: 'loading' };
}

/** Hides every typed secret value that might appear in previewed text. */
export function maskTyped(text: string, typedSecrets: ReadonlyMap<string, string>): string {
  let out = text;
  for (const value of typedSecrets.values()) if (value.length > 0) out = out.split(value).join('******');
  return out;
}
