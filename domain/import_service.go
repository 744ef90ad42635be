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
}

// String is the one-line report: "312 lines, 0 new".
func (r ImportResult) String() string {
	switch r.Format.Kind {
	case KindNotBooked:
		return fmt.Sprintf("%s: %d rows, not booked. %s", r.Format.Name, r.Lines, r.Format.Why)
	case KindSummary:
		return fmt.Sprintf("%s: %d rows, kept to check the period's balance", r.Format.Name, r.Lines)
	case KindPayments:
		return fmt.Sprintf("%s: %d payments, %d new (payment records to match against; they book nothing by themselves)", r.Format.Name, r.Lines, r.New)
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
	rd, err := s.Parser.Open(ctx, req.Name, req.Reader, req.Options)
	if err != nil {
		return ImportResult{File: req.Name}, err
	}
	defer rd.Close()
	return s.importRecords(ctx, req.Name, rd, req.Progress)
}

// importRecords stores what rd yields, as Import describes.
func (s *ImportService) importRecords(ctx context.Context, name string, rd StatementReader, progress func(int)) (ImportResult, error) {
	req := ImportRequest{Name: name, Progress: progress}
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
				return res, fmt.Errorf("%s: %w", req.Name, err)
			}
			res.Lines++
		}
	}
	perrs := &ParseErrors{File: req.Name}
	batches := make(chan []StatementRecord, 4)
	stop := make(chan struct{})
	var readErr error
	bad := 0
	// Parse on one core while the other writes: the reader goroutine owns
	// rd, perrs, bad and readErr until batches is closed.
	go func() {
		defer close(batches)
		batch := make([]StatementRecord, 0, importBatch)
		rows := 0
		send := func() bool {
			select {
			case batches <- batch:
				batch = make([]StatementRecord, 0, importBatch)
				return true
			case <-stop:
				return false
			}
		}
		for {
			rec, err := rd.Next()
			if err == io.EOF {
				break
			}
			var pe *ParseError
			if errors.As(err, &pe) {
				bad++
				if len(perrs.Errors) < maxReportedErrors {
					perrs.Errors = append(perrs.Errors, pe)
				}
				continue
			} else if err != nil {
				readErr = err
				return
			}
			rows++
			if rows%4096 == 0 && req.Progress != nil {
				req.Progress(rows)
			}
			if rec.Balance != nil {
				if err := rec.Balance.Validate(); err != nil {
					bad++
					if len(perrs.Errors) < maxReportedErrors {
						perrs.Errors = append(perrs.Errors, &ParseError{Line: rec.Line, Err: err})
					}
					continue
				}
			}
			if bad > 0 {
				continue // nothing will be written: just find the other bad rows
			}
			batch = append(batch, rec)
			if len(batch) == importBatch && !send() {
				return
			}
		}
		if len(batch) > 0 {
			send()
		}
	}()
	err = s.Store.Update(ctx, func(tx Tx) error {
		defer func() {
			close(stop)
			for range batches { // let the reader finish
			}
		}()
		id, err := tx.BeginImport(req.Name, res.Format, s.Clock.Now())
		if err != nil {
			return err
		}
		lines := make([]StatementLine, 0, importBatch)
		for batch := range batches {
			if err := ctx.Err(); err != nil {
				return err
			}
			lines = lines[:0]
			for _, rec := range batch {
				res.Lines++
				switch {
				case rec.Balance != nil:
					lines = append(lines, *rec.Balance)
				case rec.Payment != nil:
					isNew, err := tx.InsertPaymentRecord(id, rec.Payment)
					if err != nil {
						return err
					}
					if isNew {
						res.New++
					}
				case rec.Summary != nil:
					res.Summary = append(res.Summary, *rec.Summary)
					if err := tx.InsertSummaryRow(id, rec.Summary); err != nil {
						return err
					}
				}
			}
			n, err := tx.InsertStatementLines(id, lines)
			if err != nil {
				return err
			}
			res.New += n
		}
		// batches is closed: the reader is done and its results are ours.
		if readErr != nil {
			return readErr
		}
		if bad > 0 {
			return perrs
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		return tx.FinishImport(id, res.Lines, res.New)
	})
	if err != nil {
		if bad > len(perrs.Errors) {
			perrs.Errors = append(perrs.Errors, &ParseError{Err: Errorf(EINVALID, "%d more bad rows not listed", bad-len(perrs.Errors))})
		}
		return ImportResult{File: req.Name, Format: res.Format}, err
	}
	return res, nil
}

// importBatch is how many records travel from the parser to the writer at once.
const importBatch = 512
