// How a body's media type is read, before the JSON body parser: media types compare without case (RFC 9110,
// section 8.3.1), and a body sent without a Content-Type is read as JSON, as FastAPI reads it. The parser then sees a
// lower-cased media type (its parameters as sent), or application/json for a body that came without one.
import type middy from '@middy/core';
import type { ApiEvent } from '../api-event.js';

export const readMediaType = (): middy.MiddlewareObj<ApiEvent> => ({
  before: async ({ event }) => {
    const headers = (event.headers ??= {});
    const type = headers['content-type'];
    if (type === undefined || type.trim() === '') {
      if (typeof event.body === 'string' && event.body !== '') headers['content-type'] = 'application/json';
      return;
    }
    const semicolon = type.indexOf(';');
    headers['content-type'] = semicolon < 0 ? type.trim().toLowerCase() : `${type.slice(0, semicolon).trim().toLowerCase()}${type.slice(semicolon)}`;
  },
});
