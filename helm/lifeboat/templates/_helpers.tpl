{{/*
Chart name, overridable with nameOverride.
*/}}
{{- define "lifeboat.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name of the release's objects: "<release>-lifeboat", or the release name alone when it
already contains the chart name. Truncated to 63 characters (the DNS label limit).
*/}}
{{- define "lifeboat.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart label value: name-version.
*/}}
{{- define "lifeboat.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels that select the operator pods; never change them after a release (Deployment selectors are immutable).
*/}}
{{- define "lifeboat.selectorLabels" -}}
app.kubernetes.io/name: {{ include "lifeboat.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Labels on every object the chart renders. The operator's own objects (Jobs) carry
app.kubernetes.io/managed-by=lifeboat instead; the chart's objects are managed by Helm.
*/}}
{{- define "lifeboat.labels" -}}
helm.sh/chart: {{ include "lifeboat.chart" . }}
{{ include "lifeboat.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: lifeboat
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Name of the operator's ServiceAccount.
*/}}
{{- define "lifeboat.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "lifeboat.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The operator image; the tag defaults to the chart's appVersion.
*/}}
{{- define "lifeboat.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
The image backup and restore Jobs run; defaults to the operator's image (one jar, one image).
*/}}
{{- define "lifeboat.agentImage" -}}
{{- default (include "lifeboat.image" .) .Values.agentImage }}
{{- end }}

{{/*
"true" or "false": leader election on when forced, or in "auto" mode when more than one replica runs.
Two replicas without leader election would both act on every policy, so that combination fails.
*/}}
{{- define "lifeboat.leaderElection" -}}
{{- $enabled := .Values.leaderElection.enabled }}
{{- $replicas := int .Values.replicaCount }}
{{- if kindIs "bool" $enabled }}
{{- if and (not $enabled) (gt $replicas 1) }}
{{- fail "leaderElection.enabled=false needs replicaCount <= 1: several operators without leader election would all start Jobs for the same policies" }}
{{- end }}
{{- ternary "true" "false" $enabled }}
{{- else }}
{{- ternary "true" "false" (gt $replicas 1) }}
{{- end }}
{{- end }}

{{/*
The operator's HTTP port: /healthz, /readyz and /metrics (LIFEBOAT_HEALTH_PORT). The container
port and the metrics Service both use it, so they cannot drift apart.
*/}}
{{- define "lifeboat.healthPort" -}}
8080
{{- end }}

{{/*
Name of the metrics Service. Prometheus Operator gives the targets of a ServiceMonitor the job
label of the Service's name, so LifeboatOperatorDown selects up{job="<this name>"}.
*/}}
{{- define "lifeboat.metricsServiceName" -}}
{{- printf "%s-metrics" (include "lifeboat.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The operator's environment as the chart sets it, a YAML list. extraEnv may add to it but not
redefine a name: with two entries of one name Kubernetes silently uses the last.
*/}}
{{- define "lifeboat.operatorEnv" -}}
- name: LIFEBOAT_WATCH_NAMESPACES
  value: {{ join "," .Values.watchNamespaces | quote }}
- name: LIFEBOAT_AGENT_IMAGE
  value: {{ include "lifeboat.agentImage" . | quote }}
- name: LIFEBOAT_AGENT_IMAGE_PULL_SECRETS
  {{- $jobSecrets := .Values.agentImagePullSecrets }}
  {{- if kindIs "invalid" $jobSecrets }}{{ $jobSecrets = .Values.imagePullSecrets }}{{ end }}
  value: {{ include "lifeboat.secretNames" $jobSecrets | quote }}
- name: LIFEBOAT_LEADER_ELECTION
  value: {{ include "lifeboat.leaderElection" . | quote }}
- name: LIFEBOAT_LEADER_ELECTION_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: LIFEBOAT_LOG_FORMAT
  value: {{ .Values.logFormat | quote }}
- name: LIFEBOAT_LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
- name: LIFEBOAT_ALLOW_CROSS_NAMESPACE_RESTORE
  {{- $cross := .Values.allowCrossNamespaceRestore }}
  value: {{ if kindIs "slice" $cross }}{{ join "," $cross | quote }}{{ else }}{{ $cross | toString | quote }}{{ end }}
- name: LIFEBOAT_PRIVILEGED_JOB_NAMESPACES
  value: {{ join "," .Values.privilegedJobNamespaces | quote }}
- name: LIFEBOAT_HOOKS_ENABLED
  value: {{ .Values.hooks.enabled | quote }}
- name: LIFEBOAT_HEALTH_PORT
  value: {{ include "lifeboat.healthPort" . | quote }}
{{- with .Values.notifications.webhook.secretName }}
- name: LIFEBOAT_WEBHOOK_SECRET
  value: {{ . | quote }}
- name: LIFEBOAT_WEBHOOK_SECRET_KEY
  value: {{ $.Values.notifications.webhook.secretKey | quote }}
- name: LIFEBOAT_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
{{- end }}
{{- end }}

{{/*
Comma-separated names of a list of {name: ...} pull Secrets.
*/}}
{{- define "lifeboat.secretNames" -}}
{{- $names := list }}
{{- range . }}{{ $names = append $names .name }}{{ end }}
{{- join "," $names }}
{{- end }}
