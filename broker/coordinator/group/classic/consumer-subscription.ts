// Reads the topics out of a classic member's "consumer" protocol metadata (ConsumerProtocolSubscription,
// prefixed with its int16 version). The broker stays assignor-agnostic; it only needs the topics to
// know which offsets are still in use.
import { readConsumerProtocolSubscription } from "../../../protocol/generated/consumer-protocol-subscription.gen.js";
import { Reader } from "../../../protocol/primitives.js";

const NEWEST_SUBSCRIPTION_VERSION = 3;

/** The subscribed topics, or null when the metadata cannot be parsed. */
export function subscribedTopicsOf(metadata: Buffer): string[] | null {
  try {
    const r = new Reader(metadata);
    const version = r.int16();
    if (version < 0) return null;
    return readConsumerProtocolSubscription(r, Math.min(version, NEWEST_SUBSCRIPTION_VERSION)).topics;
  } catch {
    return null;
  }
}
