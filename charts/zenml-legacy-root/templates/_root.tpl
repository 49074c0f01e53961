{{/*
Older chart line: every setting lives under `zenml:`. This file, values.yaml and
Chart.yaml are laid over charts/zenml/ by scripts/package-charts.mjs; the other
templates are shared with the newer line.
*/}}
{{- define "zenml.rootKey" -}}zenml{{- end }}

{{/* The server settings as YAML; templates read them back with fromYaml. */}}
{{- define "zenml.serverValues" -}}
{{- toYaml (.Values.zenml | default dict) -}}
{{- end }}

{{- define "zenml.rootNotice" -}}{{- end }}
