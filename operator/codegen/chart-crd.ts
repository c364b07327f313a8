// The Helm chart's copy of a CRD (charts/millrace/templates/crds/): the same object as in
// crds/, as a template rather than in the chart's crds/ folder, because Helm installs that
// folder once and never upgrades it (DESIGN.md 4). Values switch it off (crds.install) and
// ask Helm and Argo CD to leave it behind on uninstall (crds.keep), so deleting the release
// does not delete every KafkaCluster, KafkaTopic and KafkaUser with it (Argo CD does not
// read Helm's resource policy: Delete=false is its own word for it).
import { stringify } from 'yaml';
import type { JsonObject } from './structural-schema.js';

/** The chart template of `crd`; `header` lines become template comments (they render to nothing). */
export function chartCrdTemplate(crd: JsonObject, header: string[]): string {
  const { apiVersion, kind, metadata, spec } = crd as { apiVersion: string; kind: string; metadata: JsonObject; spec: JsonObject };
  const labels = (metadata.labels ?? {}) as Record<string, string>;
  const lines = [
    ...header.map((h) => `{{/* ${h} */}}`),
    '{{- if .Values.crds.install }}',
    stringify({ apiVersion, kind }, { lineWidth: 0 }).trimEnd(),
    'metadata:',
    `  name: ${String(metadata.name)}`,
    '  labels:',
    ...Object.entries(labels).map(([k, v]) => `    ${k}: ${v}`),
    '    {{- include "millrace.releaseLabels" . | nindent 4 }}',
    '  {{- if .Values.crds.keep }}',
    '  annotations:',
    '    helm.sh/resource-policy: keep',
    '    argocd.argoproj.io/sync-options: Delete=false',
    '  {{- end }}',
    escapeTemplateActions(stringify({ spec }, { lineWidth: 0 }).trimEnd()),
    '{{- end }}',
    '',
  ];
  return lines.join('\n');
}

// A description or CEL rule containing "{{" would start a template action; print it literally.
function escapeTemplateActions(yamlText: string): string {
  return yamlText.replaceAll('{{', '{{ "{{" }}');
}
