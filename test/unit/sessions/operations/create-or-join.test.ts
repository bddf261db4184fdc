// create_or_join_session's placement (src/sessions/operations/create-or-join.ts) on the in-memory store: what it
// refuses before looking, when it creates a session of the caller's own, how an auto-join type fills open sessions
// and seat-ticket blocks, and when it gives up. The same operation on DynamoDB Local: test/integration/lifecycle and
// test/stress/create-or-join-stampede.test.ts.
import { randomUUID } from 'node:crypto';
import { ApiError } from '../../../../src/errors/api-error.js';
import { createOrJoin } from '../../../../src/sessions/operations/create-or-join.js';
import { parseTemplates } from '../../../../src/templates/parse-templates.js';
import type { SessionTemplate } from '../../../../src/templates/session-template.js';
import { joinRequest } from '../../../support/fixtures.js';
import { MemoryStore } from '../../../support/memory-store.js';
import type { JoinRequest } from '../../../../src/sessions/model/session.js';

function template(over: Record<string, unknown> = {}): SessionTemplate {
  const parsed = parseTemplates([{ session_type: 't', num_teams: 1, players_per_team: 4, ...over }]);
  if (!('catalog' in parsed)) throw new Error(parsed.problems.join('; '));
  return parsed.catalog.get('t')!;
}
const AUTO_JOIN = { attempt_auto_join: true, default_public: true, can_be_created_by_players_directly: true };
const request = (over: Partial<JoinRequest> = {}) => joinRequest(randomUUID(), over);
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'placed',
    (e: unknown) => (e instanceof ApiError ? e.code : e),
  );
const playersOf = (store: MemoryStore, sessionId: string) =>
  [...store.sessions.get(sessionId)!.players.values()]
    .filter((p) => p.incarnation === store.sessions.get(sessionId)!.session.incarnation)
    .map((p) => p.player);

describe('refused before anything is read or written', () => {
  test.each<[string, Partial<JoinRequest>, Record<string, unknown>, string]>([
    ['an invited status', { status: 'invited' }, AUTO_JOIN, 'status_not_allowed'],
    ['a reserved status', { status: 'reserved' }, AUTO_JOIN, 'status_not_allowed'],
    [
      'a client version outside the range',
      { clientVersion: '0.9.0' },
      { ...AUTO_JOIN, client_version_range: '>=1.0.0' },
      'client_version_incompatible',
    ],
    ['a team the template lacks', { teamId: 2 }, { ...AUTO_JOIN, num_teams: 2 }, 'team_not_found'],
    ['a type players may not create, nothing to auto-join', {}, { can_be_created_by_players_directly: false }, 'session_creation_not_allowed'],
  ])('%s: %s', async (_, req, over, code) => {
    const store = new MemoryStore();
    expect(await codeOf(createOrJoin(store, template(over), request(req)))).toBe(code);
    expect([store.sessions.size, store.commits.length]).toEqual([0, 0]);
  });

  test('the last team and a version inside the range are taken', async () => {
    const store = new MemoryStore();
    const t = template({ ...AUTO_JOIN, num_teams: 2, client_version_range: '>=1.0.0' });
    expect(await codeOf(createOrJoin(store, t, request({ teamId: 1, clientVersion: '1.0.0' })))).toBe('placed');
  });
});

describe('a type that does not auto-join', () => {
  test.each([
    ['not public', { attempt_auto_join: true, default_public: false, can_be_created_by_players_directly: true }],
    ['not auto-joining', { attempt_auto_join: false, joinable: false, default_public: true, can_be_created_by_players_directly: true }],
  ])('(%s): every caller leads a new session of their own, on the team they asked for', async (_, over) => {
    const store = new MemoryStore();
    const t = template({ ...over, num_teams: 2 });
    const a = await createOrJoin(store, t, request({ teamId: 1 }));
    const b = await createOrJoin(store, t, request());
    expect([a.created, b.created]).toEqual([true, true]);
    expect(a.sessionId).not.toBe(b.sessionId);
    expect(playersOf(store, a.sessionId).map((p) => [p.status, p.teamId])).toEqual([['leader', 1]]);
    expect(playersOf(store, b.sessionId).map((p) => [p.status, p.teamId])).toEqual([['leader', 0]]);
  });
});

