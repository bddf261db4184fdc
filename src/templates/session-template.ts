// The session template: RallyHere's SessionTemplate fields this service acts on, with every default applied, plus
// our two extensions (an inactivity time-to-live and a semver range of client versions allowed to join).
// FIELDS is the single table that drives validation and defaults when templates are loaded (parse-templates.ts).
import type { components } from '../../schemas/generated/types.js';

/** A template as the catalog holds and the API returns it: every field present except `client_version_range`. */
export type SessionTemplate = components['schemas']['SessionTemplate'];
/** The body of get_all_session_templates: templates keyed by `session_type`. */
export type SessionTemplates = components['schemas']['SessionTemplates'];

/** How one field is checked, and its default when left out. Bounds are the contract's (schemas/openapi.yaml). */
export type FieldRule =
  | { kind: 'boolean'; default: boolean }
  | { kind: 'integer'; min: number; max: number; default: number }
  | { kind: 'string'; minLength: number; maxLength: number; default?: string }
  | { kind: 'custom_data'; default: Record<string, string> }
  | { kind: 'semver_range'; maxLength: number };

/** Limits of CustomData (the contract's): at most 32 keys of 1..128 characters, values of 1..4096 characters. */
export const CUSTOM_DATA_LIMITS = { maxKeys: 32, keyMaxLength: 128, valueMaxLength: 4096 } as const;

/**
 * Every field of SessionTemplate, in the order a template is written out. `session_type` is required; `joinable`
 * is the deprecated alias of `attempt_auto_join` (resolved by the parser: either true turns auto-join on, and
 * both fields then show the same value). Defaults are the reference spec's; the two extensions are ours.
 */
export const FIELDS = {
  session_type: { kind: 'string', minLength: 1, maxLength: 128 },
  engine_session_type: { kind: 'string', minLength: 0, maxLength: 128, default: 'Game' },
  can_be_created_by_players_directly: { kind: 'boolean', default: false },
  joinable: { kind: 'boolean', default: false },
  attempt_auto_join: { kind: 'boolean', default: false },
  default_public: { kind: 'boolean', default: false },
  keep_alive_on_empty: { kind: 'boolean', default: false },
  custom_data: { kind: 'custom_data', default: {} },
  num_teams: { kind: 'integer', min: 1, max: 50, default: 1 },
  players_per_team: { kind: 'integer', min: 1, max: 100, default: 4 },
  can_change_own_team: { kind: 'boolean', default: true },
  // Unset and 0 both mean "never cull"; 0 is shown for unset, as the contract's integer allows no null.
  player_culling_timeout: { kind: 'integer', min: 0, max: 31_536_000, default: 0 },
  session_ttl_seconds: { kind: 'integer', min: 60, max: 31_536_000, default: 3600 },
  client_version_range: { kind: 'semver_range', maxLength: 256 },
} as const satisfies Record<keyof SessionTemplate, FieldRule>;

export type TemplateField = keyof typeof FIELDS;

/** The seats of a new session of this type, one entry per team (index = team_id). */
export const teamSizesOf = (t: Pick<SessionTemplate, 'num_teams' | 'players_per_team'>): number[] =>
  Array.from({ length: t.num_teams }, () => t.players_per_team);
