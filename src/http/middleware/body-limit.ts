// Refuses an oversized body before anything parses it; together with the custom_data caps in the contract
// this keeps every item we write far below DynamoDB's 400 KB limit.
import type middy from '@middy/core';
import { ApiError } from '../../errors/api-error.js';
import { bodyBytes, type ApiEvent } from '../api-event.js';

const MAX_BODY_BYTES = 128 * 1024;

export const bodyLimit = (maxBytes = MAX_BODY_BYTES): middy.MiddlewareObj<ApiEvent> => ({
  before: async (request) => {
    if (bodyBytes(request.event) > maxBytes) throw new ApiError('payload_too_large');
  },
});
