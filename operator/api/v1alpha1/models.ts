// @kubernetes-models/base model classes of the three kinds, validated client-side against
// the same OpenAPI schemas as the CRDs (generated/schemas.gen.ts, from `npm run codegen:crds`):
//
//   const topic = new KafkaTopicModel({ metadata: { name: 'orders' }, spec: { clusterRef: { name: 'prod' } } });
//   topic.validate();   // throws a ValidationError naming each bad field
//
// What the API server alone checks: the CEL rules (x-kubernetes-validations: immutability,
// cross-field rules, operator-owned config keys) and ObjectMeta. The schema keeps the
// rules, but nothing here evaluates CEL.
import { createTypeMetaGuard, Model, setValidateFunc, type ModelData } from '@kubernetes-models/base';
import { formats, type ValidateFunc } from '@kubernetes-models/validate';
import { Ajv } from 'ajv';
import type { V1ObjectMeta } from '@kubernetes/client-node';
import { GROUP_VERSION } from './common.js';
import { kafkaClusterSchema, kafkaTopicSchema, kafkaUserSchema } from './generated/schemas.gen.js';
import type { KafkaCluster, KafkaClusterSpec, KafkaClusterStatus } from './kafkacluster.js';
import type { KafkaTopic, KafkaTopicSpec, KafkaTopicStatus } from './kafkatopic.js';
import type { KafkaUser, KafkaUserSpec, KafkaUserStatus } from './kafkauser.js';
import { KUBERNETES_SCHEMA_EXTENSIONS } from './schema-extensions.js';

// strictTypes off: Kubernetes' int-or-string puts `pattern` (a string keyword) beside an
// anyOf of integer and string, which Ajv's strict typing flags though it is sound.
const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
// The Kubernetes extensions are annotations to a JSON Schema validator: known, not checked.
ajv.addVocabulary([...KUBERNETES_SCHEMA_EXTENSIONS]);
for (const [name, format] of Object.entries(formats)) ajv.addFormat(name, format);

// Compiled on first use: importing the API (for a type guard or a constant) should not
// pay for compiling three large schemas.
function compile<T>(schema: Record<string, unknown>): ValidateFunc<T> {
  let compiled: ValidateFunc<T> | undefined;
  const validate = ((data: unknown) => {
    compiled ??= ajv.compile<T>(schema) as ValidateFunc<T>;
    const valid = compiled(data);
    validate.errors = compiled.errors;
    return valid;
  }) as ValidateFunc<T>;
  return validate;
}

export class KafkaClusterModel extends Model<KafkaCluster> implements KafkaCluster {
  declare apiVersion: KafkaCluster['apiVersion'];
  declare kind: KafkaCluster['kind'];
  declare metadata?: V1ObjectMeta;
  declare spec: KafkaClusterSpec;
  declare status?: KafkaClusterStatus;

  static readonly apiVersion = GROUP_VERSION;
  static readonly kind = 'KafkaCluster';
  static readonly is = createTypeMetaGuard<KafkaCluster>(KafkaClusterModel);

  constructor(data?: ModelData<KafkaCluster>) {
    super();
    this.setDefinedProps({ apiVersion: KafkaClusterModel.apiVersion, kind: KafkaClusterModel.kind, ...data } as ModelData<KafkaCluster>);
  }
}
setValidateFunc(KafkaClusterModel, compile<KafkaCluster>(kafkaClusterSchema));

export class KafkaTopicModel extends Model<KafkaTopic> implements KafkaTopic {
  declare apiVersion: KafkaTopic['apiVersion'];
  declare kind: KafkaTopic['kind'];
  declare metadata?: V1ObjectMeta;
  declare spec: KafkaTopicSpec;
  declare status?: KafkaTopicStatus;

  static readonly apiVersion = GROUP_VERSION;
  static readonly kind = 'KafkaTopic';
  static readonly is = createTypeMetaGuard<KafkaTopic>(KafkaTopicModel);

  constructor(data?: ModelData<KafkaTopic>) {
    super();
    this.setDefinedProps({ apiVersion: KafkaTopicModel.apiVersion, kind: KafkaTopicModel.kind, ...data } as ModelData<KafkaTopic>);
  }
}
setValidateFunc(KafkaTopicModel, compile<KafkaTopic>(kafkaTopicSchema));

export class KafkaUserModel extends Model<KafkaUser> implements KafkaUser {
  declare apiVersion: KafkaUser['apiVersion'];
  declare kind: KafkaUser['kind'];
  declare metadata?: V1ObjectMeta;
  declare spec: KafkaUserSpec;
  declare status?: KafkaUserStatus;

  static readonly apiVersion = GROUP_VERSION;
  static readonly kind = 'KafkaUser';
  static readonly is = createTypeMetaGuard<KafkaUser>(KafkaUserModel);

  constructor(data?: ModelData<KafkaUser>) {
    super();
    this.setDefinedProps({ apiVersion: KafkaUserModel.apiVersion, kind: KafkaUserModel.kind, ...data } as ModelData<KafkaUser>);
  }
}
setValidateFunc(KafkaUserModel, compile<KafkaUser>(kafkaUserSchema));
