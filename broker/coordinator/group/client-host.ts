// Kafka reports a member's host as Java's InetAddress.toString() of the client address: "/1.2.3.4".
// Tools (kafka-consumer-groups) print it as is, so we keep the form.

export function clientHost(remoteAddress: string): string {
  const address = remoteAddress.startsWith("::ffff:") ? remoteAddress.slice("::ffff:".length) : remoteAddress;
  return `/${address}`;
}
