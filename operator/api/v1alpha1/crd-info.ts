// What a CRD needs beyond its schema: names, short names, printer columns. Each kind's
// file declares its own next to its types; operator/codegen reads them.

/** A column of `kubectl get` (apiextensions.k8s.io/v1 additionalPrinterColumns). */
export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  /** 0: always shown; 1: only with `kubectl get -o wide`. */
  priority?: number;
}

export interface CrdInfo {
  /** The TypeScript type of the whole resource, which ts-json-schema-generator reads. */
  typeName: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  printerColumns: PrinterColumn[];
}

/** `kubectl get` column for the Ready condition's status. */
export const READY_COLUMN: PrinterColumn = {
  name: 'Ready',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
  description: 'Whether the resource is as its spec asks',
};

/** `kubectl get` column for the Ready condition's reason, shown with -o wide. */
export const REASON_COLUMN: PrinterColumn = {
  name: 'Reason',
  type: 'string',
  jsonPath: '.status.conditions[?(@.type=="Ready")].reason',
  priority: 1,
};

export const AGE_COLUMN: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
