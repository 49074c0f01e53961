// What the answers schema says about one field, for prefilling and choices:
// its default and its allowed values. Read from the JSON Schema the schema
// exports, so the wizard and the file format cannot disagree.
import { answersJsonSchema } from '../answers/field-help.js';
import type { Path } from './path.js';

interface Node {
  readonly default?: unknown;
  readonly description?: string;
  readonly enum?: readonly unknown[];
  readonly properties?: Record<string, Node>;
  readonly items?: Node;
  readonly anyOf?: readonly Node[];
  readonly additionalProperties?: Node | boolean;
}

let root: Node | undefined;

function nodeAt(path: Path): Node | undefined {
  root ??= answersJsonSchema() as Node;
  let node: Node | undefined = root;
  for (const part of path) {
    if (!node) return undefined;
    let next: Node | undefined;
    for (const option of node.anyOf ?? [node]) {
      if (typeof part === 'number') next = option.items;
      else next = option.properties?.[part] ?? (typeof option.additionalProperties === 'object' ? option.additionalProperties : undefined);
      if (next) break;
    }
    node = next;
  }
  return node;
}

export function schemaDefault(path: Path): unknown {
  return nodeAt(path)?.default;
}

/** The field's own description (not one of its alternatives', as for a secret reference). */
export function schemaDescription(path: Path): string | undefined {
  return nodeAt(path)?.description;
}

export function schemaEnum(path: Path): readonly string[] {
  return (nodeAt(path)?.enum ?? []).filter((v): v is string => typeof v === 'string');
}
