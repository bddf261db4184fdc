// The catalog (lookups, content ETags, immutability), loading the file, where the file is looked for, and the
// demo file the repository ships.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../../src/config/config.js';
import { templatesFileFrom, loadTemplates } from '../../../src/templates/load-templates.js';
import { parseTemplates } from '../../../src/templates/parse-templates.js';
import { canonicalJson, contentEtag } from '../../../src/http/content-etag.js';
import type { TemplateCatalog } from '../../../src/templates/template-catalog.js';

const catalogOf = (value: unknown): TemplateCatalog => {
  const r = parseTemplates(value);
  if (!('catalog' in r)) throw new Error(r.problems.join('; '));
  return r.catalog;
};

const dir = mkdtempSync(join(tmpdir(), 'templates-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fileWith = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('catalog', () => {
  const c = catalogOf([
    { session_type: 'lobby', attempt_auto_join: true },
    { session_type: 'duel', num_teams: 2, players_per_team: 1 },
  ]);

  test('get, all and resource', () => {
    expect(c.get('duel')).toMatchObject({ session_type: 'duel', num_teams: 2, players_per_team: 1 });
    expect(c.get('nope')).toBeUndefined();
    expect(c.get('__proto__')).toBeUndefined();
    expect(c.all().map((t) => t.session_type)).toEqual(['lobby', 'duel']);
    expect(JSON.parse(JSON.stringify(c.resource()))).toEqual({ templates: { lobby: c.get('lobby'), duel: c.get('duel') } });
  });

  test('ETags are strong, quoted content hashes: one per template, one for the whole set', () => {
    expect(c.etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(c.etagOf('lobby')).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(c.etagOf('lobby')).not.toBe(c.etagOf('duel'));
    expect(c.etagOf('nope')).toBeUndefined();
    expect(c.etag).toBe(contentEtag(c.resource()));
    expect(c.etagOf('duel')).toBe(contentEtag(c.get('duel')));
  });

  test('the same content gives the same ETags whatever the order of keys or formatting; a change gives new ones', () => {
    const same = catalogOf(
      JSON.parse('[{"attempt_auto_join":true,  "session_type":"lobby"},{"players_per_team":1,"num_teams":2,"session_type":"duel"}]'),
    );
    expect(same.etag).toBe(c.etag);
    expect(same.etagOf('duel')).toBe(c.etagOf('duel'));
    const changed = catalogOf([
      { session_type: 'lobby', attempt_auto_join: true },
      { session_type: 'duel', num_teams: 2, players_per_team: 2 },
    ]);
    expect(changed.etag).not.toBe(c.etag);
    expect(changed.etagOf('lobby')).toBe(c.etagOf('lobby'));
    expect(changed.etagOf('duel')).not.toBe(c.etagOf('duel'));
  });

  test('canonical JSON sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 'x' }], c: undefined } })).toBe('{"a":{"d":[2,{"y":"x","z":1}]},"b":1}');
  });

  test('templates are frozen: no request can change what the next one sees', () => {
    const t = c.get('lobby')!;
    expect(Object.isFrozen(t)).toBe(true);
    expect(Object.isFrozen(t.custom_data)).toBe(true);
    expect(() => {
      (t as { num_teams: number }).num_teams = 9;
    }).toThrow(TypeError);
    c.all().pop();
    expect(c.all()).toHaveLength(2);
  });
});

