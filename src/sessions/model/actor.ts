// Who acts on a session: a trusted caller (an `any` permission of the operation) acts on anyone; anyone else acts
// on themselves, or on the players of the session they lead.
export interface Actor {
  playerUuid: string;
  trusted: boolean;
}
