// The cache of friendships on its own: expiry to the millisecond, its bound, and which entry the bound evicts.
import { FriendshipCache } from '../../../src/friends/friendship-cache.js';

test('holds an entry from when it is added until ttl later, exclusive', () => {
  const cache = new FriendshipCache(10, 1000);
  expect(cache.has('a', 'b', 0)).toBe(false);
  cache.add('a', 'b', 5000);
  expect(cache.has('a', 'b', 5000)).toBe(true);
  expect(cache.has('a', 'b', 5999)).toBe(true);
  expect(cache.has('a', 'b', 6000)).toBe(false);
  // An expired entry is gone, not merely hidden: an earlier clock does not bring it back.
  expect(cache.has('a', 'b', 5500)).toBe(false);
});

test('keys by direction, case-insensitively', () => {
  const cache = new FriendshipCache(10, 1000);
  cache.add('A', 'b', 0);
  expect(cache.has('a', 'B', 0)).toBe(true);
  expect(cache.has('b', 'a', 0)).toBe(false);
  expect(cache.has('a', 'c', 0)).toBe(false);
});

test('never holds more than its capacity, evicting the oldest first', () => {
  const cache = new FriendshipCache(3, 1000);
  for (const p of ['p1', 'p2', 'p3', 'p4']) cache.add(p, 'f', 0);
  expect(['p1', 'p2', 'p3', 'p4'].map((p) => cache.has(p, 'f', 0))).toEqual([false, true, true, true]);
});

test('an entry added again counts as the newest', () => {
  const cache = new FriendshipCache(3, 1000);
  for (const p of ['p1', 'p2', 'p3']) cache.add(p, 'f', 0);
  cache.add('p1', 'f', 10);
  cache.add('p4', 'f', 10);
  expect(['p1', 'p2', 'p3', 'p4'].map((p) => cache.has(p, 'f', 10))).toEqual([true, false, true, true]);
  // Its expiry moved too.
  expect(cache.has('p1', 'f', 1005)).toBe(true);
});

test('a ttl of 0 holds nothing', () => {
  const cache = new FriendshipCache(3, 0);
  cache.add('a', 'b', 0);
  expect(cache.has('a', 'b', 0)).toBe(false);
});

test('holds as many entries as its capacity, without losing one', () => {
  const cache = new FriendshipCache(10_000, 1000);
  for (let i = 0; i < 10_000; i++) cache.add(`p${i}`, 'f', 0);
  expect(cache.has('p0', 'f', 0)).toBe(true);
  cache.add('p10000', 'f', 0);
  expect(cache.has('p0', 'f', 0)).toBe(false);
  expect(cache.has('p1', 'f', 0)).toBe(true);
  expect(cache.has('p10000', 'f', 0)).toBe(true);
});
