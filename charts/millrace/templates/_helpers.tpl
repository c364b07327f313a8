{{/*
The operator's name in every resource: "<release>-operator" when the release name already
says millrace (helm install millrace ... -> millrace-operator), else "<release>-millrace-operator".
*/}}
{{- define "millrace.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- printf "%s-operator" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s-operator" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Labels Helm and the release put on everything, CRDs included. */}}
{{- define "millrace.releaseLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/*
Selects the operator's Pods. app.kubernetes.io/name=millrace-operator is a contract: the
brokers' NetworkPolicies admit the operator by it.
*/}}
{{- define "millrace.selectorLabels" -}}
app.kubernetes.io/name: millrace-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "millrace.labels" -}}
{{ include "millrace.releaseLabels" . }}
app.kubernetes.io/name: millrace-operator
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: millrace
{{- end -}}

{{- define "millrace.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "millrace.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name: the name of an existing ServiceAccount (serviceAccount.create is false)" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "millrace.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/*
What the operator does in a namespace it watches (cluster-wide: in all of them). Exactly the
operator's needs: its own kinds (no create/delete: users own those), what a KafkaCluster owns,
and Events. finalizers: blockOwnerDeletion on owner references needs update there.
*/}}
{{- define "millrace.watchRules" -}}
- apiGroups: ["kafka.millrace.dev"]
  resources: ["kafkaclusters", "kafkatopics", "kafkausers"]
  verbs: ["get", "list", "watch", "update", "patch"]
- apiGroups: ["kafka.millrace.dev"]
  resources: ["kafkaclusters/status", "kafkatopics/status", "kafkausers/status"]
  verbs: ["get", "update", "patch"]
- apiGroups: ["kafka.millrace.dev"]
  resources: ["kafkaclusters/finalizers", "kafkatopics/finalizers", "kafkausers/finalizers"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["pods", "persistentvolumeclaims", "services", "configmaps", "secrets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["", "events.k8s.io"]
  resources: ["events"]
  verbs: ["create", "update", "patch"]
{{- end -}}

{{/* The leader-election Lease (operator/main.ts names it millrace-operator). */}}
{{- define "millrace.leaseName" -}}millrace-operator{{- end -}}
