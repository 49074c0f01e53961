// `schema`: the answers JSON Schema, for editor completion and validation.
import { answersJsonSchema } from '../answers/field-help.js';
import type { Output } from './output.js';

export function schemaText(): string {
  return `${JSON.stringify(answersJsonSchema(), null, 2)}\n`;
}

export function schemaCommand(out: Output): number {
  out.info(schemaText().trimEnd());
  return 0;
}
