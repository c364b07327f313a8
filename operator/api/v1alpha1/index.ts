// kafka.millrace.dev/v1alpha1: the operator's API types (see ../README.md).
export * from './common.js';
export * from './conditions.js';
export * from './crd-info.js';
export * from './kafkacluster.js';
export * from './kafkatopic.js';
export * from './kafkauser.js';
export * from './models.js';
export * from './operator-owned.js';
