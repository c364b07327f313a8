import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { errorCode } from "../protocol/errors.js";
import { readDescribeClusterRequest, writeDescribeClusterRequest } from "../protocol/generated/describe-cluster-request.gen.js";
import {
  readDescribeClusterResponse,
  writeDescribeClusterResponse,
  type DescribeClusterResponse,
} from "../protocol/generated/describe-cluster-response.gen.js";
import { ALL_CLUSTER_OPERATIONS, describeClusterControllersHandler, describeClusterHandler } from "./60-describe-cluster.js";
import { roundTripRequest, roundTripResponse, startTestBroker, type TestBroker } from "./test-fixtures.js";

describe("DescribeCluster", () => {
  let broker: TestBroker;
  beforeEach(async () => {
    broker = await startTestBroker({
      nodeId: 3,
      config: { "broker.rack": "zone-a", "advertised.listeners": "PLAINTEXT://broker-3.example:19092" },
    });
  });
  afterEach(() => broker.close());

  async function describeCluster(version: number, includeClusterAuthorizedOperations = false, endpointType = 1) {
    const ctx = broker.context(60, version);
    const response = (await describeClusterHandler.handle({ includeClusterAuthorizedOperations, endpointType }, ctx)) as DescribeClusterResponse;
    return roundTripResponse(writeDescribeClusterResponse, readDescribeClusterResponse, version, response);
  }

  it("serves v0 to v1", () => {
    expect([describeClusterHandler.minVersion, describeClusterHandler.maxVersion]).toEqual([0, 1]);
  });

  it("describes this broker as it is advertised, and as the controller", async () => {
    const r = await describeCluster(1);
    expect(r).toMatchObject({
      errorCode: 0,
      errorMessage: null,
      endpointType: 1,
      clusterId: "test-cluster-id-0000000",
      controllerId: 3,
      brokers: [{ brokerId: 3, host: "broker-3.example", port: 19092, rack: "zone-a" }],
      clusterAuthorizedOperations: -2147483648,
    });
  });

  it("reports every cluster operation when asked, having no authorizer", async () => {
    const r = await describeCluster(0, true);
    // CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE
    expect(ALL_CLUSTER_OPERATIONS).toBe(8096);
    expect(r.clusterAuthorizedOperations).toBe(8096);
  });

  it("refuses controller and unknown endpoint types as Kafka's brokers do", async () => {
    const controller = await describeCluster(1, false, 2);
    expect(controller.errorCode).toBe(errorCode("MISMATCHED_ENDPOINT_TYPE"));
    expect(controller.errorMessage).toBe("The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER");
    const unknown = await describeCluster(1, false, 9);
    expect(unknown).toMatchObject({ errorCode: errorCode("UNSUPPORTED_ENDPOINT_TYPE"), errorMessage: "Unsupported endpoint type 9" });
  });

  it("on a controller listener lists the voters and the quorum leader, and refuses broker endpoints", async () => {
    const services = broker.services;
    const ctx = broker.context(60, 1, { broker: { ...services, config: { ...services.config, controllerQuorumVoters: [{ id: 3, host: "c3.example", port: 9093 }, { id: 7, host: "c7.example", port: 9093 }] } } });
    const r = (await describeClusterControllersHandler.handle({ includeClusterAuthorizedOperations: false, endpointType: 2 }, ctx)) as DescribeClusterResponse;
    expect(r).toMatchObject({
      errorCode: 0,
      endpointType: 2,
      controllerId: 3,
      brokers: [
        { brokerId: 3, host: "c3.example", port: 9093, rack: null },
        { brokerId: 7, host: "c7.example", port: 9093, rack: null },
      ],
    });
    const asBroker = (await describeClusterControllersHandler.handle({ includeClusterAuthorizedOperations: false, endpointType: 1 }, ctx)) as DescribeClusterResponse;
    expect(asBroker.errorCode).toBe(errorCode("MISMATCHED_ENDPOINT_TYPE"));
    expect(asBroker.errorMessage).toBe("The request was sent to an endpoint of type CONTROLLER, but we wanted an endpoint of type BROKER");
  });

  it("round-trips the oldest and newest request versions", () => {
    expect(roundTripRequest(writeDescribeClusterRequest, readDescribeClusterRequest, 0, { includeClusterAuthorizedOperations: true, endpointType: 1 })).toEqual({
      includeClusterAuthorizedOperations: true,
      endpointType: 1,
    });
    expect(roundTripRequest(writeDescribeClusterRequest, readDescribeClusterRequest, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 })).toEqual({
      includeClusterAuthorizedOperations: false,
      endpointType: 2,
    });
  });
});
