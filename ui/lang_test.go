package ui

import (
	"context"
	"encoding/json"
	"os/exec"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"tally/domain"
	"testing"
	"unicode"
)

// translationKeys returns every sentence the screens pass to T or N, with
// where it is.
func translationKeys(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{}
	fs := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fs, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok || len(c.Args) == 0 {
				return true
			}
			if id, ok := c.Fun.(*ast.Ident); !ok || (id.Name != "T" && id.Name != "N") {
				return true
			}
			if lit, ok := c.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				keys[s] = fs.Position(lit.Pos()).String()
			}
			return true
		})
	}
	// The messages the layers below make for the screens: the English
	// formats of domain.Errorf and domain.WrapError, shown by errText.
	for _, dir := range []string{"../domain", "../storage", "../stripeclient", "../reports", "../tse", "../printer"} {
		files, err := filepath.Glob(dir + "/*.go")
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			af, err := parser.ParseFile(fs, f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(af, func(n ast.Node) bool {
				// domain.Phrase{"format", args}, alone or in Phrases{…}.
				if cl, ok := n.(*ast.CompositeLit); ok {
					if id, ok := cl.Type.(*ast.Ident); ok && (id.Name == "Phrase" || id.Name == "Phrases") {
						elts := []ast.Expr{cl}
						if id.Name == "Phrases" {
							elts = cl.Elts
						}
						for _, e := range elts {
							if p, ok := e.(*ast.CompositeLit); ok && len(p.Elts) > 0 {
								if s, ok := constString(p.Elts[0]); ok {
									keys[s] = fs.Position(p.Elts[0].Pos()).String()
								}
							}
						}
					}
				}
				c, ok := n.(*ast.CallExpr)
				if !ok || len(c.Args) < 2 {
					return true
				}
				name := ""
				switch fn := c.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				}
				// The doctor's checks: add(name, status, format, …).
				if name == "add" && len(c.Args) >= 3 && strings.HasSuffix(f, "doctor.go") {
					for _, a := range []ast.Expr{c.Args[0], c.Args[2]} {
						if s, ok := constString(a); ok {
							keys[s] = fs.Position(a.Pos()).String()
						}
					}
					return true
				}
				if name != "Errorf" && name != "WrapError" || !isErrorCode(c.Args[0]) {
					return true
				}
				if s, ok := constString(c.Args[1]); ok {
					if name == "WrapError" {
						s = strings.ReplaceAll(s, "%", "%%") // as WrapError keeps it
					}
					keys[s] = fs.Position(c.Args[1].Pos()).String()
				}
				return true
			})
		}
	}
	// The messages kept with payments, refunds and reader tests, written
	// as English text by concatenation and said again by sayText: each is
	// a format, its pieces that are not literals a %s.
	for _, f := range []string{"register_card.go", "register_qr.go", "register_service.go", "register_recover.go", "payments_service.go", "reader_service.go"} {
		path := filepath.Join("..", "domain", f)
		af, err := parser.ParseFile(fs, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		addMsg := func(e ast.Expr) {
			if k, ok := messageFormat(e); ok {
				keys[k] = fs.Position(e.Pos()).String()
			}
		}
		ast.Inspect(af, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CallExpr:
				name := ""
				switch fn := x.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					name = fn.Sel.Name
					if id, ok := fn.X.(*ast.Ident); ok && id.Name == "fmt" && name == "Sprintf" && len(x.Args) > 0 {
						if s, ok := constString(x.Args[0]); ok && strings.Count(s, " ") >= 2 {
							keys[s] = fs.Position(x.Args[0].Pos()).String()
						}
					}
				}
				if (name == "settle" || name == "pending") && len(x.Args) >= 3 {
					addMsg(x.Args[2])
				}
			case *ast.AssignStmt:
				for i, l := range x.Lhs {
					if i >= len(x.Rhs) {
						break
					}
					if sel, ok := l.(*ast.SelectorExpr); ok && sel.Sel.Name == "Message" {
						addMsg(x.Rhs[i])
					}
					if id, ok := l.(*ast.Ident); ok && id.Name == "msg" {
						addMsg(x.Rhs[i])
					}
				}
			case *ast.KeyValueExpr:
				if id, ok := x.Key.(*ast.Ident); ok && id.Name == "Message" {
					addMsg(x.Value)
				}
			case *ast.ReturnStmt:
				for _, r := range x.Results {
					if _, ok := r.(*ast.BinaryExpr); ok {
						addMsg(r)
					}
				}
			}
			return true
		})
	}
	// Stripe's decline codes, worded for the cashier (stripeclient).
	af, err := parser.ParseFile(fs, filepath.Join("..", "stripeclient", "errors.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range af.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Name.Name != "declineMessage" {
			continue
		}
		ast.Inspect(fn, func(n ast.Node) bool {
			if r, ok := n.(*ast.ReturnStmt); ok && len(r.Results) == 1 {
				if s, ok := constString(r.Results[0]); ok {
					keys[s] = fs.Position(r.Pos()).String()
				}
			}
			return true
		})
	}
	return keys
}

