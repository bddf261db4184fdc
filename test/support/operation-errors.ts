// What the contract tests of each operation's statuses and error codes share (test/contract/operation-errors.test.ts
// and party-operation-errors.test.ts): the actors, the checks of an answer against HzApiErrorModel and
// HTTPValidationError, the state a refusal must leave as it was, the sessions they start from, and the codes every
// route shares (auth, permissions, configuration, DynamoDB, JWKS), run over a table of routes.
import { randomUUID } from 'node:crypto';
import { join as joinPath } from 'node:path';
import { describe, expect, jest, test } from '@jest/globals';
import { GAME_CLIENT_PERMISSIONS, OPERATIONS } from '../../schemas/generated/operations.js';
import { componentValidator, loadSpec } from '../../scripts/openapi-schemas.js';
import { ERRORS, type ErrorCode } from '../../src/errors/api-error.js';
import { logger } from '../../src/observability/logger.js';
import type { Player, Session } from '../../src/sessions/model/session.js';
import { etagOf } from '../../src/sessions/model/etag.js';
import { api, type RequestOptions, type Sender } from './api-client.js';
import type { Answer } from './api.js';
import { closedPort, withEnv } from './environment.js';
import { seatedPlayer } from './fixtures.js';
import { issuer, newPlayer } from './players.js';
import { sdkFaultStore, throttled, transactionConflict, withStore } from './sdk-faults.js';
import { createSession, store } from './stores.js';
import { playerToken } from './test-issuer.js';

export const spec = await loadSpec(joinPath(process.cwd(), 'schemas', 'openapi.yaml'));
const isError = componentValidator(spec, 'HzApiErrorModel');
const isValidationError = componentValidator(spec, 'HTTPValidationError');

const CLIENT = GAME_CLIENT_PERMISSIONS;
export const LONG_ID = 'x'.repeat(129);
export const HUGE = JSON.stringify({ team_id: 0, custom_data: { blob: 'x'.repeat(140 * 1024) } });

/** A game server's client-credentials token: its subject is its client id, not a player. */
const machineClient = () => {
  const token = playerToken(issuer, { sub: `game-server-${randomUUID().slice(0, 8)}`, permissions: ['session:*'] });
  return { token, auth: { authorization: `Bearer ${token}` } };
};

/** A player (a game client unless told otherwise) with a token of their own. */
export const actor = (uuid: string = randomUUID(), permissions: readonly string[] = CLIENT) => newPlayer(permissions, uuid);
export type Actor = ReturnType<typeof actor>;

/** The actor with `auth` in place of their Authorization header. */
export const as = (a: Actor, auth: Record<string, string>) => ({ ...a, auth });

export function expectError(r: Answer, status: number, code: ErrorCode) {
  const d = ERRORS[code];
  const authSuccess = 'authSuccess' in d ? d.authSuccess : true;
  expect({ status: r.status, body: r.body }).toEqual({ status, body: { auth_success: authSuccess, error_code: code, desc: d.desc } });
  expect(isError(r.body)).toBe(true);
  expect(r.headers['content-type']).toBe('application/json');
  if (status === 409 || status === 503) expect(r.headers['retry-after']).toBeDefined();
  expect(r.headers.etag).toBeUndefined();
}

export function expectValidationError(r: Answer, loc: (string | number)[]) {
  expect(r.status).toBe(422);
  expect(isValidationError(r.body)).toBe(true);
  expect(r.body.detail.map((d: { loc: unknown }) => d.loc)).toContainEqual(loc);
}

/** The session with its players, as the store holds it (players in a stable order). */
export async function snapshot(sessionId: string) {
  const found = await store.readSessionWithPlayers(sessionId, new Date());
  return found && { session: found.session, players: [...found.players].sort((a, b) => a.playerUuid.localeCompare(b.playerUuid)) };
}

/** A player's memberships as the player-sessions index holds them. */
export const membershipsOf = async (uuid: string) =>
  [...(await store.playerMemberships(uuid, new Date()))].sort((a, b) => a.sessionId.localeCompare(b.sessionId));

export const version = async (sessionId: string) => (await store.readSession(sessionId, new Date()))?.version;

/** Sends a request that must be refused with `code`, and checks that each session named is exactly as before. */
export async function refused(sessionIds: string | string[], request: () => Promise<Answer>, status: number, code: ErrorCode) {
  const ids = [sessionIds].flat();
  const before = await Promise.all(ids.map(snapshot));
  for (const b of before) expect(b).toBeDefined();
  const r = await request();
  expectError(r, status, code);
  expect(await Promise.all(ids.map(snapshot))).toEqual(before);
  return r;
}

/** A write answered with the ETag GET then shows, one version further on. */
export async function expectWritten(r: Answer, status: number, sessionId: string, versionBefore: number, viewer: Actor) {
  expect(r.status).toBe(status);
  expect(r.headers.etag).toBeDefined();
  expect((await api.get(viewer, sessionId)).headers.etag).toBe(r.headers.etag);
  expect(await version(sessionId)).toBe(versionBefore + 1);
}

type Conditional = (opts: RequestOptions) => Promise<Answer>;

