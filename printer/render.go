package printer

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"

	qrcode "github.com/skip2/go-qrcode"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Render draws what a printer printed as a strip of receipt paper:
// dotsWide dots across (576 for 80 mm, 384 for 58 mm), the lines in a
// monospace font (fontTTF, a TrueType or OpenType font) sized so that a
// line of width characters fills the paper, large lines twice the size,
// bold lines drawn twice, QR codes and the logo as printed, and a dashed
// line where the paper was cut. It is the picture of a receipt the
// documentation shows and Settings' preview.
func Render(p Printed, width, dotsWide int, fontTTF []byte) (image.Image, error) {
	f, err := opentype.Parse(fontTTF)
	if err != nil {
		return nil, fmt.Errorf("read the font: %w", err)
	}
	cell := float64(dotsWide) / float64(width)
	// A monospace glyph is about 0.6 em wide.
	size := cell / 0.6
	small, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("size the font: %w", err)
	}
	large, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size * 2, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("size the font: %w", err)
	}
	margin := 24
	lineH := int(size * 1.35)
	// First the height.
	h := margin
	for _, l := range p.Lines {
		switch {
		case l.Logo != nil:
			h += l.Logo.H + lineH/2
		case l.QR != "":
			h += qrSide(l.QR) + lineH/2
		case l.Large:
			h += 2 * lineH
		default:
			h += lineH
		}
	}
	h += margin + 3*lineH
	img := image.NewRGBA(image.Rect(0, 0, dotsWide+2*margin, h))
	draw.Draw(img, img.Bounds(), &image.Uniform{color.RGBA{0xfb, 0xfa, 0xf5, 0xff}}, image.Point{}, draw.Src)
	ink := image.NewUniform(color.RGBA{0x20, 0x20, 0x28, 0xff})
	y := margin
	place := func(w, align int) int {
		switch align {
		case 1:
			return margin + (dotsWide-w)/2
		case 2:
			return margin + dotsWide - w
		}
		return margin
	}
	for _, l := range p.Lines {
		switch {
		case l.Logo != nil:
			x0 := place(l.Logo.W, l.Align)
			bw := (l.Logo.W + 7) / 8
			for yy := 0; yy < l.Logo.H; yy++ {
				for xx := 0; xx < l.Logo.W; xx++ {
					if l.Logo.Bits[yy*bw+xx/8]&(0x80>>(xx%8)) != 0 {
						img.Set(x0+xx, y+yy, ink.C)
					}
				}
			}
			y += l.Logo.H + lineH/2
		case l.QR != "":
			q, err := qrcode.New(l.QR, qrcode.Medium)
			if err != nil {
				return nil, fmt.Errorf("draw the QR code: %w", err)
			}
			q.DisableBorder = true
			side := 6 * len(q.Bitmap())
			qi := q.Image(side)
			x0 := place(side, l.Align)
			draw.Draw(img, image.Rect(x0, y, x0+side, y+side), qi, image.Point{}, draw.Src)
			y += side + lineH/2
		default:
			face, lh := small, lineH
			if l.Large {
				face, lh = large, 2*lineH
			}
			w := font.MeasureString(face, l.Text).Round()
			x := place(w, l.Align)
			for pass := 0; pass < 1+boolInt(l.Bold); pass++ {
				d := font.Drawer{Dst: img, Src: ink, Face: face, Dot: fixed.P(x+pass, y+lh*4/5)}
				d.DrawString(l.Text)
			}
			y += lh
		}
	}
	if p.Cuts > 0 {
		y += lineH
		for x := 0; x < img.Bounds().Dx(); x += 12 {
			for xx := x; xx < x+6 && xx < img.Bounds().Dx(); xx++ {
				img.Set(xx, y, color.RGBA{0x90, 0x90, 0x90, 0xff})
			}
		}
	}
	return img, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// qrSide is the printed side of a QR code of data: 6 dots a module, as
// Encode asks.
func qrSide(data string) int {
	q, err := qrcode.New(data, qrcode.Medium)
	if err != nil {
		return 0
	}
	q.DisableBorder = true
	return 6 * len(q.Bitmap())
}
