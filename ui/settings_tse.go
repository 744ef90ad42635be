package ui

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// tseForm is Settings > TSE: which TSE signs this till's receipts and how
// it is, fiskaly's credentials and set-up, the outages, and the till's
// registration with the tax office.
type tseForm struct {
	state     *widget.Label
	warning   *widget.Label
	details   *widget.Label
	apiKey    *widget.Entry
	secret    *widget.Entry
	tss       *widget.Entry
	client    *widget.Entry
	serial    *widget.Entry
	errs      map[string]*widget.Label
	saveBtn   *widget.Button
	sheetBtn  *widget.Button
	outages   *widget.Label
	reg       *widget.Label
	status    *status
	lastReg   domain.TSERegistration
	lastPaper domain.Paper
	// The DSFinV-K export of a period.
	dsFrom, dsTo *widget.Entry
	dsBtn        *widget.Button
	dsStatus     *status
}

func (s *settingsScreen) tseUI() fyne.CanvasObject {
	f := &tseForm{state: widget.NewLabel(""), warning: widget.NewLabel(""), details: widget.NewLabel(""),
		apiKey: widget.NewEntry(), secret: widget.NewPasswordEntry(), tss: widget.NewEntry(), client: widget.NewEntry(),
		serial: widget.NewEntry(), errs: map[string]*widget.Label{}, outages: widget.NewLabel(""), reg: widget.NewLabel(""),
		status: newStatus(s.svc.Log)}
	s.tse = f
	for _, l := range []*widget.Label{f.state, f.warning, f.outages} {
		l.Wrapping = fyne.TextWrapWord
	}
	f.warning.Importance = widget.DangerImportance
	f.details.TextStyle = fyne.TextStyle{Monospace: true}
	f.reg.TextStyle = fyne.TextStyle{Monospace: true}
	f.tss.SetPlaceHolder(T("empty: a new TSS"))
	f.client.SetPlaceHolder(T("empty: a new client for this till"))
	f.serial.SetPlaceHolder(T("this till's serial number, such as TALLY-KASSE-1"))
	f.secret.SetPlaceHolder(T("stored in the keychain; empty: keep the one stored"))
	help := widget.NewLabel(T("In Germany every till signs each sale with a certified TSE (KassenSichV). In demo and test mode Tally signs with its simulator; in live mode with fiskaly SIGN DE, a cloud TSE: create an API key in fiskaly's dashboard, enter it here, and Tally creates and sets up the TSS and this till's client."))
	help.Wrapping = fyne.TextWrapWord
	f.saveBtn = widget.NewButton(T("Save and set up at fiskaly"), func() { s.saveTSE() })
	f.saveBtn.Importance = widget.HighImportance
	f.sheetBtn = widget.NewButton(T("Save the sheet as PDF…"), func() { s.saveTSESheet() })
	form := widget.NewForm(
		widget.NewFormItem(T("API key"), labelled(f.apiKey, f.errs, "api_key")),
		widget.NewFormItem(T("API secret"), labelled(f.secret, f.errs, "api_secret")),
		widget.NewFormItem(T("TSS id"), labelled(f.tss, f.errs, "tss")),
		widget.NewFormItem(T("Client id"), labelled(f.client, f.errs, "client")),
		widget.NewFormItem(T("Till serial number"), f.serial),
	)
	f.dsFrom, f.dsTo, f.dsStatus = widget.NewEntry(), widget.NewEntry(), newStatus(s.svc.Log)
	now := time.Now()
	f.dsFrom.SetText(time.Date(now.Year(), time.January, 1, 0, 0, 0, 0, time.Local).Format("2006-01-02"))
	f.dsTo.SetText(now.Format("2006-01-02"))
	f.dsBtn = widget.NewButton(T("Save the DSFinV-K…"), func() { s.saveDSFinVK() })
	dsHelp := widget.NewLabel(T("What a tax audit asks of the till: the day closes of a period with every receipt, payment, TSE transaction and cash movement (DSFinV-K), zipped."))
	dsHelp.Wrapping = fyne.TextWrapWord
	s.loadTSE()
	return container.NewVBox(heading(T("TSE (Germany)")), help, f.state, f.warning, f.details,
		widget.NewSeparator(), heading(T("fiskaly SIGN DE (live mode)")), form, container.NewHBox(f.saveBtn), f.status.obj,
		widget.NewSeparator(), heading(T("Outages")), f.outages,
		widget.NewSeparator(), heading(T("Registration with the tax office")), f.reg, container.NewHBox(f.sheetBtn),
		widget.NewSeparator(), heading(T("DSFinV-K export")), dsHelp,
		widget.NewForm(widget.NewFormItem(T("From (YYYY-MM-DD)"), f.dsFrom), widget.NewFormItem(T("To (YYYY-MM-DD)"), f.dsTo)),
		container.NewHBox(f.dsBtn), f.dsStatus.obj)
}

// loadTSE reads the TSE's state off the Fyne goroutine and shows it.
func (s *settingsScreen) loadTSE() {
	f := s.tse
	if s.svc.TSE == nil {
		f.state.SetText(T("This build of Tally has no TSE."))
		return
	}
	s.run(func() {
		ctx := s.svc.Context
		st := s.svc.TSE.Status(ctx)
		reg, regErr := s.svc.TSE.Registration(ctx, s.svc.Version)
		paper := domain.PaperFor(s.svc.Register.ShopOf(ctx))
		fyne.Do(func() { f.show(st, reg, regErr, paper) })
	})
}

