package checklist

import (
	"fmt"
	"io"
	"strings"

	"github.com/badgateway/badgateway_exporter/diagnose"
)

// textWidth is the width text output wraps at.
const textWidth = 80

// WriteText writes the report for a terminal: the answer first (the top
// critical finding's summary), a line of counts and what was looked at,
// then each finding, most severe first, wrapped at 80 columns, then what
// was skipped.
func WriteText(w io.Writer, r *diagnose.Report) error {
	diagnose.Sort(r.Findings)
	var b strings.Builder
	if a := answer(r); a != "" {
		wrap(&b, "", a)
	}
	wrap(&b, "", summaryLine(r))
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

// answer is the first line a person reads: the top critical finding
// (what explains most of the 502s) and how many failures the logs counted
// for it; "" when nothing is critical (the summary line says so).
func answer(r *diagnose.Report) string {
	for _, f := range r.Findings {
		if f.Severity != diagnose.Critical {
			continue
		}
		a := "502s: " + f.Summary
		if f.Count > 0 && !strings.Contains(f.Summary, " × ") {
			a += fmt.Sprintf("; %d × %s in the last %s", f.Count, f.Cause, r.Checked.Since)
		}
		return a
	}
	return ""
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
	ups := "upstreams"
	if len(r.Checked.Upstreams) == 1 {
		ups = "upstream"
	}
	crit := fmt.Sprintf("%d critical", n[diagnose.Critical])
	switch {
	case n[diagnose.Critical] == 0:
		crit = "nothing critical found"
	case n[diagnose.Critical] > 1:
		crit += fmt.Sprintf(" (%d more below)", n[diagnose.Critical]-1)
	}
	return fmt.Sprintf("diagnose: %s, %d warning, %d info; %s, %d %s, logs since %s",
		crit, n[diagnose.Warning], n[diagnose.Info], what, len(r.Checked.Upstreams), ups, r.Checked.Since)
}

// wrap writes s after prefix, wrapped at textWidth with the continuation
// lines indented like the text after the prefix. A short `quoted command`
// is kept on one line.
func wrap(b *strings.Builder, prefix, s string) {
	indent := strings.Repeat(" ", len(prefix))
	line, empty := prefix, true
	for _, word := range wrapWords(s) {
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

// maxQuoted is the longest `quoted span` wrap keeps whole.
const maxQuoted = 40

// wrapWords splits s at blanks, keeping a `quoted span` of at most
// maxQuoted bytes as one word.
func wrapWords(s string) []string {
	fields := strings.Fields(s)
	var out []string
	for i := 0; i < len(fields); i++ {
		w := fields[i]
		if strings.Count(w, "`")%2 == 1 { // opens a span: join up to its end
			j, joined := i, w
			for j+1 < len(fields) && len(joined) <= maxQuoted && strings.Count(joined, "`")%2 == 1 {
				j++
				joined += " " + fields[j]
			}
			if strings.Count(joined, "`")%2 == 0 && len(joined) <= maxQuoted {
				w, i = joined, j
			}
		}
		out = append(out, w)
	}
	return out
}

// WriteMarkdown writes the report for pasting into a ticket.
func WriteMarkdown(w io.Writer, r *diagnose.Report) error {
	diagnose.Sort(r.Findings)
	var b strings.Builder
	fmt.Fprintf(&b, "## badgateway_exporter diagnose\n\n")
	if a := answer(r); a != "" {
		fmt.Fprintf(&b, "**%s**\n\n", mdCell(a))
	}
	fmt.Fprintf(&b, "%s\n\n", summaryLine(r))
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
