// The Kubernetes OpenAPI extensions the API types use as JSDoc tags. operator/codegen
// passes them to ts-json-schema-generator (extraTags); models.ts tells Ajv they exist.
export const KUBERNETES_SCHEMA_EXTENSIONS = [
  'x-kubernetes-validations',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-int-or-string',
  'x-kubernetes-preserve-unknown-fields',
] as const;
