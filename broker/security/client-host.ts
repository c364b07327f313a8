// A client's address as ACL hosts name it, and as bytes for Envelope requests (Kafka sends
// InetAddress.getAddress(): 4 bytes for IPv4, 16 for IPv6). Node reports IPv4 clients of a
// dual-stack socket as "::ffff:a.b.c.d"; Kafka (and the ACLs users write) say "a.b.c.d".
import { isIPv4, isIPv6 } from "node:net";
import { ProtocolDecodeError } from "../protocol/primitives.js";

const IPV4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** The address as ACL host entries compare it. */
export function aclHost(remoteAddress: string): string {
  return IPV4_MAPPED.exec(remoteAddress)?.[1] ?? remoteAddress;
}

function ipv4Bytes(address: string): number[] {
  return address.split(".").map(Number);
}

export function hostToBytes(remoteAddress: string): Buffer {
  const host = aclHost(remoteAddress);
  if (isIPv4(host)) return Buffer.from(ipv4Bytes(host));
  if (!isIPv6(host)) throw new Error(`not an IP address: ${remoteAddress}`);
  // Expand "::" and a trailing dotted IPv4 part into eight 16-bit groups.
  let text = host.replace(/%.*$/, "");
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = ipv4Bytes(dotted[1]!);
    text = text.slice(0, -dotted[1]!.length) + `${((a! << 8) | b!).toString(16)}:${((c! << 8) | d!).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, null];
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const groups = tail === null ? headGroups : [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill("0"), ...tailGroups];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** The text form of 4 or 16 address bytes; throws ProtocolDecodeError for any other length. */
export function hostFromBytes(bytes: Buffer): string {
  if (bytes.length === 4) return [...bytes].join(".");
  if (bytes.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
    return groups.join(":");
  }
  throw new ProtocolDecodeError(`client address of ${bytes.length} bytes`);
}
