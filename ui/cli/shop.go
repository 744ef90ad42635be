package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"tally/domain"
)

// ShopUsage documents `tally shop`.
const ShopUsage = `tally shop [--db PATH] [--name NAME --country CC [--currency CUR] [--time-zone ZONE]]
           [--street STREET --postal-code CODE --city TOWN] [--vat VATNUMBER] [--skip-setup]
  Without options, prints the shop's details. With --name and --country, sets
  them (the currency and time zone default to the country's) and marks the
  first-run set-up done, as finishing it in the app does: for installing many
  tills by script. The address and VAT number are printed on every receipt;
  options not given keep what is set. --skip-setup only marks the set-up done.`

// Shop runs `tally shop`.
func Shop(ctx context.Context, svc Services, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("shop", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	name := fs.String("name", "", "")
	country := fs.String("country", "", "")
	currency := fs.String("currency", "", "")
	zone := fs.String("time-zone", "", "")
	street := fs.String("street", "", "")
	postal := fs.String("postal-code", "", "")
	city := fs.String("city", "", "")
	vat := fs.String("vat", "", "")
	skip := fs.Bool("skip-setup", false, "")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			fmt.Fprintln(stdout, ShopUsage)
			return nil
		}
		return fmt.Errorf("%v\n\n%s", err, ShopUsage)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unknown argument %s\n\n%s", fs.Arg(0), ShopUsage)
	}
	set := *name != "" || *country != "" || *currency != "" || *zone != "" || *street != "" || *postal != "" || *city != "" || *vat != ""
	if set {
		// What is not given stays as it is.
		sh, err := svc.Settings.Shop(ctx)
		if err != nil {
			return err
		}
		for _, f := range []struct {
			to  *string
			val string
		}{{&sh.Name, *name}, {&sh.TimeZone, *zone}, {&sh.Street, *street}, {&sh.PostalCode, *postal}, {&sh.City, *city}, {&sh.VATID, *vat}} {
			if f.val != "" {
				*f.to = f.val
			}
		}
		if *country != "" {
			sh.Country = strings.ToUpper(*country)
		}
		c, ok := domain.CountryOf(*country)
		if ok && *zone == "" {
			sh.TimeZone = c.TimeZone
		}
		code := *currency
		if code == "" && ok {
			code = c.Currency
		}
		if code != "" {
			cur, err := domain.CurrencyOf(strings.ToUpper(code))
			if err != nil {
				return domain.Errorf(domain.EINVALID, "%s is not a currency Tally knows: give its three-letter ISO code, for example EUR.", code)
			}
			sh.Currency = cur
		}
		if _, err := svc.Settings.SaveShop(ctx, sh); err != nil {
			return err
		}
	}
	if set || *skip {
		if err := svc.Settings.FinishSetup(ctx); err != nil {
			return err
		}
	}
	sh, err := svc.Settings.Shop(ctx)
	if err != nil {
		return err
	}
	done := "not done yet: it shows at the next start"
	if !sh.SetUpAt.IsZero() {
		done = "done " + sh.SetUpAt.Local().Format("2006-01-02 15:04")
	}
	fmt.Fprintf(stdout, "shop:      %s\naddress:   %s\nVAT no.:   %s\ncountry:   %s\ncurrency:  %s\ntime zone: %s\nset-up:    %s\n",
		orNone(sh.Name), orNone(strings.Join(sh.AddressLines(), ", ")), orNone(sh.VATID), orNone(sh.Country), orNone(sh.Currency.Code()), orNone(sh.TimeZone), done)
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
