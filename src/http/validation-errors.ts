// Turns ajv's errors into FastAPI/pydantic-v1 422 items: `loc` as a path starting at body/path/query,
// pydantic's messages and error types, every problem listed.
import type { ErrorObject } from 'ajv';
import type { ValidationErrorItem } from '../contract/types.js';

export type Location = 'body' | 'path' | 'query' | 'header';

const TYPE_ERRORS: Record<string, [string, string]> = {
  string: ['str type expected', 'type_error.str'],
  integer: ['value is not a valid integer', 'type_error.integer'],
  number: ['value is not a valid float', 'type_error.float'],
  boolean: ['value could not be parsed to a boolean', 'type_error.bool'],
  object: ['value is not a valid dict', 'type_error.dict'],
  array: ['value is not a valid list', 'type_error.list'],
};

const quote = (v: unknown) => (typeof v === 'string' ? `'${v}'` : String(v));

function describe(e: ErrorObject): [string, string] | undefined {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return ['field required', 'value_error.missing'];
    case 'type':
      return TYPE_ERRORS[String(p.type)] ?? [`value is not a valid ${String(p.type)}`, `type_error.${String(p.type)}`];
    case 'enum':
      return [`value is not a valid enumeration member; permitted: ${(p.allowedValues as unknown[]).map(quote).join(', ')}`, 'type_error.enum'];
    case 'minimum':
      return [`ensure this value is greater than or equal to ${p.limit}`, 'value_error.number.not_ge'];
    case 'maximum':
      return [`ensure this value is less than or equal to ${p.limit}`, 'value_error.number.not_le'];
    case 'minLength':
      return [`ensure this value has at least ${p.limit} characters`, 'value_error.any_str.min_length'];
    case 'maxLength':
      return [`ensure this value has at most ${p.limit} characters`, 'value_error.any_str.max_length'];
    case 'minItems':
      return [`ensure this value has at least ${p.limit} items`, 'value_error.list.min_items'];
    case 'maxItems':
      return [`ensure this value has at most ${p.limit} items`, 'value_error.list.max_items'];
    case 'format':
      return p.format === 'uuid'
        ? ['value is not a valid uuid', 'type_error.uuid']
        : [`value is not a valid ${String(p.format)}`, `value_error.${String(p.format)}`];
    case 'maxProperties':
      return [`ensure this dict has at most ${p.limit} keys`, 'value_error.dict.max_keys'];
    case 'not':
      return ['this key is reserved', 'value_error.reserved_key'];
    case 'propertyNames':
      return undefined; // reported through the failing name's own error
    default:
      return [e.message ?? 'invalid value', `value_error.${e.keyword}`];
  }
}

const segments = (instancePath: string) =>
  instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));

/** A path as pydantic gives it: list indices as numbers, dict keys (digits or not) as strings. */
function locOf(data: unknown, path: readonly string[]): (string | number)[] {
  const loc: (string | number)[] = [];
  let at = data;
  for (const key of path) {
    loc.push(Array.isArray(at) && /^(0|[1-9]\d*)$/.test(key) ? Number(key) : key);
    at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
  }
  return loc;
}

/** The value at a JSON pointer's segments, or undefined. */
function valueAt(data: unknown, path: readonly string[]): unknown {
  let at = data;
  for (const key of path) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

const NONE: [string, string] = ['none is not an allowed value', 'type_error.none.not_allowed'];

/**
 * ajv's errors as pydantic v1 reports the same problems: one item per field, so a null is "none is not an allowed
 * value" whatever else it fails, and a value outside an enumeration is its enumeration error alone, not also a
 * type error.
 */
export function toValidationItems(location: Location, errors: readonly ErrorObject[] | null | undefined, data: unknown): ValidationErrorItem[] {
  const items: ValidationErrorItem[] = [];
  const all = errors ?? [];
  const enumAt = new Set(all.filter((e) => e.keyword === 'enum').map((e) => e.instancePath));
  const noneAt = new Set<string>();
  for (const e of all) {
    const path = segments(e.instancePath);
    const loc: (string | number)[] = [location, ...locOf(data, path)];
    if ((e.keyword === 'type' || e.keyword === 'enum') && valueAt(data, path) === null) {
      if (!noneAt.has(e.instancePath)) items.push({ loc, msg: NONE[0], type: NONE[1] });
      noneAt.add(e.instancePath);
      continue;
    }
    if (e.keyword === 'type' && enumAt.has(e.instancePath)) continue;
    const described = describe(e);
    if (!described) continue;
    if (e.keyword === 'required') loc.push(String((e.params as { missingProperty: string }).missingProperty));
    // A failing dict key, as pydantic reports it: [..., key, "__key__"].
    if (e.propertyName !== undefined) loc.push(e.propertyName, '__key__');
    items.push({ loc, msg: described[0], type: described[1] });
  }
  return items;
}

export const missingBody = (): ValidationErrorItem => ({ loc: ['body'], msg: 'field required', type: 'value_error.missing' });
export const invalidJson = (): ValidationErrorItem => ({ loc: ['body'], msg: 'Invalid JSON body', type: 'value_error.jsondecode' });
