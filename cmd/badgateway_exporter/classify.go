package main

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/badgateway/badgateway_exporter/cause"
	"github.com/badgateway/badgateway_exporter/logparse"
)

// maxClassifyLine is the longest line classify reads whole; the rest of a
// longer line is skipped (nginx itself caps error-log lines at 2048 bytes).
const maxClassifyLine = 1 << 20

type classifyOptions struct {
	proxy  string
	output string
	files  []string
}

// lineResult is one input line as classify reports it (one jsonl object).
type lineResult struct {
	File     string `json:"file,omitempty"`
	Line     int    `json:"line"`
	Proxy    string `json:"proxy"`
	Cause    string `json:"cause"`
	Upstream string `json:"upstream"`
	Server   string `json:"server"`
	Status   int    `json:"status"`
	Level    string `json:"level,omitempty"`
	ConnID   uint64 `json:"conn_id,omitempty"`
	Client   string `json:"client,omitempty"`
	Request  string `json:"request,omitempty"`
	Host     string `json:"host,omitempty"`
	Kind     string `json:"kind,omitempty"`  // error, request or health (with state)
	State    string `json:"state,omitempty"` // health events: down or up
	Result   string `json:"result"`
	PartOf   int    `json:"part_of,omitempty"` // continuation line of the record that starts at this line
}

func runClassify(o *classifyOptions, stdin io.Reader, stdout, stderr io.Writer) int {
	names := o.files
	if len(names) == 0 {
		names = []string{"-"}
	}
	// Open every file first: a name that cannot be read stops classify
	// before it prints anything, instead of after an empty table.
	inputs, err := openInputs(names, stdin)
	defer closeInputs(inputs)
	if err != nil {
		fmt.Fprintf(stderr, "classify: %v\n", err)
		return 1
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	var sink resultSink
	if o.output == "jsonl" {
		sink = newJSONLSink(out, len(names) > 1)
	} else {
		sink = newTableSink()
	}
	status := 0
	for _, in := range inputs {
		if err := classifyReader(in.name, in.r, o.proxy, sink); err != nil {
			fmt.Fprintf(stderr, "classify: %v\n", err)
			status = 1
		}
	}
	if err := sink.Close(out); err != nil {
		fmt.Fprintf(stderr, "classify: %v\n", err)
		return 1
	}
	return status
}

// input is one opened file (or stdin) to classify.
type input struct {
	name string
	r    io.Reader
}

// openInputs opens the named files ("-" or "" is stdin); on error it
// returns the files it opened, for closeInputs, and every name that failed.
func openInputs(names []string, stdin io.Reader) ([]input, error) {
	inputs := make([]input, 0, len(names))
	var errs []error
	for _, name := range names {
		if name == "" || name == "-" { // kingpin hands a lone "-" over as ""
			inputs = append(inputs, input{name: "-", r: stdin})
			continue
		}
		f, err := os.Open(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		inputs = append(inputs, input{name: name, r: f})
	}
	return inputs, errors.Join(errs...)
}

func closeInputs(inputs []input) {
	for _, in := range inputs {
		if f, ok := in.r.(*os.File); ok && in.name != "-" {
			_ = f.Close()
		}
	}
}

func classifyReader(name string, r io.Reader, proxy string, sink resultSink) error {
	c := newRecordJoiner(name, proxy, sink)
	br := bufio.NewReaderSize(r, 64*1024)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b { // gzip (AWS access logs): streamed
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("reading %s: %w", name, err)
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 64*1024)
	}
	for {
		line, err := readLine(br)
		if len(line) > 0 || err == nil {
			c.line(line)
		}
		if err == io.EOF {
			c.flush()
			return nil
		}
		if err != nil {
			c.flush()
			return fmt.Errorf("reading %s: %w", name, err)
		}
	}
}

// readLine returns the next line without its newline, cut at maxClassifyLine.
func readLine(br *bufio.Reader) ([]byte, error) {
	var buf []byte
	cut := false
	for {
		chunk, err := br.ReadSlice('\n')
		if !cut { // keep the first maxClassifyLine bytes, skip the rest of the line
			room := maxClassifyLine - len(buf)
			if len(chunk) > room {
				chunk, cut = chunk[:room], true
			}
			buf = append(buf, chunk...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if n := len(buf); n > 0 && buf[n-1] == '\n' {
			buf = buf[:n-1]
		}
		return buf, err
	}
}

// fill copies an event's fields into a line result, keeping its position.
func fill(dst *lineResult, ev lineResult) {
	ev.File, ev.Line, ev.Result = dst.File, dst.Line, dst.Result
	*dst = ev
}

func eventResult(ev *logparse.Event) lineResult {
	kind, state := "error", ""
	switch {
	case ev.Kind == logparse.KindRequest:
		kind = "request"
	case ev.Kind == logparse.KindHealth || ev.Cause == cause.MarkedDown:
		kind, state = "health", ev.Health.String()
	}
	return lineResult{
		Kind:     kind,
		State:    state,
		Proxy:    ev.Proxy.String(),
		Cause:    ev.Cause.String(),
		Upstream: string(ev.Upstream),
		Server:   string(ev.Server),
		Status:   ev.Status,
		Level:    string(ev.Level),
		ConnID:   ev.ConnID,
		Client:   string(ev.Client),
		Request:  string(ev.Request),
		Host:     string(ev.Host),
	}
}
