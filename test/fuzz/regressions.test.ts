// What the fuzz campaigns found, each reduced to its smallest cases and named after the behaviour it guards.
import { seatedPlayer } from '../support/fixtures.js';
import { newAdmin } from '../support/players.js';
import { createSession } from '../support/stores.js';
import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { playerKey } from '../../src/dynamodb/items.js';
import { testDocumentClient, testTableName } from '../support/dynamodb.js';
import { operation, problemWith, send, type FuzzRequest, type OperationId } from './fuzz-harness.js';

beforeAll(() => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) jest.spyOn(console, method).mockImplementation(() => undefined);
});

const admin = newAdmin();
const request = (id: OperationId, sessionId: string, playerUuid: string, body: string | undefined): FuzzRequest => ({
  op: operation(id),
  format: 'http',
  permission: 'kick',
  otherSessionId: sessionId,
  sessionId,
  playerUuid,
  body,
  headers: { authorization: `Bearer ${admin.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
  label: id,
});

describe('custom_data keys "constructor" and "__proto__" get a documented answer, never a 500', () => {
  // The DynamoDB document client's marshaller throws for an object whose own "constructor" is not Object, and
  // turns an own "__proto__" key into an empty attribute value that DynamoDB refuses: the contract reserves both
  // keys (422), and a 200 must have stored exactly what it answered.
  const bodies = (key: string): [OperationId, string, (s: { sessionId: string; member: string }) => string][] => [
    [
      'join_session_by_id_self',
      'custom_data',
      () => `{"client_version":"1.0.0","client_settings":{"platform":"Steam","input":"gamepad"},"team_id":0,"custom_data":{"${key}":"x"}}`,
    ],
    ['update_session_player_by_uuid_v2', 'custom_data', () => `{"status":"member","team_id":0,"custom_data":{"${key}":"x"}}`],
    ['update_session_by_id', 'custom_data', () => `{"custom_data":{"${key}":"x"}}`],
    ['update_session_by_id', 'teams[].custom_data', () => `{"teams":[{"max_size":4,"custom_data":{"${key}":"x"}}]}`],
    [
      'create_or_join_session',
      'player.custom_data',
      () =>
        `{"session_type":"duel","client_version":"1.0.0","client_settings":{"platform":"Steam","input":"gamepad"},"player":{"client_version":"1.0.0","client_settings":{"platform":"Steam","input":"gamepad"},"team_id":0,"custom_data":{"${key}":"x"}}}`,
    ],
  ];
  const cases = ['constructor', '__proto__'].flatMap((key) => bodies(key).map(([op, where, body]) => ({ key, op, where, body })));

  test.each(cases)('$op with $where key "$key": a documented answer, and a 200 stores what it answers', async ({ op, key, body }) => {
    const member = randomUUID();
    const s = await createSession({ teamSizes: [4] }, [seatedPlayer(randomUUID(), { status: 'leader' }), seatedPlayer(member)]);
    const a = await send(request(op, s.sessionId, member, body({ sessionId: s.sessionId, member })));
    expect({ status: a.status, problem: problemWith(operation(op), a) }).toEqual({ status: expect.any(Number), problem: undefined });
    if (a.status === 200 && (op === 'join_session_by_id_self' || op === 'update_session_player_by_uuid_v2')) {
      const uuid = op === 'join_session_by_id_self' ? admin.uuid : member;
      const item = (
        await testDocumentClient().send(new GetCommand({ TableName: testTableName(), Key: playerKey(s.sessionId, uuid), ConsistentRead: true }))
      ).Item;
      expect(Object.hasOwn(item?.custom_data ?? {}, key)).toBe(true);
    }
  });
});

describe('an operation without a request body ignores one, however large (413 is documented only where a body is read)', () => {
  const big = JSON.stringify({ pad: 'x'.repeat(129 * 1024) });
  test.each(['leave_session_by_id_self', 'kick_player_from_session_by_uuid_v2', 'get_session_by_id'] as const)('%s', async (op) => {
    const member = randomUUID();
    const s = await createSession({ teamSizes: [4] }, [seatedPlayer(admin.uuid, { status: 'leader' }), seatedPlayer(member)]);
    const a = await send(request(op, s.sessionId, member, big));
    expect({ status: a.status, problem: problemWith(operation(op), a) }).toEqual({ status: a.status, problem: undefined });
  });
});

describe('unknown fields inside crossplay_preferences are dropped, as FastAPI drops them, never stored', () => {
  // Stored, they would grow the player item past the caps that keep custom_data small, and a "constructor" or
  // "__proto__" among them would fail the write.
  const crossplay = (extra: string) => `{"permitted_platform":"desired_platforms_any","permitted_input":"desired_inputs_any",${extra}}`;
  const join = (extra: string) =>
    `{"client_version":"1.0.0","client_settings":{"platform":"Steam","input":"gamepad"},"team_id":0,"crossplay_preferences":${crossplay(extra)}}`;

  test('an extra field is not stored, nor shown by GET', async () => {
    const s = await createSession({ teamSizes: [4] });
    const a = await send(request('join_session_by_id_self', s.sessionId, admin.uuid, join(`"note":"${'x'.repeat(60_000)}"`)));
    expect(a.status).toBe(200);
    const g = await send(request('get_session_by_id', s.sessionId, admin.uuid, undefined));
    expect(Object.keys(g.body.teams[0].players[0].crossplay_preferences).sort()).toEqual(['permitted_input', 'permitted_platform']);
  });

  test.each(['constructor', '__proto__'])('an extra "%s" field: a documented answer, not a 500', async (key) => {
    const s = await createSession({ teamSizes: [4] });
    const a = await send(request('join_session_by_id_self', s.sessionId, admin.uuid, join(`"${key}":"x"`)));
    expect({ status: a.status, problem: problemWith(operation('join_session_by_id_self'), a) }).toEqual({ status: a.status, problem: undefined });
  });
});