/**
 * 412 precondition_failed: the session changed by `leader` (`change`, a PATCH body), then `send` with the If-Match
 * of `s` as it was is refused and writes nothing; given `current`, the same request with the ETag GET now shows
 * answers that status.
 */
export async function expectStaleIfMatch(
  s: Session,
  leader: Actor,
  send: Conditional,
  { change = { joinable: false }, current }: { change?: Record<string, unknown>; current?: number } = {},
) {
  expect((await api.patch(leader, s.sessionId, change)).status).toBe(200);
  await refused(s.sessionId, () => send({ headers: { 'if-match': etagOf(s) } }), 412, 'precondition_failed');
  if (current === undefined) return;
  const etag = (await api.get(leader, s.sessionId)).headers.etag!;
  expect((await send({ headers: { 'if-match': etag } })).status).toBe(current);
}

export const leaderOf = (uuid: string, over: Partial<Player> = {}) =>
  seatedPlayer(uuid, { status: 'leader', joined: '2026-01-01T00:00:00.000Z', ...over });
export const memberOf = (uuid: string, over: Partial<Player> = {}) => seatedPlayer(uuid, { joined: '2026-01-01T00:00:01.000Z', ...over });
export const invitedOf = (uuid: string, inviter: string, over: Partial<Player> = {}) =>
  seatedPlayer(uuid, {
    status: 'invited',
    invitedBy: inviter,
    invited: '2026-01-01T00:00:02.000Z',
    joined: undefined,
    clientVersion: undefined,
    clientSettings: undefined,
    crossplay: undefined,
    ...over,
  });

/** Leader and member on team 0 of two 4-seat teams (and whoever else is given). */
export async function ledSession(over: Parameters<typeof createSession>[0] = {}, extra: Player[] = []) {
  const [leader, member] = [actor(), actor()];
  const s = await createSession(over, [leaderOf(leader.uuid), memberOf(member.uuid), ...extra]);
  return { s, leader, member };
}

/** The refusals a kick of one player answers on either of its routes (the v2 one and the deprecated /player/uuid one). */
export function kickRefusalTests(kick: (p: Sender, sessionId: string, target: string, opts?: RequestOptions) => Promise<Answer>) {
  test('403 not_session_leader: a member kicks the leader, or another member', async () => {
    const other = actor();
    const { s, leader, member } = await ledSession({}, [memberOf(other.uuid)]);
    await refused(s.sessionId, () => kick(member, s.sessionId, leader.uuid), 403, 'not_session_leader');
    await refused(s.sessionId, () => kick(member, s.sessionId, other.uuid), 403, 'not_session_leader');
  });

  test('404 session_not_found', async () => {
    expectError(await kick(actor(), `s-${randomUUID()}`, randomUUID()), 404, 'session_not_found');
  });

  test('404 player_not_in_session: the leader kicks someone who is not there', async () => {
    const { s, leader } = await ledSession();
    await refused(s.sessionId, () => kick(leader, s.sessionId, randomUUID()), 404, 'player_not_in_session');
  });

  test('412 precondition_failed: a stale If-Match', async () => {
    const { s, leader, member } = await ledSession();
    await expectStaleIfMatch(s, leader, (opts) => kick(leader, s.sessionId, member.uuid, opts));
  });

  test('422: a player uuid that is not a uuid', async () => {
    const { s, leader } = await ledSession();
    expectValidationError(await kick(leader, s.sessionId, 'not-a-uuid'), ['path', 'player_uuid']);
  });
}

// ---- the codes every operation shares: auth, permissions, configuration, DynamoDB, JWKS ----

/** What the fault injector throws for "DynamoDB answers something unexpected". */
const unexpected = () => Object.assign(new Error('One or more parameter values were invalid'), { name: 'ValidationException' });

export interface Arranged {
  /** The request as the arranged actor (or with `auth` in place of the actor's Authorization header). */
  send: (auth?: Record<string, string>) => Promise<Answer>;
  actor: Actor;
  /** What a refusal must leave as it was. */
  state: () => Promise<unknown>;
}

export interface RouteCase {
  operation: string;
  /** Permissions that let the caller in elsewhere but not here. */
  lacking: string[];
  /** 409 session_conflict when every transaction conflicts (the writes; a route with a 409 of its own tests it on its own). */
  conflicts: boolean;
  arrange: () => Promise<Arranged>;
  success: number;
}

/** The state of the sessions named, as a refusal must leave it. */
export const sessionState =
  (...sessionIds: string[]) =>
  () =>
    Promise.all(sessionIds.map(snapshot));

/** A route arranged on a led session: `who` sends the request, `send` is it as them. */
export const onLedSession =
  (who: 'leader' | 'member', send: (p: Sender, led: Awaited<ReturnType<typeof ledSession>>) => Promise<Answer>) => async (): Promise<Arranged> => {
    const led = await ledSession();
    const p = led[who];
    return { actor: p, send: (auth = p.auth) => send(as(p, auth), led), state: sessionState(led.s.sessionId) };
  };

