// The templates of one container, read once and never changed: lookups by type, and the strong ETags of what the
// two template operations return (a hash of the canonical JSON of the body, so equal content means an equal tag
// whatever the file's key order or formatting, and across containers and deployments).
import { contentEtag } from '../http/content-etag.js';
import type { SessionTemplate, SessionTemplates } from './session-template.js';

export interface TemplateCatalog {
  /** Every template, in the file's order. */
  all(): SessionTemplate[];
  get(type: string): SessionTemplate | undefined;
  /** The body of get_all_session_templates: `{ templates: { [session_type]: SessionTemplate } }`. */
  resource(): SessionTemplates;
  /** ETag of resource(). */
  readonly etag: string;
  /** ETag of get(type); undefined for an unknown type. */
  etagOf(type: string): string | undefined;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/** Templates must have unique types (parseTemplates guarantees it); they are frozen, since every request shares them. */
export function createTemplateCatalog(templates: readonly SessionTemplate[]): TemplateCatalog {
  const list = deepFreeze(templates.map((t) => structuredClone(t)));
  const byType = new Map(list.map((t) => [t.session_type, t]));
  if (byType.size !== list.length) throw new Error('session templates must have unique session_type values');
  const etags = new Map(list.map((t) => [t.session_type, contentEtag(t)]));
  // A null-prototype map, so that a type named "__proto__" is an ordinary key.
  const templatesByType: Record<string, SessionTemplate> = Object.create(null);
  for (const t of list) templatesByType[t.session_type] = t;
  const resource = deepFreeze({ templates: templatesByType });
  const etag = contentEtag(resource);
  return {
    all: () => [...list],
    get: (type) => byType.get(type),
    resource: () => resource,
    etag,
    etagOf: (type) => etags.get(type),
  };
}
