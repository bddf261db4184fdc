// GET /session/v1/template — Get All Session Templates, keyed by type, with ETag / If-None-Match.
import { get_all_session_templates as operation } from '../schemas/generated/operations.js';
import { headerOf } from '../src/http/api-event.js';
import { httpOperation } from '../src/http/operation.js';
import { json, notModified } from '../src/http/responses.js';
import { getTemplates } from '../src/runtime/templates.js';
import { ifNoneMatchHits } from '../src/sessions/model/etag.js';

export const handler = httpOperation(operation, {
  run: async (event) => {
    const templates = getTemplates();
    const ifNoneMatch = headerOf(event, 'if-none-match');
    if (ifNoneMatch !== undefined && ifNoneMatchHits(ifNoneMatch, templates.etag)) return notModified(templates.etag);
    return json(200, templates.resource(), { etag: templates.etag });
  },
});
