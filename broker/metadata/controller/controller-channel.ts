// How a broker reaches the active controller: in-process when this node leads the quorum (a
// combined node, or the single-node quorum), otherwise over the leader's controller listener
// (from controller.quorum.voters) with BrokerRegistration and BrokerHeartbeat requests.
import type { Logger } from "pino";
import { apiCall, KafkaConnection, type ApiCall } from "../../client/kafka-connection.js";
import type { HostPort } from "../../config/listeners.js";
import { errorName } from "../../protocol/errors.js";
import * as HeartbeatReq from "../../protocol/generated/broker-heartbeat-request.gen.js";
import * as HeartbeatRes from "../../protocol/generated/broker-heartbeat-response.gen.js";
import * as RegistrationReq from "../../protocol/generated/broker-registration-request.gen.js";
import * as RegistrationRes from "../../protocol/generated/broker-registration-response.gen.js";
import type { QuorumNode } from "../raft/quorum-node.js";
import type { ClusterController, HeartbeatRequest, HeartbeatResult, RegistrationRequest, RegistrationResult } from "./cluster-controller.js";

const REGISTRATION = apiCall(RegistrationReq.brokerRegistrationRequestMeta, 4, RegistrationReq.writeBrokerRegistrationRequest, RegistrationRes.readBrokerRegistrationResponse);
const HEARTBEAT = apiCall(HeartbeatReq.brokerHeartbeatRequestMeta, 1, HeartbeatReq.writeBrokerHeartbeatRequest, HeartbeatRes.readBrokerHeartbeatResponse);

export class ControllerChannel {
  private connection: { leaderId: number; conn: Promise<KafkaConnection> } | undefined;

  constructor(
    private readonly opts: {
      nodeId: number;
      quorum: QuorumNode;
      /** This node's controller, when it has the controller role. */
      local: ClusterController | null;
      voters: ReadonlyMap<number, HostPort>;
      requestTimeoutMs: number;
      logger: Logger;
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
      const conn = KafkaConnection.connect(endpoint.host, endpoint.port, { clientId: `broker-${this.opts.nodeId}`, timeoutMs: this.opts.requestTimeoutMs });
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
