// KRaft metadata records (Kafka's own record formats, generated from ../shared/kafka-protocol/metadata),
// framed as Kafka frames them in __cluster_metadata: frame version, record type (the spec's apiKey)
// and record version as unsigned varints, then the flexible-encoded record.
import { Reader, Writer } from "../protocol/primitives.js";
import * as ConfigRecordCodec from "../protocol/generated/metadata/config-record.gen.js";
import * as PartitionRecordCodec from "../protocol/generated/metadata/partition-record.gen.js";
import * as PartitionChangeRecordCodec from "../protocol/generated/metadata/partition-change-record.gen.js";
import * as ProducerIdsRecordCodec from "../protocol/generated/metadata/producer-ids-record.gen.js";
import * as RemoveTopicRecordCodec from "../protocol/generated/metadata/remove-topic-record.gen.js";
import * as TopicRecordCodec from "../protocol/generated/metadata/topic-record.gen.js";
import * as RegisterBrokerRecordCodec from "../protocol/generated/metadata/register-broker-record.gen.js";
import * as UnregisterBrokerRecordCodec from "../protocol/generated/metadata/unregister-broker-record.gen.js";
import * as FenceBrokerRecordCodec from "../protocol/generated/metadata/fence-broker-record.gen.js";
import * as UnfenceBrokerRecordCodec from "../protocol/generated/metadata/unfence-broker-record.gen.js";
import * as BrokerRegistrationChangeRecordCodec from "../protocol/generated/metadata/broker-registration-change-record.gen.js";
import * as UserScramCredentialRecordCodec from "../protocol/generated/metadata/user-scram-credential-record.gen.js";
import * as RemoveUserScramCredentialRecordCodec from "../protocol/generated/metadata/remove-user-scram-credential-record.gen.js";
import * as AccessControlEntryRecordCodec from "../protocol/generated/metadata/access-control-entry-record.gen.js";
import * as RemoveAccessControlEntryRecordCodec from "../protocol/generated/metadata/remove-access-control-entry-record.gen.js";
import * as ClientQuotaRecordCodec from "../protocol/generated/metadata/client-quota-record.gen.js";

const FRAME_VERSION = 1;

export type MetadataRecord =
  | { type: "topic"; record: TopicRecordCodec.TopicRecord }
  | { type: "partition"; record: PartitionRecordCodec.PartitionRecord }
  | { type: "partitionChange"; record: PartitionChangeRecordCodec.PartitionChangeRecord }
  | { type: "config"; record: ConfigRecordCodec.ConfigRecord }
  | { type: "removeTopic"; record: RemoveTopicRecordCodec.RemoveTopicRecord }
  | { type: "producerIds"; record: ProducerIdsRecordCodec.ProducerIdsRecord }
  | { type: "registerBroker"; record: RegisterBrokerRecordCodec.RegisterBrokerRecord }
  | { type: "unregisterBroker"; record: UnregisterBrokerRecordCodec.UnregisterBrokerRecord }
  | { type: "fenceBroker"; record: FenceBrokerRecordCodec.FenceBrokerRecord }
  | { type: "unfenceBroker"; record: UnfenceBrokerRecordCodec.UnfenceBrokerRecord }
  | { type: "brokerRegistrationChange"; record: BrokerRegistrationChangeRecordCodec.BrokerRegistrationChangeRecord }
  | { type: "userScramCredential"; record: UserScramCredentialRecordCodec.UserScramCredentialRecord }
  | { type: "removeUserScramCredential"; record: RemoveUserScramCredentialRecordCodec.RemoveUserScramCredentialRecord }
  | { type: "accessControlEntry"; record: AccessControlEntryRecordCodec.AccessControlEntryRecord }
  | { type: "removeAccessControlEntry"; record: RemoveAccessControlEntryRecordCodec.RemoveAccessControlEntryRecord }
  | { type: "clientQuota"; record: ClientQuotaRecordCodec.ClientQuotaRecord };

interface Codec<T> {
  apiKey: number;
  version: number;
  read: (r: Reader, v: number) => T;
  write: (w: Writer, v: number, o: T) => void;
}

