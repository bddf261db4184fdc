// The contract documents every error code under the status it is answered with, and the catalogue agrees.
import { join } from 'node:path';
import { loadSpec } from '../../scripts/openapi-schemas.js';
import { ERRORS, type ErrorCode } from '../../src/errors/api-error.js';

const spec = await loadSpec(join(process.cwd(), 'schemas', 'openapi.yaml'));
type Responses = Record<string, { 'x-error-codes'?: string[] }>;
const operations = Object.values(spec.paths).flatMap((methods) =>
  Object.values(methods).map((op) => op as unknown as { operationId: string; responses: Responses }),
);
const documented = (operationId: string) =>
  Object.entries(operations.find((o) => o.operationId === operationId)!.responses).flatMap(([status, r]) =>
    (r['x-error-codes'] ?? []).map((code) => [code, Number(status)] as const),
  );

/** Where an operation answers a code with another status than the catalogue's (ApiError's status argument). */
const STATUS_OVERRIDES: Record<string, number> = { 'get_session_template_by_type:session_type_not_found': 404 };

test.each(operations.map((o) => o.operationId))('%s: every documented code exists, under its own status', (operationId) => {
  for (const [code, status] of documented(operationId)) {
    expect(ERRORS).toHaveProperty(code);
    const expected = STATUS_OVERRIDES[`${operationId}:${code}`] ?? ERRORS[code as ErrorCode].status;
    expect([code, expected]).toEqual([code, status]);
  }
});

test('join_session_by_id_self documents every code the join can answer', () => {
  const codes = documented('join_session_by_id_self').map(([c]) => c);
  const joinCodes: ErrorCode[] = [
    'session_not_found',
    'team_not_found',
    'session_not_joinable',
    'team_full',
    'crossplay_not_permitted',
    'team_change_not_allowed',
    'status_not_allowed',
    'client_version_incompatible',
    'not_a_friend',
    'session_password_required',
    'session_password_incorrect',
    'password_attempts_exceeded',
    'friends_unavailable',
    'precondition_failed',
    'session_conflict',
    'payload_too_large',
    'service_unavailable',
    'auth_keys_unavailable',
    'configuration_invalid',
    'internal_error',
    'insufficient_permissions',
    ...(Object.keys(ERRORS) as ErrorCode[]).filter((c) => c.startsWith('auth_') && c !== 'auth_keys_unavailable'),
  ];
  expect(codes.sort()).toEqual([...new Set(joinCodes)].sort());
});

test('auth failures say auth_success false; everything else true', () => {
  for (const [code, d] of Object.entries(ERRORS)) {
    const refreshAndRetry = code.startsWith('auth_') && code !== 'auth_keys_unavailable';
    expect([code, 'authSuccess' in d ? d.authSuccess : true]).toEqual([code, !refreshAndRetry]);
  }
});
