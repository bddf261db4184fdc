// Pure: a parsed JSON value (the templates file) → a catalog, or every problem found, each naming the entry (its
// index, and its session_type when known) and the field, e.g.
//   templates[2] ("raid").players_per_team: must be an integer from 1 to 100
// Fields left out take their defaults (FIELDS); fields this service does not know are ignored and not kept.
import validRange from 'semver/ranges/valid.js';
import { CUSTOM_DATA_LIMITS, FIELDS, type FieldRule, type SessionTemplate, type TemplateField } from './session-template.js';
import { createTemplateCatalog, type TemplateCatalog } from './template-catalog.js';

/** As the contract's CustomData: JavaScript object plumbing that the DynamoDB marshaller cannot store. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type ParseResult = { catalog: TemplateCatalog } | { problems: string[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const chars = (n: number) => `${n} character${n === 1 ? '' : 's'}`;
const keyPath = (k: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);

/** What is wrong with `value` under `rule` (each sentence starts with `field`); empty when it is fine. */
function checkValue(rule: FieldRule, value: unknown, field: string): string[] {
  switch (rule.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${field}: must be true or false`];
    case 'integer':
      return Number.isInteger(value) && (value as number) >= rule.min && (value as number) <= rule.max
        ? []
        : [`${field}: must be an integer from ${rule.min} to ${rule.max}`];
    case 'string':
      return typeof value === 'string' && value.length >= rule.minLength && value.length <= rule.maxLength
        ? []
        : [`${field}: must be a string of ${rule.minLength} to ${chars(rule.maxLength)}`];
    case 'semver_range':
      if (typeof value !== 'string' || value.trim() === '' || value.length > rule.maxLength) {
        return [`${field}: must be a semver range of 1 to ${chars(rule.maxLength)}, e.g. ">=1.4.0 <2.0.0"`];
      }
      return validRange(value) === null ? [`${field}: ${JSON.stringify(value)} is not a valid semver range, e.g. ">=1.4.0 <2.0.0"`] : [];
    case 'custom_data': {
      const { maxKeys, keyMaxLength, valueMaxLength } = CUSTOM_DATA_LIMITS;
      if (!isObject(value)) return [`${field}: must be an object of string values`];
      const entries = Object.entries(value);
      const out: string[] = [];
      if (entries.length > maxKeys) out.push(`${field}: must have at most ${maxKeys} keys`);
      for (const [k, v] of entries) {
        if (k.length < 1 || k.length > keyMaxLength) out.push(`${field}${keyPath(k)}: keys must be 1 to ${chars(keyMaxLength)}`);
        else if (RESERVED_KEYS.has(k)) out.push(`${field}${keyPath(k)}: this key is reserved`);
        if (typeof v !== 'string' || v.length < 1 || v.length > valueMaxLength) {
          out.push(`${field}${keyPath(k)}: must be a string of 1 to ${chars(valueMaxLength)}`);
        }
      }
      return out;
    }
  }
}

/** One entry → a template with defaults applied, or its problems (prefixed with the entry's name). */
function parseTemplate(entry: unknown, name: string): { template: SessionTemplate } | { problems: string[] } {
  if (!isObject(entry)) return { problems: [`${name}: must be a SessionTemplate object`] };
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [field, rule] of Object.entries(FIELDS) as [TemplateField, FieldRule][]) {
    if (!own(entry, field) || entry[field] === undefined) {
      if (field === 'session_type') problems.push(`${name}.session_type: is required`);
      else if ('default' in rule && rule.default !== undefined) out[field] = structuredClone(rule.default);
      continue;
    }
    const found = checkValue(rule, entry[field], field);
    if (found.length) problems.push(...found.map((p) => `${name}.${p}`));
    else out[field] = structuredClone(entry[field]);
  }
  if (problems.length) return { problems };
  // The deprecated alias: either flag turns auto-join on, and the answer shows both equal.
  out.attempt_auto_join = out.joinable = out.attempt_auto_join === true || out.joinable === true;
  return { template: out as SessionTemplate };
}

/** The whole file's value: a JSON array of SessionTemplate objects, each with a unique `session_type`. */
export function parseTemplates(value: unknown): ParseResult {
  if (!Array.isArray(value)) return { problems: ['templates: must be a JSON array of SessionTemplate objects'] };
  const problems: string[] = [];
  const templates: SessionTemplate[] = [];
  const firstIndexOf = new Map<string, number>();
  value.forEach((entry, i) => {
    const type = isObject(entry) && typeof entry.session_type === 'string' ? entry.session_type : undefined;
    const name = `templates[${i}]${type !== undefined ? ` (${JSON.stringify(type)})` : ''}`;
    const parsed = parseTemplate(entry, name);
    if (type !== undefined) {
      const first = firstIndexOf.get(type);
      if (first !== undefined) problems.push(`${name}.session_type: duplicates templates[${first}]`);
      else firstIndexOf.set(type, i);
    }
    if ('problems' in parsed) problems.push(...parsed.problems);
    else templates.push(parsed.template);
  });
  return problems.length ? { problems } : { catalog: createTemplateCatalog(templates) };
}
