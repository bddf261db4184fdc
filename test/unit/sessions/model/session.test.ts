// Seats and openness of a session (src/sessions/model/session.ts): the numbers the open-session index and the
// create-or-join placement go by.
import { isActive, isOpen, seatsFree } from '../../../../src/sessions/model/session.js';
import { sessionFixture } from '../../../support/fixtures.js';

test('seats free: over all teams, an overfilled team counting negative', () => {
  expect(seatsFree({ teams: [] })).toBe(0);
  expect(seatsFree({ teams: [{ maxSize: 4, occupied: 1 }] })).toBe(3);
  expect(
    seatsFree({
      teams: [
        { maxSize: 4, occupied: 1 },
        { maxSize: 2, occupied: 2 },
        { maxSize: 3, occupied: 0 },
      ],
    }),
  ).toBe(6);
  expect(
    seatsFree({
      teams: [
        { maxSize: 2, occupied: 4 },
        { maxSize: 2, occupied: 1 },
      ],
    }),
  ).toBe(-1);
});

describe('open: create-or-join may place players into it', () => {
  const open = { autoJoin: true, joinable: true, teams: [{ maxSize: 2, occupied: 1 }] };
  test('auto-joining, joinable, without a password, with a seat free', () => {
    expect(isOpen(sessionFixture(open))).toBe(true);
  });
  test.each([
    ['not auto-joining', { autoJoin: false }],
    ['not joinable', { joinable: false }],
    ['with a password', { passwordHash: 'h' }],
    ['full', { teams: [{ maxSize: 2, occupied: 2 }] }],
    [
      'a free seat outweighed by an overfilled team',
      {
        teams: [
          { maxSize: 2, occupied: 1 },
          { maxSize: 1, occupied: 2 },
        ],
      },
    ],
  ])('not when %s', (_, over) => {
    expect(isOpen(sessionFixture({ ...open, ...over }))).toBe(false);
  });
});

test('active: leaders and members, not invited or reserved players', () => {
  expect((['leader', 'member', 'invited', 'reserved'] as const).map(isActive)).toEqual([true, true, false, false]);
});
