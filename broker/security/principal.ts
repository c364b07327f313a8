// Who a connection is, as Kafka names it: "User:alice". ACLs, quotas and logs all use this form.
// PLAINTEXT connections are User:ANONYMOUS; SASL gives User:<authenticated name>; mTLS gives the
// certificate's distinguished name after ssl.principal.mapping.rules.

export interface KafkaPrincipal {
  readonly type: string;
  readonly name: string;
}

export const ANONYMOUS: KafkaPrincipal = { type: "User", name: "ANONYMOUS" };

export function userPrincipal(name: string): KafkaPrincipal {
  return { type: "User", name };
}

export function principalToString(p: KafkaPrincipal): string {
  return `${p.type}:${p.name}`;
}

/** Parses "Type:name" (the name may itself contain ':'); null when there is no type. */
export function parsePrincipal(text: string): KafkaPrincipal | null {
  const colon = text.indexOf(":");
  if (colon <= 0) return null;
  return { type: text.slice(0, colon), name: text.slice(colon + 1) };
}
