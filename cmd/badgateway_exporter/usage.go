package main

import (
	"strings"

	"github.com/alecthomas/kingpin/v2"
)

// usageTemplate is kingpin's default help, except that the top-level
// --help lists every command's flags (as --help-long does): the flags of
// serve, the default command, are the ones operators look for there.
// `classify --help` shows only what classify takes.
var usageTemplate = strings.Replace(kingpin.DefaultUsageTemplate,
	`{{template "FormatCommands" .App}}`, `{{template "FormatCommandsWithFlags" .App}}`, 1) + `
{{define "FormatCommandsWithFlags" -}}
{{range .FlattenedCommands -}}
{{if not .Hidden -}}
  {{.FullCommand}}{{if .Default}}*{{end}}{{template "FormatCommand" .}}
{{.Help|Wrap 4}}
{{with .Flags|FlagsToTwoColumns}}{{FormatTwoColumnsWithIndent . 4 2}}{{end}}
{{end -}}
{{end -}}
{{end -}}
`
