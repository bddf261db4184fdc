// A session's short code in place of its id (upstream: "can be used in place of the full session id"). A value with
// a code's shape (5..12 of the code alphabet, any case) is looked up as a code first, one consistent GetItem: a code
// that names a session stands for its id; anything else is taken as the id it is, so an unknown code answers exactly
// as an unknown id does. Ids the service creates (UUIDs, create-or-join's block ids) never have that shape, and only
// requests whose id has it pay the read. Imported statically: a dynamic import of a module that shares the AWS SDK
// with the rest of the bundle makes esbuild wrap the SDK whole, and the lookup is a GetItem every bundle has anyway.
import type middy from '@middy/core';
import { shortCodes } from '../../dynamodb/short-codes.js';
import type { Services } from '../../runtime/services.js';
import { asShortCode } from '../../sessions/model/short-code.js';
import type { ShortCodes } from '../../sessions/store.js';
import type { ApiEvent } from '../api-event.js';
import type { OperationContext } from './authenticate.js';

const lookups = new WeakMap<Services, ShortCodes>();

function lookupOf(services: Services): ShortCodes {
  let lookup = lookups.get(services);
  if (!lookup) lookups.set(services, (lookup = services.store ?? shortCodes(services.table)));
  return lookup;
}

export const resolveShortCode = (): middy.MiddlewareObj<ApiEvent, unknown, Error, OperationContext> => ({
  before: async ({ context }) => {
    const code = asShortCode(String(context.input.path.session_id));
    if (!code) return;
    const sessionId = await lookupOf(context.services).resolveShortCode(code);
    if (sessionId !== undefined) context.input.path.session_id = sessionId;
  },
});
