// The guard-to-condition compiler (src/dynamodb/conditions.ts): each fact a decision relied on becomes the condition
// on the item that holds it, in the table's attribute names (docs/architecture.md, "Table"). The conditions are
// shown with their placeholders filled in, so each row reads as the condition DynamoDB evaluates; the suites on
// DynamoDB Local (test/integration/store) show that those conditions hold and fail where they should.
import type { Change, Guard } from '../../../src/sessions/model/change.js';
import { newSession, withPlayers } from '../../../src/sessions/model/new-session.js';
import type { Session } from '../../../src/sessions/model/session.js';
import { Expression } from '../../../src/dynamodb/expression.js';
import { openIndexGuards, playerGuard, sessionGuard } from '../../../src/dynamodb/conditions.js';
import { seatedPlayer } from '../../support/fixtures.js';

/** The conditions with every placeholder replaced by its attribute name or its value as JSON. */
function readable(compile: (x: Expression) => string[]): string[] {
  const x = new Expression();
  const conditions = compile(x);
  const { ExpressionAttributeNames: names = {}, ExpressionAttributeValues: values = {} } = x.attributes();
  return conditions.map((c) => c.replace(/#n\d+/g, (p) => names[p]!).replace(/:v\d+/g, (p) => JSON.stringify(values[p])));
}

describe('session guards: the condition on the session item', () => {
  test.each<[Guard, string[]]>([
    [{ kind: 'joinable' }, ['joinable = true']],
    [{ kind: 'friendsMayJoin' }, ['friends_join = true']],
    [{ kind: 'noShortCode' }, ['attribute_not_exists(short_code)']],
    [{ kind: 'noPassword' }, ['attribute_not_exists(pw_hash)']],
    [{ kind: 'passwordIs', hash: 'scrypt$abc' }, ['pw_hash = "scrypt$abc"']],
    [{ kind: 'seatFree', teamId: 2 }, ['teams.2.n < teams.2.max']],
    [{ kind: 'teamFull', teamId: 0 }, ['teams.0.n >= teams.0.max']],
    [{ kind: 'noLeader' }, ['attribute_not_exists(leader)']],
    [{ kind: 'hasLeader' }, ['attribute_exists(leader)']],
    [{ kind: 'leaderIs', playerUuid: 'p-1' }, ['leader = "p-1"']],
    [{ kind: 'activeCount', equals: 3 }, ['active = 3']],
    [{ kind: 'counter', key: 'input_gamepad', equals: 4 }, ['xp.input_gamepad = 4']],
  ])('%j', (guard, expected) => {
    expect(readable((x) => sessionGuard(x, guard))).toEqual(expected);
  });

  test.each<Guard>([
    { kind: 'playerAbsent', playerUuid: 'p-1' },
    { kind: 'playerRevision', playerUuid: 'p-1', revision: 2 },
    { kind: 'playerActive', playerUuid: 'p-1' },
  ])('a player fact puts no condition on the session item: %j', (guard) => {
    expect(sessionGuard(new Expression(), guard)).toEqual([]);
  });
});

describe("player guards: the condition on the written player's item", () => {
  const INC = 'inc-7';
  test.each<[Guard, string[]]>([
    // An item an earlier incarnation of the session id left behind is no membership.
    [{ kind: 'playerAbsent', playerUuid: 'p-1' }, ['(attribute_not_exists(pk) OR inc <> "inc-7")']],
    [{ kind: 'playerRevision', playerUuid: 'p-1', revision: 5 }, ['inc = "inc-7" AND rev = 5']],
    [{ kind: 'playerActive', playerUuid: 'p-1' }, ['inc = "inc-7" AND status IN ("leader", "member")']],
    [{ kind: 'playerActive', playerUuid: 'p-1', holds: 'invite' }, ['inc = "inc-7" AND status IN ("leader", "member")', 'contains(perms, "invite")']],
  ])('%j', (guard, expected) => {
    expect(readable((x) => playerGuard(x, guard, 'p-1', INC))).toEqual(expected);
  });

  test("another player's fact puts no condition on this item", () => {
    expect(playerGuard(new Expression(), { kind: 'playerRevision', playerUuid: 'p-2', revision: 1 }, 'p-1', INC)).toEqual([]);
  });

  test('a session fact puts no condition on a player item', () => {
    expect(playerGuard(new Expression(), { kind: 'leaderIs', playerUuid: 'p-1' }, 'p-1', INC)).toEqual([]);
  });
});

describe('open-index guards: the decision to open or fill the session must still hold when the write lands', () => {
  /** A session with one team of `max` seats, `taken` of them occupied. */
  const session = (max: number, taken: number, over: Partial<Session> = {}): Session => ({
    ...withPlayers(
      newSession({ sessionId: 's', type: 't', teamSizes: [max], joinable: true }),
      Array.from({ length: taken }, (_, i) => seatedPlayer(`p-${i}`, { status: i === 0 ? 'leader' : 'member' })),
    ),
    ...over,
  });
  const change = (over: Partial<Change> = {}): Change => ({ event: 'player_joined', guards: [], players: [], ...over }) as Change;
  const guards = (read: Session, c: Change) => readable((x) => openIndexGuards(x, read, c));

  test('a join that fills the last seat needs exactly the count it read', () => {
    expect(guards(session(4, 3), change({ seats: { 0: 1 } }))).toEqual(['joinable = true', 'attribute_not_exists(pw_hash)', 'seats_free = 1']);
  });

  test('a join that leaves seats free needs more free seats than it takes', () => {
    expect(guards(session(4, 1), change({ seats: { 0: 1 } }))).toEqual(['joinable = true', 'attribute_not_exists(pw_hash)', 'seats_free > 1']);
  });

  test('a leave from a full session opens it: it needs the full count it read', () => {
    expect(guards(session(2, 2), change({ seats: { 0: -1 } }))).toEqual(['joinable = true', 'attribute_not_exists(pw_hash)', 'seats_free = 0']);
  });

  test('a change of no seats in a full session needs it still full', () => {
    expect(guards(session(2, 2), change())).toEqual(['joinable = true', 'attribute_not_exists(pw_hash)', 'seats_free <= 0']);
  });

  test('a leave from an open session keeps it open: any free count will do', () => {
    expect(guards(session(4, 2), change({ seats: { 0: -1 } }))).toEqual(['joinable = true', 'attribute_not_exists(pw_hash)', 'seats_free > 0']);
  });

  test('a leave from an overfilled session that stays full needs it at least as overfilled as the leave leaves it', () => {
    expect(guards(session(2, 4), change({ seats: { 0: -1 } }))).toEqual(['joinable = true', 'attribute_not_exists(pw_hash)', 'seats_free <= -1']);
  });

  test('seats taken and given back across teams count together', () => {
    const read = withPlayers(newSession({ sessionId: 's', type: 't', teamSizes: [2, 2], joinable: true }), [
      seatedPlayer('a', { status: 'leader', teamId: 0 }),
      seatedPlayer('b', { teamId: 1 }),
    ]);
    expect(guards(read, change({ seats: { 0: 1, 1: -1 } }))).toEqual(['joinable = true', 'attribute_not_exists(pw_hash)', 'seats_free > 0']);
  });

  test('a session with a password is read as one: its index decision holds only while it keeps one', () => {
    expect(guards(session(4, 1, { passwordHash: 'h' }), change({ seats: { 0: 1 } }))).toEqual([
      'joinable = true',
      'attribute_exists(pw_hash)',
      'seats_free > 1',
    ]);
  });

  test('a session not joinable, and a change that leaves it so: only that it stays so', () => {
    expect(guards(session(4, 1, { joinable: false }), change({ seats: { 0: 1 } }))).toEqual(['joinable = false', 'attribute_not_exists(pw_hash)']);
  });

  test('a change that makes a session joinable needs its seat count', () => {
    expect(guards(session(4, 4, { joinable: false }), change({ joinable: true }))).toEqual([
      'joinable = false',
      'attribute_not_exists(pw_hash)',
      'seats_free <= 0',
    ]);
  });
});