// messageFormat turns a message written as a concatenation into the
// format sayText matches: literals as they are (a % doubled), anything
// else a %s. It reports false when no literal has words in it.
func messageFormat(e ast.Expr) (string, bool) {
	var b strings.Builder
	words := false
	var walk func(e ast.Expr)
	walk = func(e ast.Expr) {
		if x, ok := e.(*ast.BinaryExpr); ok && x.Op == token.ADD {
			walk(x.X)
			walk(x.Y)
			return
		}
		if s, ok := constString(e); ok {
			letters := 0
			for _, r := range s {
				if unicode.IsLetter(r) {
					letters++
				}
			}
			words = words || letters >= 3
			b.WriteString(strings.ReplaceAll(s, "%", "%%"))
			return
		}
		b.WriteString("%s")
	}
	walk(e)
	return b.String(), words
}

// isErrorCode reports whether e names one of domain's error codes.
func isErrorCode(e ast.Expr) bool {
	var name string
	switch x := e.(type) {
	case *ast.Ident:
		name = x.Name
	case *ast.SelectorExpr:
		name = x.Sel.Name
	}
	return len(name) > 1 && name[0] == 'E' && strings.ToUpper(name) == name
}

// constString is the value of a string literal, or of literals joined by +.
func constString(e ast.Expr) (string, bool) {
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(x.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if x.Op != token.ADD {
			return "", false
		}
		a, ok1 := constString(x.X)
		b, ok2 := constString(x.Y)
		return a + b, ok1 && ok2
	case *ast.ParenExpr:
		return constString(x.X)
	}
	return "", false
}

var verbRE = regexp.MustCompile(`%(\[\d+\])?[-+#0]?\d*(\.\d+)?[sdvqfxXgtc%]`)

// verbs returns a format's verbs, in argument order (%[2]s counts as the
// second), so a translation that reorders them still matches.
func verbs(s string) []string {
	var out []string
	next := 1
	for _, v := range verbRE.FindAllString(s, -1) {
		if v == "%%" {
			continue
		}
		n := next
		if m := regexp.MustCompile(`^%\[(\d+)\]`).FindStringSubmatch(v); m != nil {
			n, _ = strconv.Atoi(m[1])
			v = "%" + v[len(m[0]):]
		}
		out = append(out, strconv.Itoa(n)+v)
		next = n + 1
	}
	sort.Strings(out)
	return out
}

// TestGermanComplete fails when a sentence of the screens has no German
// translation, when a translation loses or adds a placeholder, and when
// de.json keeps a sentence no screen shows any more.
func TestGermanComplete(t *testing.T) {
	b, err := os.ReadFile("translations/de.json")
	if err != nil {
		t.Fatal(err)
	}
	var de map[string]string
	if err := json.Unmarshal(b, &de); err != nil {
		t.Fatalf("de.json: %v", err)
	}
	keys := translationKeys(t)
	if len(keys) < 500 {
		t.Fatalf("only %d sentences found: is the scan broken?", len(keys))
	}
	var missing []string
	for k, where := range keys {
		v, ok := de[translationKey(k)]
		if !ok || strings.TrimSpace(v) == "" && strings.TrimSpace(k) != "" {
			missing = append(missing, where+": "+strconv.Quote(k))
			continue
		}
		if a, b := strings.Join(verbs(k), " "), strings.Join(verbs(v), " "); a != b {
			t.Errorf("%s: %q has placeholders %s, its German %q has %s", where, k, a, v, b)
		}
		if strings.Contains(v, "{{") {
			t.Errorf("%s: the German of %q holds a template", where, k)
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("no German for %s", m)
	}
	used := map[string]bool{}
	for k := range keys {
		used[translationKey(k)] = true
	}
	for k := range de {
		if !used[k] {
			t.Errorf("de.json translates %q, which no screen shows", k)
		}
	}
}

// shownText is every label's, button's and rich text's text under obj.
func shownText(obj fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		case *widget.Button:
			b.WriteString(w.Text + "\n")
		case *widget.Check:
			b.WriteString(w.Text + "\n")
		case *widget.RichText:
			b.WriteString(w.String() + "\n")
		case *canvas.Text:
			b.WriteString(w.Text + "\n")
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, k := range c.Objects {
				walk(k)
			}
		}
		if w, ok := o.(fyne.Widget); ok {
			if r := test.WidgetRenderer(w); r != nil {
				for _, k := range r.Objects() {
					walk(k)
				}
			}
		}
	}
	walk(obj)
	return b.String()
}

