package reports

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"tally/domain"
)

// aheadLimit bounds how many rows are held while deciding the date order.
const aheadLimit = 200_000

var isoLayouts = []string{
	"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05 -0700", "2006-01-02",
}

// parseTime reads the date forms Stripe and spreadsheets write: ISO dates
// with or without seconds, Unix seconds, and the local forms a spreadsheet
// re-save leaves (31/12/2025, 12/31/2025 3:04 PM, 31.12.2025 15:04,
// 31-12-2025), the day/month ones read in order.
func parseTime(v string, loc *time.Location, order domain.DateOrder) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	if t, ok := parseStripeTime(v, loc); ok {
		return t, nil
	}
	for _, l := range isoLayouts {
		if t, err := time.ParseInLocation(l, v, loc); err == nil {
			return t, nil
		}
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && len(v) >= 9 && len(v) <= 10 {
		return time.Unix(n, 0).UTC(), nil
	}
	if _, ok := splitDate(v); ok {
		return parseLocalDate(v, loc, order)
	}
	return time.Time{}, domain.Errorf(domain.EINVALID, "%q is not a date Tally can read (expected for example 2025-11-03 16:00:00)", v)
}

// parseStripeTime reads "2025-11-03 16:00:05", the form of every date in
// Stripe's reports, without time.Parse's generality: an import reads two
// per line.
func parseStripeTime(v string, loc *time.Location) (time.Time, bool) {
	if len(v) != 19 || v[4] != '-' || v[7] != '-' || v[10] != ' ' || v[13] != ':' || v[16] != ':' {
		return time.Time{}, false
	}
	num := func(i, n int) int {
		x := 0
		for _, c := range []byte(v[i : i+n]) {
			if c < '0' || c > '9' {
				return -1
			}
			x = x*10 + int(c-'0')
		}
		return x
	}
	y, mo, d, h, mi, s := num(0, 4), num(5, 2), num(8, 2), num(11, 2), num(14, 2), num(17, 2)
	if y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, s, 0, loc)
	if t.Day() != d {
		return time.Time{}, false // 2025-02-30: left to time.Parse, which refuses it
	}
	return t, true
}

// localDate is a date as a spreadsheet writes it, split into its numbers.
type localDate struct {
	a, b, y   int  // day and month in either order, then the year
	yearFirst bool // 2025/12/31: a is the month, b the day
	dayFirst  bool // 31.12.2025: the dotted form is always day first
	clock     string
}

