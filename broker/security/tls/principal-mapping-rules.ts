// ssl.principal.mapping.rules: how a client certificate's distinguished name becomes a principal
// name, in Kafka's syntax. Rules are separated by commas or newlines and tried in order:
//   RULE:<pattern>/<replacement>/[L|U]   the pattern must match the whole DN; the name is the
//                                        replacement ($1… for groups), lower- or upper-cased
//   DEFAULT                              the DN itself
// A DN no rule matches cannot be mapped: the connection fails authentication, as in Kafka.
// Patterns are Java regular expressions; the usual subset (groups, classes, lazy quantifiers,
// anchors) means the same in JavaScript. In a pattern or replacement "\/" is a literal slash.
import { TlsConfigError } from "./tls-config-error.js";

type Rule =
  | { readonly kind: "default" }
  | {
      readonly kind: "rule";
      readonly whole: RegExp;
      readonly global: RegExp;
      readonly groupCount: number;
      readonly replacement: string;
      readonly caseChange: "" | "L" | "U";
    };

export class NoMatchingRuleError extends Error {}

export class PrincipalMappingRules {
  private constructor(private readonly rules: readonly Rule[]) {}

  /** Parses the rules; throws TlsConfigError naming the rule that is malformed. */
  static parse(text: string): PrincipalMappingRules {
    return new PrincipalMappingRules(parseRules(text));
  }

  /** The principal name for `dn`; throws NoMatchingRuleError when no rule applies. */
  map(dn: string): string {
    for (const rule of this.rules) {
      if (rule.kind === "default") return dn;
      if (!rule.whole.test(dn)) continue;
      // Java's Matcher.replaceAll: every match in the DN is replaced (a pattern that can match
      // empty matches again at the end, as in Java).
      rule.global.lastIndex = 0;
      const replaced = dn.replace(rule.global, (...args: unknown[]) =>
        expandReplacement(rule.replacement, args.slice(0, rule.groupCount + 1) as (string | undefined)[]),
      );
      if (rule.caseChange === "L") return replaced.toLowerCase();
      if (rule.caseChange === "U") return replaced.toUpperCase();
      return replaced;
    }
    throw new NoMatchingRuleError(`no ssl.principal.mapping.rules rule applies to ${dn}`);
  }
}

function parseRules(text: string): Rule[] {
  const rules: Rule[] = [];
  let at = 0;
  const skipSpace = (): void => {
    while (at < text.length && /[ \t\r]/.test(text[at]!)) at++;
  };
  skipSpace();
  while (at < text.length) {
    if (text.startsWith("DEFAULT", at)) {
      at += "DEFAULT".length;
      rules.push({ kind: "default" });
    } else if (text.startsWith("RULE:", at)) {
      at += "RULE:".length;
      const pattern = readUntilSlash();
      const replacement = readUntilSlash();
      let caseChange: "" | "L" | "U" = "";
      if (text[at] === "L" || text[at] === "U") caseChange = text[at++] as "L" | "U";
      rules.push(compileRule(pattern, replacement, caseChange));
    } else {
      throw invalid(`expected RULE: or DEFAULT at "${text.slice(at)}"`);
    }
    skipSpace();
    if (at < text.length) {
      if (text[at] !== "," && text[at] !== "\n") throw invalid(`unexpected "${text.slice(at)}" after a rule`);
      at++;
      while (at < text.length && /\s/.test(text[at]!)) at++;
    }
  }
  if (rules.length === 0) throw invalid("no rules");
  return rules;

  function readUntilSlash(): string {
    let out = "";
    while (at < text.length && text[at] !== "/") {
      if (text[at] === "\\" && at + 1 < text.length) {
        // "\/" is a literal slash; other escapes stay for the regular expression.
        out += text[at + 1] === "/" ? "/" : text[at]! + text[at + 1]!;
        at += 2;
      } else {
        out += text[at++];
      }
    }
    if (at >= text.length) throw invalid(`a RULE needs pattern/replacement/ (in "${text}")`);
    at++; // the slash
    return out;
  }

  function invalid(reason: string): TlsConfigError {
    return new TlsConfigError(`ssl.principal.mapping.rules: ${reason}`);
  }
}

function compileRule(pattern: string, replacement: string, caseChange: "" | "L" | "U"): Rule {
  try {
    return {
      kind: "rule",
      whole: new RegExp(`^(?:${pattern})$`),
      global: new RegExp(pattern, "g"),
      // An alternation with the empty pattern always matches, showing how many groups there are.
      groupCount: new RegExp(`${pattern}|`).exec("")!.length - 1,
      replacement,
      caseChange,
    };
  } catch (err) {
    throw new TlsConfigError(`ssl.principal.mapping.rules: invalid pattern ${pattern}: ${(err as Error).message}`);
  }
}

/** Java's replacement syntax: $n is group n, \x is a literal x. */
function expandReplacement(replacement: string, groups: readonly (string | undefined)[]): string {
  let out = "";
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === "\\" && i + 1 < replacement.length) {
      out += replacement[++i];
    } else if (c === "$" && /\d/.test(replacement[i + 1] ?? "")) {
      const n = Number(replacement[++i]);
      out += groups[n] ?? "";
    } else {
      out += c;
    }
  }
  return out;
}
