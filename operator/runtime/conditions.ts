// Status conditions as Kubernetes API conventions (and cert-manager) keep them:
// one entry per type; lastTransitionTime changes only when status flips, so it
// tells how long a resource has been Ready or not; reason is CamelCase, message
// for humans; observedGeneration says which spec the condition speaks of.
import { formatTime } from "./kube-time.js";

import type { Condition } from "../api/v1alpha1/conditions.js";

// One shape for conditions: the API's (it carries the schema's validation), as controllers
// built on controller-runtime share metav1.Condition.
export type { Condition };
export type ConditionStatus = Condition["status"];

export interface ConditionUpdate {
  type: string;
  status: ConditionStatus;
  reason: string;
  message?: string;
  observedGeneration?: number;
}

export const ConditionType = {
  Ready: "Ready",
  Reconciling: "Reconciling",
  Degraded: "Degraded",
} as const;

const REASON = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function isTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === "True";
}

/** conditions with update applied (a new array; order of existing types kept). */
export function setCondition(conditions: readonly Condition[] | undefined, update: ConditionUpdate, nowMs: number = Date.now()): Condition[] {
  if (!REASON.test(update.reason)) throw new Error(`condition ${update.type}: reason ${JSON.stringify(update.reason)} must be CamelCase (letters, digits, _ , :)`);
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === update.type);
  const previous = i >= 0 ? list[i] : undefined;
  const next: Condition = {
    type: update.type,
    status: update.status,
    reason: update.reason,
    message: update.message ?? "",
    lastTransitionTime: previous && previous.status === update.status ? previous.lastTransitionTime : formatTime(nowMs),
    ...(update.observedGeneration !== undefined ? { observedGeneration: update.observedGeneration } : {}),
  };
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list;
}

export function removeCondition(conditions: readonly Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}

/** Ready=True, and Reconciling/Degraded False: the resource is as its spec asks. */
export function markReady(conditions: readonly Condition[] | undefined, reason: string, message: string, generation?: number, nowMs?: number): Condition[] {
  let c = setCondition(conditions, { type: ConditionType.Ready, status: "True", reason, message, observedGeneration: generation }, nowMs);
  c = setCondition(c, { type: ConditionType.Reconciling, status: "False", reason, message: "", observedGeneration: generation }, nowMs);
  return setCondition(c, { type: ConditionType.Degraded, status: "False", reason, message: "", observedGeneration: generation }, nowMs);
}

/** Work in progress toward the spec: Reconciling=True, Ready=False. */
export function markReconciling(conditions: readonly Condition[] | undefined, reason: string, message: string, generation?: number, nowMs?: number): Condition[] {
  const c = setCondition(conditions, { type: ConditionType.Reconciling, status: "True", reason, message, observedGeneration: generation }, nowMs);
  return setCondition(c, { type: ConditionType.Ready, status: "False", reason, message, observedGeneration: generation }, nowMs);
}

/** Something is wrong (a terminal error, a failing dependency): Degraded=True, Ready=False. */
export function markDegraded(conditions: readonly Condition[] | undefined, reason: string, message: string, generation?: number, nowMs?: number): Condition[] {
  let c = setCondition(conditions, { type: ConditionType.Degraded, status: "True", reason, message, observedGeneration: generation }, nowMs);
  c = setCondition(c, { type: ConditionType.Reconciling, status: "False", reason, message: "", observedGeneration: generation }, nowMs);
  return setCondition(c, { type: ConditionType.Ready, status: "False", reason, message, observedGeneration: generation }, nowMs);
}