// splitDate splits "31/12/2025 15:04[:05] [PM]" (separators '/', '.' or
// '-') into its numbers.
func splitDate(v string) (localDate, bool) {
	var d localDate
	date, clock, _ := strings.Cut(strings.TrimSpace(v), " ")
	d.clock = strings.TrimSpace(clock)
	sep := strings.IndexAny(date, "/.-")
	if sep < 0 {
		return d, false
	}
	p := strings.Split(date, date[sep:sep+1])
	if len(p) != 3 {
		return d, false
	}
	var n [3]int
	for i, s := range p {
		if s == "" || len(s) > 4 || !allDigits(s) {
			return d, false
		}
		n[i], _ = strconv.Atoi(s)
	}
	if len(p[0]) == 4 { // 2025/12/31
		d.y, d.a, d.b, d.yearFirst = n[0], n[1], n[2], true
		return d, true
	}
	if len(p[2]) != 4 && len(p[2]) != 2 {
		return d, false
	}
	d.a, d.b, d.y = n[0], n[1], n[2]
	d.dayFirst = date[sep] == '.'
	return d, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// needsOrder says whether v is a day/month date whose order the file must
// settle (31.12.2025 and 2025/12/31 never need it).
func needsOrder(v string) bool {
	if len(v) > 4 && (v[4] == '-' || v[4] == '/' || v[4] == '.') {
		return false // year first, as Stripe writes its dates: the common case, kept cheap
	}
	d, ok := splitDate(v)
	return ok && !d.yearFirst && !d.dayFirst
}

func parseLocalDate(v string, loc *time.Location, order domain.DateOrder) (time.Time, error) {
	d, ok := splitDate(v)
	if !ok {
		return time.Time{}, domain.Errorf(domain.EINVALID, "%q is not a date Tally can read", v)
	}
	day, month := d.a, d.b
	switch {
	case d.yearFirst:
		day, month = d.b, d.a
	case d.dayFirst:
	case order == domain.DateMonthFirst:
		day, month = d.b, d.a
	}
	y := d.y
	if y < 100 {
		y += 2000
	}
	h, m, s, err := parseClock(d.clock)
	if err != nil {
		return time.Time{}, domain.Errorf(domain.EINVALID, "%q has a time Tally cannot read", v)
	}
	if month < 1 || month > 12 || day < 1 || day > 31 {
		if d.yearFirst || d.dayFirst {
			return time.Time{}, domain.Errorf(domain.EINVALID, "%q is not a valid date", v)
		}
		return time.Time{}, domain.Errorf(domain.EINVALID, "%q is not a valid date read %s", v, order)
	}
	t := time.Date(y, time.Month(month), day, h, m, s, 0, loc)
	if t.Day() != day {
		return time.Time{}, domain.Errorf(domain.EINVALID, "%q is not a valid date", v)
	}
	return t, nil
}

// parseClock reads "15:04", "15:04:05", "3:04 PM" or "" (midnight).
func parseClock(clock string) (h, m, s int, err error) {
	if clock == "" {
		return 0, 0, 0, nil
	}
	pm, am := false, false
	upper := strings.ToUpper(clock)
	switch {
	case strings.HasSuffix(upper, "PM"):
		pm, clock = true, strings.TrimSpace(clock[:len(clock)-2])
	case strings.HasSuffix(upper, "AM"):
		am, clock = true, strings.TrimSpace(clock[:len(clock)-2])
	}
	parts := strings.Split(clock, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, 0, 0, errBadClock
	}
	nums := []*int{&h, &m, &s}
	for i, p := range parts {
		// Seconds may carry a fraction ("05.000"): whole seconds are kept.
		if i == 2 {
			p, _, _ = strings.Cut(p, ".")
		}
		if p == "" || len(p) > 2 || !allDigits(p) {
			return 0, 0, 0, errBadClock
		}
		*nums[i], _ = strconv.Atoi(p)
	}
	if am || pm {
		if h < 1 || h > 12 {
			return 0, 0, 0, errBadClock
		}
		if h == 12 {
			h = 0
		}
		if pm {
			h += 12
		}
	}
	if h > 23 || m > 59 || s > 59 {
		return 0, 0, 0, errBadClock
	}
	return h, m, s, nil
}

var errBadClock = errors.New("bad clock")

// orderOf says what a day/month date proves about the order, if anything.
func orderOf(v string) domain.DateOrder {
	d, ok := splitDate(v)
	switch {
	case !ok || d.yearFirst || d.dayFirst:
		return domain.DateAuto
	case d.a > 12 && d.b <= 12:
		return domain.DateDayFirst
	case d.b > 12 && d.a <= 12:
		return domain.DateMonthFirst
	}
	return domain.DateAuto
}

// decideOrder settles the file's date order from the first slash date on,
// reading rows ahead (kept for Next) until one date can only be read one
// way. If none can, it returns an error wrapping domain.ErrAmbiguousDates
// that shows v.
func (r *Reader) decideOrder(col, v string) error {
	if o := orderOf(v); o != domain.DateAuto {
		r.order = o
		return nil
	}
	i := r.h.pos[col]
	check := func(cells []string) domain.DateOrder {
		if i < len(cells) {
			return orderOf(strings.TrimSpace(cells[i]))
		}
		return domain.DateAuto
	}
	for _, p := range r.ahead {
		if o := check(p.cells); o != domain.DateAuto {
			r.order = o
			return nil
		}
	}
	for len(r.ahead) < aheadLimit {
		cells, line, err := r.src.next()
		if err == io.EOF {
			break
		} else if err != nil {
			return err
		}
		r.ahead = append(r.ahead, pendingRow{cells: cells, line: line})
		if o := check(cells); o != domain.DateAuto {
			r.order = o
			return nil
		}
	}
	// Every date reads both ways. A Stripe export covers one period, so the
	// reading whose dates lie far closer together is the file's order (ten
	// dates within a week, not on the 12th of ten different months).
	dayFirst, monthFirst := spanOf(v, r.ahead, i, domain.DateDayFirst), spanOf(v, r.ahead, i, domain.DateMonthFirst)
	switch {
	case dayFirst >= 0 && monthFirst >= 0 && dayFirst*10 < monthFirst:
		r.order = domain.DateDayFirst
	case dayFirst >= 0 && monthFirst >= 0 && monthFirst*10 < dayFirst:
		r.order = domain.DateMonthFirst
	default:
		return domain.WrapError(domain.EINVALID, fmt.Sprintf(
			"Every date in this file reads both ways: %s could be day first (31/12) or month first (12/31). Say which order the file uses.", v),
			domain.ErrAmbiguousDates)
	}
	return nil
}

// spanOf is the time between the earliest and latest date of column i read
// in order, or -1 if some date does not read that way.
func spanOf(first string, rows []pendingRow, i int, order domain.DateOrder) time.Duration {
	lo, err := parseLocalDate(first, time.UTC, order)
	if err != nil {
		return -1
	}
	hi := lo
	for _, p := range rows {
		if i >= len(p.cells) || strings.TrimSpace(p.cells[i]) == "" {
			continue
		}
		t, err := parseLocalDate(strings.TrimSpace(p.cells[i]), time.UTC, order)
		if err != nil {
			return -1
		}
		if t.Before(lo) {
			lo = t
		}
		if t.After(hi) {
			hi = t
		}
	}
	return hi.Sub(lo)
}
