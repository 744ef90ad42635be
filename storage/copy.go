package storage

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// On PostgreSQL an import's lines go in with COPY, the server's bulk load.
// COPY cannot skip a key stored already as the INSERT's ON CONFLICT does:
// the keys of a batch stored already are read first, with one query, and
// left out with the batch's own repeats (the first one kept, as ON
// CONFLICT keeps it). Two imports of the same file racing on two tills
// both read the keys as new: the second one's COPY then fails as a
// serialization failure, and the store runs it again (runPostgres).
// Multi-row INSERTs, as on SQLite, cost about five times SQLite's time
// over the socket (BENCHMARKS.md).

// lineCopyColumns are statement_lines' columns in PrepareLines' order.
var lineCopyColumns = []string{"import_id", "key", "txn_id", "source_id", "category", "created", "available_on", "currency",
	"gross", "fee", "net", "description", "payout_id", "payment_intent_id", "charge_id", "customer_email", "extra", "bookable"}

// copyLines stores prepared lines on PostgreSQL and returns how many were new.
func (t *Tx) copyLines(p *preparedLines) (int, error) {
	var added int64
	err := t.conn.Raw(func(dc any) error {
		// As in rawExec: the statement must run inside the open transaction.
		if err := t.ctx.Err(); err != nil {
			return err
		}
		c := dc.(*stdlib.Conn).Conn()
		ctx := context.Background() // see bulkExec: a statement here is short
		keys := make([]string, 0, p.n)
		for _, buf := range p.stmts {
			args := *buf
			for i := 1; i < len(args); i += 17 {
				keys = append(keys, args[i].Value.(string))
			}
		}
		skip := make(map[string]bool, len(keys))
		rows, err := c.Query(ctx, `SELECT key FROM statement_lines WHERE key = ANY($1)`, keys)
		if err != nil {
			return err
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return err
			}
			skip[k] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		stmt, line := 0, 0
		row := make([]any, len(lineCopyColumns))
		src := pgx.CopyFromFunc(func() ([]any, error) {
			for stmt < len(p.stmts) {
				args := *p.stmts[stmt]
				at := 1 + 17*line
				if at >= len(args) {
					stmt, line = stmt+1, 0
					continue
				}
				line++
				key := args[at].Value.(string)
				if skip[key] {
					continue
				}
				skip[key] = true // a repeat later in the batch is left out
				row[0] = args[0].Value
				for j := 0; j < 17; j++ {
					v := args[at+j].Value
					if b, ok := v.(bool); ok {
						v = int64(0)
						if b {
							v = int64(1)
						}
					}
					row[1+j] = v
				}
				return row, nil
			}
			return nil, nil
		})
		added, err = c.CopyFrom(ctx, pgx.Identifier{"statement_lines"}, lineCopyColumns, src)
		return err
	})
	for _, buf := range p.stmts {
		clear(*buf)
		*buf = (*buf)[:0]
		lineArgs.Put(buf)
	}
	first := ""
	if len(p.keys) > 0 {
		first = p.keys[0]
	}
	p.stmts, p.keys = nil, nil
	if err != nil {
		return 0, fmt.Errorf("insert lines from %s: %w", first, err)
	}
	return int(added), nil
}
