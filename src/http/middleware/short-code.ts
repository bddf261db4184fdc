// A session's short code in place of its id (upstream: "can be used in place of the full session id"). A value with
// a code's shape (5..12 of the code alphabet, any case) is looked up as a code first, one consistent GetItem: a code
// that names a session stands for its id; anything else is taken as the id it is, so an unknown code answers exactly
// as an unknown id does. Ids the service creates (UUIDs, create-or-join's block ids) never have that shape, and only
// requests whose id has it pay the read. The lookup is the operation's store provider's, on the same table: a
// dynamic import of a module that shares the AWS SDK with the rest of the bundle makes esbuild wrap the SDK whole,
// and the lookup is a GetItem every such bundle has anyway.
import type middy from '@middy/core';
import { asShortCode } from '../../sessions/model/short-code.js';
import type { SessionStore } from '../../sessions/store.js';
import type { ApiEvent } from '../api-event.js';
import type { OperationContext } from './authenticate.js';
import type { StoreProvider } from './provide-store.js';

export const resolveShortCode = <K extends keyof SessionStore>(
  provider: StoreProvider<K>,
): middy.MiddlewareObj<ApiEvent, unknown, Error, OperationContext> => ({
  before: async ({ context }) => {
    const code = asShortCode(String(context.input.path.session_id));
    if (!code) return;
    const sessionId = await provider.shortCodes(context.services).resolveShortCode(code);
    if (sessionId !== undefined) context.input.path.session_id = sessionId;
  },
});
