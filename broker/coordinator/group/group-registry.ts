// Every group this coordinator owns, by id. A group id belongs to one group type at a time.
import type { ClassicGroup } from "./classic/classic-group.js";
import type { ConsumerGroup } from "./consumer/consumer-group.js";

export type AnyGroup = ClassicGroup | ConsumerGroup;

export class GroupRegistry {
  private readonly groups = new Map<string, AnyGroup>();

  get(groupId: string): AnyGroup | undefined {
    return this.groups.get(groupId);
  }

  set(group: AnyGroup): void {
    this.groups.set(group.groupId, group);
  }

  delete(groupId: string): void {
    this.groups.delete(groupId);
  }

  all(): IterableIterator<AnyGroup> {
    return this.groups.values();
  }

  clear(): void {
    this.groups.clear();
  }

  get size(): number {
    return this.groups.size;
  }
}
