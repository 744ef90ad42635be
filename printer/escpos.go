// Package printer drives ESC/POS receipt printers and the cash drawers
// plugged into them: it implements domain.Printers. Encode writes a
// document as ESC/POS bytes; Send delivers them over the network (raw
// TCP, port 9100), to a USB printer's device file, or to the Windows
// spooler as a raw job. Decode reads such a stream back, for the fake
// printer of the tests and the picture of a printed receipt.
//
// The commands used, from Epson's ESC/POS reference (which the common
// thermal printers follow):
//
//	ESC @          initialise
//	ESC t n        character code table: 19 is PC858 (Latin-1 with €)
//	ESC a n        justification: 0 left, 1 centre, 2 right
//	ESC E n        emphasis (bold) off/on
//	GS ! n         character size: 0x11 double width and height
//	LF             print and feed one line
//	ESC d n        print and feed n lines
//	GS v 0         raster bit image (the logo)
//	GS ( k         QR code: model 2, module size, error correction M, store, print
//	GS V 66 n      feed n and cut (partial)
//	ESC p m t1 t2  pulse to the drawer kick-out connector (pin 2)
//	DLE EOT n      real-time status: 1 printer (offline), 4 paper roll sensor
package printer

import (
	"bytes"
	"image"
	"image/color"
	_ "image/png" // the logo is a PNG
	"strings"

	"golang.org/x/text/encoding/charmap"

	"tally/domain"
)

// ESC/POS bytes.
const (
	esc = 0x1b
	gs  = 0x1d
	dle = 0x10
	eot = 0x04
	lf  = 0x0a

	// codePage858 is ESC t's number of PC858 on Epson-compatible printers.
	codePage858 = 19
)

// Encode writes job as ESC/POS: initialise, choose PC858, kick the
// drawer when asked (first, so it opens while the receipt prints), the
// logo, each line with its alignment, emphasis and size, QR codes, then
// feed and cut.
func Encode(job domain.PrintJob) []byte {
	var b bytes.Buffer
	b.Write([]byte{esc, '@', esc, 't', codePage858})
	if job.Kick {
		// Pin 2, on 50 ms, off 500 ms.
		b.Write([]byte{esc, 'p', 0, 25, 250})
	}
	if d := job.Doc; d != nil {
		if len(d.Logo) > 0 {
			if img, _, err := image.Decode(bytes.NewReader(d.Logo)); err == nil {
				b.Write([]byte{esc, 'a', 1})
				writeRaster(&b, img, dotsOf(job.Settings))
				b.WriteByte(lf)
			}
		}
		width := d.Width
		for _, l := range d.Lines {
			writeLine(&b, l, width)
		}
	}
	if job.Cut {
		b.Write([]byte{esc, 'a', 0, gs, 'V', 66, 4})
	}
	return b.Bytes()
}

// dotsOf is the printable width in dots: 576 on 80 mm paper, 384 on 58.
func dotsOf(p domain.PrinterSettings) int {
	if p.Paper == 58 {
		return 384
	}
	return 576
}

func writeLine(b *bytes.Buffer, l domain.DocLine, width int) {
	align := byte(l.Align)
	b.Write([]byte{esc, 'a', align})
	if l.Rule {
		b.Write(text(strings.Repeat("-", width)))
		b.WriteByte(lf)
		return
	}
	if l.QR != "" {
		writeQR(b, l.QR)
		if l.Text != "" {
			b.Write(text(l.Text))
			b.WriteByte(lf)
		}
		return
	}
	bold := byte(0)
	if l.Bold {
		bold = 1
	}
	size, w := byte(0), width
	if l.Large {
		size, w = 0x11, width/2
	}
	b.Write([]byte{esc, 'E', bold, gs, '!', size})
	for _, part := range l.Laid(w) {
		b.Write(text(part))
		b.WriteByte(lf)
	}
	b.Write([]byte{esc, 'E', 0, gs, '!', 0})
}

// writeQR stores data in the printer's QR symbol and prints it: model 2,
// modules of 6 dots, error correction M.
func writeQR(b *bytes.Buffer, data string) {
	b.Write([]byte{gs, '(', 'k', 4, 0, '1', 'A', '2', 0})
	b.Write([]byte{gs, '(', 'k', 3, 0, '1', 'C', 6})
	b.Write([]byte{gs, '(', 'k', 3, 0, '1', 'E', '1'})
	n := len(data) + 3
	b.Write([]byte{gs, '(', 'k', byte(n), byte(n >> 8), '1', 'P', '0'})
	b.WriteString(data)
	b.Write([]byte{gs, '(', 'k', 3, 0, '1', 'Q', '0'})
}

// writeRaster prints img as a raster bit image at most maxDots wide,
// dark pixels black.
func writeRaster(b *bytes.Buffer, img image.Image, maxDots int) {
	r := img.Bounds()
	w, h := r.Dx(), r.Dy()
	scale := 1.0
	if w > maxDots {
		scale = float64(maxDots) / float64(w)
	}
	dw, dh := int(float64(w)*scale), int(float64(h)*scale)
	if dw == 0 || dh == 0 {
		return
	}
	bytesWide := (dw + 7) / 8
	b.Write([]byte{gs, 'v', '0', 0, byte(bytesWide), byte(bytesWide >> 8), byte(dh), byte(dh >> 8)})
	row := make([]byte, bytesWide)
	for y := 0; y < dh; y++ {
		clear(row)
		for x := 0; x < dw; x++ {
			c := color.GrayModel.Convert(img.At(r.Min.X+int(float64(x)/scale), r.Min.Y+int(float64(y)/scale))).(color.Gray)
			_, _, _, a := img.At(r.Min.X+int(float64(x)/scale), r.Min.Y+int(float64(y)/scale)).RGBA()
			if a > 0x8000 && c.Y < 128 {
				row[x/8] |= 0x80 >> (x % 8)
			}
		}
		b.Write(row)
	}
}

// text writes s in PC858; characters it lacks become their nearest ASCII
// (typographic dashes and quotes) or "?".
func text(s string) []byte {
	s = asciiFallback.Replace(s)
	out := make([]byte, 0, len(s))
	for _, r := range s {
		if r < 0x80 {
			out = append(out, byte(r))
			continue
		}
		if c, ok := charmap.CodePage858.EncodeRune(r); ok {
			out = append(out, c)
			continue
		}
		out = append(out, '?')
	}
	return out
}

var asciiFallback = strings.NewReplacer("−", "-", "–", "-", "—", "-", "„", "\"", "“", "\"", "”", "\"", "‘", "'", "’", "'",
	"…", "...", "•", "*", "✓", "v")
