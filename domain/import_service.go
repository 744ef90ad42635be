package domain

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// maxReportedErrors bounds the bad rows an import lists; it still counts all.
const maxReportedErrors = 1000

// ImportService imports Stripe statement files into the journal's lines.
type ImportService struct {
	Store  Store
	Parser StatementParser
	Clock  Clock
	// ShopCurrency, when set, says the shop's currency (Settings) for a
	// payments export without a currency column; zero when unknown.
	ShopCurrency func(ctx context.Context) Currency
}

// ImportRequest is one file to import.
type ImportRequest struct {
	Name    string // file name, shown in messages; its zone suffix is read
	Reader  io.Reader
	Options ImportOptions
	// Progress, when set, is called every few thousand rows with the count
	// so far, from the goroutine that parses the file.
	Progress func(rows int)
}

// ImportResult says what an import did.
type ImportResult struct {
	File   string
	Format StatementFormat
	// Lines is the number of data rows; New how many of them were not
	// stored before (for payment exports: new payment records).
	Lines, New int
	// Summary rows of a balance summary.
	Summary []SummaryRow
	// Assumed is the shop's currency, taken for a payments export without a
	// currency column.
	Assumed Currency
}

// String is the one-line report: "312 lines, 0 new".
func (r ImportResult) String() string {
	s := r.text()
	if !r.Assumed.IsZero() {
		s += fmt.Sprintf(" The file has no currency column: its amounts were read as %s, the shop's currency in Settings.", r.Assumed.Code())
	}
	return s
}

func (r ImportResult) text() string {
	switch r.Format.Kind {
	case KindNotBooked:
		return fmt.Sprintf("%s: %d rows, not booked. %s", r.Format.Name, r.Lines, r.Format.Why)
	case KindSummary:
		return fmt.Sprintf("%s: %d rows, %d new (kept to check the period's balance)", r.Format.Name, r.Lines, r.New)
	case KindPayments:
		return fmt.Sprintf("%s: %d payments, %d new (payment records to match against; they book nothing by themselves)", r.Format.Name, r.Lines, r.New)
	case KindPayouts:
		return fmt.Sprintf("%s: %d payouts, %d new (they check the payout lines, amount and status; they book nothing)", r.Format.Name, r.Lines, r.New)
	}
	if r.Lines == 1 {
		return fmt.Sprintf("%s: 1 line, %d new", r.Format.Name, r.New)
	}
	return fmt.Sprintf("%s: %d lines, %d new", r.Format.Name, r.Lines, r.New)
}

// Import reads the file and stores its rows in one transaction: all or
// nothing. Bad rows are collected, every one, into a *ParseErrors and
// nothing is written. Cancelling ctx stops the import and writes nothing.
func (s *ImportService) Import(ctx context.Context, req ImportRequest) (ImportResult, error) {
	if req.Options.Currency.IsZero() && req.Options.ShopCurrency.IsZero() && s.ShopCurrency != nil {
		req.Options.ShopCurrency = s.ShopCurrency(ctx)
	}
	rd, err := s.Parser.Open(ctx, req.Name, req.Reader, req.Options)
	if err != nil {
		return ImportResult{File: req.Name}, err
	}
	defer rd.Close()
	return s.importRecords(ctx, req.Name, rd, req.Progress)
}

