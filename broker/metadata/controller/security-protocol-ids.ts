// Kafka's SecurityProtocol ids, as BrokerRegistration and RegisterBrokerRecord carry them.
import type { SecurityProtocol } from "../../config/listeners.js";

export const SECURITY_PROTOCOL_IDS: Readonly<Record<SecurityProtocol, number>> = {
  PLAINTEXT: 0,
  SSL: 1,
  SASL_PLAINTEXT: 2,
  SASL_SSL: 3,
};
