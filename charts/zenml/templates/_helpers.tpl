{{/* The release name when it contains `zenml`, else <release>-zenml (or fullnameOverride), as the real chart names it. */}}
{{- define "zenml.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := .Values.nameOverride | default .Chart.Name -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end }}

{{/* Name of the migration hook's Secret and Job; shortened so the suffix fits in 63 characters. */}}
{{- define "zenml.migrationName" -}}
{{- printf "%s-db-migration" (include "zenml.fullname" . | trunc 50 | trimSuffix "-") -}}
{{- end }}

{{/*
The server pods' ServiceAccount: serviceAccount.name (values.yaml ships `zenml`);
emptied, the fullname when the chart creates the account, else the namespace's
`default`. The installer binds its workload-manager Role to this name.
*/}}
{{- define "zenml.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "zenml.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end }}

{{- define "zenml.selectorLabels" -}}
app.kubernetes.io/name: {{ .Values.nameOverride | default .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The server pods; the migration Job's pods carry component db-migration instead. */}}
{{- define "zenml.serverSelectorLabels" -}}
{{ include "zenml.selectorLabels" . }}
app.kubernetes.io/component: server
{{- end }}

{{- define "zenml.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "zenml.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.Version | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Server image; the tag defaults to the chart version. */}}
{{- define "zenml.image" -}}
{{- $v := include "zenml.serverValues" . | fromYaml -}}
{{- printf "%s:%s" $v.image.repository ($v.image.tag | default .Chart.Version | toString) -}}
{{- end }}

{{/*
Fails the render on a missing or malformed required value, naming the key under
this chart line's root (server. or zenml.).
*/}}
{{- define "zenml.validate" -}}
{{- $v := include "zenml.serverValues" . | fromYaml -}}
{{- $root := include "zenml.rootKey" . -}}
{{- /* A stand-in rule, not ZenML's: newer charts refuse values they no longer read, so a hand-set one fails an upgrade half-way. */ -}}
{{- if and (semverCompare ">=0.93.2" .Chart.Version) (hasKey $v "standInRemoved") -}}
{{- fail (printf "%s.standInRemoved is no longer read from chart 0.93.2 on; remove it from the release's values" $root) -}}
{{- end -}}
{{- $pro := $v.pro | default dict -}}
{{- if $pro.enabled -}}
{{- $url := required (printf "%s.serverURL is required when %s.pro.enabled is true: the workspace's external URL, e.g. https://zenml.example.com" $root $root) $v.serverURL | toString -}}
{{- $u := urlParse $url -}}
{{- if or (not (has $u.scheme (list "http" "https"))) (not $u.hostname) -}}
{{- fail (printf "%s.serverURL must be an http or https URL with a host, got %q" $root $url) -}}
{{- end -}}
{{- $db := ($v.database | default dict).url | default "" | toString -}}
{{- if or (not $db) (hasPrefix "sqlite" $db) -}}
{{- fail (printf "%s.database.url must be set to an external MySQL database (mysql://user:password@host:3306/db) when %s.pro.enabled is true; an empty or sqlite URL means SQLite inside the pod, which ZenML Pro refuses because the data is lost with the pod" $root $root) -}}
{{- end -}}
{{- range $key := list "organizationID" "workspaceID" "enrollmentKey" -}}
{{- $_ := required (printf "%s.pro.%s is required when %s.pro.enabled is true (from the workspace enrollment)" $root $key $root) (get $pro $key) -}}
{{- end -}}
{{- end -}}
{{- end }}

{{/* Secret data shared by the server Secret and the migration hook's Secret (base64). */}}
{{- define "zenml.commonSecretData" -}}
{{- $v := include "zenml.serverValues" . | fromYaml -}}
{{- with $v.database.url }}
ZENML_STORE_URL: {{ . | toString | b64enc }}
{{- end }}
{{- if and $v.secretsStore.enabled (eq $v.secretsStore.type "sql") $v.secretsStore.sql.encryptionKey }}
ZENML_SECRETS_STORE_ENCRYPTION_KEY: {{ $v.secretsStore.sql.encryptionKey | toString | b64enc }}
{{- end }}
{{- range $name, $value := $v.secretEnvironment }}
{{ $name }}: {{ $value | toString | b64enc }}
{{- end }}
{{- end }}
