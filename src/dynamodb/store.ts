// Every part of the DynamoDB store together, for what uses the whole port (the local stack's seed, the scripts and
// the tests). A handler composes only the parts its operation uses, so that its bundle carries nothing else.
import type { SessionStore } from '../sessions/store.js';
import { sessionCleanup } from './cleanup.js';
import { sessionCommits } from './commit.js';
import { sessionCreation } from './creation.js';
import { sessionExpiry } from './expiry.js';
import { openSessions } from './open-sessions.js';
import { passwordTries } from './password-tries.js';
import { shortCodes } from './short-codes.js';
import { playerIndex } from './player-index.js';
import { presence } from './presence.js';
import { sessionReads } from './reads.js';
import type { Table } from './table.js';

export const dynamoDbStore = (table: Table): SessionStore => ({
  ...sessionReads(table),
  ...sessionCommits(table),
  ...sessionCreation(table),
  ...openSessions(table),
  ...playerIndex(table),
  ...sessionExpiry(table),
  ...sessionCleanup(table),
  ...passwordTries(table),
  ...shortCodes(table),
  ...presence(table),
});
