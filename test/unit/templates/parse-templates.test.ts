// Parsing the templates file's value: defaults, the joinable alias, unknown fields, and every kind of error named
// by entry and field.
import { parseTemplates } from '../../../src/templates/parse-templates.js';
import { FIELDS, teamSizesOf, type SessionTemplate } from '../../../src/templates/session-template.js';

const catalogOf = (value: unknown) => {
  const r = parseTemplates(value);
  if (!('catalog' in r)) throw new Error(`unexpected problems: ${r.problems.join('; ')}`);
  return r.catalog;
};
const problemsOf = (value: unknown) => {
  const r = parseTemplates(value);
  if (!('problems' in r)) throw new Error('expected problems');
  return r.problems;
};

const DEFAULTS: Omit<SessionTemplate, 'session_type'> = {
  engine_session_type: 'Game',
  can_be_created_by_players_directly: false,
  joinable: false,
  attempt_auto_join: false,
  default_public: false,
  keep_alive_on_empty: false,
  custom_data: {},
  num_teams: 1,
  players_per_team: 4,
  can_change_own_team: true,
  player_culling_timeout: 0,
  session_ttl_seconds: 3600,
};

describe('defaults', () => {
  test('a template naming only its type takes every reference default, and no client_version_range', () => {
    const t = catalogOf([{ session_type: 'x' }]).get('x');
    expect(t).toEqual({ session_type: 'x', ...DEFAULTS });
    expect(t).not.toHaveProperty('client_version_range');
  });

  test('the field table holds the reference defaults and the contract bounds', () => {
    expect(FIELDS.num_teams).toMatchObject({ min: 1, max: 50, default: 1 });
    expect(FIELDS.players_per_team).toMatchObject({ min: 1, max: 100, default: 4 });
    expect(FIELDS.session_ttl_seconds).toMatchObject({ min: 60, max: 31_536_000, default: 3600 });
  });

  test('given values are kept; teamSizesOf gives one entry per team', () => {
    const t = catalogOf([
      {
        session_type: 'raid',
        engine_session_type: 'Party',
        num_teams: 4,
        players_per_team: 10,
        keep_alive_on_empty: true,
        default_public: true,
        can_change_own_team: false,
        can_be_created_by_players_directly: true,
        session_ttl_seconds: 7200,
        client_version_range: '>=1.0.0 <2.0.0',
        custom_data: { mode: 'hard' },
      },
    ]).get('raid')!;
    expect(t).toEqual({
      ...DEFAULTS,
      session_type: 'raid',
      engine_session_type: 'Party',
      num_teams: 4,
      players_per_team: 10,
      keep_alive_on_empty: true,
      default_public: true,
      can_change_own_team: false,
      can_be_created_by_players_directly: true,
      session_ttl_seconds: 7200,
      client_version_range: '>=1.0.0 <2.0.0',
      custom_data: { mode: 'hard' },
    });
    expect(teamSizesOf(t)).toEqual([10, 10, 10, 10]);
  });

  test('bounds are inclusive', () => {
    const c = catalogOf([
      { session_type: 'min', num_teams: 1, players_per_team: 1, session_ttl_seconds: 60 },
      { session_type: 'max', num_teams: 50, players_per_team: 100, session_ttl_seconds: 31_536_000 },
    ]);
    expect(c.get('min')).toMatchObject({ num_teams: 1, players_per_team: 1, session_ttl_seconds: 60 });
    expect(c.get('max')).toMatchObject({ num_teams: 50, players_per_team: 100, session_ttl_seconds: 31_536_000 });
  });

  test('an empty array is an empty catalog', () => {
    expect(catalogOf([]).all()).toEqual([]);
  });
});

describe('the deprecated joinable alias of attempt_auto_join', () => {
  test.each([
    [{}, false],
    [{ joinable: true }, true],
    [{ attempt_auto_join: true }, true],
    [{ joinable: true, attempt_auto_join: false }, true],
    [{ joinable: false, attempt_auto_join: true }, true],
    [{ joinable: false, attempt_auto_join: false }, false],
  ])('%j → both %s', (fields, on) => {
    expect(catalogOf([{ session_type: 't', ...fields }]).get('t')).toMatchObject({ joinable: on, attempt_auto_join: on });
  });
});

test('unknown fields (upstream ones this service does not act on, and typos) are ignored and not kept', () => {
  const t = catalogOf([{ session_type: 't', can_join_matchmaking: true, min_session_count: 'lots', platform_templates: {}, num_team: 9 }]).get('t');
  expect(t).toEqual({ session_type: 't', ...DEFAULTS });
});

test('templates are kept in file order, and the catalog does not share the input objects', () => {
  const customData = { k: 'v' };
  const c = catalogOf([{ session_type: 'b', custom_data: customData }, { session_type: 'a' }]);
  expect(c.all().map((t) => t.session_type)).toEqual(['b', 'a']);
  customData.k = 'changed';
  expect(c.get('b')!.custom_data).toEqual({ k: 'v' });
});

