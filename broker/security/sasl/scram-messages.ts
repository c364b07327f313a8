// The SCRAM messages (RFC 5802 section 7) a server reads and writes:
//   client-first  = gs2-header client-first-bare      gs2-header = "n," [ "a=" authzid ] ","
//   client-first-bare = "n=" saslname ",r=" c-nonce ["," extensions]
//   server-first  = "r=" c-nonce s-nonce ",s=" salt ",i=" iteration-count
//   client-final  = "c=" base64(gs2-header) ",r=" nonce ",p=" base64(proof)
//   server-final  = "v=" base64(ServerSignature)
// Channel binding is not supported (gs2 flag must be "n"), as in Kafka. Extensions are key=value
// pairs after the nonce (Kafka's "tokenauth=true" for delegation tokens).

export class ScramMessageError extends Error {}

export interface ClientFirstMessage {
  readonly gs2Header: string;
  readonly authzid: string | null;
  readonly username: string;
  readonly nonce: string;
  readonly extensions: ReadonlyMap<string, string>;
  /** client-first-bare, part of the AuthMessage. */
  readonly bare: string;
}

export interface ClientFinalMessage {
  readonly channelBinding: Buffer;
  readonly nonce: string;
  readonly proof: Buffer;
  /** client-final-message-without-proof, part of the AuthMessage. */
  readonly withoutProof: string;
}

// printable = %x21-2B / %x2D-7E (any printable ASCII but ',')
const NONCE = /^[\x21-\x2b\x2d-\x7e]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** saslname: ',' and '=' are written =2C and =3D; any other '=' is malformed. */
export function decodeSaslName(text: string): string {
  if (/=(?!2C|3D)/.test(text)) throw new ScramMessageError(`Invalid username: ${text}`);
  return text.replace(/=2C/g, ",").replace(/=3D/g, "=");
}

export function encodeSaslName(name: string): string {
  return name.replace(/=/g, "=3D").replace(/,/g, "=2C");
}

function decodeBase64(text: string, what: string): Buffer {
  if (!BASE64.test(text)) throw new ScramMessageError(`Invalid ${what}: not base64`);
  return Buffer.from(text, "base64");
}

export function parseClientFirst(token: Buffer): ClientFirstMessage {
  const text = token.toString("utf8");
  const m = /^([ny]|p=[^,]*),(a=[^,]*)?,(.*)$/s.exec(text);
  if (!m) throw new ScramMessageError("Invalid SCRAM client first message format");
  if (m[1] !== "n") throw new ScramMessageError("Channel binding is not supported");
  const gs2Header = `${m[1]},${m[2] ?? ""},`;
  const bare = m[3]!;
  const fields = bare.split(",");
  const [userField, nonceField, ...rest] = fields;
  if (!userField?.startsWith("n=") || !nonceField?.startsWith("r=")) throw new ScramMessageError("Invalid SCRAM client first message format");
  const username = decodeSaslName(userField.slice(2));
  const nonce = nonceField.slice(2);
  if (!NONCE.test(nonce)) throw new ScramMessageError("Invalid SCRAM client nonce");
  const extensions = new Map<string, string>();
  for (const ext of rest) {
    const eq = ext.indexOf("=");
    if (eq <= 0) throw new ScramMessageError(`Invalid SCRAM extension: ${ext}`);
    extensions.set(ext.slice(0, eq), ext.slice(eq + 1));
  }
  const authzid = m[2] ? decodeSaslName(m[2].slice(2)) : null;
  return { gs2Header, authzid, username, nonce, extensions, bare };
}

export function formatServerFirst(nonce: string, salt: Buffer, iterations: number): string {
  return `r=${nonce},s=${salt.toString("base64")},i=${iterations}`;
}

export function parseClientFinal(token: Buffer): ClientFinalMessage {
  const text = token.toString("utf8");
  const m = /^c=([^,]*),r=([^,]*)((?:,[^,]*)*),p=([^,]*)$/s.exec(text);
  if (!m) throw new ScramMessageError("Invalid SCRAM client final message format");
  const withoutProof = text.slice(0, text.lastIndexOf(",p="));
  return {
    channelBinding: decodeBase64(m[1]!, "channel binding"),
    nonce: m[2]!,
    proof: decodeBase64(m[4]!, "client proof"),
    withoutProof,
  };
}

export function formatServerFinal(serverSignature: Buffer): string {
  return `v=${serverSignature.toString("base64")}`;
}

// ── Client side (node-to-node connections) ────────────────────────────────────────────────────

export interface ServerFirstMessage {
  readonly nonce: string;
  readonly salt: Buffer;
  readonly iterations: number;
}

export function parseServerFirst(token: Buffer): ServerFirstMessage {
  const m = /^(?:m=[^,]*,)?r=([^,]+),s=([^,]+),i=(\d+)(?:,.*)?$/s.exec(token.toString("utf8"));
  if (!m) throw new ScramMessageError("Invalid SCRAM server first message format");
  return { nonce: m[1]!, salt: decodeBase64(m[2]!, "salt"), iterations: Number(m[3]) };
}

/** The server's signature from server-final; an "e=" error is thrown. */
export function parseServerFinal(token: Buffer): Buffer {
  const text = token.toString("utf8");
  if (text.startsWith("e=")) throw new ScramMessageError(`SCRAM server error: ${text.slice(2)}`);
  const m = /^v=([^,]+)/.exec(text);
  if (!m) throw new ScramMessageError("Invalid SCRAM server final message format");
  return decodeBase64(m[1]!, "server signature");
}
