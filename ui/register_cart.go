package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"tally/domain"
)

// The cart: scanning, quick keys, lines, quantities and discounts.

// productKey is a product's button on the register, kept while its text
// holds: the grid is filled again at every key the scanner types, and
// new buttons each time cost their renderers (held by Fyne for a minute).
type productKey struct {
	text string
	b    *widget.Button
}

// showKeys fills the grid: quick keys, or the products matching the text.
func (s *registerScreen) showKeys() {
	if s.keys == nil {
		return
	}
	q := strings.ToLower(strings.TrimSpace(s.scan.Text))
	_, q, _ = splitQuantity(q)
	var objs []fyne.CanvasObject
	kept := make(map[int64]*productKey, len(s.products))
	for _, p := range s.products {
		if q == "" && !p.QuickKey {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(p.Name), q) && p.Barcode != q {
			continue
		}
		p := p
		text := p.Name + T("\n") + s.money(p.Price.Amount)
		k := s.keyBtns[p.ID]
		if k == nil || k.text != text || p.ID == 0 {
			k = &productKey{text: text}
			k.b = widget.NewButton(text, nil)
		}
		k.b.OnTapped = func() { s.addProduct(p, 1) }
		kept[p.ID] = k
		objs = append(objs, k.b)
	}
	// The buttons not shown now stay for the next key, unless their product is gone.
	for id, k := range s.keyBtns {
		if _, ok := kept[id]; !ok && slices.ContainsFunc(s.products, func(p domain.Product) bool { return p.ID == id }) {
			kept[id] = k
		}
	}
	s.keyBtns = kept
	if len(objs) == 0 {
		msg := T("No quick keys yet: add products with Products… and tick Quick key.")
		if q != "" {
			msg = T("No product matches. Press F4 to ring it up as an amount.")
		}
		if s.noKeys == nil {
			l := widget.NewLabel("")
			l.Wrapping = fyne.TextWrapWord
			s.noKeys = l
			s.noKeysBox = container.NewGridWrap(fyne.NewSize(300, 80), l)
		}
		s.noKeys.SetText(msg)
		objs = append(objs, s.noKeysBox)
	}
	if slices.Equal(objs, s.keys.Objects) {
		return // the same buttons: nothing to lay out again
	}
	s.keys.Objects = objs
	s.keys.Refresh()
}

// splitQuantity reads "3*code" as three of code.
func splitQuantity(text string) (int64, string, error) {
	i := strings.IndexByte(text, '*')
	if i <= 0 {
		return 1, text, nil
	}
	q := strings.TrimSpace(text[:i])
	n, err := strconv.ParseInt(q, 10, 64)
	switch {
	case err != nil && strings.Trim(q, "-0123456789") == "":
		return 0, "", userErr(domain.EINVALID, T("%s is too many: a line holds at most %d.", q, maxQuantity))
	case err != nil:
		return 0, "", userErr(domain.EINVALID, T("%q is not a quantity: type a whole number and *, such as 3*, before the code.", q))
	case n <= 0:
		return 0, "", userErr(domain.EINVALID, T("A quantity is at least 1 (%s* was typed): to take a line off, tap its remove button.", q))
	case n > maxQuantity:
		return 0, "", userErr(domain.EINVALID, T("%d is too many: a line holds at most %d.", n, maxQuantity))
	}
	return n, strings.TrimSpace(text[i+1:]), nil
}

// maxQuantity is the most one line holds: more is a typing slip.
const maxQuantity = 9999

// submitScan adds what the scanner typed (a barcode and Enter), or the one
// product whose name matches.
func (s *registerScreen) submitScan() {
	qty, text, err := splitQuantity(strings.TrimSpace(s.scan.Text))
	if err != nil {
		s.status.warn(errText(err))
		return
	}
	if text == "" {
		return
	}
	var match []domain.Product
	for _, p := range s.products {
		if p.Barcode == text {
			match = []domain.Product{p}
			break
		}
		if strings.Contains(strings.ToLower(p.Name), strings.ToLower(text)) {
			match = append(match, p)
		}
	}
	switch len(match) {
	case 1:
		s.addProduct(match[0], qty)
	case 0:
		s.status.warn(T("No product has the code or name %q. Add it under Products…, or press F4 to ring it up as an amount.", text))
	default:
		s.status.info(T("%d products match %q: tap one, or type more of its name.", len(match), text))
	}
}

func (s *registerScreen) editable() bool {
	if s.sale != nil {
		s.status.warn(T("This sale is being paid: finish or cancel the payment, or start a new sale (F12)."))
		return false
	}
	return true
}

func (s *registerScreen) addProduct(p domain.Product, qty int64) {
	if !s.editable() {
		return
	}
	if !p.Price.Currency.IsZero() && p.Price.Currency != s.cart.Currency {
		s.status.warn(T("%s is priced in %s but the register sells in %s: change its price under Products….", p.Name, p.Price.Currency, s.cart.Currency))
		return
	}
	for i, l := range s.cart.Lines {
		if l.ProductID == p.ID && p.ID != 0 && l.Discount == 0 {
			s.cart.Lines[i].Quantity += qty
			s.afterCartChange(i)
			return
		}
	}
	s.cart.Lines = append(s.cart.Lines, domain.SaleLine{ProductID: p.ID, Description: p.Name, Quantity: qty, UnitPrice: p.Price.Amount, TaxRate: p.TaxRate})
	s.afterCartChange(len(s.cart.Lines) - 1)
}