/** A session whose leader plays with keyboard and mouse only. */
export async function keyboardOnlyLeader() {
  const leader = actor();
  const s = await createSession({}, [
    leaderOf(leader.uuid, { crossplay: { permitted_platform: 'desired_platforms_any', permitted_input: 'desired_inputs_keyboardandmouse' } }),
  ]);
  return { s, leader };
}

/**
 * The codes every route shares, a describe block per route of `routes`. `loggerFieldsInTitle`: the log test's title
 * also names its check that the logger drops none of the fault's fields (the check runs either way).
 */
export function describeSharedCodes(routes: RouteCase[], { loggerFieldsInTitle = false } = {}) {
  describe.each(routes)('$operation: the codes every route shares', ({ operation, arrange, lacking, conflicts, success }) => {
    /** The request, refused with `code`, leaves the state as it was. */
    async function expectRefused(request: (a: Arranged) => Promise<Answer>, status: number, code: ErrorCode, a?: Arranged) {
      const arranged = a ?? (await arrange());
      const before = await arranged.state();
      expectError(await request(arranged), status, code);
      expect(await arranged.state()).toEqual(before);
    }
    /** The arranged request sent as it is, under `fault`, refused with `code`. */
    const refusedUnder = (fault: <T>(run: () => Promise<T>) => Promise<T>, status: number, code: ErrorCode) => async () => {
      const a = await arrange();
      await fault(() => expectRefused((x) => x.send(), status, code, a));
    };
    const storeFault =
      (fault: Parameters<typeof sdkFaultStore>[0], options?: Parameters<typeof sdkFaultStore>[1]) =>
      <T>(run: () => Promise<T>) =>
        withStore(sdkFaultStore(fault, options).store, run);

    test('the arranged request succeeds (so each refusal below is the fault injected, nothing else)', async () => {
      expect((await (await arrange()).send()).status).toBe(success);
    });

    test('403 auth_token_format: no Authorization header (auth_success false)', () => expectRefused((a) => a.send({}), 403, 'auth_token_format'));

    test('403 auth_token_expired: an expired token (auth_success false)', () =>
      expectRefused(
        (a) => a.send({ authorization: `Bearer ${issuer.sign({ sub: a.actor.uuid, scope: CLIENT.join(' ') }, { expiresInSeconds: -60 })}` }),
        403,
        'auth_token_expired',
      ));

    test('403 insufficient_permissions: a valid token for the same player without the permission', () =>
      expectRefused((a) => a.send(actor(a.actor.uuid, lacking).auth), 403, 'insufficient_permissions'));

    const playerOnly = OPERATIONS.find((o) => o.operationId === operation)!.playerOnly;
    if (playerOnly) {
      test('403 auth_token_invalid_claim: a trusted machine token (client id as subject, every permission) cannot act as a player', () =>
        expectRefused((a) => a.send(machineClient().auth), 403, 'auth_token_invalid_claim'));
    } else {
      test('a trusted machine token (client id as subject, every permission) is let in', async () => {
        const a = await arrange();
        expect((await a.send(machineClient().auth)).status).toBe(success);
      });
    }

    test(
      '500 configuration_invalid: a setting missing',
      refusedUnder((run) => withEnv({ SESSIONS_TABLE_NAME: undefined }, run), 500, 'configuration_invalid'),
    );

    test('500 internal_error: DynamoDB answers something unexpected', refusedUnder(storeFault(unexpected, { commands: /./ }), 500, 'internal_error'));

    test(`a 500 logs the fault with its name and message${loggerFieldsInTitle ? ', and the logger drops none of its fields' : ''}`, async () => {
      const printed: string[] = [];
      const spies = (['error', 'warn'] as const).map((level) =>
        jest.spyOn(console, level).mockImplementation((line: unknown) => void printed.push(String(line))),
      );
      const level = logger.getLevelName();
      logger.setLogLevel('WARN');
      try {
        await refusedUnder(storeFault(unexpected, { commands: /./ }), 500, 'internal_error')();
      } finally {
        logger.setLogLevel(level);
        for (const spy of spies) spy.mockRestore();
      }
      expect(printed.join('\n')).not.toMatch(/reserved key/);
      const fault = printed
        .map((line) => JSON.parse(line) as { message?: string; error?: unknown })
        .find((entry) => entry.message === 'unhandled error');
      expect(fault?.error).toMatchObject({ name: 'ValidationException', message: 'One or more parameter values were invalid' });
    });

    test('503 service_unavailable: DynamoDB throttles', refusedUnder(storeFault(throttled, { commands: /./ }), 503, 'service_unavailable'));

    test(
      '503 auth_keys_unavailable: the issuer keys cannot be fetched',
      refusedUnder(
        async (run) => withEnv({ AUTH_JWKS: undefined, AUTH_JWKS_URI: `http://127.0.0.1:${await closedPort()}/.well-known/jwks.json` }, run),
        503,
        'auth_keys_unavailable',
      ),
    );

    if (conflicts) {
      test(
        '409 session_conflict: every transaction conflicts, attempts run out, nothing written',
        refusedUnder(storeFault(transactionConflict), 409, 'session_conflict'),
      );
    }
  });
}
