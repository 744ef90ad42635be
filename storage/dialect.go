package storage

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"
)

// dialect is the SQL a database speaks. The store's statements are written
// once, in the SQL that SQLite and PostgreSQL share, with SQLite's ?
// placeholders; on PostgreSQL they are numbered ($1, $2…) and the few
// words that differ are said its way. Where the two differ more (a
// PRAGMA, VACUUM INTO) the store asks which one it talks to.
type dialect struct {
	pg bool
}

var (
	sqliteSQL   = dialect{}
	postgresSQL = dialect{pg: true}
)

// rewritten caches PostgreSQL's form of each statement: the store has a
// few hundred, each run many times.
var rewritten sync.Map

// sql returns q in the dialect's own words.
func (d dialect) sql(q string) string {
	if !d.pg {
		return q
	}
	if s, ok := rewritten.Load(q); ok {
		return s.(string)
	}
	s := toPostgres(q)
	rewritten.Store(q, s)
	return s
}

// toPostgres numbers q's placeholders (? in order, ?N as $N) outside
// quoted text, makes LIKE case-blind as SQLite's is, and drops SQLite's
// OR FAIL (PostgreSQL stops a statement at its first bad row anyway) and
// the ON of its CROSS JOIN.
func toPostgres(q string) string {
	q = strings.Replace(q, "INSERT OR FAIL INTO", "INSERT INTO", 1)
	// SQLite's CROSS JOIN … ON fixes the join order; PostgreSQL's planner
	// chooses it, and its CROSS JOIN takes no ON.
	q = strings.ReplaceAll(q, " CROSS JOIN ", " JOIN ")
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch c {
		case '\'', '"':
			j := i + 1
			for j < len(q) && q[j] != c {
				j++
			}
			if j >= len(q) {
				j = len(q) - 1
			}
			b.WriteString(q[i : j+1])
			i = j
		case '?':
			// As SQLite numbers them: ?N is N, a bare ? one more than the
			// largest number so far.
			j := i + 1
			for j < len(q) && q[j] >= '0' && q[j] <= '9' {
				j++
			}
			b.WriteByte('$')
			if j > i+1 {
				if k, _ := strconv.Atoi(q[i+1 : j]); k > n {
					n = k
				}
				b.WriteString(q[i+1 : j])
			} else {
				n++
				b.WriteString(strconv.Itoa(n))
			}
			i = j - 1
		case ' ', '\n', '\t':
			if strings.HasPrefix(q[i+1:], "LIKE ") {
				b.WriteByte(c)
				b.WriteString("ILIKE ")
				i += len("LIKE ")
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// args gives PostgreSQL the integers its columns hold where Go has a
// bool: the schemas keep flags as 0 and 1, as SQLite does.
func (d dialect) args(a []any) []any {
	if !d.pg {
		return a
	}
	for i, v := range a {
		if bv, ok := v.(bool); ok {
			if bv {
				a[i] = int64(1)
			} else {
				a[i] = int64(0)
			}
		}
	}
	return a
}

// sqlTx is a transaction that speaks its database's dialect.
type sqlTx struct {
	*sql.Tx
	d dialect
}

func (t sqlTx) Exec(q string, args ...any) (sql.Result, error) {
	return t.Tx.Exec(t.d.sql(q), t.d.args(args)...)
}

func (t sqlTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.Tx.ExecContext(ctx, t.d.sql(q), t.d.args(args)...)
}

func (t sqlTx) Query(q string, args ...any) (*sql.Rows, error) {
	return t.Tx.Query(t.d.sql(q), t.d.args(args)...)
}

func (t sqlTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.Tx.QueryContext(ctx, t.d.sql(q), t.d.args(args)...)
}

func (t sqlTx) QueryRow(q string, args ...any) *sql.Row {
	return t.Tx.QueryRow(t.d.sql(q), t.d.args(args)...)
}

func (t sqlTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.Tx.QueryRowContext(ctx, t.d.sql(q), t.d.args(args)...)
}

func (t sqlTx) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return t.Tx.PrepareContext(ctx, t.d.sql(q))
}

// insert runs an INSERT into a table whose key is id and returns the new
// row's id: SQLite tells it after the fact, PostgreSQL with RETURNING.
func (t sqlTx) insert(q string, args ...any) (int64, error) {
	return t.insertContext(context.Background(), q, args...)
}

func (t sqlTx) insertContext(ctx context.Context, q string, args ...any) (int64, error) {
	if t.d.pg {
		var id int64
		err := t.QueryRowContext(ctx, q+" RETURNING id", args...).Scan(&id)
		return id, err
	}
	res, err := t.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// upsertSQL caches upsert's statements.
var upsertSQL sync.Map

// upsert is an INSERT of cols into table that replaces the row with the
// same key, in the words SQLite and PostgreSQL share.
func upsert(table, key, cols string) string {
	k := table + "|" + key + "|" + cols
	if s, ok := upsertSQL.Load(k); ok {
		return s.(string)
	}
	names := strings.Split(cols, ",")
	var set []string
	for i := range names {
		names[i] = strings.TrimSpace(names[i])
		if names[i] != key {
			set = append(set, names[i]+" = excluded."+names[i])
		}
	}
	s := "INSERT INTO " + table + " (" + strings.Join(names, ", ") + ") VALUES (" + strings.TrimSuffix(strings.Repeat("?, ", len(names)), ", ") +
		") ON CONFLICT (" + key + ") DO UPDATE SET " + strings.Join(set, ", ")
	upsertSQL.Store(k, s)
	return s
}

// identityCaughtUp moves table's id sequence past the ids written into it
// by hand (a booking gives its entries their ids): PostgreSQL's identity
// does not see them, SQLite's rowid does.
func (t sqlTx) identityCaughtUp(ctx context.Context, table string) error {
	if !t.d.pg {
		return nil
	}
	_, err := t.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'), (SELECT MAX(id) FROM `+table+`))`)
	return err
}

// isUnique reports a write refused for a duplicate key, by either database.
func isUnique(err error) bool {
	return err != nil && (pgCode(err) == "23505" || strings.Contains(err.Error(), "UNIQUE constraint failed"))
}

// isForeignKey reports a write refused for a reference to a missing row.
func isForeignKey(err error) bool {
	return err != nil && (pgCode(err) == "23503" || strings.Contains(err.Error(), "FOREIGN KEY constraint failed"))
}

// textColumn reads a query's one text column: migrations applied, columns.
func textColumn(rows *sql.Rows, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
