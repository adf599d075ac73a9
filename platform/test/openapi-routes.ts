import type { ApiDocument, DocumentedOperation, DocumentedSchema } from './api-types';
import { apiContract } from './helpers';

export interface ApiOperation {
  method: string;
  /** OpenAPI path, e.g. /api/users/{userId} */
  path: string;
  access: string;
  operation: DocumentedOperation;
}

let cached: { document: ApiDocument; operations: ApiOperation[] } | undefined;

/** Every operation of the app's own OpenAPI document: the route list tests iterate over. */
export async function apiOperations() {
  if (!cached) {
    const { document } = await apiContract();
    const operations: ApiOperation[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        operations.push({ method: method.toUpperCase(), path, access: operation['x-castio-access'] ?? '', operation });
      }
    }
    cached = { document, operations };
  }
  return cached;
}

/** The value at a JSON pointer (`/components/schemas/…`) of the document; undefined where nothing is. */
export function documentAt(document: ApiDocument, pointer: string): unknown {
  let node: unknown = document;
  for (const segment of pointer.split('/').slice(1)) {
    const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}

/** Fills `{param}` placeholders from the given values (by parameter name). */
export function fillPath(path: string, values: Record<string, string>) {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? `00000000000000000000000000`);
}

/** The JSON request body schema of an operation, with a top-level `$ref` resolved. */
export function jsonBodySchema(operation: DocumentedOperation | undefined): DocumentedSchema | undefined {
  const schema = operation?.requestBody?.content?.['application/json']?.schema;
  if (!schema?.$ref) return schema;
  return cached!.document.components.schemas[schema.$ref.split('/').pop()!];
}
