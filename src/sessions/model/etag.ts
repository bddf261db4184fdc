// ETags are strong, quoted and derived from the session's version. The incarnation (random per creation) makes
// them unique across a delete and re-create of the same session id.
import type { Session } from './session.js';

export const etagOf = (s: Pick<Session, 'incarnation' | 'version'>) => `"${s.incarnation}-${s.version}"`;

const tagsOf = (header: string) => header.split(',').map((t) => t.trim()).filter(Boolean);

/** If-Match uses the strong comparison: a weak tag never matches; `*` matches any current state. */
export function ifMatchHolds(header: string, current: string): boolean {
  return tagsOf(header).some((t) => t === '*' || t === current);
}

/** If-None-Match uses the weak comparison: `W/"x"` matches `"x"`. */
export function ifNoneMatchHits(header: string, current: string): boolean {
  return tagsOf(header).some((t) => t === '*' || t.replace(/^W\//, '') === current);
}
