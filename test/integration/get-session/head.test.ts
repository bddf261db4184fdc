// HEAD on every GET route answers as GET does, without the body (RFC 9110, section 9.3.2).
import { OPERATIONS } from '../../../schemas/generated/operations.js';
import { httpApiEvent, invoke, restApiEvent } from '../../support/api.js';
import { handlerOf } from '../../support/api-client.js';
import { seatedPlayer } from '../../support/fixtures.js';
import { newPlayer } from '../../support/players.js';
import { createSession } from '../../support/stores.js';

const GETS = OPERATIONS.filter((o) => o.method === 'GET');

test.each(GETS.map((o) => [o.operationId, o]))('%s: HEAD answers the status and headers of GET, and no body', async (_id, op) => {
  const p = newPlayer();
  const s = await createSession({}, [seatedPlayer(p.uuid, { status: 'leader' })]);
  const params: Record<string, string> = op.path.includes('{session_id}')
    ? { session_id: s.sessionId }
    : op.path.includes('{session_type}')
      ? { session_type: 'lobby' }
      : {};
  const handler = await handlerOf(op.operationId);
  for (const format of [httpApiEvent, restApiEvent]) {
    const request = (method: string) => format({ method, route: op.path, pathParameters: params, headers: p.auth });
    const [get, head] = [await invoke(handler, request('GET')), await invoke(handler, request('HEAD'))];
    expect(get.raw).toBeTruthy();
    expect({ status: head.status, etag: head.headers.etag, type: head.headers['content-type'], body: head.raw }).toEqual({
      status: get.status,
      etag: get.headers.etag,
      type: get.headers['content-type'],
      body: undefined,
    });
  }
});
