// The join request the benchmarks send, in a module of its own so that the bundled CPU child (bench/cpu-child.ts)
// takes it without the rest of bench/support.ts (DynamoDB Local and the AWS SDK).
export const JOIN_ROUTE = '/session/v1/session/{session_id}/player/me';

export const joinBody = (teamId: number, customData: Record<string, string> = {}) => ({
  client_version: '1.4.2',
  client_settings: { platform: 'Steam', input: 'keyboardandmouse' },
  team_id: teamId,
  custom_data: customData,
});
