import { describe, expect, it } from "vitest";
import type { AclBinding } from "../../../broker/client/index.js";
import { aclPlan, desiredBindings, exactFilter, principalFilter } from "./acl-plan.js";
import { desiredQuotas, quotaChanges } from "./quota-plan.js";
import { choosePassword, credentialHash, generatePassword, scramJaasConfig } from "./user-credentials.js";

describe("KafkaUser credentials", () => {
  it("generates 32 letters and digits, different each time", () => {
    const a = generatePassword();
    expect(a).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(generatePassword()).not.toBe(a);
  });

  it("keeps the password already in the Secret; the referenced one wins; generates only when there is none", () => {
    const never = () => {
      throw new Error("must not generate");
    };
    expect(choosePassword(undefined, "kept-password", never)).toEqual({ password: "kept-password", generated: false });
    expect(choosePassword("from-ref", "kept-password", never)).toEqual({ password: "from-ref", generated: false });
    expect(choosePassword(undefined, undefined, () => "fresh")).toEqual({ password: "fresh", generated: true });
    expect(choosePassword(undefined, "", () => "fresh")).toEqual({ password: "fresh", generated: true });
  });

  it("writes Kafka's ScramLoginModule line, escaping quotes and backslashes", () => {
    expect(scramJaasConfig("alice", "s3cret")).toBe('org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="s3cret";');
    expect(scramJaasConfig("bob", 'a"b\\c')).toBe('org.apache.kafka.common.security.scram.ScramLoginModule required username="bob" password="a\\"b\\\\c";');
  });

  it("fingerprints username and password (a changed password or a renamed user changes it)", () => {
    expect(credentialHash("alice", "p")).toBe(credentialHash("alice", "p"));
    expect(credentialHash("alice", "p")).not.toBe(credentialHash("alice", "q"));
    expect(credentialHash("alice", "p")).not.toBe(credentialHash("bob", "p"));
    expect(credentialHash("alice", "p")).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("KafkaUser ACL plan", () => {
  const rules = [
    { resource: { type: "topic" as const, name: "orders", patternType: "literal" as const }, operations: ["Write" as const, "Describe" as const] },
    { resource: { type: "group" as const, name: "app-", patternType: "prefixed" as const }, operations: ["Read" as const], host: "10.0.0.1" },
    { resource: { type: "cluster" as const }, operations: ["IdempotentWrite" as const], type: "deny" as const },
  ];

  it("turns each rule's operations into bindings of User:<name>", () => {
    expect(desiredBindings("alice", rules)).toEqual([
      { resourceType: "TOPIC", resourceName: "orders", patternType: "LITERAL", principal: "User:alice", host: "*", operation: "WRITE", permission: "ALLOW" },
      { resourceType: "TOPIC", resourceName: "orders", patternType: "LITERAL", principal: "User:alice", host: "*", operation: "DESCRIBE", permission: "ALLOW" },
      { resourceType: "GROUP", resourceName: "app-", patternType: "PREFIXED", principal: "User:alice", host: "10.0.0.1", operation: "READ", permission: "ALLOW" },
      { resourceType: "CLUSTER", resourceName: "kafka-cluster", patternType: "LITERAL", principal: "User:alice", host: "*", operation: "IDEMPOTENT_WRITE", permission: "DENY" },
    ]);
  });

  it("creates the missing bindings and deletes the principal's bindings the spec no longer has, by exact filters", () => {
    const desired = desiredBindings("alice", rules.slice(0, 1));
    const stale: AclBinding = { resourceType: "TOPIC", resourceName: "old", patternType: "LITERAL", principal: "User:alice", host: "*", operation: "READ", permission: "ALLOW" };
    const plan = aclPlan(desired, [desired[0]!, stale]);
    expect(plan.create).toEqual([desired[1]]);
    expect(plan.delete).toEqual([stale]);
    expect(exactFilter(stale)).toEqual(stale);
    expect(aclPlan(desired, desired)).toEqual({ create: [], delete: [] });
  });

  it("lists only the user's own principal", () => {
    expect(principalFilter("alice")).toEqual({ resourceType: "ANY", resourceName: null, patternType: "ANY", principal: "User:alice", host: null, operation: "ANY", permission: "ANY" });
  });
});

describe("KafkaUser quota plan", () => {
  it("maps spec fields to Kafka's quota keys", () => {
    expect(desiredQuotas({ producerByteRate: 1024, consumerByteRate: 2048, requestPercentage: 50, controllerMutationRate: 10 })).toEqual({
      producer_byte_rate: 1024,
      consumer_byte_rate: 2048,
      request_percentage: 50,
      controller_mutation_rate: 10,
    });
    expect(desiredQuotas(undefined)).toEqual({});
  });

  it("sets changed values and removes keys the spec dropped", () => {
    expect(quotaChanges({ producer_byte_rate: 1024 }, { producer_byte_rate: 512, consumer_byte_rate: 2048 })).toEqual({ producer_byte_rate: 1024, consumer_byte_rate: null });
    expect(quotaChanges({ producer_byte_rate: 1024 }, { producer_byte_rate: 1024 })).toEqual({});
  });
});
