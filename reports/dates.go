package reports

import (
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
// with or without seconds, Unix seconds, and slash dates in order.
func parseTime(v string, loc *time.Location, order domain.DateOrder) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	for _, l := range isoLayouts {
		if t, err := time.ParseInLocation(l, v, loc); err == nil {
			return t, nil
		}
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && len(v) >= 9 && len(v) <= 10 {
		return time.Unix(n, 0).UTC(), nil
	}
	for _, l := range []string{"2006/01/02 15:04:05", "2006/01/02 15:04", "2006/01/02"} {
		if t, err := time.ParseInLocation(l, v, loc); err == nil {
			return t, nil
		}
	}
	if strings.Contains(v, "/") {
		return parseSlash(v, loc, order)
	}
	return time.Time{}, domain.Errorf(domain.EINVALID, "%q is not a date Tally can read (expected for example 2025-11-03 16:00:00)", v)
}

// slashParts splits "31/12/2025 15:04[:05]" into its numbers.
func slashParts(v string) (a, b, y int, clock string, ok bool) {
	date, clock, _ := strings.Cut(strings.TrimSpace(v), " ")
	p := strings.Split(date, "/")
	if len(p) != 3 {
		return 0, 0, 0, "", false
	}
	var err error
	if a, err = strconv.Atoi(p[0]); err != nil {
		return 0, 0, 0, "", false
	}
	if b, err = strconv.Atoi(p[1]); err != nil {
		return 0, 0, 0, "", false
	}
	if y, err = strconv.Atoi(p[2]); err != nil {
		return 0, 0, 0, "", false
	}
	if a > 31 { // year first, 2025/12/31: not a day/month question
		return 0, 0, 0, "", false
	}
	return a, b, y, strings.TrimSpace(clock), true
}

func parseSlash(v string, loc *time.Location, order domain.DateOrder) (time.Time, error) {
	a, b, y, clock, ok := slashParts(v)
	if !ok {
		return time.Time{}, domain.Errorf(domain.EINVALID, "%q is not a date Tally can read", v)
	}
	day, month := a, b
	if order == domain.DateMonthFirst {
		day, month = b, a
	}
	if y < 100 {
		y += 2000
	}
	h, m, s := 0, 0, 0
	if clock != "" {
		parts := strings.Split(clock, ":")
		nums := []*int{&h, &m, &s}
		for i, p := range parts {
			if i > 2 {
				break
			}
			n, err := strconv.Atoi(p)
			if err != nil {
				return time.Time{}, domain.Errorf(domain.EINVALID, "%q has a time Tally cannot read", v)
			}
			*nums[i] = n
		}
	}
	if month < 1 || month > 12 || day < 1 || day > 31 || h > 23 || m > 59 || s > 60 {
		return time.Time{}, domain.Errorf(domain.EINVALID, "%q is not a valid date read %s", v, order)
	}
	t := time.Date(y, time.Month(month), day, h, m, s, 0, loc)
	if t.Day() != day {
		return time.Time{}, domain.Errorf(domain.EINVALID, "%q is not a valid date read %s", v, order)
	}
	return t, nil
}

// orderOf says what a slash date proves about the order, if anything.
func orderOf(v string) domain.DateOrder {
	a, b, _, _, ok := slashParts(v)
	switch {
	case !ok:
		return domain.DateAuto
	case a > 12 && b <= 12:
		return domain.DateDayFirst
	case b > 12 && a <= 12:
		return domain.DateMonthFirst
	}
	return domain.DateAuto
}

// decideOrder settles the file's date order from the first slash date on,
// reading rows ahead (kept for Next) until one date can only be read one
// way. If none can, it returns domain.ErrAmbiguousDates.
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
		return domain.ErrAmbiguousDates
	}
	return nil
}

// spanOf is the time between the earliest and latest date of column i read
// in order, or -1 if some date does not read that way.
func spanOf(first string, rows []pendingRow, i int, order domain.DateOrder) time.Duration {
	lo, err := parseSlash(first, time.UTC, order)
	if err != nil {
		return -1
	}
	hi := lo
	for _, p := range rows {
		if i >= len(p.cells) || strings.TrimSpace(p.cells[i]) == "" {
			continue
		}
		t, err := parseSlash(strings.TrimSpace(p.cells[i]), time.UTC, order)
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
