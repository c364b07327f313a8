// Kafka's topic name rules (org.apache.kafka.common.internals.Topic).
export const MAX_TOPIC_NAME_LENGTH = 249;
const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** Returns why a topic name is invalid, or null when it is fine. */
export function invalidTopicNameReason(name: string): string | null {
  if (name.length === 0) return "Topic name is illegal, it can't be empty";
  if (name === "." || name === "..") return "Topic name cannot be \".\" or \"..\"";
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`;
  }
  if (!LEGAL.test(name)) {
    return `Topic name ${name} is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return null;
}

export const INTERNAL_TOPICS = new Set(["__consumer_offsets", "__transaction_state"]);

export function isInternalTopic(name: string): boolean {
  return INTERNAL_TOPICS.has(name);
}
