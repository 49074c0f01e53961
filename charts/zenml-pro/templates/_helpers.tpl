{{/* Objects are named after the release: the docs name Deployment and Secret `zenml-pro` for release `zenml-pro`. */}}
{{- define "zenml-pro.fullname" -}}
{{- .Release.Name | trunc 53 | trimSuffix "-" -}}
{{- end }}

{{- define "zenml-pro.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | default .Chart.Version | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels for one component; call with (list $ "api"). */}}
{{- define "zenml-pro.selectorLabels" -}}
{{- $top := index . 0 -}}
app.kubernetes.io/name: {{ $top.Chart.Name }}
app.kubernetes.io/instance: {{ $top.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{/* Image reference for one component; the tag defaults to the chart version. */}}
{{- define "zenml-pro.image" -}}
{{- $top := index . 0 -}}
{{- $image := index $top.Values.zenml.image (index . 1) -}}
{{- printf "%s:%s" $image.repository ($image.tag | default $top.Chart.Version | toString) -}}
{{- end }}

{{- define "zenml-pro.dbPort" -}}
{{- $db := .Values.zenml.database.external -}}
{{- if $db.port }}{{ $db.port | int }}{{ else if eq $db.type "postgres" }}5432{{ else }}3306{{ end -}}
{{- end }}

{{/*
Fails the render on a missing or malformed required value. Every message names
the key so the installer can point at the answer to fix.
*/}}
{{- define "zenml-pro.validate" -}}
{{- $z := .Values.zenml -}}
{{- $url := required "zenml.serverURL is required: the external https URL of the control plane, e.g. https://zenml-pro.example.com" $z.serverURL | toString -}}
{{- $u := urlParse $url -}}
{{- if or (ne $u.scheme "https") (not $u.hostname) -}}
{{- fail (printf "zenml.serverURL must be an https URL with a host, got %q" $url) -}}
{{- end -}}
{{- $db := $z.database.external -}}
{{- $type := required "zenml.database.external.type is required: mysql or postgres" $db.type -}}
{{- if not (has $type (list "mysql" "postgres")) -}}
{{- fail (printf "zenml.database.external.type must be mysql or postgres, got %q" $type) -}}
{{- end -}}
{{- $_ := required "zenml.database.external.host is required" $db.host -}}
{{- $_ = required "zenml.database.external.username is required" $db.username -}}
{{- $_ = required "zenml.database.external.password is required" $db.password -}}
{{- $_ = required "zenml.database.external.database is required (the database name, e.g. zenml_pro)" $db.database -}}
{{- if $z.auth.sso.enabled -}}
{{- $_ = required "zenml.auth.sso.oidcConfigurationEndpoint is required when zenml.auth.sso.enabled is true" $z.auth.sso.oidcConfigurationEndpoint -}}
{{- $_ = required "zenml.auth.sso.clientID is required when zenml.auth.sso.enabled is true" $z.auth.sso.clientID -}}
{{- $_ = required "zenml.auth.sso.clientSecret is required when zenml.auth.sso.enabled is true" $z.auth.sso.clientSecret -}}
{{- end -}}
{{- if and $z.ingress.enabled $z.ingress.tls.enabled -}}
{{- $_ = required "zenml.ingress.tls.secretName is required when zenml.ingress.tls.enabled is true" $z.ingress.tls.secretName -}}
{{- end -}}
{{- end }}

{{/*
Secret data (already base64). The admin password is taken from the values, else
from the Secret of a previous install (lookup), else made up: an upgrade must not
change it. `helm template` cannot look up, so it always makes a new one.
*/}}
{{- define "zenml-pro.secretData" -}}
{{- $z := .Values.zenml -}}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "zenml-pro.fullname" .) | default dict -}}
{{- $old := get ($existing.data | default dict) "ZENML_CLOUD_ADMIN_PASSWORD" -}}
ZENML_CLOUD_ADMIN_PASSWORD: {{ if $z.auth.password.adminPassword }}{{ $z.auth.password.adminPassword | toString | b64enc }}{{ else if $old }}{{ $old }}{{ else }}{{ randAlphaNum 32 | b64enc }}{{ end }}
ZENML_DATABASE_PASSWORD: {{ $z.database.external.password | toString | b64enc }}
{{- if $z.auth.sso.enabled }}
ZENML_AUTH_SSO_CLIENT_SECRET: {{ $z.auth.sso.clientSecret | toString | b64enc }}
{{- end }}
{{- end }}
