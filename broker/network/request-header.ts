// The Kafka request header (v0–v2) and response header (v0–v1), decoded with the generated codec.
import { readRequestHeader, type RequestHeader } from "../protocol/generated/request-header.gen.js";
import { Reader, Writer } from "../protocol/primitives.js";

/**
 * Request header version for an API version: flexible APIs use v2 (tagged fields), others v1.
 * (v0, without client id, only exists for ControlledShutdown v0, which we never accept.)
 */
export function requestHeaderVersion(apiVersion: number, flexibleMinVersion: number): number {
  return flexibleMinVersion >= 0 && apiVersion >= flexibleMinVersion ? 2 : 1;
}

/** Response header version: flexible APIs use v1, except ApiVersions, always v0 (KIP-511). */
export function responseHeaderVersion(apiKey: number, apiVersion: number, flexibleMinVersion: number): number {
  if (apiKey === 18) return 0;
  return flexibleMinVersion >= 0 && apiVersion >= flexibleMinVersion ? 1 : 0;
}

/** Reads just api key and version, which decide how the rest of the header is read. */
export function peekApiKeyAndVersion(frame: Buffer): { apiKey: number; apiVersion: number; correlationId: number } | null {
  if (frame.length < 8) return null;
  return { apiKey: frame.readInt16BE(0), apiVersion: frame.readInt16BE(2), correlationId: frame.readInt32BE(4) };
}

export function readHeader(frame: Buffer, headerVersion: number): { header: RequestHeader; body: Reader } {
  const r = new Reader(frame);
  const header = readRequestHeader(r, headerVersion);
  return { header, body: r };
}

/**
 * Record batches this long or longer go to the socket by reference (a gathered write), not copied
 * into the response: copying fetched batches was the fetch path's largest cost.
 */
const ZERO_COPY_MIN_BYTES = 4096;

/** Size prefix + response header + body, as the buffers to write in order. */
export function encodeResponse(
  correlationId: number,
  headerVersion: number,
  writeBody: (w: Writer) => void,
): Buffer[] {
  const w = new Writer(256, ZERO_COPY_MIN_BYTES);
  w.int32(0); // size, patched below
  w.int32(correlationId);
  if (headerVersion >= 1) w.uvarint(0); // no tagged fields in the response header
  writeBody(w);
  const size = w.length - 4;
  const chunks = w.finishChunks();
  // The header is written before any blob, so the first chunk holds the size field.
  chunks[0]!.writeInt32BE(size, 0);
  return chunks;
}
