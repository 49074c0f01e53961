// The JSON Schema of the answers (for editors) and what it says about one
// field: its one-line help and the keys allowed next to it.
import { z } from 'zod';
import { answersSchema } from './schema.js';

interface JsonSchemaNode {
  readonly description?: string;
  readonly properties?: Record<string, JsonSchemaNode>;
  readonly items?: JsonSchemaNode;
  readonly anyOf?: readonly JsonSchemaNode[];
  readonly additionalProperties?: JsonSchemaNode | boolean;
}

let cached: JsonSchemaNode | undefined;

/** The answers JSON Schema, describing what may be written in a file (defaults make keys optional). */
export function answersJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(answersSchema, { io: 'input', unrepresentable: 'any' });
}

function root(): JsonSchemaNode {
  cached ??= answersJsonSchema() as JsonSchemaNode;
  return cached;
}

function nodeAt(path: readonly PropertyKey[]): JsonSchemaNode | undefined {
  let node: JsonSchemaNode | undefined = root();
  for (const part of path) {
    if (!node) return undefined;
    const options: readonly JsonSchemaNode[] = node.anyOf ?? [node];
    let next: JsonSchemaNode | undefined;
    for (const option of options) {
      if (typeof part === 'number') next = option.items;
      else next = option.properties?.[String(part)] ?? (typeof option.additionalProperties === 'object' ? option.additionalProperties : undefined);
      if (next) break;
    }
    node = next;
  }
  return node;
}

export function fieldDescription(path: readonly PropertyKey[]): string | undefined {
  const node = nodeAt(path);
  return node?.description ?? node?.anyOf?.find((o) => o.description)?.description;
}

export function knownKeys(path: readonly PropertyKey[]): string[] {
  const node = nodeAt(path);
  const options = node?.anyOf ?? (node ? [node] : []);
  return options.flatMap((o) => Object.keys(o.properties ?? {}));
}
