// What the fuzzer sends a SASL listener: SASL conversations that go wrong, one per connection —
// a corpus request before authenticating, SaslAuthenticate before SaslHandshake, unknown (and
// random) mechanism names, random and mutated PLAIN tokens, malformed SCRAM client-first
// messages, SCRAM final messages with a wrong nonce or a wrong proof, an unknown SCRAM user, and
// SaslAuthenticate frames with bytes flipped. Each kind has Kafka's expected answer; a case counts
// as expected only when the broker answered (or not) and closed exactly as Kafka does.
import { connect, type Socket } from "node:net";
import { FrameDecoder } from "../../broker/network/frame-decoder.js";
import { writeRequestHeader } from "../../broker/protocol/generated/request-header.gen.js";
import { writeSaslAuthenticateRequest } from "../../broker/protocol/generated/sasl-authenticate-request.gen.js";
import { readSaslAuthenticateResponse } from "../../broker/protocol/generated/sasl-authenticate-response.gen.js";
import { writeSaslHandshakeRequest } from "../../broker/protocol/generated/sasl-handshake-request.gen.js";
import { readSaslHandshakeResponse } from "../../broker/protocol/generated/sasl-handshake-response.gen.js";
import { Reader, Writer } from "../../broker/protocol/primitives.js";
import { scramMechanismByName } from "../../broker/security/sasl/mechanisms.js";
import { ScramClient } from "../../broker/security/sasl/scram-client.js";
import type { Prng } from "./prng.js";

export type SaslGarbageKind =
  | "request-before-auth"
  | "authenticate-before-handshake"
  | "unknown-mechanism"
  | "malformed-plain"
  | "malformed-scram-first"
  | "wrong-nonce"
  | "wrong-proof"
  | "unknown-scram-user"
  | "mutated-authenticate-frame";

export const SASL_GARBAGE_KINDS: readonly SaslGarbageKind[] = [
  "request-before-auth",
  "authenticate-before-handshake",
  "unknown-mechanism",
  "malformed-plain",
  "malformed-scram-first",
  "wrong-nonce",
  "wrong-proof",
  "unknown-scram-user",
  "mutated-authenticate-frame",
];

const UNSUPPORTED_SASL_MECHANISM = 33;
const SASL_AUTHENTICATION_FAILED = 58;

/** One connection's conversation: send a frame, get the response frame or "closed". */
class Conversation {
  private readonly decoder = new FrameDecoder(16 * 1024 * 1024);
  private readonly frames: Buffer[] = [];
  private closed = false;
  private wake: (() => void) | undefined;
  private correlationId = 0;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      try {
        this.frames.push(...this.decoder.push(chunk));
      } catch {
        socket.destroy();
      }
      this.wake?.();
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      this.closed = true;
      this.wake?.();
    });
  }

  static open(port: number): Promise<Conversation> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port });
      socket.once("connect", () => resolve(new Conversation(socket)));
      socket.once("error", reject);
    });
  }

  /** A request frame (header v1) with this conversation's next correlation id. */
  frame(apiKey: number, version: number, body: (w: Writer) => void): Buffer {
    const w = new Writer(128);
    w.int32(0);
    writeRequestHeader(w, 1, { requestApiKey: apiKey, requestApiVersion: version, correlationId: ++this.correlationId, clientId: "sasl-fuzz" });
    body(w);
    const out = w.finish();
    out.writeInt32BE(out.length - 4, 0);
    return out;
  }

  /** Sends raw bytes; resolves with the response body (after the correlation id) or "closed"; "silent" after `patienceMs`. */
  async send(bytes: Buffer, patienceMs: number): Promise<Reader | "closed" | "silent"> {
    if (!this.closed) this.socket.write(bytes);
    const deadline = Date.now() + patienceMs;
    while (this.frames.length === 0 && !this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    const frame = this.frames.shift();
    if (frame) {
      const r = new Reader(frame);
      r.int32(); // correlation id (response header v0: the versions used here are not flexible)
      return r;
    }
    return this.closed ? "closed" : "silent";
  }

  /** True when the broker closes the connection within `patienceMs` without sending anything more. */
  async closesWithin(patienceMs: number): Promise<boolean> {
    const next = await this.send(Buffer.alloc(0), patienceMs);
    return next === "closed";
  }

  end(): void {
    this.socket.destroy();
  }
}

function handshakeFrame(c: Conversation, mechanism: string): Buffer {
  return c.frame(17, 1, (w) => writeSaslHandshakeRequest(w, 1, { mechanism }));
}

