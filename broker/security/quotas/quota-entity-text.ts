// A quota entity as Kafka prints it in error messages: ClientQuotaEntity(entries={user=alice}).
import type { QuotaEntityPart } from "../../metadata/metadata-image.js";

export function quotaEntityText(entity: readonly QuotaEntityPart[]): string {
  return `ClientQuotaEntity(entries={${entity.map((p) => `${p.entityType}=${p.entityName}`).join(", ")}})`;
}
