// GET /session/v1/template — Get All Session Templates, keyed by type, with ETag / If-None-Match.
import { get_all_session_templates as operation } from '../schemas/generated/operations.js';
import { jsonUnlessNotModified } from '../src/http/conditional.js';
import { httpOperation } from '../src/http/operation.js';
import { getTemplates } from '../src/runtime/templates.js';

export const handler = httpOperation(operation, {
  run: async (event) => {
    const templates = await getTemplates();
    return jsonUnlessNotModified(event, templates.etag, () => templates.resource());
  },
});
