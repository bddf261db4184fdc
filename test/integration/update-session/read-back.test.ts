// What a session update answers when the session changes identity between its write and its read-back: the id
// deleted and created again (a new incarnation) is another session, so the answer is the session the update wrote,
// with no ETag, never the new session under its ETag.
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { seatedPlayer } from '../../support/fixtures.js';
import { newPlayer } from '../../support/players.js';
import { decorate } from '../../support/decorate.js';
import { createSession, store, testClient } from '../../support/stores.js';
import { testTableName } from '../../support/dynamodb.js';
import { sessionKey } from '../../../src/dynamodb/items.js';
import { updateSession } from '../../../src/sessions/operations/update-session.js';

test('the id re-created between the write and the read-back: the answer is the session as updated, with no ETag', async () => {
  const leader = newPlayer();
  const s = await createSession({ teamSizes: [4] }, [seatedPlayer(leader.uuid, { status: 'leader' })]);
  let recreatedIncarnation: string | undefined;
  const recreateAfterCommit = decorate(store, {
    async commitChange(read, change, mode, now) {
      const out = await store.commitChange(read, change, mode, now);
      if (out.ok) {
        await testClient().send(new DeleteCommand({ TableName: testTableName(), Key: sessionKey(s.sessionId) }));
        recreatedIncarnation = (await createSession({ sessionId: s.sessionId, teamSizes: [4] })).incarnation;
      }
      return out;
    },
  });
  const out = await updateSession(recreateAfterCommit, s.sessionId, { playerUuid: leader.uuid, trusted: false }, { customData: { mode: 'ranked' } });
  expect(recreatedIncarnation).toBeDefined();
  expect(out.shown.etag).toBeUndefined();
  expect(out.shown.session).toMatchObject({ incarnation: s.incarnation, customData: { mode: 'ranked' } });
});
