// The PagedPlayersResponse resource: every team of the session, each with the players of the page on it.
import type { components } from '../../../schemas/generated/types.js';
import type { PlayersPage } from '../operations/read-players.js';
import { toTeamResources } from './session-view.js';

type PagedPlayersResponse = components['schemas']['PagedPlayersResponse'];

export const toPlayersPage = ({ session, players, next }: PlayersPage): PagedPlayersResponse => ({
  teams: toTeamResources(session, players),
  cursor: next,
});
