// The 422 mapping (src/http/validation-errors.ts): ajv's errors as FastAPI with pydantic v1 reports the same problems
// (the upstream service's 422 `HTTPValidationError`): `loc` from the request part down, pydantic's message and type,
// one item per problem. Most errors come from the join's real generated validator; the keywords no join body can
// produce are given as ajv writes them.
import type { ErrorObject } from 'ajv';
import * as join from '../../../schemas/generated/validators/join_session_by_id_self.js';
import { invalidJson, missingBody, toValidationItems } from '../../../src/http/validation-errors.js';

const SETTINGS = { platform: 'Steam', input: 'gamepad' };
/** The 422 items of a join body, through the route's own validator. */
function itemsOf(body: unknown) {
  expect(join.body(body)).toBe(false);
  return toValidationItems('body', join.body.errors, body);
}
const error = (keyword: string, instancePath: string, params: Record<string, unknown> = {}, extra: Partial<ErrorObject> = {}): ErrorObject =>
  ({ keyword, instancePath, schemaPath: '#', params, ...extra }) as ErrorObject;

test('every missing field, each as `field required` at its own name', () => {
  expect(itemsOf({})).toEqual(
    ['client_version', 'client_settings', 'team_id'].map((f) => ({ loc: ['body', f], msg: 'field required', type: 'value_error.missing' })),
  );
});

test('a wrong type: the message and type of the expected one', () => {
  expect(itemsOf({ client_version: 5, client_settings: SETTINGS, team_id: 'x' })).toEqual([
    { loc: ['body', 'client_version'], msg: 'str type expected', type: 'type_error.str' },
    { loc: ['body', 'team_id'], msg: 'value is not a valid integer', type: 'type_error.integer' },
  ]);
});

test('a null: `none is not an allowed value` alone, also where the field has an enumeration', () => {
  expect(itemsOf({ client_version: null, client_settings: { input: null }, team_id: 0, status: null })).toEqual([
    { loc: ['body', 'status'], msg: 'none is not an allowed value', type: 'type_error.none.not_allowed' },
    { loc: ['body', 'client_version'], msg: 'none is not an allowed value', type: 'type_error.none.not_allowed' },
    { loc: ['body', 'client_settings', 'input'], msg: 'none is not an allowed value', type: 'type_error.none.not_allowed' },
  ]);
});

test('a value outside an enumeration: the enumeration error alone, listing the permitted values; a type error beside it is dropped', () => {
  expect(itemsOf({ client_version: '1', client_settings: { input: 'pad' }, team_id: 0 })).toEqual([
    {
      loc: ['body', 'client_settings', 'input'],
      msg: "value is not a valid enumeration member; permitted: 'keyboardandmouse', 'gamepad', 'touch'",
      type: 'type_error.enum',
    },
  ]);
  expect(itemsOf({ client_version: '1', client_settings: SETTINGS, team_id: 0, status: 7 })).toEqual([
    {
      loc: ['body', 'status'],
      msg: "value is not a valid enumeration member; permitted: 'leader', 'member', 'invited', 'reserved'",
      type: 'type_error.enum',
    },
  ]);
});

test('bounds and custom-data keys: a failing key as [..., key, "__key__"], a failing value at its key', () => {
  expect(itemsOf({ client_version: '1', client_settings: SETTINGS, team_id: -1, custom_data: { '': 'x', a: '', constructor: 'y' } })).toEqual([
    { loc: ['body', 'team_id'], msg: 'ensure this value is greater than or equal to 0', type: 'value_error.number.not_ge' },
    { loc: ['body', 'custom_data', '', '__key__'], msg: 'ensure this value has at least 1 characters', type: 'value_error.any_str.min_length' },
    { loc: ['body', 'custom_data', 'constructor', '__key__'], msg: 'this key is reserved', type: 'value_error.reserved_key' },
    { loc: ['body', 'custom_data', 'a'], msg: 'ensure this value has at least 1 characters', type: 'value_error.any_str.min_length' },
  ]);
});

test('the upper bounds, as pydantic words them', () => {
  const data = { custom_data: { k: 'x'.repeat(4097) } };
  expect(
    toValidationItems(
      'body',
      [
        error('maximum', '/team_id', { limit: 7 }),
        error('maxLength', '/custom_data/k', { limit: 4096 }),
        error('maxProperties', '/custom_data', { limit: 32 }),
        error('minItems', '/players', { limit: 1 }),
        error('maxItems', '/players', { limit: 2 }),
      ],
      data,
    ),
  ).toEqual([
    { loc: ['body', 'team_id'], msg: 'ensure this value is less than or equal to 7', type: 'value_error.number.not_le' },
    { loc: ['body', 'custom_data', 'k'], msg: 'ensure this value has at most 4096 characters', type: 'value_error.any_str.max_length' },
    { loc: ['body', 'custom_data'], msg: 'ensure this dict has at most 32 keys', type: 'value_error.dict.max_keys' },
    { loc: ['body', 'players'], msg: 'ensure this value has at least 1 items', type: 'value_error.list.min_items' },
    { loc: ['body', 'players'], msg: 'ensure this value has at most 2 items', type: 'value_error.list.max_items' },
  ]);
});

