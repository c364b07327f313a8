// `storage format --add-scram`, in kafka-storage's syntax:
//   SCRAM-SHA-256=[name=alice,password=alice-secret]
//   SCRAM-SHA-512=[name=alice,iterations=8192,salt="c2FsdA==",saltedpassword="..."]
// Values may be double-quoted (needed when they hold ',' or ']'). Iterations default to 4096 (the
// minimum). A password is salted and hashed here; salt and salted password may be given instead.
import { randomBytes } from "node:crypto";
import type { ScramCredential } from "../../metadata/metadata-image.js";
import { scramMechanismByName } from "./mechanisms.js";
import { credentialFromSaltedPassword, saltedPassword } from "./scram-crypto.js";

export interface BootstrapScramCredential {
  readonly name: string;
  readonly credential: ScramCredential;
}

const KNOWN_KEYS = new Set(["name", "password", "iterations", "salt", "saltedpassword"]);

function parseEntries(body: string, option: string): Map<string, string> {
  const entries = new Map<string, string>();
  let pos = 0;
  while (pos < body.length) {
    const eq = body.indexOf("=", pos);
    if (eq < 0) throw new Error(`${option}: expected key=value at "${body.slice(pos)}"`);
    const key = body.slice(pos, eq).trim().toLowerCase();
    let value: string;
    if (body[eq + 1] === '"') {
      const close = body.indexOf('"', eq + 2);
      if (close < 0) throw new Error(`${option}: unterminated quoted value for ${key}`);
      value = body.slice(eq + 2, close);
      pos = close + 1;
    } else {
      const comma = body.indexOf(",", eq + 1);
      value = body.slice(eq + 1, comma < 0 ? body.length : comma);
      pos = comma < 0 ? body.length : comma;
    }
    if (pos < body.length) {
      if (body[pos] !== ",") throw new Error(`${option}: expected "," after the value of ${key}`);
      pos++;
    }
    if (!KNOWN_KEYS.has(key)) throw new Error(`${option}: unknown key "${key}" (name, password, iterations, salt, saltedpassword)`);
    if (entries.has(key)) throw new Error(`${option}: ${key} is given twice`);
    entries.set(key, value);
  }
  return entries;
}

function base64(value: string, what: string, option: string): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value === "") throw new Error(`${option}: ${what} must be base64`);
  return Buffer.from(value, "base64");
}

/** Parses one --add-scram value; throws with a message naming what is wrong. */
export function parseAddScram(option: string): BootstrapScramCredential {
  const m = /^([A-Za-z0-9-]+)=\[(.*)\]$/s.exec(option.trim());
  if (!m) throw new Error(`--add-scram ${option}: expected MECHANISM=[name=...,password=...]`);
  const mechanism = scramMechanismByName(m[1]!.toUpperCase());
  if (!mechanism) throw new Error(`--add-scram ${option}: unknown mechanism ${m[1]} (SCRAM-SHA-256 or SCRAM-SHA-512)`);
  const entries = parseEntries(m[2]!, `--add-scram ${m[1]}`);
  const name = entries.get("name");
  if (!name) throw new Error(`--add-scram ${m[1]}: name is required`);
  const iterationsText = entries.get("iterations") ?? String(mechanism.minIterations);
  const iterations = Number(iterationsText);
  if (!Number.isInteger(iterations) || iterations < mechanism.minIterations || iterations > mechanism.maxIterations) {
    throw new Error(`--add-scram ${m[1]}: iterations must be an integer from ${mechanism.minIterations} to ${mechanism.maxIterations}, not ${iterationsText}`);
  }
  const password = entries.get("password");
  const saltedText = entries.get("saltedpassword");
  if ((password === undefined) === (saltedText === undefined)) throw new Error(`--add-scram ${m[1]}: give either password or saltedpassword`);
  if (saltedText !== undefined && !entries.has("salt")) throw new Error(`--add-scram ${m[1]}: saltedpassword needs salt`);
  const salt = entries.has("salt") ? base64(entries.get("salt")!, "salt", `--add-scram ${m[1]}`) : randomBytes(32);
  const salted = saltedText !== undefined ? base64(saltedText, "saltedpassword", `--add-scram ${m[1]}`) : saltedPassword(mechanism.hash, password!, salt, iterations);
  return { name, credential: credentialFromSaltedPassword(mechanism, salt, salted, iterations) };
}
