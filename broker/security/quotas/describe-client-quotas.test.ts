import { describe, expect, it } from "vitest";
import { MetadataImage, type QuotaEntityPart } from "../../metadata/metadata-image.js";
import { decideAlterations } from "./alter-client-quotas.js";
import { describeClientQuotas, MATCH_DEFAULT, MATCH_EXACT, MATCH_SPECIFIED, type QuotaFilterComponent } from "./describe-client-quotas.js";

const user = (name: string | null): QuotaEntityPart => ({ entityType: "user", entityName: name });
const client = (name: string | null): QuotaEntityPart => ({ entityType: "client-id", entityName: name });

function image(): MetadataImage {
  const img = new MetadataImage();
  const entities = [[user("alice")], [user(null)], [client("app")], [client(null)], [user("alice"), client("app")], [user("bob"), client(null)], [{ entityType: "ip", entityName: "1.2.3.4" }]];
  const d = decideAlterations(entities.map((entity) => ({ entity, ops: [{ key: entity[0]!.entityType === "ip" ? "connection_creation_rate" : "producer_byte_rate", value: 1, remove: false }] })), img.clientQuotas);
  for (const r of d.records) img.apply(r);
  return img;
}

function describeNames(components: QuotaFilterComponent[], strict = false): string[] {
  const found = describeClientQuotas(image().clientQuotas.values(), components, strict);
  if (!Array.isArray(found)) throw new Error(found.message);
  return found.map((q) => q.entity.map((p) => `${p.entityType}=${p.entityName ?? "<default>"}`).join(",")).sort();
}

describe("DescribeClientQuotas filter (Kafka's ClientQuotasImage.describe)", () => {
  it("without components returns everything, or nothing when strict", () => {
    expect(describeNames([])).toHaveLength(7);
    expect(describeNames([], true)).toEqual([]);
  });

  it("matches an exact name, with and without strict", () => {
    expect(describeNames([{ entityType: "user", matchType: MATCH_EXACT, match: "alice" }])).toEqual(["client-id=app,user=alice", "user=alice"]);
    expect(describeNames([{ entityType: "user", matchType: MATCH_EXACT, match: "alice" }], true)).toEqual(["user=alice"]);
  });

  it("matches the default entity", () => {
    expect(describeNames([{ entityType: "client-id", matchType: MATCH_DEFAULT, match: null }])).toEqual(["client-id=<default>", "client-id=<default>,user=bob"]);
  });

  it("matches any entity of a type, combined with an exact one", () => {
    expect(describeNames([{ entityType: "client-id", matchType: MATCH_SPECIFIED, match: null }], true)).toEqual(["client-id=<default>", "client-id=app"]);
    expect(
      describeNames([
        { entityType: "user", matchType: MATCH_EXACT, match: "bob" },
        { entityType: "client-id", matchType: MATCH_SPECIFIED, match: null },
      ]),
    ).toEqual(["client-id=<default>,user=bob"]);
  });

  it.each([
    [[{ entityType: "", matchType: 0, match: "x" }], "INVALID_REQUEST", "Invalid empty entity type."],
    [[{ entityType: "group", matchType: 0, match: "x" }], "UNSUPPORTED_VERSION", "Unsupported entity type group"],
    [[{ entityType: "user", matchType: 0, match: "a" }, { entityType: "user", matchType: 2, match: null }], "INVALID_REQUEST", "Entity type user cannot appear more than once in the filter."],
    [[{ entityType: "user", matchType: MATCH_EXACT, match: null }], "INVALID_REQUEST", "Request specified MATCH_TYPE_EXACT, but set match string to null."],
    [[{ entityType: "user", matchType: MATCH_DEFAULT, match: "a" }], "INVALID_REQUEST", "Request specified MATCH_TYPE_DEFAULT, but also specified a match string."],
    [[{ entityType: "user", matchType: MATCH_SPECIFIED, match: "a" }], "INVALID_REQUEST", "Request specified MATCH_TYPE_SPECIFIED, but also specified a match string."],
    [[{ entityType: "user", matchType: 7, match: null }], "INVALID_REQUEST", "Unknown match type 7"],
    [
      [{ entityType: "ip", matchType: MATCH_SPECIFIED, match: null }, { entityType: "user", matchType: MATCH_SPECIFIED, match: null }],
      "INVALID_REQUEST",
      "Invalid entity filter component combination. IP filter component should not be used with user or clientId filter component.",
    ],
  ])("refuses filter %j with %s", (components, error, message) => {
    expect(describeClientQuotas(image().clientQuotas.values(), components, false)).toEqual({ error, message });
  });
});