test.each<[string, string, string]>([
  ['number', 'value is not a valid float', 'type_error.float'],
  ['boolean', 'value could not be parsed to a boolean', 'type_error.bool'],
  ['object', 'value is not a valid dict', 'type_error.dict'],
  ['array', 'value is not a valid list', 'type_error.list'],
  ['null', 'value is not a valid null', 'type_error.null'],
])('a value not of type %s: %s', (type, msg, kind) => {
  expect(toValidationItems('query', [error('type', '/x', { type })], { x: 'text' })).toEqual([{ loc: ['query', 'x'], msg, type: kind }]);
});

test('formats: a uuid as pydantic words it, any other by its name', () => {
  expect(
    toValidationItems('path', [error('format', '/player_uuid', { format: 'uuid' }), error('format', '/at', { format: 'date-time' })], {
      player_uuid: 'x',
      at: 'y',
    }),
  ).toEqual([
    { loc: ['path', 'player_uuid'], msg: 'value is not a valid uuid', type: 'type_error.uuid' },
    { loc: ['path', 'at'], msg: 'value is not a valid date-time', type: 'value_error.date-time' },
  ]);
});

test("a keyword pydantic has no words for keeps ajv's message under its own name", () => {
  expect(toValidationItems('body', [error('pattern', '/code', {}, { message: 'must match pattern "^[A-Z]+$"' }), error('const', '/c')], {})).toEqual([
    { loc: ['body', 'code'], msg: 'must match pattern "^[A-Z]+$"', type: 'value_error.pattern' },
    { loc: ['body', 'c'], msg: 'invalid value', type: 'value_error.const' },
  ]);
});

test('loc: list indices as numbers, dict keys as strings even when they are digits, JSON-pointer escapes undone', () => {
  const data = { players: [{}, { team_id: 'x' }], custom_data: { '7': 5, 'a/b~c': 5 } };
  expect(
    toValidationItems(
      'body',
      [
        error('type', '/players/1/team_id', { type: 'integer' }),
        error('type', '/custom_data/7', { type: 'string' }),
        error('type', '/custom_data/a~1b~0c', { type: 'string' }),
      ],
      data,
    ).map((i) => i.loc),
  ).toEqual([
    ['body', 'players', 1, 'team_id'],
    ['body', 'custom_data', '7'],
    ['body', 'custom_data', 'a/b~c'],
  ]);
});

test('a null reached through a list, and a type error under a missing parent, are told apart', () => {
  const data = { players: [null] };
  expect(toValidationItems('body', [error('type', '/players/0', { type: 'object' }), error('type', '/teams/0', { type: 'object' })], data)).toEqual([
    { loc: ['body', 'players', 0], msg: 'none is not an allowed value', type: 'type_error.none.not_allowed' },
    { loc: ['body', 'teams', '0'], msg: 'value is not a valid dict', type: 'type_error.dict' },
  ]);
});

test('no errors: no items; a missing and an unreadable body: one item each at `body`', () => {
  expect(toValidationItems('body', null, {})).toEqual([]);
  expect(toValidationItems('body', undefined, {})).toEqual([]);
  expect(missingBody()).toEqual({ loc: ['body'], msg: 'field required', type: 'value_error.missing' });
  expect(invalidJson()).toEqual({ loc: ['body'], msg: 'Invalid JSON body', type: 'value_error.jsondecode' });
});

test('an enumeration of numbers lists them unquoted; a path through a null or a scalar still has its loc', () => {
  expect(toValidationItems('body', [error('enum', '/n', { allowedValues: [1, 2] })], { n: 3 })).toEqual([
    { loc: ['body', 'n'], msg: 'value is not a valid enumeration member; permitted: 1, 2', type: 'type_error.enum' },
  ]);
  expect(
    toValidationItems('body', [error('required', '/a/b', { missingProperty: 'c' }), error('required', '/s/t', { missingProperty: 'u' })], {
      a: null,
      s: 'x',
    }),
  ).toEqual([
    { loc: ['body', 'a', 'b', 'c'], msg: 'field required', type: 'value_error.missing' },
    { loc: ['body', 's', 't', 'u'], msg: 'field required', type: 'value_error.missing' },
  ]);
});
