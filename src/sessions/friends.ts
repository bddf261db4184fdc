// What a friends-only join needs to know, as the domain states it: whether two players are friends. Implemented
// over HTTP by src/friends (a RallyHere-Friends-compatible service), loaded only when a join needs it.

export interface FriendsDirectory {
  /**
   * Whether `friendUuid` is `playerUuid`'s friend, asked with the caller's own bearer token. A directory that
   * refuses the token answers false (the caller is not shown to be a friend); one that cannot answer (down, slow,
   * a fault) throws ApiError('friends_unavailable').
   */
  areFriends(playerUuid: string, friendUuid: string, authorization: string): Promise<boolean>;
}
