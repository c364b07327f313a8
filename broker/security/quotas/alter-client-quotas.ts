// AlterClientQuotas decided as Kafka's controller decides it (ClientQuotaControlManager): each
// entry's entity is checked (known types user / client-id / ip, no empty names, a combination
// Kafka allows), then each key (one the entity may carry, a whole number where Kafka's key is a
// LONG or INT); a key named twice refuses the entry, an entity named twice is ignored after its
// first entry. Only changes become records (setting a value already set, or removing one that is
// not, writes nothing). The records of every accepted entry are committed together.
import { isIP } from "node:net";
import type { ClientQuotaEntry, QuotaEntityPart } from "../../metadata/metadata-image.js";
import { quotaEntityKey, sortedEntity } from "../../metadata/metadata-image.js";
import type { MetadataRecord } from "../../metadata/metadata-records.js";
import { IP, isKnownEntityType, keysForEntityTypes } from "./quota-keys.js";
import { quotaEntityText } from "./quota-entity-text.js";

export interface QuotaAlteration {
  readonly entity: readonly QuotaEntityPart[];
  readonly ops: readonly { key: string; value: number; remove: boolean }[];
}

/** Accepted, or why the entry was refused (INVALID_REQUEST, as in Kafka). */
export type AlterationOutcome = { ok: true } | { ok: false; message: string };

export interface AlterationDecision {
  readonly outcomes: AlterationOutcome[];
  readonly records: MetadataRecord[];
}

// Kafka parses ip entity names with InetAddress.getByName; without a DNS lookup on the
// controller's path we accept IP literals and well-formed host names.
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** Kafka's request → entity step collapses repeated types (the last name wins). */
function entityOf(parts: readonly QuotaEntityPart[]): QuotaEntityPart[] {
  const byType = new Map<string, string | null>();
  for (const p of parts) byType.set(p.entityType, p.entityName);
  return sortedEntity([...byType].map(([entityType, entityName]) => ({ entityType, entityName })));
}

function entityProblem(entity: readonly QuotaEntityPart[]): string | null {
  if (entity.length === 0) return "Invalid empty client quota entity";
  for (const { entityType, entityName } of entity) {
    if (!isKnownEntityType(entityType)) return `Unhandled client quota entity type: ${entityType}`;
    if (entityName !== null && entityName === "") return `Empty ${entityType} not supported`;
  }
  return null;
}

function valueProblem(key: string, value: number, type: "whole" | "double"): string | null {
  // Kafka checks whole-number keys to within 1e-6; non-finite values are no quota at all.
  if (!Number.isFinite(value)) return `Configuration ${key} must be a finite number`;
  if (value < 0) return `Configuration ${key} must not be negative`;
  if (type === "whole" && Math.abs(Math.trunc(value + 1e-6) - value) > 1e-6) return `Configuration ${key} must be a Long value`;
  return null;
}

function decideEntry(
  alteration: QuotaAlteration,
  current: ReadonlyMap<string, ClientQuotaEntry>,
): { outcome: AlterationOutcome; records: MetadataRecord[] } {
  const refuse = (message: string) => ({ outcome: { ok: false as const, message }, records: [] });
  const entity = entityOf(alteration.entity);
  const seen = new Set<string>();
  for (const op of alteration.ops) {
    if (seen.has(op.key)) return refuse(`Duplicate quota key ${op.key} not updating quota for this entity ${quotaEntityText(entity)}`);
    seen.add(op.key);
  }
  const problem = entityProblem(entity);
  if (problem) return refuse(problem);
  const keys = keysForEntityTypes(new Set(entity.map((p) => p.entityType)));
  if (!keys) return refuse("Invalid empty client quota entity");
  const ip = entity.find((p) => p.entityType === IP);
  if (ip && ip.entityName !== null && isIP(ip.entityName) === 0 && !HOST_NAME.test(ip.entityName)) {
    return refuse(`${ip.entityName} is not a valid IP or resolvable host.`);
  }
  const values = current.get(quotaEntityKey(entity))?.values;
  const records: MetadataRecord[] = [];
  const record = (key: string, value: number, remove: boolean): MetadataRecord => ({
    type: "clientQuota",
    record: { entity: entity.map((p) => ({ ...p })), key, value, remove },
  });
  for (const op of alteration.ops) {
    if (op.remove) {
      if (values?.has(op.key)) records.push(record(op.key, 0, true));
      continue;
    }
    const type = keys.get(op.key);
    if (!type) return refuse(`Invalid configuration key ${op.key}`);
    const bad = valueProblem(op.key, op.value, type);
    if (bad) return refuse(bad);
    if (values?.get(op.key) !== op.value) records.push(record(op.key, op.value, false));
  }
  return { outcome: { ok: true }, records };
}

/** Decides a whole AlterClientQuotas request against the quotas in the image. */
export function decideAlterations(alterations: readonly QuotaAlteration[], current: ReadonlyMap<string, ClientQuotaEntry>): AlterationDecision {
  const outcomes: AlterationOutcome[] = [];
  const records: MetadataRecord[] = [];
  const seenEntities = new Set<string>();
  for (const alteration of alterations) {
    const entity = entityOf(alteration.entity);
    const key = quotaEntityKey(entity);
    if (seenEntities.has(key)) {
      outcomes.push({ ok: false, message: `Ignoring duplicate entity ${quotaEntityText(entity)}` });
      continue;
    }
    seenEntities.add(key);
    const decided = decideEntry(alteration, current);
    outcomes.push(decided.outcome);
    records.push(...decided.records);
  }
  return { outcomes, records };
}
