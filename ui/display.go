package ui

import (
	"fmt"
	"image"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	qrcode "github.com/skip2/go-qrcode"

	"tally/domain"
)

// customerDisplay is the second window, turned to the customer: the shop's
// name between sales; the cart and its total while ringing up; the QR code
// of the payment page, large, while it waits; then "Paid — thank you".
type customerDisplay struct {
	win   fyne.Window
	shop  *canvas.Text
	lines *fyne.Container // one canvas.Text a cart line
	total *canvas.Text
	info  *canvas.Text
	qr    *canvas.Image
	url   string // the URL the QR code holds, for tests
	// onKey gets the register's keys typed while this window has the
	// focus, so that the cashier's F-keys work from either window.
	onKey func(*fyne.KeyEvent) bool
}

func newCustomerDisplay(app fyne.App) *customerDisplay {
	d := &customerDisplay{
		win:   app.NewWindow(T("Tally — customer display")),
		shop:  canvas.NewText("", displayInk()),
		lines: container.NewVBox(),
		total: canvas.NewText("", displayInk()),
		info:  canvas.NewText("", displayInk()),
		qr:    canvas.NewImageFromImage(nil),
	}
	d.shop.TextSize, d.shop.TextStyle, d.shop.Alignment = 40, fyne.TextStyle{Bold: true}, fyne.TextAlignCenter
	d.total.TextSize, d.total.TextStyle, d.total.Alignment = 56, fyne.TextStyle{Bold: true}, fyne.TextAlignCenter
	d.info.TextSize, d.info.Alignment = 28, fyne.TextAlignCenter
	d.qr.FillMode = canvas.ImageFillContain
	d.qr.ScaleMode = canvas.ImageScalePixels
	d.qr.SetMinSize(fyne.NewSize(420, 420))
	d.qr.Hide()
	body := container.NewVBox(layout.NewSpacer(), d.shop, d.lines, d.total, container.NewCenter(d.qr), d.info, layout.NewSpacer())
	// Light whatever the register's theme: readable across a counter, and
	// a QR code scans best dark on white.
	bg := canvas.NewRectangle(color.White)
	d.win.SetContent(container.NewStack(bg, container.NewPadded(body)))
	d.win.Resize(fyne.NewSize(1000, 760))
	// Staff put the window on the customer's screen, then press F11 in it
	// for full screen; Esc leaves it.
	d.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		switch ev.Name {
		case fyne.KeyF11:
			d.win.SetFullScreen(!d.win.FullScreen())
		case fyne.KeyEscape:
			d.win.SetFullScreen(false)
		default:
			if d.onKey != nil {
				d.onKey(ev)
			}
		}
	})
	return d
}

// displayInk is the customer display's text colour, dark on its white.
func displayInk() color.Color { return color.NRGBA{R: 0x11, G: 0x18, B: 0x27, A: 0xFF} }

// show draws the register's state; on the Fyne goroutine.
// It speaks the shop's language (the paper's), as the receipt does.
func (d *customerDisplay) show(shop domain.Shop, cart domain.Cart, sale *domain.Sale, pending *domain.PaymentResult) {
	p := domain.PaperFor(shop)
	money := func(v int64) string { return p.Money(v, cart.Currency) }
	d.shop.Text = shop.Name
	d.lines.Objects = nil
	d.total.Text, d.info.Text = "", ""
	qrURL := ""
	switch {
	case sale != nil && sale.Status == domain.SalePaid:
		d.total.Text = p.T("Paid — thank you")
		d.info.Text = money(sale.Totals.Total)
		// The TSE's receipt code, for the customer to keep or check.
		if sale.TSE != nil && sale.TSE.Signed() {
			qrURL = sale.TSE.Sig.QR()
			d.info.Text += " · " + p.T("TSE transaction %d, signature counter %d", sale.TSE.Sig.Number, sale.TSE.Sig.Counter)
		} else if sale.TSE != nil {
			d.info.Text += " · " + p.T("TSE failed: this receipt is not signed")
		}
	case len(cart.Lines) == 0 || (sale != nil && sale.Status == domain.SaleCanceled):
		d.info.Text = p.T("Welcome")
	default:
		for i, l := range cart.Lines {
			text := fmt.Sprintf("%d × %s   %s", l.Quantity, l.Description, money(l.Total))
			if i == 8 {
				text = p.T("… and %d more", len(cart.Lines)-8)
			}
			t := canvas.NewText(text, displayInk())
			t.TextSize, t.Alignment = 24, fyne.TextAlignCenter
			d.lines.Add(t)
			if i == 8 {
				break
			}
		}
		t := cart.Totals()
		d.total.Text = p.T("Total") + " " + money(t.Total)
		if sale != nil && sale.Paid() > 0 {
			d.info.Text = p.T("Still to pay: %s", money(sale.Due()))
		}
		if pending != nil && !pending.Done() {
			a := pending.Attempt
			switch a.Kind {
			case domain.MethodQRLink:
				if a.SessionURL != "" {
					qrURL = a.SessionURL
					d.info.Text = p.T("Scan to pay %s with your phone", money(a.Amount.Amount))
				}
			case domain.MethodCardReader:
				d.info.Text = p.T("Please pay %s on the card reader", money(a.Amount.Amount))
			}
		}
	}
	if qrURL != d.url {
		d.url = qrURL
		d.qr.Image = nil
		if qrURL != "" {
			d.qr.Image = qrImage(qrURL)
		}
	}
	if d.url != "" {
		d.qr.Show()
	} else {
		d.qr.Hide()
	}
	d.qr.Refresh()
	d.lines.Refresh()
	d.shop.Refresh()
	d.total.Refresh()
	d.info.Refresh()
}

// qrImage draws url as a QR code with a quiet zone; nil when it cannot.
func qrImage(url string) image.Image {
	q, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		return nil
	}
	return q.Image(512)
}

func (s *registerScreen) openDisplay() {
	if s.display == nil {
		s.display = newCustomerDisplay(s.app)
		s.display.onKey = s.key
		s.display.win.SetOnClosed(func() { s.display = nil })
		// A second monitor cannot be chosen from Fyne: the window opens
		// beside the register and staff move it there, then press F11 in
		// it for full screen.
	}
	s.updateDisplay()
	s.display.win.Show()
}

func (s *registerScreen) updateDisplay() {
	if s.display == nil {
		return
	}
	cart := s.cart
	if s.sale != nil {
		cart = s.sale.Cart
	}
	shop := s.settings.ShopAsUsed()
	s.display.show(shop, cart, s.sale, s.attempt)
}
