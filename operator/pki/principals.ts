// The principals the operator's certificates authenticate as, exactly as the broker prints them
// (Java's RFC 2253 form of the subject, through ssl.principal.mapping.rules).

/** O= of every certificate the operator makes for a cluster's own parts. */
export const CERTIFICATE_ORGANIZATION = "millrace.dev";

/** Subject of every node's certificate (one principal for the whole cluster's nodes). */
export function nodeSubject(clusterName: string): string {
  return `CN=${clusterName}-node,O=${CERTIFICATE_ORGANIZATION}`;
}

/** Subject of the operator's client certificate for this cluster. */
export function operatorSubject(clusterName: string): string {
  return `CN=${clusterName}-operator,O=${CERTIFICATE_ORGANIZATION}`;
}

/** A KafkaUser's client certificate subject (clients CA): the mapping rules turn it into `User:<username>`. */
export function userSubject(username: string): string {
  return `CN=${username.replace(/[,+"\\<>;=]/g, (c) => `\\${c}`)}`;
}

export function nodePrincipal(clusterName: string): string {
  return `User:${nodeSubject(clusterName)}`;
}

export function operatorPrincipal(clusterName: string): string {
  return `User:${operatorSubject(clusterName)}`;
}

/**
 * ssl.principal.mapping.rules: a DN that is a single CN (a KafkaUser's certificate) becomes that
 * name; any other DN stays whole. The node and operator subjects carry O=, so they stay
 * "CN=…,O=millrace.dev" and no KafkaUser name can become one of them.
 */
export const PRINCIPAL_MAPPING_RULES = "RULE:^CN=([^,+]+)$/$1/,DEFAULT";
