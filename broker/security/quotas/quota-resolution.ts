// Which configured quota applies to a client, with Kafka's precedence (ClientQuotaManager's
// DefaultQuotaCallback), most specific first:
//   user + client-id, user + default client-id, user,
//   default user + client-id, default user + default client-id, default user,
//   client-id, default client-id.
// The match also says who shares the measured rate: the user and/or client id named by the
// matching level (a default level still measures each user / client id on its own), as Kafka's
// quota metric tags do — a quota on user alice is shared by all of alice's clients.

/** A level's entity: for each type, absent (undefined), the default (null) or a name. */
export interface QuotaLevel {
  readonly user: string | null | undefined;
  readonly clientId: string | null | undefined;
}

export interface ResolvedQuota {
  readonly limit: number;
  /** The user the rate is measured for ("" when the level has no user part). */
  readonly userTag: string;
  /** The client id the rate is measured for ("" when the level has no client-id part). */
  readonly clientTag: string;
}

/** The levels to try for `user` and `clientId`, in Kafka's order. */
export function quotaLevels(user: string, clientId: string): QuotaLevel[] {
  return [
    { user, clientId },
    { user, clientId: null },
    { user, clientId: undefined },
    { user: null, clientId },
    { user: null, clientId: null },
    { user: null, clientId: undefined },
    { user: undefined, clientId },
    { user: undefined, clientId: null },
  ];
}

/** The first level with a limit for this quota, or null when none applies. */
export function resolveQuota(
  limitAt: (level: QuotaLevel) => number | undefined,
  user: string,
  clientId: string,
): ResolvedQuota | null {
  for (const level of quotaLevels(user, clientId)) {
    const limit = limitAt(level);
    if (limit === undefined) continue;
    return {
      limit,
      userTag: level.user === undefined ? "" : user,
      clientTag: level.clientId === undefined ? "" : clientId,
    };
  }
  return null;
}

/** A map key for a level's entity (distinguishing absent, default and named parts). */
export function levelKey(user: string | null | undefined, clientId: string | null | undefined): string {
  const part = (v: string | null | undefined) => (v === undefined ? "-" : v === null ? "*" : `=${v}`);
  return `${part(user)}\u0000${part(clientId)}`;
}