describe('errors name the entry and the field', () => {
  test.each<[string, unknown, string]>([
    ['players_per_team out of bounds', { players_per_team: 101 }, 'templates[0] ("t").players_per_team: must be an integer from 1 to 100'],
    ['players_per_team zero', { players_per_team: 0 }, 'templates[0] ("t").players_per_team: must be an integer from 1 to 100'],
    ['num_teams not an integer', { num_teams: 1.5 }, 'templates[0] ("t").num_teams: must be an integer from 1 to 50'],
    ['num_teams a string', { num_teams: '2' }, 'templates[0] ("t").num_teams: must be an integer from 1 to 50'],
    ['session_ttl_seconds too short', { session_ttl_seconds: 59 }, 'templates[0] ("t").session_ttl_seconds: must be an integer from 60 to 31536000'],
    [
      'session_ttl_seconds too long',
      { session_ttl_seconds: 31_536_001 },
      'templates[0] ("t").session_ttl_seconds: must be an integer from 60 to 31536000',
    ],
    ['a boolean given as a string', { default_public: 'yes' }, 'templates[0] ("t").default_public: must be true or false'],
    ['a boolean given as null', { keep_alive_on_empty: null }, 'templates[0] ("t").keep_alive_on_empty: must be true or false'],
    ['joinable not a boolean', { joinable: 1 }, 'templates[0] ("t").joinable: must be true or false'],
    [
      'engine_session_type not a string',
      { engine_session_type: 7 },
      'templates[0] ("t").engine_session_type: must be a string of 0 to 128 characters',
    ],
    ['custom_data not an object', { custom_data: ['a'] }, 'templates[0] ("t").custom_data: must be an object of string values'],
    [
      'custom_data value not a string',
      { custom_data: { level: 3 } },
      'templates[0] ("t").custom_data.level: must be a string of 1 to 4096 characters',
    ],
    ['custom_data value empty', { custom_data: { 'a b': '' } }, 'templates[0] ("t").custom_data["a b"]: must be a string of 1 to 4096 characters'],
    ['custom_data empty key', { custom_data: { '': 'x' } }, 'templates[0] ("t").custom_data[""]: keys must be 1 to 128 characters'],
    [
      'client_version_range not a string',
      { client_version_range: 1 },
      'templates[0] ("t").client_version_range: must be a semver range of 1 to 256 characters, e.g. ">=1.4.0 <2.0.0"',
    ],
    [
      'client_version_range empty',
      { client_version_range: ' ' },
      'templates[0] ("t").client_version_range: must be a semver range of 1 to 256 characters, e.g. ">=1.4.0 <2.0.0"',
    ],
    [
      'client_version_range invalid',
      { client_version_range: 'banana' },
      'templates[0] ("t").client_version_range: "banana" is not a valid semver range, e.g. ">=1.4.0 <2.0.0"',
    ],
    [
      'client_version_range invalid operator',
      { client_version_range: '>=1.0.0 <<2' },
      'templates[0] ("t").client_version_range: ">=1.0.0 <<2" is not a valid semver range, e.g. ">=1.4.0 <2.0.0"',
    ],
  ])('%s', (_what, fields, message) => {
    expect(problemsOf([{ session_type: 't', ...(fields as object) }])).toEqual([message]);
  });

  test('custom_data with more than 32 keys', () => {
    const custom_data = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v']));
    expect(problemsOf([{ session_type: 't', custom_data }])).toEqual(['templates[0] ("t").custom_data: must have at most 32 keys']);
  });

  test('the entry index counts from 0 over the whole array, and every problem is listed', () => {
    expect(
      problemsOf([
        { session_type: 'lobby' },
        { session_type: 'duel' },
        { session_type: 'raid', players_per_team: 500, num_teams: 0 },
        { session_type: 'x', default_public: 'no' },
      ]),
    ).toEqual([
      'templates[2] ("raid").num_teams: must be an integer from 1 to 50',
      'templates[2] ("raid").players_per_team: must be an integer from 1 to 100',
      'templates[3] ("x").default_public: must be true or false',
    ]);
  });

  test('a missing session_type names the entry by index only', () => {
    expect(problemsOf([{ session_type: 'a' }, { num_teams: 2 }])).toEqual(['templates[1].session_type: is required']);
  });

  test.each<[unknown, string]>([
    ['', 'templates[0] ("").session_type: must be a string of 1 to 128 characters'],
    ['x'.repeat(129), `templates[0] ("${'x'.repeat(129)}").session_type: must be a string of 1 to 128 characters`],
    [42, 'templates[0].session_type: must be a string of 1 to 128 characters'],
    [null, 'templates[0].session_type: must be a string of 1 to 128 characters'],
  ])('session_type %j is invalid', (session_type, message) => {
    expect(problemsOf([{ session_type }])).toEqual([message]);
  });

  test('a duplicate session_type names both entries', () => {
    expect(problemsOf([{ session_type: 'duel' }, { session_type: 'lobby' }, { session_type: 'duel', num_teams: 2 }])).toEqual([
      'templates[2] ("duel").session_type: duplicates templates[0]',
    ]);
  });

  test('an entry that is not an object', () => {
    expect(problemsOf([{ session_type: 'a' }, 'b', null, [1]])).toEqual([
      'templates[1]: must be a SessionTemplate object',
      'templates[2]: must be a SessionTemplate object',
      'templates[3]: must be a SessionTemplate object',
    ]);
  });

  test.each([[{ lobby: { session_type: 'lobby' } }], [{ templates: [] }], ['lobby'], [null], [42]])('a value that is not an array: %j', (value) => {
    expect(problemsOf(value)).toEqual(['templates: must be a JSON array of SessionTemplate objects']);
  });
});
