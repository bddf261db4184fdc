// A store with some operations replaced, for tests that act between a store's steps; free of any store's setup, so
// unit tests on the in-memory store (and the mutation runs over them) need no DynamoDB Local.

/** `store` with some of its operations replaced; the others are the store's own. */
export const decorate = <S extends object>(store: S, overrides: Partial<S>): S => Object.assign(Object.create(store) as S, overrides);
