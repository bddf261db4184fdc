// Password-protected sessions end to end: set on create-or-join or PATCH, asked of newcomers only, stored as a
// slow hash that no answer, event or log line shows, and guessing bounded per player and session.
import '../../security/verbose-logs.js';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { sessionKey } from '../../../src/dynamodb/items.js';
import { PASSWORD_TRIES } from '../../../src/sessions/store.js';
import { captureOutput } from '../../security/capture.js';
import { api } from '../../support/api-client.js';
import { testTableName } from '../../support/dynamodb.js';
import { createOrJoin } from '../../../src/sessions/operations/create-or-join.js';
import { parseTemplates } from '../../../src/templates/parse-templates.js';
import { joinBody, joinRequest } from '../../support/fixtures.js';
import { MemoryStore } from '../../support/memory-store.js';
import { newPlayer, type TestPlayer } from '../../support/players.js';
import { createSession, store, testClient } from '../../support/stores.js';

const SECRET = 'hunter2 ünïcode';
const db = testClient();
const sessionItem = async (id: string) => (await db.send(new GetCommand({ TableName: testTableName(), Key: sessionKey(id) }))).Item!;

/** A session led by a leader who then set a password on it. */
async function protectedSession(): Promise<{ id: string; leader: TestPlayer }> {
  const s = await createSession();
  const leader = newPlayer();
  await api.join(leader, s.sessionId);
  const r = await api.patch(leader, s.sessionId, { password: SECRET });
  expect(r.status).toBe(200);
  return { id: s.sessionId, leader };
}

test('a newcomer without the password is refused, with a wrong one too (distinct codes), with the right one joins', async () => {
  const { id } = await protectedSession();
  const p = newPlayer();
  const missing = await api.join(p, id);
  expect([missing.status, missing.body.error_code]).toEqual([403, 'session_password_required']);
  const wrong = await api.join(p, id, joinBody({ password: 'hunter3' }));
  expect([wrong.status, wrong.body.error_code]).toEqual([403, 'session_password_incorrect']);
  expect((await store.readSession(id, new Date()))?.activeCount).toBe(1);
  const right = await api.join(p, id, joinBody({ password: SECRET }));
  expect(right.status).toBe(200);
  expect(right.body.status).toBe('member');
});

test('members re-joining and invited players accepting never need it', async () => {
  const { id, leader } = await protectedSession();
  const invited = newPlayer();
  expect((await api.setPlayer(leader, id, invited.uuid, { status: 'invited', team_id: 0 })).status).toBe(200);
  expect((await api.join(invited, id)).status).toBe(200);
  expect((await api.join(leader, id, joinBody({ custom_data: { again: 'yes' } }))).status).toBe(200);
});

test('the password is stored only as a salted scrypt hash, and shown nowhere', async () => {
  const { id, leader } = await protectedSession();
  const item = await sessionItem(id);
  expect(item.pw_hash).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
  expect(JSON.stringify(item)).not.toContain(SECRET);
  const other = await protectedSession();
  expect((await sessionItem(other.id)).pw_hash).not.toBe(item.pw_hash);
  const { output, result } = await captureOutput(async () => {
    const shown = [
      await api.get(leader, id),
      await api.patch(leader, id, { password: SECRET, custom_data: { x: 'y' } }),
      await api.join(newPlayer(), id, joinBody({ password: 'wrong-guess' })),
    ];
    return shown;
  });
  for (const r of result) expect(JSON.stringify(r.body)).not.toMatch(/hunter|wrong-guess|scrypt|pw_hash|"password"/);
  expect(output).not.toMatch(/hunter|wrong-guess|scrypt/);
});

test('PATCH changes it, and password null removes it', async () => {
  const { id, leader } = await protectedSession();
  expect((await api.patch(leader, id, { password: 'new one' })).status).toBe(200);
  expect((await api.join(newPlayer(), id, joinBody({ password: SECRET }))).body.error_code).toBe('session_password_incorrect');
  expect((await api.join(newPlayer(), id, joinBody({ password: 'new one' }))).status).toBe(200);
  expect((await api.patch(leader, id, { password: null })).status).toBe(200);
  expect((await sessionItem(id)).pw_hash).toBeUndefined();
  expect((await api.join(newPlayer(), id)).status).toBe(200);
  for (const password of ['', 'x'.repeat(129), 42]) expect((await api.patch(leader, id, { password })).status).toBe(422);
});

test('only the leader (or a trusted caller) sets it', async () => {
  const { id } = await protectedSession();
  const member = newPlayer();
  await api.join(member, id, joinBody({ password: SECRET }));
  const r = await api.patch(member, id, { password: 'mine now' });
  expect([r.status, r.body.error_code]).toEqual([403, 'not_session_leader']);
});

