// A CustomResourceDefinition (apiextensions.k8s.io/v1) for one kind: its structural
// schema, the status subresource, printer columns, short names and the kafka category.
import { API_GROUP, API_VERSION } from '../api/v1alpha1/common.js';
import type { CrdInfo } from '../api/v1alpha1/crd-info.js';
import type { JsonObject } from './structural-schema.js';

export const CRD_CATEGORY = 'kafka';

/**
 * The CRD of `info`'s kind, given the structural schema of its whole resource type
 * (apiVersion, kind, metadata, spec, status).
 */
export function buildCrd(info: CrdInfo, resourceSchema: JsonObject): JsonObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${info.plural}.${API_GROUP}`,
      labels: { 'app.kubernetes.io/part-of': 'millrace' },
    },
    spec: {
      group: API_GROUP,
      scope: 'Namespaced',
      names: {
        kind: info.kind,
        listKind: `${info.kind}List`,
        plural: info.plural,
        singular: info.singular,
        shortNames: info.shortNames,
        categories: [CRD_CATEGORY],
      },
      versions: [
        {
          name: API_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: info.printerColumns,
          schema: { openAPIV3Schema: rootSchema(info, resourceSchema) },
        },
      ],
    },
  };
}

// The resource type's schema with the parts the API server owns replaced by what every
// CRD says: apiVersion and kind are strings it checks itself, metadata is ObjectMeta
// (a CRD may only say `type: object` there).
function rootSchema(info: CrdInfo, resourceSchema: JsonObject): JsonObject {
  const properties = resourceSchema.properties as Record<string, JsonObject> | undefined;
  if (!properties?.spec) throw new Error(`${info.typeName} has no spec property`);
  const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = properties;
  const root: JsonObject = {
    ...resourceSchema,
    properties: {
      apiVersion: {
        type: 'string',
        description:
          'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.',
      },
      kind: {
        type: 'string',
        description: 'Kind is a string value representing the REST resource this object represents. In CamelCase.',
      },
      metadata: { type: 'object' },
      ...rest,
    },
    required: ['spec'],
  };
  return root;
}
