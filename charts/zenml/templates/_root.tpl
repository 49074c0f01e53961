{{/*
Newer chart line: settings live under `server:`; `zenml:` is the legacy alias
and wins where both set a key. charts/zenml-legacy-root/ replaces this file for
the older line.
*/}}
{{- define "zenml.rootKey" -}}server{{- end }}

{{/*
The server settings as YAML; templates read them back with fromYaml. Sprig's
mergeOverwrite skips empty source values (false, "", 0), so `zenml.ingress.enabled:
false` could not switch off a `server:` default; this merge copies them too.
*/}}
{{- define "zenml.serverValues" -}}
{{- $merged := deepCopy (.Values.server | default dict) -}}
{{- include "zenml.mergeInto" (list $merged (.Values.zenml | default dict)) -}}
{{- toYaml $merged -}}
{{- end }}

{{/* Recursively copies the second map's keys into the first (maps are merged, anything else replaced). */}}
{{- define "zenml.mergeInto" -}}
{{- $dst := index . 0 -}}
{{- range $key, $value := index . 1 -}}
{{- $current := index $dst $key -}}
{{- if and (kindIs "map" $value) (kindIs "map" $current) -}}
{{- include "zenml.mergeInto" (list $current $value) -}}
{{- else -}}
{{- $_ := set $dst $key (deepCopy $value) -}}
{{- end -}}
{{- end -}}
{{- end }}

{{- define "zenml.rootNotice" -}}
{{- if .Values.zenml }}
WARNING: the `zenml:` values key is deprecated in this chart; move these settings under `server:`.
{{- end }}
{{- end }}