// The version we write of each record type (the newest our image needs).
const CODECS: { [K in MetadataRecord["type"]]: Codec<Extract<MetadataRecord, { type: K }>["record"]> } = {
  topic: { apiKey: 2, version: 0, read: TopicRecordCodec.readTopicRecord, write: TopicRecordCodec.writeTopicRecord },
  partition: { apiKey: 3, version: 0, read: PartitionRecordCodec.readPartitionRecord, write: PartitionRecordCodec.writePartitionRecord },
  partitionChange: {
    apiKey: 5,
    version: 0,
    read: PartitionChangeRecordCodec.readPartitionChangeRecord,
    write: PartitionChangeRecordCodec.writePartitionChangeRecord,
  },
  config: { apiKey: 4, version: 0, read: ConfigRecordCodec.readConfigRecord, write: ConfigRecordCodec.writeConfigRecord },
  removeTopic: { apiKey: 9, version: 0, read: RemoveTopicRecordCodec.readRemoveTopicRecord, write: RemoveTopicRecordCodec.writeRemoveTopicRecord },
  producerIds: {
    apiKey: 15,
    version: 0,
    read: ProducerIdsRecordCodec.readProducerIdsRecord,
    write: ProducerIdsRecordCodec.writeProducerIdsRecord,
  },
  registerBroker: {
    apiKey: 0,
    version: 3,
    read: RegisterBrokerRecordCodec.readRegisterBrokerRecord,
    write: RegisterBrokerRecordCodec.writeRegisterBrokerRecord,
  },
  unregisterBroker: {
    apiKey: 1,
    version: 0,
    read: UnregisterBrokerRecordCodec.readUnregisterBrokerRecord,
    write: UnregisterBrokerRecordCodec.writeUnregisterBrokerRecord,
  },
  fenceBroker: { apiKey: 7, version: 0, read: FenceBrokerRecordCodec.readFenceBrokerRecord, write: FenceBrokerRecordCodec.writeFenceBrokerRecord },
  unfenceBroker: {
    apiKey: 8,
    version: 0,
    read: UnfenceBrokerRecordCodec.readUnfenceBrokerRecord,
    write: UnfenceBrokerRecordCodec.writeUnfenceBrokerRecord,
  },
  brokerRegistrationChange: {
    apiKey: 17,
    version: 2,
    read: BrokerRegistrationChangeRecordCodec.readBrokerRegistrationChangeRecord,
    write: BrokerRegistrationChangeRecordCodec.writeBrokerRegistrationChangeRecord,
  },
  userScramCredential: {
    apiKey: 11,
    version: 0,
    read: UserScramCredentialRecordCodec.readUserScramCredentialRecord,
    write: UserScramCredentialRecordCodec.writeUserScramCredentialRecord,
  },
  removeUserScramCredential: {
    apiKey: 22,
    version: 0,
    read: RemoveUserScramCredentialRecordCodec.readRemoveUserScramCredentialRecord,
    write: RemoveUserScramCredentialRecordCodec.writeRemoveUserScramCredentialRecord,
  },
  accessControlEntry: {
    apiKey: 18,
    version: 0,
    read: AccessControlEntryRecordCodec.readAccessControlEntryRecord,
    write: AccessControlEntryRecordCodec.writeAccessControlEntryRecord,
  },
  removeAccessControlEntry: {
    apiKey: 19,
    version: 0,
    read: RemoveAccessControlEntryRecordCodec.readRemoveAccessControlEntryRecord,
    write: RemoveAccessControlEntryRecordCodec.writeRemoveAccessControlEntryRecord,
  },
  clientQuota: {
    apiKey: 14,
    version: 0,
    read: ClientQuotaRecordCodec.readClientQuotaRecord,
    write: ClientQuotaRecordCodec.writeClientQuotaRecord,
  },
};

const TYPE_BY_API_KEY = new Map<number, MetadataRecord["type"]>(
  (Object.keys(CODECS) as MetadataRecord["type"][]).map((t) => [CODECS[t].apiKey, t]),
);

export function encodeMetadataRecord(record: MetadataRecord): Buffer {
  const codec = CODECS[record.type] as Codec<unknown>;
  const w = new Writer(64);
  w.uvarint(FRAME_VERSION);
  w.uvarint(codec.apiKey);
  w.uvarint(codec.version);
  codec.write(w, codec.version, record.record);
  return Buffer.from(w.finish());
}

/** Decodes a framed record; record types this broker does not use yet decode to null. */
export function decodeMetadataRecord(bytes: Buffer): MetadataRecord | null {
  const r = new Reader(bytes);
  const frameVersion = r.uvarint();
  if (frameVersion !== FRAME_VERSION) throw new Error(`unknown metadata frame version ${frameVersion}`);
  const type = TYPE_BY_API_KEY.get(r.uvarint());
  const version = r.uvarint();
  if (!type) return null;
  const codec = CODECS[type] as Codec<unknown>;
  return { type, record: codec.read(r, version) } as MetadataRecord;
}
