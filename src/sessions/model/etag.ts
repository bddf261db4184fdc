// ETags are strong, quoted and derived from the session's version. The incarnation (random per creation) makes
// them unique across a delete and re-create of the same session id.
import type { Session } from './session.js';

export const etagOf = (s: Pick<Session, 'incarnation' | 'version'>) => `"${s.incarnation}-${s.version}"`;