// TestGermanScreens starts this test again on a German system (LANG
// de_DE) and looks at the register, the reconciliation and the set-up in
// German, with German money and dates.
func TestGermanScreens(t *testing.T) {
	if os.Getenv("TALLY_TEST_GERMAN") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestGermanScreens$", "-test.v")
		cmd.Env = append(os.Environ(), "TALLY_TEST_GERMAN=1", "LANG=de_DE.UTF-8", "LC_ALL=", "LC_MESSAGES=", "LANGUAGE=")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestGermanScreens") {
			t.Fatalf("on a German system: %v\n%s", err, out)
		}
		return
	}
	if !german() {
		t.Fatalf("LANG=de_DE.UTF-8 but the screens are not German (locale %s)", lang.SystemLocale())
	}
	if got := moneyText(domain.New(-123456789, domain.MustCurrency("EUR"))); got != "-1.234.567,89 €" {
		t.Errorf("German money: %q", got)
	}
	if got := moneyText(domain.New(1250, domain.MustCurrency("CHF"))); got != "12,50 CHF" {
		t.Errorf("German money in francs: %q", got)
	}
	if got := localAmount(500, domain.MustCurrency("JPY")); got != "500" {
		t.Errorf("yen: %q", got)
	}
	if got := dateText(time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)); got != "31.12.2026" {
		t.Errorf("German date: %q", got)
	}
	f := newFixture(t)
	f.shell.Show("Register")
	reg := shownText(f.shell.content)
	for _, w := range []string{"Bar (F9)", "Karte (F10)", "QR-Code (F11)", "Neuer Verkauf (F12)", "Tagesabschluss (F8)", "Summe", "0,00 €"} {
		if !strings.Contains(reg, w) {
			t.Errorf("the register in German lacks %q:\n%s", w, reg)
		}
	}
	if nav := shownText(f.shell.nav); !strings.Contains(nav, "Abgleich") || !strings.Contains(nav, "Einstellungen") {
		t.Errorf("navigation in German:\n%s", nav)
	}
	f.shell.Show("Reconciliation")
	rec := shownText(f.shell.content)
	for _, w := range []string{"Zeilen buchen", "Stripe-Export importieren…", "Von Stripe abrufen", "Noch keine Kontoauszugszeilen"} {
		if !strings.Contains(rec, w) {
			t.Errorf("the reconciliation in German lacks %q:\n%s", w, rec)
		}
	}
	w, _ := setupOn(t, f)
	test.Tap(w.next)
	if !strings.Contains(w.title.Text, "Schritt 1 von 3: Ihr Geschäft") || !strings.Contains(w.shop.errs["shop_name"].Text, "Geben Sie den Namen des Geschäfts an") {
		t.Errorf("the set-up in German: %q, %q", w.title.Text, w.shop.errs["shop_name"].Text)
	}
	// Messages kept with a payment as English text, said again in German,
	// with the messages inside them.
	for en, want := range map[string]string{
		"Cash 20.00 EUR taken. Change: 2.40 EUR.": "20,00 € bar kassiert. Wechselgeld: 2,40 €.",
		"The card reader is offline. Check that it is powered, its battery is over 10 %, and it is on a secured network that reaches Stripe. Nothing is charged yet: press Check status to go on (the same request is sent again, never a second payment).": "Das Kartenterminal ist offline. Prüfen Sie, ob es eingeschaltet ist, sein Akku über 10 % hat und es in einem gesicherten Netz ist, das Stripe erreicht. Noch ist nichts belastet: Drücken Sie Status prüfen, um weiterzumachen (dieselbe Anfrage wird erneut gesendet, nie eine zweite Zahlung).",
		"Sale #3, 7.60 EUR by Card reader: paid. Paid by Visa •••• 4242.": "Verkauf Nr. 3, 7.60 EUR per Card reader: bezahlt. Bezahlt mit Visa •••• 4242.",
		"Something Tally never wrote.":                                    "Something Tally never wrote.",
	} {
		if got := sayText(en); got != want {
			t.Errorf("sayText(%q)\n = %q\nwant %q", en, got, want)
		}
	}
	// The doctor's checks, said in German on the Diagnostics screen.
	cs := f.svc.Doctor.Run(context.Background())
	if len(cs) == 0 || checkName(cs[0]) != "Stripe" || !strings.HasPrefix(checkDetail(cs[0]), "Demomodus: Tally läuft") {
		t.Errorf("the first check in German: %+v", cs)
	}
	// A message made below the screens, with its values and a doubled %.
	if got := errText(domain.Errorf(domain.EINVALID, "%s: a discount is from 0 to 100 %%.", "Espresso")); got != "Espresso: Ein Rabatt liegt zwischen 0 und 100 %." {
		t.Errorf("a domain message in German: %q", got)
	}
	if got := errText(domain.WrapError(domain.EUNAVAILABLE, "The card reader is offline. Check that it is powered, its battery is over 10 %, and it is on a secured network that reaches Stripe.", nil)); !strings.HasPrefix(got, "Das Kartenterminal ist offline") || !strings.Contains(got, "über 10 % hat") {
		t.Errorf("a wrapped message in German: %q", got)
	}
}
