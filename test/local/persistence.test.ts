// `npm start -- --data DIR` keeps DynamoDB's data and the dev keys in DIR: a session and a token from one run
// still work in the next, whatever port each run was given, and `npm run token` finds the keys by itself.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local/dynamodb-local.js';
import { DEMO_SESSION_ID } from '../../local/local-stack.js';
import { nothingLeft, npmToken, startStack } from './stack-process.js';

const SLOW = 240_000;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-stack-data-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const joinBody = { client_version: '1.0.0', client_settings: { platform: 'Steam', input: 'gamepad' }, team_id: 1 };

test(
  'data and keys survive a restart on another port',
  async () => {
    const first = await startStack({ port: await freePort(), args: ['--data', dir] });
    let token: string;
    try {
      expect(existsSync(join(dir, 'keys', 'jwks.json'))).toBe(true);
      token = await npmToken(['--data', dir, '--expires', '10m']);
      const joined = await fetch(`${first.baseUrl}/session/v1/session/${DEMO_SESSION_ID}/player/me`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(joinBody),
      });
      expect(joined.status).toBe(200);
    } finally {
      await first.stop();
    }
    expect(await nothingLeft(first)).toEqual({ httpPortFree: true, dynamoDbPortFree: true, java: [] });

    const second = await startStack({ port: await freePort(), args: ['--data', dir] });
    try {
      expect(second.port).not.toBe(first.port);
      const player = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub as string;
      const got = await fetch(`${second.baseUrl}/session/v1/session/${DEMO_SESSION_ID}`, { headers: { authorization: `Bearer ${token}` } });
      expect(got.status).toBe(200);
      const session = (await got.json()) as { teams: { team_id: number; players: { player_uuid: string }[] }[] };
      expect(session.teams[1]!.players.map((p) => p.player_uuid)).toContain(player);

      // npm run token finds the keys of a running stack itself, here those under DIR/keys.
      const fresh = await npmToken(['--port', String(second.port)]);
      const again = await fetch(`${second.baseUrl}/session/v1/session/${DEMO_SESSION_ID}`, { headers: { authorization: `Bearer ${fresh}` } });
      expect(again.status).toBe(200);
    } finally {
      await second.stop();
    }
    expect(await nothingLeft(second)).toEqual({ httpPortFree: true, dynamoDbPortFree: true, java: [] });
  },
  SLOW,
);
