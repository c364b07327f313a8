// A principal as bytes, the way Kafka's DefaultKafkaPrincipalBuilder serializes it for Envelope
// requests: DefaultPrincipalData (type, name, tokenAuthenticated), prefixed with its version.
import { readDefaultPrincipalData, writeDefaultPrincipalData } from "../protocol/generated/default-principal-data.gen.js";
import { ProtocolDecodeError, Reader, Writer } from "../protocol/primitives.js";
import type { KafkaPrincipal } from "./principal.js";

const PRINCIPAL_DATA_VERSION = 0;

export function serializePrincipal(principal: KafkaPrincipal): Buffer {
  const w = new Writer(64);
  w.int16(PRINCIPAL_DATA_VERSION);
  writeDefaultPrincipalData(w, PRINCIPAL_DATA_VERSION, { type: principal.type, name: principal.name, tokenAuthenticated: false });
  return w.finish();
}

/** Throws ProtocolDecodeError for bytes that are not a serialized principal. */
export function deserializePrincipal(bytes: Buffer): KafkaPrincipal {
  const r = new Reader(bytes);
  const version = r.int16();
  if (version !== PRINCIPAL_DATA_VERSION) throw new ProtocolDecodeError(`unsupported principal data version ${version}`);
  const data = readDefaultPrincipalData(r, version);
  if (data.type === "") throw new ProtocolDecodeError("principal without a type");
  return { type: data.type, name: data.name };
}
