// Distinguished names written as Java (and so Kafka, and our broker) prints them: RFC 4514 text,
// most specific attribute first ("CN=demo-node,O=millrace.dev"). A certificate stores the RDNs in
// the opposite order, so text → certificate name reverses them, and back again.
import type { JsonName } from "@peculiar/x509";

/**
 * Parses "CN=a\,b,O=x" into the certificate's RDN order (least specific first). Escapes: `\` before
 * a special character. Multi-valued RDNs ("CN=a+OU=b") are not supported: the operator never makes them.
 */
export function parseDistinguishedName(text: string): JsonName {
  const rdns = splitUnescaped(text, ",").map((rdn) => rdn.trim());
  if (rdns.length === 0 || rdns.some((rdn) => rdn === "")) throw new Error(`invalid distinguished name "${text}": empty RDN`);
  const parsed = rdns.map((rdn) => {
    if (splitUnescaped(rdn, "+").length > 1) throw new Error(`invalid distinguished name "${text}": multi-valued RDN "${rdn}" is not supported`);
    const eq = rdn.indexOf("=");
    if (eq <= 0) throw new Error(`invalid distinguished name "${text}": "${rdn}" is not TYPE=value`);
    const type = rdn.slice(0, eq).trim();
    if (!/^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)+)$/.test(type)) throw new Error(`invalid distinguished name "${text}": bad attribute type "${type}"`);
    const value = unescapeValue(rdn.slice(eq + 1));
    if (value === "") throw new Error(`invalid distinguished name "${text}": empty value for ${type}`);
    return { [type.toUpperCase()]: [value] };
  });
  return parsed.reverse();
}

/** The certificate's name (RDN order as stored) as Java prints it: most specific first, escaped. */
export function formatDistinguishedName(name: JsonName): string {
  return [...name]
    .reverse()
    .map((rdn) =>
      Object.entries(rdn)
        .flatMap(([type, values]) => values.map((v) => `${type}=${escapeValue(v)}`))
        .join("+"),
    )
    .join(",");
}

/** The canonical text of `text` (spacing and escapes normalized), to compare subjects. */
export function normalizeDistinguishedName(text: string): string {
  return formatDistinguishedName(parseDistinguishedName(text));
}

function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\" && i + 1 < text.length) {
      current += c + text[++i];
    } else if (c === separator) {
      parts.push(current);
      current = "";
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

function unescapeValue(raw: string): string {
  const trimmed = raw.replace(/^\s+/, "").replace(/(?<!\\)\s+$/, "");
  let out = "";
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed[i]!;
    if (c === "\\" && i + 1 < trimmed.length) out += trimmed[++i];
    else out += c;
  }
  return out;
}

function escapeValue(value: string): string {
  let out = value.replace(/[,+"\\<>;=]/g, (c) => `\\${c}`);
  if (out.startsWith("#") || out.startsWith(" ")) out = `\\${out}`;
  if (out.endsWith(" ") && !out.endsWith("\\ ")) out = `${out.slice(0, -1)}\\ `;
  return out;
}
