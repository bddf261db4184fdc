// The friends directory of a container: its client module loads on the first join that needs a friendship, so
// no other request pays for it, and is then shared (with its cache of friendships) by every later request under
// the same configuration.
import type { FriendsConfig } from '../config/config.js';
import type { FriendsDirectory } from '../sessions/friends.js';

const directories = new WeakMap<FriendsConfig, Promise<FriendsDirectory>>();

export function friendsDirectory(config: FriendsConfig): Promise<FriendsDirectory> {
  let directory = directories.get(config);
  if (!directory) {
    directory = import('../friends/friends-client.js').then(({ createFriendsClient }) => createFriendsClient(config));
    directories.set(config, directory);
  }
  return directory;
}
