// The rules of generate_session_short_code: an active member (or a trusted caller) gets the session's code; a
// session without one takes the code offered, in a change that also claims the code (commit.ts).
import type { Actor } from '../model/actor.js';
import type { Decision } from '../model/change.js';
import { isActive, type Player, type Session } from '../model/session.js';
import { reject } from './toolkit.js';

export function decideShortCode(session: Session | undefined, actor: Actor, caller: Player | undefined, offered: string): Decision<string> {
  if (!session) return reject('session_not_found');
  const active = caller !== undefined && isActive(caller.status);
  if (!actor.trusted && !active) return reject('not_active_in_session');
  if (session.shortCode) return { kind: 'unchanged', result: session.shortCode };
  return {
    kind: 'write',
    result: offered,
    change: {
      event: 'Session Updated',
      guards: [{ kind: 'noShortCode' }, ...(actor.trusted ? [] : [{ kind: 'playerActive' as const, playerUuid: caller!.playerUuid }])],
      // The caller's membership is a fact of the decision, not a write: checked, not put.
      players: [],
      shortCode: offered,
    },
  };
}
