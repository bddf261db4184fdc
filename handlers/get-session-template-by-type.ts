// GET /session/v1/template/{session_type} — Get Session Template By Type, with ETag / If-None-Match.
import { get_session_template_by_type as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/get_session_template_by_type.js';
import { ApiError } from '../src/errors/api-error.js';
import { jsonUnlessNotModified } from '../src/http/conditional.js';
import { httpOperation } from '../src/http/operation.js';
import { getTemplates } from '../src/runtime/templates.js';

export const handler = httpOperation(operation, {
  ...validators,
  run: async (event, { input }) => {
    const templates = await getTemplates();
    const type = String(input.path.session_type);
    const template = templates.get(type);
    const etag = templates.etagOf(type);
    // The catalogue's status (400) is create_or_join's; a lookup by type answers 404.
    if (!template || !etag) throw new ApiError('session_type_not_found', `no template of type ${JSON.stringify(type)}`, 404);
    return jsonUnlessNotModified(event, etag, () => template);
  },
});