function authenticateFrame(c: Conversation, token: Buffer): Buffer {
  return c.frame(36, 1, (w) => writeSaslAuthenticateRequest(w, 1, { authBytes: token }));
}

export interface SaslFuzzWorld {
  readonly port: number;
  readonly enabledMechanisms: readonly string[];
  /** A SCRAM-SHA-512 user the broker knows. */
  readonly scramUser: { name: string; password: string };
  /** Non-SASL corpus frames (what a client with security.protocol=PLAINTEXT would send first). */
  readonly corpusFrames: readonly Buffer[];
  readonly patienceMs: number;
}

/**
 * Runs one case; true when the broker behaved as Kafka does. `why` says otherwise. (Every path
 * awaits before returning: the connection is closed in `finally`.)
 */
export async function runSaslCase(kind: SaslGarbageKind, prng: Prng, world: SaslFuzzWorld): Promise<{ expected: boolean; why: string }> {
  const c = await Conversation.open(world.port);
  const { patienceMs } = world;
  try {
    const authFails = async (token: Buffer): Promise<{ expected: boolean; why: string }> => {
      const answer = await c.send(authenticateFrame(c, token), patienceMs);
      if (typeof answer === "string") return { expected: false, why: `SaslAuthenticate ${answer}` };
      const response = readSaslAuthenticateResponse(answer, 1);
      if (response.errorCode !== SASL_AUTHENTICATION_FAILED) return { expected: false, why: `SaslAuthenticate error ${response.errorCode}` };
      return (await c.closesWithin(patienceMs)) ? { expected: true, why: "" } : { expected: false, why: "not closed after SASL_AUTHENTICATION_FAILED" };
    };
    const handshakeOk = async (mechanism: string): Promise<string | null> => {
      const answer = await c.send(handshakeFrame(c, mechanism), patienceMs);
      if (typeof answer === "string") return `SaslHandshake ${answer}`;
      const response = readSaslHandshakeResponse(answer, 1);
      return response.errorCode === 0 ? null : `SaslHandshake error ${response.errorCode}`;
    };
    const scramFirst = async (client: ScramClient): Promise<Buffer | string> => {
      const answer = await c.send(authenticateFrame(c, client.firstMessage()), patienceMs);
      if (typeof answer === "string") return `client-first ${answer}`;
      const response = readSaslAuthenticateResponse(answer, 1);
      return response.errorCode === 0 ? response.authBytes : `client-first error ${response.errorCode}`;
    };

    switch (kind) {
      case "request-before-auth": {
        const answer = await c.send(prng.pick(world.corpusFrames), patienceMs);
        return answer === "closed" ? { expected: true, why: "" } : { expected: false, why: `answered or left open: ${typeof answer === "string" ? answer : "response"}` };
      }
      case "authenticate-before-handshake": {
        const answer = await c.send(authenticateFrame(c, prng.bytes(prng.between(0, 64))), patienceMs);
        return answer === "closed" ? { expected: true, why: "" } : { expected: false, why: "SaslAuthenticate before SaslHandshake was not refused by closing" };
      }
      case "unknown-mechanism": {
        const names = ["GSSAPI", "OAUTHBEARER", "SCRAM-SHA-1", "plain", "", "SCRAM-SHA-512 ", prng.bytes(prng.between(1, 40)).toString("latin1")];
        const mechanism = prng.pick(names);
        const answer = await c.send(handshakeFrame(c, mechanism), patienceMs);
        if (typeof answer === "string") return { expected: false, why: `SaslHandshake(${JSON.stringify(mechanism)}) ${answer}` };
        const response = readSaslHandshakeResponse(answer, 1);
        if (response.errorCode !== UNSUPPORTED_SASL_MECHANISM) return { expected: false, why: `error ${response.errorCode} for ${JSON.stringify(mechanism)}` };
        if (response.mechanisms.join(",") !== world.enabledMechanisms.join(",")) return { expected: false, why: `mechanisms ${response.mechanisms.join(",")}` };
        return (await c.closesWithin(patienceMs)) ? { expected: true, why: "" } : { expected: false, why: "not closed after UNSUPPORTED_SASL_MECHANISM" };
      }
      case "malformed-plain": {
        const problem = await handshakeOk("PLAIN");
        if (problem) return { expected: false, why: problem };
        const tokens = [prng.bytes(prng.between(0, 300)), Buffer.from(`\u0000alice\u0000${prng.bytes(8).toString("hex")}`), Buffer.from("\u0000\u0000\u0000"), Buffer.from(`x\u0000alice\u0000alice-secret`)];
        return await authFails(prng.pick(tokens));
      }
      case "malformed-scram-first": {
        const problem = await handshakeOk(prng.pick(["SCRAM-SHA-256", "SCRAM-SHA-512"]));
        if (problem) return { expected: false, why: problem };
        const valid = Buffer.from("n,,n=carol,r=abcdefgh");
        const mutated = Buffer.from(valid);
        for (let flips = prng.between(1, 3); flips > 0; flips--) mutated[prng.below(mutated.length)] = prng.below(256);
        const tokens = [prng.bytes(prng.between(0, 200)), mutated, Buffer.from("y,,n=carol,r=abc"), Buffer.from("n,,n=car=ol,r=abc"), Buffer.from("n,,r=abc")];
        const token = prng.pick(tokens);
        // A flipped byte can leave a well-formed first message (a different user, a different nonce): then the challenge comes and the final fails.
        const answer = await c.send(authenticateFrame(c, token), patienceMs);
        if (typeof answer === "string") return { expected: false, why: `client-first ${answer}` };
        const response = readSaslAuthenticateResponse(answer, 1);
        if (response.errorCode === 0) return await authFails(prng.bytes(prng.between(1, 100)));
        if (response.errorCode !== SASL_AUTHENTICATION_FAILED) return { expected: false, why: `client-first error ${response.errorCode}` };
        return (await c.closesWithin(patienceMs)) ? { expected: true, why: "" } : { expected: false, why: "not closed after SASL_AUTHENTICATION_FAILED" };
      }
      case "wrong-nonce":
      case "wrong-proof":
      case "unknown-scram-user": {
        const problem = await handshakeOk("SCRAM-SHA-512");
        if (problem) return { expected: false, why: problem };
        const user = kind === "unknown-scram-user" ? `nobody-${prng.below(1000)}` : world.scramUser.name;
        const client = new ScramClient(scramMechanismByName("SCRAM-SHA-512")!, user, world.scramUser.password);
        const serverFirst = await scramFirst(client);
        if (typeof serverFirst === "string") return { expected: false, why: serverFirst };
        let final = client.finalMessage(serverFirst).toString("utf8");
        if (kind === "wrong-nonce") {
          // Change one character of the server's part of the nonce (the end): Kafka only accepts nonces ending with it.
          final = final.replace(/,r=([^,]+),/, (_m, nonce: string) => {
            const i = nonce.length - 1 - prng.below(8);
            return `,r=${nonce.slice(0, i)}${nonce[i] === "A" ? "B" : "A"}${nonce.slice(i + 1)},`;
          });
        } else if (kind === "wrong-proof") {
          final = final.replace(/p=(.+)$/, (_m, proof: string) => {
            const bytes = Buffer.from(proof, "base64");
            bytes[prng.below(bytes.length)]! ^= 1 << prng.below(8);
            return `p=${bytes.toString("base64")}`;
          });
        }
        return await authFails(Buffer.from(final, "utf8"));
      }
      case "mutated-authenticate-frame": {
        const problem = await handshakeOk("PLAIN");
        if (problem) return { expected: false, why: problem };
        const frame = Buffer.from(authenticateFrame(c, Buffer.from("\u0000alice\u0000alice-secret")));
        // Flip bytes after the header (size 4 + key 2 + version 2 + correlation 4 + client id 2+9).
        const headerEnd = 4 + 2 + 2 + 4 + 2 + "sasl-fuzz".length;
        for (let flips = prng.between(1, 3); flips > 0; flips--) frame[headerEnd + prng.below(frame.length - headerEnd)] = prng.below(256);
        const answer = await c.send(frame, patienceMs);
        if (answer === "closed") return { expected: true, why: "" }; // malformed request: closed, as Kafka does
        if (answer === "silent") return { expected: false, why: "mutated SaslAuthenticate left unanswered and open" };
        const response = readSaslAuthenticateResponse(answer, 1);
        // A flip inside the password or user leaves a well-formed token: a failed login (or, by chance, the same bytes).
        if (response.errorCode === 0) return { expected: true, why: "" };
        if (response.errorCode !== SASL_AUTHENTICATION_FAILED) return { expected: false, why: `error ${response.errorCode}` };
        return (await c.closesWithin(patienceMs)) ? { expected: true, why: "" } : { expected: false, why: "not closed after SASL_AUTHENTICATION_FAILED" };
      }
    }
  } finally {
    c.end();
  }
}