test(`after ${PASSWORD_TRIES.max} wrong passwords, tries are refused unchecked with 429 and Retry-After until the window ends`, async () => {
  const { id } = await protectedSession();
  const guesser = newPlayer();
  for (let i = 0; i < PASSWORD_TRIES.max; i++) {
    expect((await api.join(guesser, id, joinBody({ password: `guess-${i}` }))).body.error_code).toBe('session_password_incorrect');
  }
  const locked = await api.join(guesser, id, joinBody({ password: SECRET }));
  expect([locked.status, locked.body.error_code]).toEqual([429, 'password_attempts_exceeded']);
  const retryAfter = Number(locked.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(PASSWORD_TRIES.windowSeconds - 60);
  expect(retryAfter).toBeLessThanOrEqual(PASSWORD_TRIES.windowSeconds);
  // Another player, and the same player at another session, are not affected.
  expect((await api.join(newPlayer(), id, joinBody({ password: SECRET }))).status).toBe(200);
  // The lock lifts by itself when the window ends.
  const later = new Date(Date.now() + (PASSWORD_TRIES.windowSeconds + 1) * 1000);
  expect(await store.takePasswordTry(id, guesser.uuid, later)).toEqual({ ok: true });
});

test('when a window ends, concurrent tries restart it once: never more than the limit in the new window', async () => {
  const { id } = await protectedSession();
  const p = newPlayer();
  const t0 = new Date();
  for (let i = 0; i < PASSWORD_TRIES.max; i++) expect(await store.takePasswordTry(id, p.uuid, t0)).toEqual({ ok: true });
  expect((await store.takePasswordTry(id, p.uuid, t0)).ok).toBe(false);
  const next = new Date(t0.getTime() + (PASSWORD_TRIES.windowSeconds + 1) * 1000);
  const tries = await Promise.all(Array.from({ length: 3 * PASSWORD_TRIES.max }, () => store.takePasswordTry(id, p.uuid, next)));
  expect(tries.filter((t) => t.ok)).toHaveLength(PASSWORD_TRIES.max);
});

test('a right password forgives the wrong ones before it', async () => {
  const { id } = await protectedSession();
  const p = newPlayer();
  for (let i = 0; i < PASSWORD_TRIES.max - 1; i++) await api.join(p, id, joinBody({ password: `guess-${i}` }));
  expect((await api.join(p, id, joinBody({ password: SECRET }))).status).toBe(200);
  expect((await api.leave(p, id)).status).toBe(204);
  for (let i = 0; i < PASSWORD_TRIES.max - 1; i++) await api.join(p, id, joinBody({ password: `again-${i}` }));
  expect((await api.join(p, id, joinBody({ password: SECRET }))).status).toBe(200);
});

test('a refused join by joinability costs no try and checks no password', async () => {
  const { id, leader } = await protectedSession();
  expect((await api.patch(leader, id, { joinability: { open: false } })).status).toBe(200);
  const p = newPlayer();
  for (let i = 0; i < PASSWORD_TRIES.max + 2; i++)
    expect((await api.join(p, id, joinBody({ password: SECRET }))).body.error_code).toBe('session_not_joinable');
  expect(await store.takePasswordTry(id, p.uuid, new Date())).toEqual({ ok: true });
});

describe('create-or-join', () => {
  const body = (over = {}) => ({ session_type: 'duel', client_version: '1.0.0', client_settings: { platform: 'Steam', input: 'gamepad' }, ...over });

  test('sets the password on a session it creates', async () => {
    const creator = newPlayer();
    const created = await api.createOrJoin(creator, body({ password: SECRET }));
    expect(created.status).toBe(200);
    const id = created.body.session_id as string;
    expect((await sessionItem(id)).pw_hash).toMatch(/^scrypt\$/);
    // duel sessions are not public: opened, they still keep the password.
    expect((await api.patch(creator, id, { joinability: { open: true } })).status).toBe(200);
    expect((await api.join(newPlayer(), id)).body.error_code).toBe('session_password_required');
    expect((await api.join(newPlayer(), id, joinBody({ password: SECRET, team_id: 1 }))).status).toBe(200);
    expect((await api.createOrJoin(newPlayer(), body({ password: '' }))).status).toBe(422);
  });

  test('never places anyone automatically into a session with a password, nor one of a block others share', async () => {
    const parsed = parseTemplates([{ session_type: 'pw', attempt_auto_join: true, default_public: true, can_be_created_by_players_directly: true }]);
    if (!('catalog' in parsed)) throw new Error(parsed.problems.join('; '));
    const template = parsed.catalog.get('pw')!;
    const memory = new MemoryStore();
    const locked = await createOrJoin(memory, template, joinRequest(newPlayer().uuid), { password: SECRET });
    expect(locked.created).toBe(true);
    expect(memory.sessions.get(locked.sessionId)?.session.passwordHash).toMatch(/^scrypt\$/);
    expect(await memory.openSessions('pw', 10)).toEqual([]);
    const other = await createOrJoin(memory, template, joinRequest(newPlayer().uuid));
    expect(other.sessionId).not.toBe(locked.sessionId);
    expect((await createOrJoin(memory, template, joinRequest(newPlayer().uuid))).sessionId).toBe(other.sessionId);
  });
});
