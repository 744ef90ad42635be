package storage

import (
	"context"
	"database/sql/driver"
	"fmt"
)

// bulkExec runs query with args on the transaction's own driver connection,
// past database/sql: an import runs one statement per 128 lines, 17 values
// each, and database/sql's per-value conversion and locking cost about a
// tenth of the import. args must already be driver values (int64, string,
// []byte, bool, nil). The statement is prepared once per transaction. It
// returns the number of rows changed.
//
// The driver is not given the transaction's context: for a cancellable one
// it starts a goroutine per statement to interrupt it. A statement here is
// short (a batch of lines), so a cancelled import still stops within one.
func (t *Tx) bulkExec(query string, args []driver.NamedValue) (int64, error) {
	res, err := t.rawExec(query, args)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// rawExec is bulkExec returning the driver's result.
func (t *Tx) rawExec(query string, args []driver.NamedValue) (driver.Result, error) {
	var res driver.Result
	if t.tx.d.pg {
		query = t.tx.d.sql(query)
		for i := range args {
			if b, ok := args[i].Value.(bool); ok {
				args[i].Value = int64(0)
				if b {
					args[i].Value = int64(1)
				}
			}
		}
	}
	err := t.conn.Raw(func(dc any) error {
		// database/sql rolls the transaction back by itself once its context
		// is done, and that needs the connection Raw holds now: checked here,
		// the transaction is still open for the whole statement. Unchecked,
		// the statement would run outside it, in autocommit.
		if err := t.ctx.Err(); err != nil {
			return err
		}
		s, ok := t.bulk[query]
		if !ok {
			pc, ok := dc.(driver.ConnPrepareContext)
			if !ok {
				return fmt.Errorf("the database driver cannot prepare statements with a context")
			}
			var err error
			if s, err = pc.PrepareContext(t.ctx, query); err != nil {
				return fmt.Errorf("prepare: %w", err)
			}
			if t.bulk == nil {
				t.bulk = map[string]driver.Stmt{}
			}
			t.bulk[query] = s
		}
		ec, ok := s.(driver.StmtExecContext)
		if !ok {
			return fmt.Errorf("the database driver cannot execute statements with a context")
		}
		var err error
		res, err = ec.ExecContext(context.Background(), args)
		return err
	})
	return res, err
}

// closeBulk closes the statements bulkExec prepared; the transaction ends
// after.
func (t *Tx) closeBulk() {
	if len(t.bulk) == 0 {
		return
	}
	t.conn.Raw(func(any) error {
		for _, s := range t.bulk {
			s.Close()
		}
		return nil
	})
	t.bulk = nil
}
