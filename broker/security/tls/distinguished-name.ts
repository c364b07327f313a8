// A certificate's subject as Java's X500Principal.getName() prints it (RFC 2253), which is what
// Kafka's mTLS principals and ssl.principal.mapping.rules work on: relative names most specific
// first (the reverse of the certificate's order), "+" between the parts of a multi-valued one,
// Java's keywords (CN, C, L, ST, O, OU, STREET, DC, UID) and "<oid>=#<hex DER>" for other
// attributes (emailAddress among them), values escaped as Java escapes them. Node prints subjects
// in certificate order, one attribute per line and without this escaping, hence our own reader
// of the certificate's DER.

const KEYWORDS: ReadonlyMap<string, string> = new Map([
  ["2.5.4.3", "CN"],
  ["2.5.4.6", "C"],
  ["2.5.4.7", "L"],
  ["2.5.4.8", "ST"],
  ["2.5.4.10", "O"],
  ["2.5.4.11", "OU"],
  ["2.5.4.9", "STREET"],
  ["0.9.2342.19200300.100.1.25", "DC"],
  ["0.9.2342.19200300.100.1.1", "UID"],
]);

const TAG_SEQUENCE = 0x30;
const TAG_SET = 0x31;
const TAG_OID = 0x06;

interface Tlv {
  readonly tag: number;
  /** Offsets of the whole element and of its content within the buffer. */
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

export class CertificateParseError extends Error {}

/** The subject of a DER certificate as Java prints it (RFC 2253). */
export function subjectDistinguishedName(certificateDer: Uint8Array): string {
  const der = Buffer.from(certificateDer.buffer, certificateDer.byteOffset, certificateDer.byteLength);
  const certificate = expect(readTlv(der, 0), TAG_SEQUENCE, "certificate");
  const tbs = expect(readTlv(der, certificate.contentStart), TAG_SEQUENCE, "tbsCertificate");
  let field = readTlv(der, tbs.contentStart);
  if (field.tag === 0xa0) field = readTlv(der, field.end); // [0] version
  // serialNumber, signature algorithm, issuer, validity, then the subject.
  for (let i = 0; i < 4; i++) field = readTlv(der, field.end);
  return formatName(der, expect(field, TAG_SEQUENCE, "subject"));
}

function formatName(der: Buffer, name: Tlv): string {
  const rdns: string[] = [];
  for (let at = name.contentStart; at < name.end; ) {
    const rdn = expect(readTlv(der, at), TAG_SET, "relative distinguished name");
    const parts: string[] = [];
    for (let p = rdn.contentStart; p < rdn.end; ) {
      const ava = expect(readTlv(der, p), TAG_SEQUENCE, "attribute");
      parts.push(formatAttribute(der, ava));
      p = ava.end;
    }
    rdns.push(parts.join("+"));
    at = rdn.end;
  }
  return rdns.reverse().join(",");
}

function formatAttribute(der: Buffer, ava: Tlv): string {
  const oidTlv = expect(readTlv(der, ava.contentStart), TAG_OID, "attribute type");
  const oid = decodeOid(der.subarray(oidTlv.contentStart, oidTlv.end));
  const value = readTlv(der, oidTlv.end);
  const keyword = KEYWORDS.get(oid);
  const text = keyword ? decodeString(der, value) : null;
  if (keyword && text !== null) return `${keyword}=${escapeValue(text)}`;
  return `${oid}=#${der.subarray(value.start, value.end).toString("hex")}`;
}

/** The directory string types; null for anything else (printed as hex). */
function decodeString(der: Buffer, value: Tlv): string | null {
  const bytes = der.subarray(value.contentStart, value.end);
  switch (value.tag) {
    case 0x0c: // UTF8String
      return bytes.toString("utf8");
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x1a: // VisibleString
      return bytes.toString("ascii");
    case 0x14: // TeletexString: Java reads it as ISO-8859-1
      return bytes.toString("latin1");
    case 0x1e: // BMPString: UTF-16 big-endian
      return Buffer.from(bytes).swap16().toString("utf16le");
    case 0x1c: {
      // UniversalString: UTF-32 big-endian
      let s = "";
      for (let i = 0; i + 3 < bytes.length; i += 4) s += String.fromCodePoint(bytes.readUInt32BE(i));
      return s;
    }
    default:
      return null;
  }
}

/**
 * Java's RFC 2253 escaping: a backslash before , = + < > # ; " and \ anywhere, before a leading
 * space and a trailing space; NUL as \00.
 */
export function escapeValue(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (",=+<>#;\"\\".includes(c)) out += "\\" + c;
    else if (c === "\0") out += "\\00";
    else if (c === " " && (i === 0 || i === value.length - 1)) out += "\\ ";
    else out += c;
  }
  return out;
}

function decodeOid(bytes: Buffer): string {
  const arcs: number[] = [];
  let value = 0;
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(value);
      value = 0;
    }
  }
  if (arcs.length === 0) throw new CertificateParseError("empty object identifier");
  const first = arcs[0]!;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join(".");
}

function readTlv(der: Buffer, start: number): Tlv {
  if (start + 2 > der.length) throw new CertificateParseError("truncated certificate");
  const tag = der[start]!;
  let length = der[start + 1]!;
  let contentStart = start + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || contentStart + count > der.length) throw new CertificateParseError("bad DER length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[contentStart + i]!;
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > der.length) throw new CertificateParseError("truncated certificate");
  return { tag, start, contentStart, end };
}

function expect(tlv: Tlv, tag: number, what: string): Tlv {
  if (tlv.tag !== tag) throw new CertificateParseError(`unexpected DER tag 0x${tlv.tag.toString(16)} for the ${what}`);
  return tlv;
}
