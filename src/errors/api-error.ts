// Every error answer of the service is defined once here: a stable code, its HTTP status and a description.
// Handlers throw ApiError values; src/http turns them into RallyHere's HzApiErrorModel envelope.

export interface ErrorDefinition {
  status: number;
  desc: string;
  /** false only for "refresh the token and retry" failures, as RallyHere's clients read it. */
  authSuccess?: false;
  /** Seconds; sent as Retry-After. */
  retryAfter?: number;
}

export const ERRORS = {
  // 403, auth_success: false (RallyHere's documented auth codes)
  auth_token_format: { status: 403, authSuccess: false, desc: 'Authorization header must be "Bearer <token>"' },
  auth_not_jwt: { status: 403, authSuccess: false, desc: 'Token is not a JWT' },
  auth_token_unknown: { status: 403, authSuccess: false, desc: 'Failed to parse token' },
  auth_malformed_access: { status: 403, authSuccess: false, desc: 'Malformed access token' },
  auth_token_sig_invalid: { status: 403, authSuccess: false, desc: 'Token signature is invalid' },
  auth_invalid_key_id: { status: 403, authSuccess: false, desc: "Token key id is not one of the issuer's keys" },
  auth_token_expired: { status: 403, authSuccess: false, desc: 'Token has expired' },
  auth_token_invalid_claim: { status: 403, authSuccess: false, desc: 'Token contained invalid claim value' },
  auth_token_invalid_type: { status: 403, authSuccess: false, desc: 'Wrong token type' },
  // 403, auth_success: true
  insufficient_permissions: { status: 403, desc: 'Caller lacks the permissions this operation requires' },
  session_not_joinable: { status: 403, desc: 'Session is not joinable without an invite' },
  team_full: { status: 403, desc: 'Team has no free seat' },
  crossplay_not_permitted: { status: 403, desc: 'Crossplay preferences of the player or of a member of the session do not allow playing together' },
  team_change_not_allowed: { status: 403, desc: 'Session does not allow players to change their own team' },
  status_not_allowed: { status: 403, desc: 'That status change is not allowed' },
  not_session_leader: {
    status: 403,
    desc: "Only the session's leader, a trusted caller, or a member holding the session permission for it may act on other players or on the session",
  },
  team_size_below_occupancy: { status: 403, desc: 'A team cannot be made smaller than the seats held on it, nor removed while it holds seats' },
  session_creation_not_allowed: { status: 403, desc: 'Players may not create sessions of this type' },
  client_version_incompatible: { status: 403, desc: 'The client version is outside the range this session type allows' },
  players_on_same_team: { status: 403, desc: 'The two players of a swap must be two players on different teams' },
  leader_not_swappable: { status: 403, desc: 'A leader cannot be swapped' },
  not_active_in_session: { status: 403, desc: 'Only an active member of the session (its leader or a member), or a trusted caller, may do this' },
  not_a_friend: { status: 403, desc: "Only friends of the session's members may join it without an invite" },
  session_password_required: { status: 403, desc: 'Session is password protected: give its password to join without an invite' },
  session_password_incorrect: { status: 403, desc: "That is not the session's password" },
  session_data_too_large: { status: 403, desc: "The session's custom data and its teams' together would exceed the session's 256 KiB budget" },
  // 400 (upstream's status for an unknown type on create; the template lookup answers it with 404)
  session_type_not_found: { status: 400, desc: 'No session template of that type' },
  // 404
  session_not_found: { status: 404, desc: 'Session not found' },
  player_not_in_session: { status: 404, desc: 'Player is not in the session' },
  team_not_found: { status: 404, desc: 'Team does not exist in the session' },
  route_not_found: { status: 404, desc: 'No such route' },
  // 405
  method_not_allowed: { status: 405, desc: 'Method not allowed on this route' },
  // 409, 412, 413
  session_conflict: { status: 409, retryAfter: 1, desc: 'Too many concurrent changes to the session; retry' },
  short_code_unavailable: { status: 409, desc: 'No unused short code could be generated for the session; retry' },
  precondition_failed: { status: 412, desc: "The request's If-Match or If-None-Match does not hold for the session's current state" },
  payload_too_large: { status: 413, desc: 'Request body is larger than 128 KiB' },
  // 429: too many wrong passwords; the lock lifts by itself after Retry-After seconds
  password_attempts_exceeded: { status: 429, retryAfter: 60, desc: 'Too many wrong passwords for this session; retry later' },
  // 431: the local stack's answer; API Gateway answers oversized headers itself, before the service sees them
  request_headers_too_large: { status: 431, desc: 'Request headers are larger than the server accepts' },
  // 5xx
  configuration_invalid: { status: 500, desc: 'The service is misconfigured' },
  internal_error: { status: 500, desc: 'Internal error' },
  service_unavailable: { status: 503, retryAfter: 1, desc: 'Session storage is busy or unreachable; retry' },
  friends_unavailable: { status: 503, retryAfter: 2, desc: 'The friends service cannot be reached to check a friendship; retry' },
  auth_keys_unavailable: { status: 503, retryAfter: 5, desc: "The token issuer's keys cannot be fetched; retry" },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERRORS;

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly definition: ErrorDefinition;
  /** Seconds for Retry-After when this error knows better than the catalogue (a lock that lifts at a known time). */
  readonly retryAfter?: number;

  /**
   * `detail` goes to the logs only; the client sees the catalogue's description. `status` overrides the
   * catalogue's where an operation answers a code with another status (documented in the spec).
   */
  constructor(code: ErrorCode, detail?: string, status?: number, retryAfter?: number) {
    super(detail ? `${code}: ${detail}` : code);
    this.name = 'ApiError';
    this.code = code;
    this.definition = ERRORS[code];
    this.status = status ?? this.definition.status;
    if (retryAfter !== undefined) this.retryAfter = Math.max(1, Math.ceil(retryAfter));
  }
}
