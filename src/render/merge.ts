// Deep merge of extraValues over rendered values, recording every key path
// whose rendered value it replaced, so the operator sees what was overridden.

type Values = Record<string, unknown>;

function isPlainObject(v: unknown): v is Values {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export interface MergeResult {
  readonly values: Values;
  /** Dotted paths of rendered values that extraValues replaced. */
  readonly overridden: readonly string[];
}

export function mergeExtraValues(base: Values, extra: Values): MergeResult {
  const overridden: string[] = [];
  const merge = (into: Values, from: Values, prefix: string): Values => {
    const out: Values = { ...into };
    for (const [key, value] of Object.entries(from)) {
      const path = prefix ? `${prefix}.${key}` : key;
      const current = out[key];
      if (isPlainObject(current) && isPlainObject(value)) {
        out[key] = merge(current, value, path);
      } else {
        if (current !== undefined && JSON.stringify(current) !== JSON.stringify(value)) overridden.push(path);
        out[key] = value;
      }
    }
    return out;
  };
  return { values: merge(base, extra, ''), overridden };
}