// importRecords stores what rd yields, as Import describes.
func (s *ImportService) importRecords(ctx context.Context, name string, rd StatementReader, progress func(int)) (ImportResult, error) {
	res := ImportResult{File: name}
	var err error
	res.Format = rd.Format()
	if res.Format.Kind == KindNotBooked {
		// Read it all, so that a damaged file still says so.
		for {
			_, err := rd.Next()
			if err == io.EOF {
				return res, nil
			} else if err != nil {
				return res, fmt.Errorf("%s: %w", name, err)
			}
			res.Lines++
		}
	}
	r := &batchReader{rd: rd, progress: progress, perrs: &ParseErrors{File: name}}
	err = s.Store.Update(ctx, func(tx Tx) error {
		id, err := tx.BeginImport(name, res.Format, s.Clock.Now())
		if err != nil {
			return err
		}
		batches := make(chan parsedBatch, 4)
		stop := make(chan struct{})
		go r.run(tx, id, batches, stop)
		defer func() {
			close(stop)
			for range batches { // let the reader finish
			}
		}()
		for b := range batches {
			if err := ctx.Err(); err != nil {
				return err
			}
			res.Lines += len(b.recs)
			for _, rec := range b.recs {
				switch {
				case rec.Payment != nil:
					isNew, err := tx.InsertPaymentRecord(id, rec.Payment)
					if err != nil {
						return err
					}
					if isNew {
						res.New++
					}
				case rec.Payout != nil:
					isNew, err := tx.InsertPayoutRow(id, rec.Payout)
					if err != nil {
						return err
					}
					if isNew {
						res.New++
					}
				case rec.Summary != nil:
					res.Summary = append(res.Summary, *rec.Summary) // stored whole, below
				}
			}
			if b.lines != nil {
				n, err := tx.InsertPrepared(b.lines)
				if err != nil {
					return err
				}
				res.New += n
			}
		}
		// batches is closed: the reader is done and its results are ours.
		if r.err != nil {
			return r.err
		}
		if r.bad > 0 {
			return r.perrs
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if len(res.Summary) > 0 {
			isNew, err := tx.InsertSummary(id, res.Summary)
			if err != nil {
				return err
			}
			if isNew {
				res.New += len(res.Summary)
			}
		}
		res.Assumed = rd.Assumed()
		return tx.FinishImport(id, res.Lines, res.New)
	})
	if err != nil {
		if r.bad > len(r.perrs.Errors) {
			r.perrs.Errors = append(r.perrs.Errors, &ParseError{Err: Errorf(EINVALID, "%d more bad rows not listed", r.bad-len(r.perrs.Errors))})
		}
		return ImportResult{File: name, Format: res.Format}, err
	}
	return res, nil
}

// importBatch is how many records travel from the parser to the writer at once.
const importBatch = 512

// parsedBatch is what the parsing goroutine hands the writing one: the
// records, and their statement lines prepared for the store.
type parsedBatch struct {
	recs  []StatementRecord
	lines PreparedLines // nil: no statement lines
}

// batchReader parses a file on its own goroutine, so that parsing runs on
// one core while the transaction writes on the other. Its fields are the
// goroutine's until it closes its batches.
type batchReader struct {
	rd       StatementReader
	progress func(rows int)
	perrs    *ParseErrors // the bad rows, up to maxReportedErrors
	bad      int          // how many bad rows
	err      error        // why reading stopped, other than bad rows
}

// run sends the file's good records in batches, their statement lines
// prepared by tx, until the file ends or stop is closed; then it closes
// out. After the first bad row it sends nothing more, and reads on only to
// find the other bad rows.
func (r *batchReader) run(tx Tx, importID int64, out chan<- parsedBatch, stop <-chan struct{}) {
	defer close(out)
	b := parsedBatch{recs: make([]StatementRecord, 0, importBatch)}
	var lines []StatementLine
	send := func() bool {
		lines = lines[:0]
		for i := range b.recs {
			if l := b.recs[i].Balance; l != nil {
				lines = append(lines, *l)
			}
		}
		if len(lines) > 0 {
			b.lines = tx.PrepareLines(importID, lines)
		}
		select {
		case out <- b:
			b = parsedBatch{recs: make([]StatementRecord, 0, importBatch)}
			return true
		case <-stop:
			return false
		}
	}
	rows := 0
	for {
		rec, err := r.rd.Next()
		if err == io.EOF {
			break
		}
		var pe *ParseError
		if errors.As(err, &pe) {
			r.addBad(pe)
			continue
		} else if err != nil {
			r.err = err
			return
		}
		rows++
		if rows%4096 == 0 && r.progress != nil {
			r.progress(rows)
		}
		if rec.Balance != nil {
			if err := rec.Balance.Validate(); err != nil {
				r.addBad(&ParseError{Line: rec.Line, Err: err})
				continue
			}
		}
		if r.bad > 0 {
			continue // nothing will be written: just find the other bad rows
		}
		b.recs = append(b.recs, rec)
		if len(b.recs) == importBatch && !send() {
			return
		}
	}
	if len(b.recs) > 0 {
		send()
	}
}

func (r *batchReader) addBad(pe *ParseError) {
	r.bad++
	if len(r.perrs.Errors) < maxReportedErrors {
		r.perrs.Errors = append(r.perrs.Errors, pe)
	}
}
