package reports

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestWritePDF checks the file's structure as a reader walks it: every
// offset of the cross-reference table points at its object, startxref at
// the table, and the text is there in WinAnsi.
func TestWritePDF(t *testing.T) {
	var lines []string
	for i := 0; i < 130; i++ {
		lines = append(lines, fmt.Sprintf("%d × Café (large) \\ 3,80 € •••• 4242", i))
	}
	var buf bytes.Buffer
	if err := WritePDF(&buf, "Receipt of sale #1", lines); err != nil {
		t.Fatal(err)
	}
	pdf := buf.Bytes()
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.4")) || !bytes.HasSuffix(pdf, []byte("%%EOF\n")) {
		t.Fatal("not a PDF")
	}
	m := regexp.MustCompile(`startxref\n(\d+)\n`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no startxref")
	}
	at, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(pdf[at:], []byte("xref\n")) {
		t.Fatalf("startxref %d does not point at the table", at)
	}
	rows := strings.Split(string(pdf[at:]), "\n")
	n, _ := strconv.Atoi(strings.Fields(rows[1])[1])
	for i := 1; i < n; i++ {
		off, _ := strconv.Atoi(strings.Fields(rows[2+i])[0])
		if want := fmt.Sprintf("%d 0 obj", i); !bytes.HasPrefix(pdf[off:], []byte(want)) {
			t.Fatalf("object %d is not at %d", i, off)
		}
	}
	if c := bytes.Count(pdf, []byte("/Type /Page ")); c != 3 {
		t.Fatalf("%d pages for 130 lines", c)
	}
	for _, want := range []string{`(Receipt of sale #1)`, `\327 Caf\351 \(large\) \\ 3,80 \200 \225\225\225\225 4242`} {
		if !bytes.Contains(pdf, []byte(want)) {
			t.Errorf("no %q in the PDF", want)
		}
	}
	// Each content stream's /Length is its length.
	for _, sm := range regexp.MustCompile(`(?s)<< /Length (\d+) >>\nstream\n(.*?)endstream`).FindAllSubmatch(pdf, -1) {
		if l, _ := strconv.Atoi(string(sm[1])); l != len(sm[2]) {
			t.Fatalf("stream length %d, is %d", l, len(sm[2]))
		}
	}
}
