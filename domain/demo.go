package domain

import (
	"context"
	"time"
)

// SeedDemo gives the demo books what trying the register needs: a card
// reader method on the simulated reader, a QR code method, and a few
// products with quick keys. It adds only what is missing, and only in demo
// mode: test and live books are set up by the owner.
func SeedDemo(ctx context.Context, reg *RegisterService, readers *ReaderService, methods *PaymentMethodService) error {
	if reg.Connection.Mode() != ModeDisabled {
		return nil
	}
	v, err := methods.List(ctx)
	if err != nil {
		return err
	}
	has := map[MethodKind]bool{}
	for _, m := range v.Methods {
		if !m.Archived {
			has[m.Kind] = true
		}
	}
	if !has[MethodCardReader] {
		rv, err := readers.Refresh(ctx)
		if err != nil {
			return err
		}
		if len(rv.Readers) > 0 {
			if _, err := methods.Save(ctx, PaymentMethod{Name: "Card reader", Kind: MethodCardReader, ReaderID: rv.Readers[0].ID,
				CaptureMethod: CaptureAutomatic, OutstandingAccount: AcctOutstandingReceipts}); err != nil {
				return err
			}
		}
	}
	if !has[MethodQRLink] {
		if _, err := methods.Save(ctx, PaymentMethod{Name: "QR code", Kind: MethodQRLink, PageLifetime: time.Hour,
			SuccessMessage: "Thank you! Show this screen at the till.", OutstandingAccount: AcctOutstandingReceipts}); err != nil {
			return err
		}
	}
	ps, err := reg.Products(ctx)
	if err != nil || len(ps) > 0 {
		return err
	}
	rs, err := reg.RegisterSettings(ctx)
	if err != nil {
		return err
	}
	if rs.DefaultTaxRate == 0 {
		rs.DefaultTaxRate = 230000
		if err := reg.SaveRegisterSettings(ctx, rs); err != nil {
			return err
		}
	}
	for _, p := range []struct {
		name    string
		price   int64
		tax     TaxRate
		barcode string
	}{
		{"Espresso", 250, 135000, "2000000000015"}, {"Cappuccino", 380, 135000, "2000000000022"}, {"Flat white", 420, 135000, ""},
		{"Croissant", 295, 135000, "2000000000039"}, {"Sandwich", 750, 135000, ""}, {"Orange juice", 450, 230000, ""},
		{"Sparkling water", 220, 230000, "5000112637922"}, {"Coffee beans 250 g", 1290, 0, "2000000000046"},
	} {
		if _, err := reg.SaveProduct(ctx, Product{Name: p.name, Price: Money{Amount: p.price, Currency: rs.Currency}, TaxRate: p.tax, Barcode: p.barcode, QuickKey: true}); err != nil {
			return err
		}
	}
	return nil
}
