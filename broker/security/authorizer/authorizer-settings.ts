// How authorization is configured, as in Kafka: `authorizer.class.name` names the authorizer
// (empty: none), `super.users` lists principals that bypass ACLs, and
// `allow.everyone.if.no.acl.found` decides resources that no ACL names at all.
//
// Only KRaft's StandardAuthorizer is served. Kafka's older kafka.security.authorizer.AclAuthorizer
// keeps its ACLs in ZooKeeper; Kafka 4 removed it and KRaft brokers refuse it, so do we (with a
// message naming the replacement) rather than quietly run a different authorizer under its name.
import type { BrokerConfig } from "../../config/index.js";
import { parsePrincipal, principalToString } from "../principal.js";

export const STANDARD_AUTHORIZER_CLASS = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";
export const ZOOKEEPER_ACL_AUTHORIZER_CLASS = "kafka.security.authorizer.AclAuthorizer";

export interface AuthorizerSettings {
  /** False when authorizer.class.name is empty: every request is allowed. */
  readonly enabled: boolean;
  /** super.users, each as "Type:name". */
  readonly superUsers: ReadonlySet<string>;
  readonly allowEveryoneIfNoAclFound: boolean;
}

/** Why `className` cannot be authorizer.class.name; undefined when it can. */
export function authorizerClassProblem(className: string): string | undefined {
  if (className === "" || className === STANDARD_AUTHORIZER_CLASS) return undefined;
  if (className === ZOOKEEPER_ACL_AUTHORIZER_CLASS) {
    return `${ZOOKEEPER_ACL_AUTHORIZER_CLASS} keeps ACLs in ZooKeeper, which Millrace (like Kafka 4) does not have; use ${STANDARD_AUTHORIZER_CLASS}`;
  }
  return `authorizer ${className} is not available; the supported authorizer is ${STANDARD_AUTHORIZER_CLASS} (or empty for none)`;
}

/** Parses super.users ("User:a;User:b"); throws on an entry that is not "Type:name". */
export function parseSuperUsers(text: string | null): Set<string> {
  const out = new Set<string>();
  for (const raw of (text ?? "").split(";")) {
    const entry = raw.trim();
    if (entry === "") continue;
    const principal = parsePrincipal(entry);
    if (!principal || principal.name === "") throw new Error(`super.users: '${entry}' is not a principal of the form Type:name (e.g. User:admin)`);
    out.add(principalToString(principal));
  }
  return out;
}

function stringEntry(config: BrokerConfig, key: string): string | null {
  const value = config.entries.get(key)?.value;
  return typeof value === "string" ? value : null;
}

/** The authorizer settings of a broker configuration; throws with a clear message when they are unusable. */
export function authorizerSettings(config: BrokerConfig): AuthorizerSettings {
  const className = (stringEntry(config, "authorizer.class.name") ?? "").trim();
  const problem = authorizerClassProblem(className);
  if (problem) throw new Error(`authorizer.class.name: ${problem}`);
  return {
    enabled: className !== "",
    superUsers: parseSuperUsers(stringEntry(config, "super.users")),
    allowEveryoneIfNoAclFound: config.entries.get("allow.everyone.if.no.acl.found")?.value === true,
  };
}