describe('loading the file', () => {
  test('a valid file', () => {
    const r = loadTemplates(fileWith('ok.json', JSON.stringify([{ session_type: 'a', joinable: true, extra: 1 }])));
    expect('catalog' in r && r.catalog.get('a')).toMatchObject({ attempt_auto_join: true, joinable: true });
  });

  test('a missing file names the variable and the path', () => {
    const file = join(dir, 'missing.json');
    const r = loadTemplates(file);
    expect(r).toEqual({ problems: [expect.stringMatching(new RegExp(`^SESSION_TEMPLATES_FILE \\(${file}\\): cannot be read: ENOENT`))] });
  });

  test('a file that is not JSON', () => {
    const file = fileWith('bad.json', '[{"session_type": "a",]');
    expect(loadTemplates(file)).toEqual({
      problems: [expect.stringMatching(new RegExp(`^SESSION_TEMPLATES_FILE \\(${file}\\): is not valid JSON: `))],
    });
  });

  test('a file that is JSON but not an array', () => {
    const file = fileWith('object.json', '{"lobby": {"session_type": "lobby"}}');
    expect(loadTemplates(file)).toEqual({
      problems: [`SESSION_TEMPLATES_FILE (${file}): templates: must be a JSON array of SessionTemplate objects`],
    });
  });

  test('an invalid entry: every problem names the file, the entry and the field', () => {
    const file = fileWith('invalid.json', JSON.stringify([{ session_type: 'a' }, { session_type: 'a', client_version_range: 'nope' }]));
    expect(loadTemplates(file)).toEqual({
      problems: [
        `SESSION_TEMPLATES_FILE (${file}): templates[1] ("a").session_type: duplicates templates[0]`,
        `SESSION_TEMPLATES_FILE (${file}): templates[1] ("a").client_version_range: "nope" is not a valid semver range, e.g. ">=1.4.0 <2.0.0"`,
      ],
    });
  });
});

describe('where the file is looked for', () => {
  test.each<[Record<string, string>, string]>([
    [{}, '/app/config/session-templates.json'],
    [{ LAMBDA_TASK_ROOT: '/var/task' }, '/var/task/session-templates.json'],
    [{ SESSION_TEMPLATES_FILE: 'my/templates.json' }, '/app/my/templates.json'],
    [{ SESSION_TEMPLATES_FILE: '/etc/t.json', LAMBDA_TASK_ROOT: '/var/task' }, '/etc/t.json'],
    [{ SESSION_TEMPLATES_FILE: '  ', LAMBDA_TASK_ROOT: '/var/task' }, '/var/task/session-templates.json'],
  ])('%j → %s', (env, file) => {
    expect(templatesFileFrom(env, '/app')).toBe(file);
  });

  test('the service configuration records the file', () => {
    const env = { SESSIONS_TABLE_NAME: 'sessions', AUTH_ISSUER: 'https://id.example.com', AUTH_AUDIENCE: 'game' };
    const r = readConfig({ ...env, SESSION_TEMPLATES_FILE: '/etc/t.json' });
    expect(r).toEqual({ config: expect.objectContaining({ templatesFile: '/etc/t.json' }) });
  });
});

describe('the demo file, config/session-templates.json', () => {
  const r = loadTemplates(templatesFileFrom({}));
  const c = 'catalog' in r ? r.catalog : undefined;

  test('loads from the default path (relative to the working directory)', () => {
    expect(r).not.toHaveProperty('problems');
    expect(c!.all().map((t) => t.session_type)).toEqual(['lobby', 'duel', 'raid', 'matchmade']);
  });

  test('lobby: 1 team of 4, auto-join, created directly, public', () => {
    expect(c!.get('lobby')).toMatchObject({
      num_teams: 1,
      players_per_team: 4,
      attempt_auto_join: true,
      joinable: true,
      can_be_created_by_players_directly: true,
      default_public: true,
    });
  });
  test('duel: 2 teams of 1, created directly, not auto-join', () => {
    expect(c!.get('duel')).toMatchObject({ num_teams: 2, players_per_team: 1, can_be_created_by_players_directly: true, attempt_auto_join: false });
  });
  test('raid: 4 teams of 10, kept alive when empty, clients >=1.0.0, two hours', () => {
    expect(c!.get('raid')).toMatchObject({
      num_teams: 4,
      players_per_team: 10,
      keep_alive_on_empty: true,
      client_version_range: '>=1.0.0',
      session_ttl_seconds: 7200,
    });
  });
  test('matchmade: not created by players', () => {
    expect(c!.get('matchmade')).toMatchObject({ can_be_created_by_players_directly: false, attempt_auto_join: false });
  });
});
