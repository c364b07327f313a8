import { describe, expect, it } from "vitest";
import { MetadataImage, type QuotaEntityPart } from "../../metadata/metadata-image.js";
import { decideAlterations, type QuotaAlteration } from "./alter-client-quotas.js";

const user = (name: string | null): QuotaEntityPart => ({ entityType: "user", entityName: name });
const client = (name: string | null): QuotaEntityPart => ({ entityType: "client-id", entityName: name });
const ip = (name: string | null): QuotaEntityPart => ({ entityType: "ip", entityName: name });
const set = (key: string, value: number) => ({ key, value, remove: false });
const remove = (key: string) => ({ key, value: 0, remove: true });
const alter = (entity: QuotaEntityPart[], ...ops: QuotaAlteration["ops"][number][]): QuotaAlteration => ({ entity, ops });

function imageWith(...alterations: QuotaAlteration[]): MetadataImage {
  const image = new MetadataImage();
  for (const r of decideAlterations(alterations, image.clientQuotas).records) image.apply(r);
  return image;
}

describe("AlterClientQuotas decisions (Kafka's ClientQuotaControlManager)", () => {
  it("accepts each key on user, client-id, user + client-id and default entities", () => {
    const image = new MetadataImage();
    const d = decideAlterations(
      [
        alter([user("alice")], set("producer_byte_rate", 1048576), set("request_percentage", 12.5)),
        alter([client("app")], set("consumer_byte_rate", 2048)),
        alter([user("alice"), client("app")], set("controller_mutation_rate", 0.5)),
        alter([user(null)], set("producer_byte_rate", 1000)),
        alter([client(null), user(null)], set("producer_byte_rate", 10)),
        alter([ip("10.0.0.1")], set("connection_creation_rate", 5)),
        alter([ip(null)], set("connection_creation_rate", 50)),
      ],
      image.clientQuotas,
    );
    expect(d.outcomes.every((o) => o.ok)).toBe(true);
    for (const r of d.records) image.apply(r);
    expect(image.clientQuotas.size).toBe(7);
    const entry = [...image.clientQuotas.values()].find((q) => q.entity.length === 2 && q.entity[0]!.entityName === "app");
    expect([...entry!.values]).toEqual([["controller_mutation_rate", 0.5]]);
  });

  it.each([
    ["an empty entity", alter([], set("producer_byte_rate", 1)), "Invalid empty client quota entity"],
    ["an unknown entity type", alter([{ entityType: "group", entityName: "g" }], set("producer_byte_rate", 1)), "Unhandled client quota entity type: group"],
    ["an empty name", alter([user("")], set("producer_byte_rate", 1)), "Empty user not supported"],
    ["ip with user", alter([user("a"), ip("1.2.3.4")], set("producer_byte_rate", 1)), "Invalid empty client quota entity"],
    ["an unknown key", alter([user("a")], set("fetch_byte_rate", 1)), "Invalid configuration key fetch_byte_rate"],
    ["a user key on an ip", alter([ip("1.2.3.4")], set("producer_byte_rate", 1)), "Invalid configuration key producer_byte_rate"],
    ["an ip key on a user", alter([user("a")], set("connection_creation_rate", 1)), "Invalid configuration key connection_creation_rate"],
    ["a fractional byte rate", alter([user("a")], set("producer_byte_rate", 1.5)), "Configuration producer_byte_rate must be a Long value"],
    ["a negative rate", alter([user("a")], set("request_percentage", -1)), "Configuration request_percentage must not be negative"],
    ["a non-finite rate", alter([user("a")], set("request_percentage", Number.NaN)), "Configuration request_percentage must be a finite number"],
    ["a bad ip", alter([ip("not an ip!")], set("connection_creation_rate", 1)), "not an ip! is not a valid IP or resolvable host."],
    [
      "a key twice",
      alter([user("a")], set("producer_byte_rate", 1), set("producer_byte_rate", 2)),
      "Duplicate quota key producer_byte_rate not updating quota for this entity ClientQuotaEntity(entries={user=a})",
    ],
  ])("refuses %s with Kafka's message and writes nothing", (_what, alteration, message) => {
    const d = decideAlterations([alteration], new MetadataImage().clientQuotas);
    expect(d.outcomes).toEqual([{ ok: false, message }]);
    expect(d.records).toEqual([]);
  });

  it("refuses an entity named twice after its first entry, which still applies", () => {
    const d = decideAlterations(
      [alter([user("a")], set("producer_byte_rate", 1)), alter([user("a")], set("consumer_byte_rate", 2))],
      new MetadataImage().clientQuotas,
    );
    expect(d.outcomes).toEqual([{ ok: true }, { ok: false, message: "Ignoring duplicate entity ClientQuotaEntity(entries={user=a})" }]);
    expect(d.records.map((r) => (r.type === "clientQuota" ? r.record.key : ""))).toEqual(["producer_byte_rate"]);
  });

  it("writes only changes: same value, or removing an unset key, writes nothing", () => {
    const image = imageWith(alter([user("a")], set("producer_byte_rate", 100)));
    const d = decideAlterations([alter([user("a")], set("producer_byte_rate", 100), remove("consumer_byte_rate"))], image.clientQuotas);
    expect(d.outcomes).toEqual([{ ok: true }]);
    expect(d.records).toEqual([]);
  });

  it("removes a key, and the entity with its last key", () => {
    const image = imageWith(alter([user("a")], set("producer_byte_rate", 100)));
    const d = decideAlterations([alter([user("a")], remove("producer_byte_rate"))], image.clientQuotas);
    for (const r of d.records) image.apply(r);
    expect(image.clientQuotas.size).toBe(0);
  });
});
