// Kafka's `sasl.jaas.config` value: one JAAS login module entry,
//   <login module class> <flag> [key=value ...];
// e.g. org.apache.kafka.common.security.plain.PlainLoginModule required username="admin"
//      password="admin-secret" user_admin="admin-secret";
// Values are quoted strings (with \" and \\ escapes) or bare words. Kafka accepts exactly one
// entry per property; so do we. Errors name the position, so a broken config is easy to fix.

export type JaasControlFlag = "required" | "requisite" | "sufficient" | "optional";

export interface JaasConfig {
  readonly loginModule: string;
  readonly flag: JaasControlFlag;
  readonly options: ReadonlyMap<string, string>;
}

export class JaasConfigError extends Error {}

const FLAGS: readonly JaasControlFlag[] = ["required", "requisite", "sufficient", "optional"];
const WORD = /[A-Za-z0-9_$.\-]/;

/** Parses one JAAS login module entry; throws JaasConfigError with the reason and position. */
export function parseJaasConfig(text: string): JaasConfig {
  let pos = 0;
  const fail = (why: string): never => {
    throw new JaasConfigError(`sasl.jaas.config: ${why} at position ${pos}`);
  };
  const skipSpace = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const word = (what: string): string => {
    skipSpace();
    const start = pos;
    while (pos < text.length && WORD.test(text[pos]!)) pos++;
    if (pos === start) fail(`expected ${what}`);
    return text.slice(start, pos);
  };
  const quoted = (): string => {
    pos++; // opening quote
    let value = "";
    while (pos < text.length && text[pos] !== '"') {
      if (text[pos] === "\\" && pos + 1 < text.length) pos++;
      value += text[pos++];
    }
    if (pos >= text.length) fail("unterminated quoted value");
    pos++; // closing quote
    return value;
  };

  const loginModule = word("a login module class name");
  const flag = word("a control flag (required, requisite, sufficient or optional)");
  if (!FLAGS.includes(flag as JaasControlFlag)) fail(`"${flag}" is not a control flag (required, requisite, sufficient or optional)`);
  const options = new Map<string, string>();
  for (;;) {
    skipSpace();
    if (pos >= text.length) fail('missing ";" after the login module entry');
    if (text[pos] === ";") break;
    const key = word("an option name");
    skipSpace();
    if (text[pos] !== "=") fail(`expected "=" after option ${key}`);
    pos++;
    skipSpace();
    const value = text[pos] === '"' ? quoted() : word(`a value for option ${key}`);
    if (options.has(key)) fail(`option ${key} is given twice`);
    options.set(key, value);
  }
  pos++; // ';'
  skipSpace();
  if (pos < text.length) fail("only one login module entry is allowed");
  return { loginModule, flag: flag as JaasControlFlag, options };
}
