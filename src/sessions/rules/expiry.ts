// When a read extends a session's life.
import type { Session } from '../model/session.js';

/**
 * Reads extend a session's life only once half of its time-to-live has passed: the extension is a write, and
 * doing it on every read would make readers contend with joins for the session item.
 */
export const needsExtension = (session: Session, now: Date) =>
  session.expiresAt !== undefined && session.expiresAt - now.getTime() / 1000 < session.ttlSeconds / 2;
