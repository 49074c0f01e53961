// Fills a commented values template with computed values: the template gives
// order and comments, the values give content. Keys the values lack are
// dropped (with their comments); values are set as YAML nodes, never spliced
// as text, so any string survives the round trip.
import type { Document} from 'yaml';
import { isMap, isScalar, parseDocument, Scalar, type Node, type Pair, type YAMLMap } from 'yaml';

type Values = Record<string, unknown>;

function isPlainObject(v: unknown): v is Values {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function keyOf(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function toNode(doc: Document, value: unknown, old: unknown): Node {
  const node = doc.createNode(value) as Node;
  if (isScalar(node) && typeof node.value === 'string' && node.value.includes('\n')) node.type = Scalar.BLOCK_LITERAL;
  if (old && typeof old === 'object' && 'comment' in old) {
    const prev = old as { comment?: string | null; commentBefore?: string | null };
    node.comment = prev.comment ?? null;
    node.commentBefore = prev.commentBefore ?? null;
  }
  return node;
}

function fill(doc: Document, map: YAMLMap, values: Values): void {
  const kept: Pair[] = [];
  const seen = new Set<string>();
  for (const pair of map.items) {
    const key = keyOf(pair);
    const value = values[key];
    if (value === undefined) continue;
    seen.add(key);
    if (isPlainObject(value) && Object.keys(value).length > 0 && isMap(pair.value)) fill(doc, pair.value, value);
    else pair.value = toNode(doc, value, pair.value);
    kept.push(pair);
  }
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || seen.has(key)) continue;
    kept.push(doc.createPair(key, value));
  }
  map.items = kept;
}

export interface FillOptions {
  /** Rename a top-level key of the template first (e.g. server → zenml for older charts). */
  readonly renameRoot?: { readonly from: string; readonly to: string };
  /** Comment lines written above the template's own header. */
  readonly header?: readonly string[];
}

export function fillTemplate(templateText: string, values: Values, options: FillOptions = {}): string {
  const doc = parseDocument(templateText);
  if (doc.errors.length > 0) throw new Error(`values template is not valid YAML: ${doc.errors[0]?.message ?? ''}`);
  const root = doc.contents;
  if (!isMap(root)) throw new Error('values template must be a YAML map');
  if (options.renameRoot) {
    const { from, to } = options.renameRoot;
    for (const pair of root.items as Pair[]) {
      if (keyOf(pair) === from && isScalar(pair.key)) pair.key.value = to;
    }
  }
  // The file's header comment is parsed onto the first key; keep it for the file even if that key goes.
  const first = (root.items as Pair[])[0];
  const firstComment = first && isScalar(first.key) ? first.key.commentBefore : undefined;
  if (!doc.commentBefore && first && isScalar(first.key) && firstComment?.includes('\n\n')) {
    const split = firstComment.indexOf('\n\n');
    doc.commentBefore = firstComment.slice(0, split);
    first.key.commentBefore = firstComment.slice(split + 2);
  }
  fill(doc, root, values);
  const header = (options.header ?? []).map((l) => ` ${l}`);
  if (header.length > 0) doc.commentBefore = [...header, ...(doc.commentBefore ? [doc.commentBefore] : [])].join('\n');
  return doc.toString({ lineWidth: 0 });
}
