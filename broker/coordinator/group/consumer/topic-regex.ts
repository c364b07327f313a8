// SubscribedTopicRegex: Kafka evaluates it with RE2/J against every non-internal topic name, as a
// full match. We use JavaScript RegExp with the same full-match anchoring. Differences: RE2's
// leading inline flags (?i) (?s) (?m) are translated to RegExp flags; RE2-only syntax (\Q…\E,
// \z, (?P<name>…)) is rejected as invalid, and JS-only features RE2 lacks (lookaround,
// backreferences) are accepted. Results are cached per regex and refreshed periodically so newly
// created topics are picked up.
import { GroupError } from "../group-errors.js";
import { isInternalTopic, type GroupTopics } from "../group-topics.js";

export function compileTopicRegex(source: string): RegExp {
  let body = source;
  let flags = "u";
  const inline = /^\(\?([ims]+)\)/.exec(body);
  if (inline) {
    for (const f of inline[1]!) if (!flags.includes(f)) flags += f;
    body = body.slice(inline[0].length);
  }
  try {
    return new RegExp(`^(?:${body})$`, flags);
  } catch (err) {
    throw new GroupError("INVALID_REQUEST", `SubscribedTopicRegex ${source} is not a valid regular expression: ${(err as Error).message}`);
  }
}

export class TopicRegexResolver {
  private readonly cache = new Map<string, { topics: ReadonlySet<string>; resolvedAt: number }>();

  constructor(
    private readonly topics: GroupTopics,
    private readonly now: () => number,
    private readonly refreshIntervalMs: number,
  ) {}

  /** The topics matching `regex`; throws INVALID_REQUEST for an invalid expression. */
  resolve(regex: string): ReadonlySet<string> {
    const cached = this.cache.get(regex);
    if (cached && this.now() - cached.resolvedAt < this.refreshIntervalMs) return cached.topics;
    const pattern = compileTopicRegex(regex);
    const topics = new Set<string>();
    for (const t of this.topics.all()) if (!isInternalTopic(t.name) && pattern.test(t.name)) topics.add(t.name);
    this.cache.set(regex, { topics, resolvedAt: this.now() });
    return topics;
  }

  /** Drops cached expressions no group uses any more. */
  retain(inUse: ReadonlySet<string>): void {
    for (const regex of this.cache.keys()) if (!inUse.has(regex)) this.cache.delete(regex);
  }
}
