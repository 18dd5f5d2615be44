package checklist

import (
	"fmt"
	"io"
	"strings"

	"github.com/badgateway/badgateway_exporter/diagnose"
)

// textWidth is the width text output wraps at.
const textWidth = 80

// WriteText writes the report for a terminal: a summary line, then each
// finding, most severe first, wrapped at 80 columns, then what was skipped.
func WriteText(w io.Writer, r *diagnose.Report) error {
	diagnose.Sort(r.Findings)
	var b strings.Builder
	b.WriteString(summaryLine(r) + "\n")
	for _, f := range r.Findings {
		b.WriteString("\n")
		head := strings.ToUpper(f.Severity.String())
		for _, s := range []string{f.Cause, f.Upstream} {
			if s != "" {
				head += "  " + s
			}
		}
		b.WriteString(head + "\n")
		wrap(&b, "  ", f.Summary)
		for _, e := range f.Evidence {
			wrap(&b, "  - ", e)
		}
		wrap(&b, "  fix: ", f.Fix)
		if f.Runbook != "" {
			wrap(&b, "  runbook: ", f.Runbook)
		}
	}
	if len(r.Checked.Skipped) > 0 {
		b.WriteString("\nnot checked:\n")
		for _, s := range r.Checked.Skipped {
			wrap(&b, "  - ", s.Check+": "+s.Reason)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// summaryLine counts the findings and says what was looked at.
func summaryLine(r *diagnose.Report) string {
	var n [3]int
	for _, f := range r.Findings {
		if int(f.Severity) < len(n) {
			n[f.Severity]++
		}
	}
	what := strings.Join(r.Checked.Proxies, ", ")
	if what == "" {
		what = "no proxy"
	}
	verdict := "nothing critical found"
	if n[diagnose.Critical] > 0 {
		verdict = "502s explained below"
	}
	ups := "upstreams"
	if len(r.Checked.Upstreams) == 1 {
		ups = "upstream"
	}
	return fmt.Sprintf("diagnose: %d critical, %d warning, %d info (%s; %d %s; since %s): %s",
		n[0], n[1], n[2], what, len(r.Checked.Upstreams), ups, r.Checked.Since, verdict)
}

// wrap writes s after prefix, wrapped at textWidth with the continuation
// lines indented like the text after the prefix.
func wrap(b *strings.Builder, prefix, s string) {
	indent := strings.Repeat(" ", len(prefix))
	line, empty := prefix, true
	for _, word := range strings.Fields(s) {
		if !empty && len(line)+1+len(word) > textWidth {
			b.WriteString(line + "\n")
			line, empty = indent, true
		}
		if !empty {
			line += " "
		}
		line += word
		empty = false
	}
	b.WriteString(line + "\n")
}

// WriteMarkdown writes the report for pasting into a ticket.
func WriteMarkdown(w io.Writer, r *diagnose.Report) error {
	diagnose.Sort(r.Findings)
	var b strings.Builder
	fmt.Fprintf(&b, "## badgateway_exporter diagnose\n\n%s\n\n", summaryLine(r))
	if len(r.Findings) > 0 {
		b.WriteString("| severity | cause | upstream | summary |\n|---|---|---|---|\n")
		for _, f := range r.Findings {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", f.Severity, mdCell(f.Cause), mdCell(f.Upstream), mdCell(f.Summary))
		}
	}
	for i, f := range r.Findings {
		fmt.Fprintf(&b, "\n### %d. %s: %s\n\n", i+1, f.Severity, mdCell(f.Summary))
		if len(f.Evidence) > 0 {
			b.WriteString("Evidence:\n\n```\n")
			for _, e := range f.Evidence {
				b.WriteString(strings.ReplaceAll(e, "```", "'''") + "\n")
			}
			b.WriteString("```\n\n")
		}
		fmt.Fprintf(&b, "**Fix:** %s\n", f.Fix)
		if f.Runbook != "" {
			fmt.Fprintf(&b, "\nRunbook: [%s](%s)\n", f.Runbook, f.Runbook)
		}
	}
	if len(r.Checked.Skipped) > 0 {
		b.WriteString("\n### Not checked\n\n")
		for _, s := range r.Checked.Skipped {
			fmt.Fprintf(&b, "- **%s**: %s\n", s.Check, s.Reason)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
