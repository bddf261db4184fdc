// Reads schemas/openapi.yaml and derives the JSON Schemas that validate requests (and, in tests, responses).
// Used by `npm run generate` and by the contract tests; never loaded by a Lambda handler.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { Ajv2020, type Options } from 'ajv/dist/2020.js';

type JsonObject = Record<string, unknown>;
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: JsonObject;
}
interface Operation {
  operationId: string;
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { content: Record<string, { schema: JsonObject }> };
}
export interface OpenApiSpec {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonObject>; parameters?: Record<string, Parameter> };
}

export const COMPONENTS_ID = 'components';
/** The forms pydantic's UUID takes (Python's uuid.UUID): hex with hyphens anywhere, in braces, after urn:uuid:. */
const UUID = /^(?:urn:)?(?:uuid:)?[{}]*(?:-*[0-9a-f]){32}-*[{}]*$/i;

export async function loadSpec(file: string): Promise<OpenApiSpec> {
  return parse(await readFile(file, 'utf8')) as OpenApiSpec;
}

/** OpenAPI refs (#/components/schemas/X) become refs into one schema document that holds every component. */
function retarget<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', `"${COMPONENTS_ID}#/$defs/`)) as T;
}

export function createAjv(spec: OpenApiSpec, opts: { coerceTypes?: boolean; standalone?: boolean } = {}) {
  const options: Options = {
    allErrors: true,
    useDefaults: true,
    strict: true,
    coerceTypes: opts.coerceTypes ?? false,
    code: opts.standalone ? { source: true, esm: true, optimize: true } : undefined,
    // The 422 mapping reads keywords and params, never ajv's messages: leave them out of the generated code.
    messages: !opts.standalone,
  };
  const ajv = new Ajv2020(options);
  ajv.addVocabulary(['x-enum-descriptions', 'x-error-codes', 'example']);
  ajv.addFormat('uuid', UUID);
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  const defs = retarget(spec.components.schemas);
  ajv.addSchema({ $id: COMPONENTS_ID, $defs: opts.standalone ? withoutAnnotations(defs) : defs });
  return ajv;
}

const ANNOTATIONS = new Set(['title', 'description', 'example', 'examples', 'deprecated', 'x-enum-descriptions', 'x-error-codes']);

/**
 * The schemas without what validation never reads: generated validators embed the schemas they were compiled
 * from, and descriptions would only add bytes to every Lambda bundle. (A property *named* "description" stays.)
 */
export function withoutAnnotations<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(withoutAnnotations) as T;
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema as Record<string, unknown>)
      .filter(([k]) => !ANNOTATIONS.has(k))
      .map(([k, v]) => [
        k,
        k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([n, p]) => [n, withoutAnnotations(p)])) : withoutAnnotations(v),
      ]),
  ) as T;
}

function resolveParameter(spec: OpenApiSpec, p: Parameter | { $ref: string }): Parameter {
  if (!('$ref' in p)) return p;
  const name = p.$ref.replace('#/components/parameters/', '');
  const found = spec.components.parameters?.[name];
  if (!found) throw new Error(`unknown parameter ${p.$ref}`);
  return found;
}

function objectOf(params: Parameter[]): JsonObject {
  return {
    type: 'object',
    properties: Object.fromEntries(params.map((p) => [p.name, retarget(p.schema)])),
    required: params.filter((p) => p.required).map((p) => p.name),
  };
}

export interface OperationSchemas {
  path?: JsonObject;
  query?: JsonObject;
  body?: JsonObject;
}

/** Per operation: the schema of its path parameters, of its query string, and of its JSON body. */
export function requestSchemas(spec: OpenApiSpec): Record<string, OperationSchemas> {
  const out: Record<string, OperationSchemas> = {};
  for (const methods of Object.values(spec.paths)) {
    for (const op of Object.values(methods)) {
      const params = (op.parameters ?? []).map((p) => resolveParameter(spec, p));
      const inPath = params.filter((p) => p.in === 'path');
      const inQuery = params.filter((p) => p.in === 'query');
      const body = op.requestBody?.content['application/json']?.schema;
      out[op.operationId] = {
        ...(inPath.length ? { path: objectOf(inPath) } : {}),
        ...(inQuery.length ? { query: objectOf(inQuery) } : {}),
        ...(body ? { body: retarget(body) } : {}),
      };
    }
  }
  return out;
}

/** Compiles a component schema at runtime; for tests that check responses against the contract. */
export function componentValidator(spec: OpenApiSpec, name: string) {
  const ajv = createAjv(spec);
  const validate = ajv.getSchema(`${COMPONENTS_ID}#/$defs/${name}`);
  if (!validate) throw new Error(`no component schema ${name}`);
  return validate;
}
