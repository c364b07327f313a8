// SASL and SCRAM-credential requests for the core fuzzer, built here (the capture sessions use no
// SASL): SaslHandshake (v0, v1) and SaslAuthenticate (v0–v2) frames — on the fuzzed PLAINTEXT
// listener Kafka answers both with ILLEGAL_SASL_STATE — and AlterUserScramCredentials /
// DescribeUserScramCredentials frames, valid (users nobody else uses) and the bad ones the broker
// must refuse with Kafka's error (unknown mechanism, iterations out of range, empty name, a user
// named twice, deleting a missing credential, describing unknown or repeated users). They join
// the corpus as source frames, so the fuzzer mutates them like any other.
import * as AlterReq from "../../broker/protocol/generated/alter-user-scram-credentials-request.gen.js";
import * as DescribeReq from "../../broker/protocol/generated/describe-user-scram-credentials-request.gen.js";
import * as AuthenticateReq from "../../broker/protocol/generated/sasl-authenticate-request.gen.js";
import * as HandshakeReq from "../../broker/protocol/generated/sasl-handshake-request.gen.js";
import { Writer } from "../../broker/protocol/primitives.js";
import { scramMechanismByCode } from "../../broker/security/sasl/mechanisms.js";
import { saltedPassword } from "../../broker/security/sasl/scram-crypto.js";
import { requestFrame } from "../kafka/wire.js";

function upsertion(name: string, mechanism: number, iterations: number): AlterReq.ScramCredentialUpsertion {
  const salt = Buffer.from(`fuzz-salt-${name}`);
  const info = scramMechanismByCode(mechanism);
  const salted = info && iterations >= 4096 && iterations <= 16384 ? saltedPassword(info.hash, "fuzz-password", salt, iterations) : Buffer.alloc(32, 7);
  return { name, mechanism, iterations, salt, saltedPassword: salted };
}

const ALTERATIONS: AlterReq.AlterUserScramCredentialsRequest[] = [
  // Accepted, naming only users nobody else uses.
  { deletions: [], upsertions: [upsertion("fuzz-scram-user", 2, 4096), upsertion("fuzz-scram-other", 1, 8192)] },
  { deletions: [{ name: "fuzz-scram-other", mechanism: 1 }], upsertions: [] },
  // Refused, each with Kafka's code.
  {
    deletions: [{ name: "fuzz-scram-missing", mechanism: 2 }, { name: "", mechanism: 1 }, { name: "fuzz-scram-bad-mech", mechanism: 9 }],
    upsertions: [upsertion("fuzz-few", 1, 4095), upsertion("fuzz-many", 2, 16385), upsertion("fuzz-twice", 1, 4096), upsertion("fuzz-twice", 2, 4096), upsertion("fuzz-zero", 0, 4096)],
  },
];

const DESCRIPTIONS: DescribeReq.DescribeUserScramCredentialsRequest[] = [
  { users: null },
  { users: [] },
  { users: [{ name: "fuzz-scram-user" }, { name: "nobody" }, { name: "nobody" }, { name: "" }] },
];

const TOKENS = [Buffer.from("\u0000fuzz\u0000password"), Buffer.from("n,,n=fuzz,r=nonce"), Buffer.alloc(0)];

function frame(meta: { apiKey: number; flexibleMinVersion: number }, version: number, write: (w: Writer) => void): Buffer {
  const w = new Writer();
  write(w);
  return requestFrame(meta.apiKey, version, 1, "fuzz-scram-seed", meta.flexibleMinVersion >= 0 && version >= meta.flexibleMinVersion, w.finish());
}

export function scramSeedFrames(): Buffer[] {
  const frames: Buffer[] = [];
  for (const version of [0, 1]) {
    for (const mechanism of ["PLAIN", "SCRAM-SHA-512", "GSSAPI"]) {
      frames.push(frame(HandshakeReq.saslHandshakeRequestMeta, version, (w) => HandshakeReq.writeSaslHandshakeRequest(w, version, { mechanism })));
    }
  }
  for (const version of [0, 1, 2]) {
    for (const authBytes of TOKENS) {
      frames.push(frame(AuthenticateReq.saslAuthenticateRequestMeta, version, (w) => AuthenticateReq.writeSaslAuthenticateRequest(w, version, { authBytes })));
    }
  }
  for (const request of ALTERATIONS) {
    frames.push(frame(AlterReq.alterUserScramCredentialsRequestMeta, 0, (w) => AlterReq.writeAlterUserScramCredentialsRequest(w, 0, request)));
  }
  for (const request of DESCRIPTIONS) {
    frames.push(frame(DescribeReq.describeUserScramCredentialsRequestMeta, 0, (w) => DescribeReq.writeDescribeUserScramCredentialsRequest(w, 0, request)));
  }
  return frames;
}