func (f *tseForm) show(st domain.TSEStatus, reg domain.TSERegistration, regErr error, paper domain.Paper) {
	f.apiKey.SetText(st.Settings.APIKey)
	f.tss.SetText(st.Settings.TSSID)
	f.client.SetText(st.Settings.ClientID)
	f.serial.SetText(st.Settings.ClientSerial)
	if st.Settings.SecretHint != "" {
		f.secret.SetPlaceHolder(T("stored: %s; empty: keep it", st.Settings.SecretHint))
	}
	switch {
	case !st.German:
		f.state.SetText(T("The shop is not in Germany: its till needs no TSE, and Tally signs nothing."))
	case st.Info.Simulated:
		f.state.SetText(T("Signing with Tally's TSE simulator (demo and test mode): receipts carry a signature and QR code, but not a lawful one."))
	case st.Info.Serial != "":
		f.state.SetText(T("Signing with %s, set up %s.", st.Info.Provider, paper.Date(st.Settings.SetUp)))
	default:
		f.state.SetText("")
	}
	f.warning.SetText(phraseText(st.Warning))
	f.warning.Hidden = st.Warning.Format == ""
	if st.Info.Serial != "" {
		key := st.Info.PublicKey
		if len(key) > 40 {
			key = key[:40] + "…"
		}
		f.details.SetText(strings.Join([]string{
			T("TSE serial:  %s", st.Info.Serial),
			T("Client:      %s", st.Info.ClientSerial),
			T("Algorithm:   %s, time format %s", st.Info.Algorithm, st.Info.TimeFormat),
			T("Certificate: %s", st.Info.CertificateID),
			T("Public key:  %s", key),
		}, "\n"))
		f.details.Show()
	} else {
		f.details.Hide()
	}
	if n := len(st.Outages); n > 0 {
		first, last := st.Outages[0], st.Outages[n-1]
		f.outages.SetText(fmt.Sprintf(T("%d sales of the last 30 days were not signed when their receipt was given: the TSE failed (first %s, last %s; last error: %s). Tally finished them at the TSE when it answered again. An outage of more than a few hours is reported to the tax office, with its start and end."),
			n, paper.Time(first.Updated), paper.Time(last.Updated), last.Error))
	} else {
		f.outages.SetText(T("No outage in the last 30 days: every receipt was signed."))
	}
	f.lastPaper = paper
	if regErr != nil {
		f.reg.SetText(errText(regErr))
		f.sheetBtn.Disable()
		return
	}
	f.lastReg = reg
	f.reg.SetText(strings.Join(reg.Lines(paper), "\n"))
	f.sheetBtn.Enable()
}

// saveTSE stores fiskaly's settings and sets the TSS and client up.
func (s *settingsScreen) saveTSE() {
	f := s.tse
	clearErrors(f.errs)
	set := domain.TSESettings{Provider: domain.TSEFiskaly, APIKey: f.apiKey.Text, TSSID: strings.TrimSpace(f.tss.Text),
		ClientID: strings.TrimSpace(f.client.Text), ClientSerial: f.serial.Text}
	if set.TSSID == "" || set.ClientID == "" {
		tss, client := domain.NewTSEIDs()
		if set.TSSID == "" {
			set.TSSID = tss
		}
		if set.ClientID == "" {
			set.ClientID = client
		}
	}
	secret := f.secret.Text
	f.saveBtn.Disable()
	f.status.busy(T("Setting the TSE up at fiskaly…"))
	s.run(func() {
		info, err := s.svc.TSE.Save(s.svc.Context, set, secret)
		fyne.Do(func() {
			f.saveBtn.Enable()
			if err != nil {
				f.status.fail("set up the TSE", err, f.errs)
				return
			}
			f.secret.SetText("")
			f.status.ok(T("Set up: TSE %s, client %s. Live sales are signed from now on.", info.Serial, info.ClientSerial))
			s.loadTSE()
		})
	})
}

// saveTSESheet writes the registration sheet as a PDF.
func (s *settingsScreen) saveTSESheet() {
	f := s.tse
	p := f.lastPaper
	lines := f.lastReg.Lines(p)
	saveAs(s.win, s.run, f.status, "tse-registration.pdf", func(w io.Writer) error {
		if s.svc.Register.Documents == nil {
			return userErr(domain.EUNAVAILABLE, T("This build of Tally cannot write PDF files."))
		}
		return s.svc.Register.Documents.PDF(w, p.T("Till registration (§ 146a AO)"), lines)
	})
}

// saveDSFinVK writes the period's DSFinV-K export first, then asks where
// to save it: a period without a close is said before any file is made.
func (s *settingsScreen) saveDSFinVK() {
	f := s.tse
	from, err1 := time.ParseInLocation("2006-01-02", strings.TrimSpace(f.dsFrom.Text), time.Local)
	to, err2 := time.ParseInLocation("2006-01-02", strings.TrimSpace(f.dsTo.Text), time.Local)
	if err1 != nil || err2 != nil || to.Before(from) {
		f.dsStatus.fail("export the DSFinV-K", userErr(domain.EINVALID, T("Write both days as YYYY-MM-DD, the last not before the first.")), nil)
		return
	}
	f.dsBtn.Disable()
	f.dsStatus.busy(T("Writing the DSFinV-K…"))
	s.run(func() {
		var buf bytes.Buffer
		d, err := s.svc.Register.DSFinVK(s.svc.Context, from, to.AddDate(0, 0, 1), s.svc.Version, &buf)
		fyne.Do(func() {
			f.dsBtn.Enable()
			if err != nil {
				f.dsStatus.fail("export the DSFinV-K", err, nil)
				return
			}
			f.dsStatus.ok(fmt.Sprintf(T("%d day closes ready: choose where to save them."), len(d.Closes)))
			saveAs(s.win, s.run, f.dsStatus, "dsfinvk-"+from.Format("2006-01-02")+"-"+to.Format("2006-01-02")+".zip",
				func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err })
		})
	})
}