func (s *registerScreen) afterCartChange(line int) {
	s.scan.SetText("")
	s.status.info("")
	s.cart.Totals() // each line's amounts, before the list shows them
	s.cartList.Refresh()
	if line >= 0 && line < len(s.cart.Lines) {
		s.cartList.Select(line)
		s.cartList.ScrollTo(line)
	}
	s.refresh()
	s.focusScan()
}

func (s *registerScreen) newCartRow() fyne.CanvasObject {
	name := widget.NewLabel(T("2 × Cappuccino with oat milk"))
	name.Truncation = fyne.TextTruncateEllipsis
	amount := widget.NewLabel(T("000.00 EUR"))
	amount.Alignment = fyne.TextAlignTrailing
	minus := widget.NewButtonWithIcon("", theme.ContentRemoveIcon(), nil)
	plus := widget.NewButtonWithIcon("", theme.ContentAddIcon(), nil)
	del := widget.NewButtonWithIcon("", theme.DeleteIcon(), nil)
	return container.NewBorder(nil, nil, nil, container.NewHBox(amount, minus, plus, del), name)
}

func (s *registerScreen) updateCartRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(s.cart.Lines) {
		return
	}
	l := s.cart.Lines[id]
	row := o.(*fyne.Container)
	name := row.Objects[0].(*widget.Label)
	btns := row.Objects[1].(*fyne.Container)
	text := fmt.Sprintf("%d × %s", l.Quantity, l.Description)
	if l.Discount > 0 {
		text += " (−" + l.Discount.String() + ")"
	}
	name.SetText(text)
	btns.Objects[0].(*widget.Label).SetText(s.money(l.Total))
	minus, plus, del := btns.Objects[1].(*widget.Button), btns.Objects[2].(*widget.Button), btns.Objects[3].(*widget.Button)
	minus.OnTapped = func() { s.changeQuantity(id, -1) }
	plus.OnTapped = func() { s.changeQuantity(id, 1) }
	del.OnTapped = func() { s.removeLine(id) }
	for _, b := range []*widget.Button{minus, plus, del} {
		if s.sale != nil {
			b.Disable()
		} else {
			b.Enable()
		}
	}
}

func (s *registerScreen) changeQuantity(i int, d int64) {
	if !s.editable() || i >= len(s.cart.Lines) {
		return
	}
	if s.cart.Lines[i].Quantity+d <= 0 {
		s.removeLine(i)
		return
	}
	s.cart.Lines[i].Quantity += d
	s.afterCartChange(i)
}

func (s *registerScreen) removeLine(i int) {
	if !s.editable() || i >= len(s.cart.Lines) {
		return
	}
	s.cart.Lines = append(s.cart.Lines[:i], s.cart.Lines[i+1:]...)
	s.cartList.UnselectAll()
	s.selected = -1
	s.afterCartChange(-1)
}

func discountText(r domain.TaxRate) string {
	if r == 0 {
		return ""
	}
	return strings.TrimSuffix(r.String(), " %")
}

// applyDiscounts reads the two discount fields into the cart.
func (s *registerScreen) applyDiscounts() {
	if s.sale != nil {
		return
	}
	cart, err := domain.ParseDiscount(s.discount.Text)
	if err != nil {
		s.status.warn(T("Cart discount: ") + errText(err))
		s.discountWarned = true
		return
	}
	s.cart.Discount = cart
	if s.selected >= 0 && s.selected < len(s.cart.Lines) {
		line, err := domain.ParseDiscount(s.lineDisc.Text)
		if err != nil {
			s.status.warn(T("Line discount: ") + errText(err))
			s.discountWarned = true
			return
		}
		s.cart.Lines[s.selected].Discount = line
	}
	if s.discountWarned {
		// Corrected: the old warning goes.
		s.discountWarned = false
		s.status.info("")
	}
	s.cart.Totals()
	s.cartList.Refresh()
	s.refresh()
}

func (s *registerScreen) askAmount() {
	if !s.editable() {
		return
	}
	desc := widget.NewEntry()
	desc.SetPlaceHolder(T("What it is (optional)"))
	amount := widget.NewEntry()
	amount.SetPlaceHolder("0.00")
	tax := widget.NewEntry()
	tax.SetText(discountText(s.settings.DefaultTaxRate))
	items := []*widget.FormItem{widget.NewFormItem(T("Amount"), amount), widget.NewFormItem(T("Description"), desc), widget.NewFormItem(T("Tax %"), tax)}
	d := newFormDialog(T("Ring up an amount"), T("Add"), items, func() error {
		v, err := domain.ParseAmount(amount.Text, s.cart.Currency.Exponent())
		if err != nil || v <= 0 {
			return userErr(domain.EINVALID, T("Type an amount over zero, such as 4.50."))
		}
		if most := domain.MaxChargeAmount(s.cart.Currency); v+s.cart.Totals().Total > most {
			return userErr(domain.EINVALID, T("%s is too large: one sale is at most %s, the most Stripe takes in one payment.", s.money(v), s.money(most)))
		}
		rate, err := domain.ParseTaxRate(tax.Text)
		if err != nil {
			return err
		}
		name := strings.TrimSpace(desc.Text)
		if name == "" {
			name = T("Amount")
		}
		s.cart.Lines = append(s.cart.Lines, domain.SaleLine{Description: name, Quantity: 1, UnitPrice: v, TaxRate: rate})
		s.afterCartChange(len(s.cart.Lines) - 1)
		return nil
	}, s.win)
	d.Show()
	s.win.Canvas().Focus(amount)
}
