/**
 * Network address values: listener lists, the listener → security protocol map and the KRaft
 * quorum address lists, parsed with Kafka's grammar and checks (SocketServerConfigs,
 * QuorumConfig) so the same server.properties is accepted or rejected for the same reasons.
 */
import { type Result, fail, ok } from "./errors.js";
import { SECURITY_PROTOCOLS } from "./definitions.js";

export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

export interface Listener {
  /** Upper-cased, as Kafka normalises listener names. */
  readonly name: string;
  /** "" binds all interfaces; IPv6 hosts are stored without brackets. */
  readonly host: string;
  /** 0 asks the OS for a free port (useful in tests). */
  readonly port: number;
  readonly securityProtocol: SecurityProtocol;
}

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export interface QuorumVoter extends HostPort {
  readonly id: number;
}

// Kafka's URI_PARSE_REGEXP, anchored at both ends as Matcher.matches() is.
const LISTENER = /^(.*):\/\/\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$/;
// Utils.getHost/getPort's HOST_PORT_PATTERN.
const HOST_PORT = /^.*?\[?([0-9a-zA-Z\-%._:]*)\]?:([0-9]+)$/;

/** Kafka's Csv.parseCsvList: split on commas with surrounding blanks, drop empty entries. */
export function parseCsvList(value: string | null): string[] {
  if (value === null || value === "") return [];
  return value.split(/\s*,\s*/).filter((v) => v !== "");
}

function isIPv4(host: string): boolean {
  const parts = host.split(".");
  return parts.length === 4 && parts.every((p) => /^[0-9]{1,3}$/.test(p) && Number(p) <= 255);
}

function isIPv6(host: string): boolean {
  return host.includes(":") && /^[0-9a-fA-F:.%a-zA-Z0-9]+$/.test(host);
}

/**
 * Parses `listener.security.protocol.map` (NAME:PROTOCOL pairs). Protocol names are
 * case-insensitive, listener names are upper-cased.
 */
export function parseSecurityProtocolMap(value: string): Result<Map<string, SecurityProtocol>, string> {
  const map = new Map<string, SecurityProtocol>();
  const trimmed = value.trim();
  if (trimmed === "") return ok(map);
  for (const entry of trimmed.split(/\s*,\s*/)) {
    const colon = entry.lastIndexOf(":");
    if (colon < 0) {
      return fail(`Error parsing configuration property 'listener.security.protocol.map': entry '${entry}' is not NAME:PROTOCOL`);
    }
    const name = entry.slice(0, colon).trim().toUpperCase();
    const protocol = entry.slice(colon + 1).trim().toUpperCase();
    if (!(SECURITY_PROTOCOLS as readonly string[]).includes(protocol)) {
      return fail(`Invalid security protocol \`${entry.slice(colon + 1).trim()}\` defined in listener.security.protocol.map`);
    }
    map.set(name, protocol as SecurityProtocol);
  }
  return ok(map);
}

/**
 * Parses a listener list (`listeners` or `advertised.listeners`). `requireDistinctPorts` is true
 * for `listeners`: two listeners may share a port only when one binds an IPv4 address and the
 * other an IPv6 address; advertised listeners may repeat ports (load balancers).
 */
export function parseListeners(
  configName: string,
  value: string,
  protocols: ReadonlyMap<string, SecurityProtocol>,
  requireDistinctPorts: boolean,
): Result<Listener[], string> {
  const listeners: Listener[] = [];
  const wrap = (reason: string) => `Error creating broker listeners from '${value}': ${reason}`;
  for (const entry of parseCsvList(value)) {
    const m = LISTENER.exec(entry);
    if (m === null) return fail(`Unable to parse ${entry} to a broker endpoint (${configName})`);
    const name = (m[1] as string).toUpperCase();
    const host = m[2] as string;
    const port = Number(m[3]);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      return fail(wrap(`port ${m[3]} of listener ${name} is not between 0 and 65535`));
    }
    const securityProtocol = protocols.get(name);
    if (securityProtocol === undefined) return fail(wrap(`No security protocol defined for listener ${name}`));
    listeners.push({ name, host, port, securityProtocol });
  }
  const names = new Set(listeners.map((l) => l.name));
  if (names.size !== listeners.length) {
    return fail(wrap(`Each listener must have a different name, listeners: ${value}`));
  }
  if (requireDistinctPorts) {
    const byPort = new Map<number, Listener[]>();
    // Port 0 means "any free port", so several listeners may ask for it.
    for (const l of listeners) if (l.port !== 0) byPort.set(l.port, [...(byPort.get(l.port) ?? []), l]);
    for (const [port, group] of byPort) {
      if (group.length === 1) continue;
      const v4 = group.filter((l) => isIPv4(l.host));
      const v6 = group.filter((l) => isIPv6(l.host));
      if (group.length !== 2 || v4.length !== 1 || v6.length !== 1) {
        return fail(
          wrap(
            "Each listener must have a different port unless exactly one listener has an IPv4 address " +
              `and the other IPv6 address, listeners: ${value}, port: ${port}`,
          ),
        );
      }
    }
  }
  return ok(listeners);
}

/** Parses `controller.quorum.voters`: id@host:port entries. */
export function parseQuorumVoters(entries: readonly string[]): Result<QuorumVoter[], string> {
  const voters: QuorumVoter[] = [];
  const form = "Each comma-separated voter entry must be in the form `{id}@{host}:{port}`.";
  for (const entry of entries) {
    const parts = entry.split("@");
    if (parts.length !== 2) return fail(`Invalid configuration value for controller.quorum.voters. ${form}`);
    const idText = parts[0] as string;
    if (!/^-?[0-9]+$/.test(idText) || Number(idText) < 0) {
      return fail(`Failed to parse voter ID as an integer from ${idText}`);
    }
    const hp = HOST_PORT.exec(parts[1] as string);
    if (hp === null || Number(hp[2]) > 65535) {
      return fail(`Failed to parse host name from entry ${entry} for the configuration controller.quorum.voters. ${form}`);
    }
    voters.push({ id: Number(idText), host: hp[1] as string, port: Number(hp[2]) });
  }
  if (new Set(voters.map((v) => v.id)).size !== voters.length) {
    return fail("Invalid configuration value for controller.quorum.voters: a voter id appears twice");
  }
  return ok(voters);
}

/** Parses `controller.quorum.bootstrap.servers`: host:port entries. */
export function parseBootstrapServers(entries: readonly string[]): Result<HostPort[], string> {
  const servers: HostPort[] = [];
  for (const entry of entries) {
    const hp = HOST_PORT.exec(entry);
    if (hp === null || (hp[1] as string) === "" || Number(hp[2]) > 65535) {
      return fail(
        `Invalid configuration value for controller.quorum.bootstrap.servers: '${entry}' is not in the form {host}:{port}`,
      );
    }
    servers.push({ host: hp[1] as string, port: Number(hp[2]) });
  }
  return ok(servers);
}

/** Text form of a listener, as Kafka prints endpoints. */
export function formatListener(l: Listener): string {
  const host = l.host.includes(":") ? `[${l.host}]` : l.host;
  return `${l.name}://${host}:${l.port}`;
}
