// Node-to-node connections read their listener's security settings at each connect, so a rotated
// certificate or trust store is used by the next connection without a restart. The first read
// happens when the source is made, so a node whose settings are unusable fails at start-up with the
// error; a later read that fails (a file half-written during a rotation) is logged and the last
// good settings are used.
import type { Logger } from "pino";
import type { BrokerConfig } from "../config/index.js";
import { clientSecurityFor, PLAINTEXT_CLIENT, type ClientSecurity } from "./client-security.js";

export type ClientSecuritySource = () => ClientSecurity;

/** The client side of `listenerName` (PLAINTEXT when there is none, as for a single-node quorum). */
export function clientSecuritySource(config: BrokerConfig, listenerName: string | undefined, log: Logger): ClientSecuritySource {
  if (listenerName === undefined) return () => PLAINTEXT_CLIENT;
  let lastGood = clientSecurityFor(config, listenerName);
  if (lastGood.securityProtocol === "PLAINTEXT") return () => PLAINTEXT_CLIENT;
  return () => {
    try {
      lastGood = clientSecurityFor(config, listenerName);
    } catch (err) {
      log.error({ listener: listenerName, err: (err as Error).message }, "cannot read this node's client security settings: using the previous ones");
    }
    return lastGood;
  };
}
