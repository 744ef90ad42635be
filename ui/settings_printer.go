package ui

import (
	"bytes"
	"image"
	_ "image/png" // the logo is a PNG
	"io"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// printerKinds are the ways to reach a receipt printer, as Settings
// offers them.
var printerKinds = []struct {
	kind  domain.PrinterKind
	label string
	hint  string
}{
	{domain.PrinterNone, N("No receipt printer"), ""},
	{domain.PrinterNetwork, N("Network (Ethernet or Wi-Fi)"), N("192.168.1.50 (port 9100 unless given)")},
	{domain.PrinterUSB, N("USB (Linux)"), N("/dev/usb/lp0")},
	{domain.PrinterWindows, N("Windows printer"), N("The printer's name in Windows, such as EPSON TM-T20III Receipt")},
}

// printerForm is Settings > Printer: how the till reaches its receipt
// printer, the paper, printing after each sale, the cash drawer, the
// logo; a test print before saving.
type printerForm struct {
	kind    *widget.Select
	address *widget.Entry
	paper   *widget.RadioGroup
	auto    *widget.Check
	drawer  *widget.Check
	logo    []byte
	logoL   *widget.Label
	status  *status
	testBtn *widget.Button
	saveBtn *widget.Button
}

func (s *settingsScreen) printerUI() fyne.CanvasObject {
	f := &printerForm{address: widget.NewEntry(), status: newStatus(s.svc.Log), logoL: widget.NewLabel(T("No logo"))}
	s.printer = f
	var labels []string
	for _, k := range printerKinds {
		if k.kind == domain.PrinterWindows && runtime.GOOS != "windows" || k.kind == domain.PrinterUSB && runtime.GOOS == "windows" {
			continue
		}
		labels = append(labels, T(k.label))
	}
	f.kind = widget.NewSelect(labels, func(label string) {
		for _, k := range printerKinds {
			if T(k.label) == label {
				f.address.SetPlaceHolder(T(k.hint))
			}
		}
	})
	f.paper = widget.NewRadioGroup([]string{"80 mm", "58 mm"}, nil)
	f.paper.Horizontal, f.paper.Required = true, true
	f.paper.SetSelected("80 mm")
	f.auto = widget.NewCheck(T("Print the receipt after each sale (otherwise on request)"), nil)
	f.drawer = widget.NewCheck(T("Cash drawer on the printer: open it for cash sales and cash refunds"), nil)
	chooseLogo := widget.NewButton(T("Choose logo (PNG)…"), func() {
		d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
			if err != nil || rc == nil {
				return
			}
			defer rc.Close()
			b, err := io.ReadAll(io.LimitReader(rc, 1<<20))
			if err == nil {
				_, _, err = image.Decode(bytes.NewReader(b))
			}
			if err != nil {
				f.status.fail("read the logo", userErr(domain.EINVALID, T("That file is not a PNG picture.")), nil)
				return
			}
			f.logo = b
			f.logoL.SetText(T("Logo: %s", rc.URI().Name()))
		}, s.win)
		d.SetFilter(storage.NewExtensionFileFilter([]string{".png"}))
		d.Show()
	})
	noLogo := widget.NewButton(T("No logo"), func() {
		f.logo = nil
		f.logoL.SetText(T("No logo"))
	})
	f.testBtn = widget.NewButton(T("Test print"), func() { s.printerTest() })
	f.saveBtn = widget.NewButton(T("Save printer"), func() { s.printerSave() })
	f.saveBtn.Importance = widget.HighImportance
	form := widget.NewForm(
		widget.NewFormItem(T("Receipt printer"), f.kind),
		widget.NewFormItem(T("Address"), f.address),
		widget.NewFormItem(T("Paper"), f.paper),
		widget.NewFormItem("", f.auto),
		widget.NewFormItem("", f.drawer),
		widget.NewFormItem(T("Logo"), container.NewHBox(f.logoL, chooseLogo, noLogo)),
	)
	title := widget.NewLabelWithStyle(T("Printer"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	help := widget.NewLabel(T("An ESC/POS receipt printer (Epson TM, Star, Bixolon and most others) on this till; a cash drawer plugged into it opens through it."))
	help.Wrapping = fyne.TextWrapWord
	s.run(func() {
		p, err := s.svc.Register.PrinterSettingsOf(s.svc.Context)
		fyne.Do(func() {
			if err != nil {
				f.status.fail("read the printer settings", err, nil)
				return
			}
			f.set(p)
		})
	})
	return container.NewVBox(title, help, form, container.NewHBox(f.testBtn, f.saveBtn), f.status.obj)
}

// set shows stored settings.
func (f *printerForm) set(p domain.PrinterSettings) {
	for _, k := range printerKinds {
		if k.kind == p.Kind {
			f.kind.SetSelected(T(k.label))
		}
	}
	f.address.SetText(p.Address)
	if p.Paper == 58 {
		f.paper.SetSelected("58 mm")
	} else {
		f.paper.SetSelected("80 mm")
	}
	f.auto.SetChecked(p.AutoPrint)
	f.drawer.SetChecked(p.Drawer)
	f.logo = p.Logo
	if len(p.Logo) > 0 {
		f.logoL.SetText(T("Logo chosen"))
	}
}

// settings reads the form.
func (f *printerForm) settings() domain.PrinterSettings {
	p := domain.PrinterSettings{Address: f.address.Text, Paper: 80, AutoPrint: f.auto.Checked, Drawer: f.drawer.Checked, Logo: f.logo}
	for _, k := range printerKinds {
		if T(k.label) == f.kind.Selected {
			p.Kind = k.kind
		}
	}
	if f.paper.Selected == "58 mm" {
		p.Paper = 58
	}
	return p
}

func (s *settingsScreen) printerTest() {
	f := s.printer
	p := f.settings()
	f.testBtn.Disable()
	f.status.busy(T("Printing a test page…"))
	s.run(func() {
		err := s.svc.Register.PrintTest(s.svc.Context, p)
		fyne.Do(func() {
			f.testBtn.Enable()
			if err != nil {
				f.status.fail("print a test page", err, nil)
				return
			}
			f.status.ok(T("The test page went to the printer: check that € ä ö ü ß print right, then save."))
		})
	})
}

func (s *settingsScreen) printerSave() {
	f := s.printer
	p := f.settings()
	f.saveBtn.Disable()
	s.run(func() {
		err := s.svc.Register.SavePrinterSettings(s.svc.Context, p)
		if err == nil {
			audit(s.svc.Context, s.svc, "settings", "Receipt printer saved: "+string(p.Kind)+" "+p.Address)
		}
		fyne.Do(func() {
			f.saveBtn.Enable()
			if err != nil {
				f.status.fail("save the printer settings", err, nil)
				return
			}
			f.status.ok(T("✓ Printer saved."))
		})
	})
}
