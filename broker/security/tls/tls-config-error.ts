// A TLS setting that cannot be used: an unsupported store type or protocol, a missing or unreadable
// key store, a key that does not open with its password. At start-up it stops the node with the
// message; on a reload it is logged and the old context kept.
export class TlsConfigError extends Error {
  override readonly name = "TlsConfigError";
}