describe('an auto-join type', () => {
  test('joinable counts as auto-joining: the second caller joins the first session as a member', async () => {
    const store = new MemoryStore();
    const t = template({ joinable: true, default_public: true, can_be_created_by_players_directly: true });
    const a = await createOrJoin(store, t, request());
    const b = await createOrJoin(store, t, request());
    expect([a.created, b.created, b.sessionId]).toEqual([true, false, a.sessionId]);
    expect(playersOf(store, a.sessionId).map((p) => p.status)).toEqual(['leader', 'member']);
    // A join under a crowd is conditioned on its facts, not on a version it could name: the answer carries the ETag
    // of a session it created, none for one it joined (docs/api.md).
    const { incarnation, version } = store.sessions.get(a.sessionId)!.session;
    expect([a.etag, version]).toEqual([`"${incarnation}-1"`, 2]);
    expect(b.etag).toBeUndefined();
  });

  test('"any" team lands the creator on team 0', async () => {
    const store = new MemoryStore();
    const a = await createOrJoin(store, template({ ...AUTO_JOIN, num_teams: 3 }), request({ teamId: 'any' }));
    expect(playersOf(store, a.sessionId).map((p) => p.teamId)).toEqual([0]);
  });

  test('a crowd fills sessions one after another: 12 callers at once on 4 seats make 3 full sessions', async () => {
    const store = new MemoryStore();
    const t = template(AUTO_JOIN);
    const placed = await Promise.all(Array.from({ length: 12 }, () => createOrJoin(store, t, request())));
    const ids = [...new Set(placed.map((p) => p.sessionId))];
    expect(ids).toHaveLength(3);
    for (const id of ids) expect(playersOf(store, id)).toHaveLength(4);
    expect(placed.filter((p) => p.created)).toHaveLength(3);
  });

  describe("a block's creator that is late", () => {
    // The first ticket holder's createSession is held back until the second holder has waited for it and tried
    // to create the block's session itself.
    class LateCreator extends MemoryStore {
      creator?: string;
      openLooks = 0;
      private waiterTried!: () => void;
      private readonly waiterTrying = new Promise<void>((r) => (this.waiterTried = r));
      private creatorDone!: () => void;
      private readonly creatorDid = new Promise<void>((r) => (this.creatorDone = r));
      constructor(private readonly creatorWins: boolean) {
        super();
      }
      override async openSessions(type: string, limit: number) {
        this.openLooks++;
        return super.openSessions(type, limit);
      }
      override async createSession(...args: Parameters<MemoryStore['createSession']>) {
        if (args[1][0]!.playerUuid === this.creator) {
          await this.waiterTrying;
          if (!this.creatorWins) await new Promise((r) => setTimeout(r, 20));
          try {
            return await super.createSession(...args);
          } finally {
            this.creatorDone();
          }
        }
        this.waiterTried();
        if (this.creatorWins) await this.creatorDid;
        return super.createSession(...args);
      }
    }
    const t = template({ ...AUTO_JOIN, players_per_team: 2 });

    test.each([
      ['the creator wins the race to create it: the waiter joins the block', true],
      ['the waiter creates it: the creator joins the block', false],
    ])('%s, with no further look at the index and no further ticket', async (_, creatorWins) => {
      const store = new LateCreator(creatorWins);
      const first = request();
      store.creator = first.playerUuid;
      const a = createOrJoin(store, t, first);
      await new Promise((r) => setTimeout(r, 5));
      const b = await createOrJoin(store, t, request());
      const placed = [await a, b];
      expect(new Set(placed.map((p) => p.sessionId)).size).toBe(1);
      expect(placed.map((p) => p.created)).toEqual(creatorWins ? [true, false] : [false, true]);
      expect(playersOf(store, b.sessionId)).toHaveLength(2);
      expect(store.tickets.get('t')!.n).toBe(2);
      expect(store.openLooks).toBe(2);
    });
  });

  test('a full session is left alone: the next caller starts the next one', async () => {
    const store = new MemoryStore();
    const t = template({ ...AUTO_JOIN, players_per_team: 1 });
    const a = await createOrJoin(store, t, request());
    const b = await createOrJoin(store, t, request());
    expect(b.sessionId).not.toBe(a.sessionId);
    expect(b.created).toBe(true);
  });

  test("a caller the open session's crossplay would not take starts a session of their own", async () => {
    const store = new MemoryStore();
    const t = template(AUTO_JOIN);
    const xbox = { permitted_platform: 'desired_platforms_xboxlike', permitted_input: 'desired_inputs_any' } as JoinRequest['crossplay'];
    const a = await createOrJoin(store, t, request({ clientSettings: { platform: 'XboxLive', input: 'gamepad' }, crossplay: xbox }));
    const b = await createOrJoin(store, t, request({ clientSettings: { platform: 'Steam', input: 'gamepad' } }));
    expect(b.sessionId).not.toBe(a.sessionId);
    expect(b.created).toBe(true);
  });

  test('a type players may not create: they join an open session, and with none open they are refused', async () => {
    const store = new MemoryStore();
    const t = template({ attempt_auto_join: true, default_public: true, can_be_created_by_players_directly: false });
    expect(await codeOf(createOrJoin(store, t, request()))).toBe('session_creation_not_allowed');
    expect(store.sessions.size).toBe(0);
  });

  test("an index entry whose session has gone is dropped, and the block's session is created anew", async () => {
    const store = new MemoryStore();
    const t = template(AUTO_JOIN);
    const a = await createOrJoin(store, t, request());
    store.sessions.delete(a.sessionId);
    const b = await createOrJoin(store, t, request());
    expect(b.created).toBe(true);
    const live = store.sessions.get(b.sessionId)!.session;
    expect((await store.openSessions('t', 10)).map((o) => [o.sessionId, o.incarnation])).toEqual([[live.sessionId, live.incarnation]]);
  });

  test('no time left: 409 session_conflict, nothing written', async () => {
    const store = new MemoryStore();
    expect(await codeOf(createOrJoin(store, template(AUTO_JOIN), request(), { budgetMs: 0 }))).toBe('session_conflict');
    expect(store.sessions.size).toBe(0);
  });
});
