// How a broker reaches the active controller: in-process when this node leads the quorum (a
// combined node, or the single-node quorum), otherwise over the leader's controller listener
// (from controller.quorum.voters) with BrokerRegistration and BrokerHeartbeat requests.
import type { Logger } from "pino";
import { apiCall, KafkaConnection, type ApiCall } from "../../client/kafka-connection.js";
import type { HostPort } from "../../config/listeners.js";
import type { ClientSecuritySource } from "../../security/client-security-source.js";
import { errorName, type KafkaErrorName } from "../../protocol/errors.js";
import * as AllocReq from "../../protocol/generated/allocate-producer-ids-request.gen.js";
import * as AllocRes from "../../protocol/generated/allocate-producer-ids-response.gen.js";
import * as AlterReq from "../../protocol/generated/alter-partition-request.gen.js";
import * as AlterRes from "../../protocol/generated/alter-partition-response.gen.js";
import * as HeartbeatReq from "../../protocol/generated/broker-heartbeat-request.gen.js";
import * as HeartbeatRes from "../../protocol/generated/broker-heartbeat-response.gen.js";
import * as RegistrationReq from "../../protocol/generated/broker-registration-request.gen.js";
import * as RegistrationRes from "../../protocol/generated/broker-registration-response.gen.js";
import type { QuorumNode } from "../raft/quorum-node.js";
import type { ClusterController, HeartbeatRequest, HeartbeatResult, RegistrationRequest, RegistrationResult } from "./cluster-controller.js";
import type { IsrChangeRequest } from "./partition-leadership.js";

const REGISTRATION = apiCall(RegistrationReq.brokerRegistrationRequestMeta, 4, RegistrationReq.writeBrokerRegistrationRequest, RegistrationRes.readBrokerRegistrationResponse);
const ALTER_PARTITION = apiCall(AlterReq.alterPartitionRequestMeta, 3, AlterReq.writeAlterPartitionRequest, AlterRes.readAlterPartitionResponse);
const ALLOCATE_IDS = apiCall(AllocReq.allocateProducerIdsRequestMeta, 0, AllocReq.writeAllocateProducerIdsRequest, AllocRes.readAllocateProducerIdsResponse);
const HEARTBEAT = apiCall(HeartbeatReq.brokerHeartbeatRequestMeta, 1, HeartbeatReq.writeBrokerHeartbeatRequest, HeartbeatRes.readBrokerHeartbeatResponse);

export class ControllerChannel {
  private connection: { leaderId: number; conn: Promise<KafkaConnection> } | undefined;

  constructor(
    private readonly opts: {
      nodeId: number;
      quorum: QuorumNode;
      /** This node's controller, when it has the controller role. */
      local: ClusterController | null;
      voters: Pick<ReadonlyMap<number, HostPort>, "get">;
      requestTimeoutMs: number;
      logger: Logger;
      /** How to reach the controller listener (TLS, SASL); PLAINTEXT when absent. */
      security?: ClientSecuritySource;
    },
  ) {}

  async register(req: RegistrationRequest): Promise<RegistrationResult> {
    if (this.opts.local?.active) return this.opts.local.register(req);
    const res = await this.send(REGISTRATION, {
      brokerId: req.brokerId,
      clusterId: req.clusterId,
      incarnationId: req.incarnationId,
      listeners: req.endpoints.map((e) => ({ ...e })),
      features: [],
      rack: req.rack,
      isMigratingZkBroker: false,
      logDirs: [],
      previousBrokerEpoch: -1n,
    });
    if (res.errorCode !== 0) return { error: errorName(res.errorCode), brokerEpoch: -1n };
    return { error: "NONE", brokerEpoch: res.brokerEpoch };
  }

  async heartbeat(req: HeartbeatRequest): Promise<HeartbeatResult> {
    if (this.opts.local?.active) return this.opts.local.heartbeat(req);
    const res = await this.send(HEARTBEAT, { ...req, offlineLogDirs: [] });
    return { error: errorName(res.errorCode), isCaughtUp: res.isCaughtUp, isFenced: res.isFenced, shouldShutDown: res.shouldShutDown };
  }

  /** AlterPartition for one partition: the leader's new ISR; answers the error (NONE when committed). */
  async alterIsr(req: IsrChangeRequest, topicName: string, brokerEpoch: bigint): Promise<KafkaErrorName> {
    if (this.opts.local?.active) return (await this.opts.local.alterIsr(req)).error;
    const res = await this.send(ALTER_PARTITION, {
      brokerId: req.brokerId,
      brokerEpoch,
      topics: [
        {
          topicName,
          topicId: req.topicId,
          partitions: [
            {
              partitionIndex: req.partition,
              leaderEpoch: req.leaderEpoch,
              newIsr: req.newIsr,
              newIsrWithEpochs: req.newIsr.map((brokerId) => ({ brokerId, brokerEpoch: -1n })),
              leaderRecoveryState: 0,
              partitionEpoch: req.partitionEpoch,
            },
          ],
        },
      ],
    });
    if (res.errorCode !== 0) return errorName(res.errorCode);
    return errorName(res.topics[0]?.partitions[0]?.errorCode ?? 0);
  }

  /** A block of producer ids from the active controller (AllocateProducerIds). */
  async allocateProducerIds(brokerId: number, brokerEpoch: bigint): Promise<{ firstId: bigint; size: bigint }> {
    if (this.opts.local?.active) {
      const r = await this.opts.local.allocateProducerIds(brokerId, brokerEpoch);
      if (r.error !== "NONE") throw new Error(`producer id allocation refused: ${r.error}`);
      return r;
    }
    const res = await this.send(ALLOCATE_IDS, { brokerId, brokerEpoch });
    if (res.errorCode !== 0) throw new Error(`producer id allocation refused: ${errorName(res.errorCode)}`);
    return { firstId: res.producerIdStart, size: BigInt(res.producerIdLen) };
  }

  close(): void {
    void this.connection?.conn.then((c) => c.close(), () => undefined);
    this.connection = undefined;
  }

  private async send<Req, Res>(call: ApiCall<Req, Res>, body: Req): Promise<Res> {
    const leaderId = this.opts.quorum.leaderId;
    const endpoint = this.opts.voters.get(leaderId);
    if (!endpoint) throw new Error(leaderId < 0 ? "no active controller known yet" : `no controller endpoint for node ${leaderId}`);
    if (!this.connection || this.connection.leaderId !== leaderId) {
      this.close();
      const conn = KafkaConnection.connect(endpoint.host, endpoint.port, {
        clientId: `broker-${this.opts.nodeId}`,
        timeoutMs: this.opts.requestTimeoutMs,
        security: this.opts.security?.(),
      });
      this.connection = { leaderId, conn };
      conn.then(
        (c) => c.onClose(() => this.connection?.conn === conn && (this.connection = undefined)),
        () => this.connection?.conn === conn && (this.connection = undefined),
      );
    }
    const conn = await this.connection.conn;
    return conn.send(call, body, this.opts.requestTimeoutMs);
  }
}
