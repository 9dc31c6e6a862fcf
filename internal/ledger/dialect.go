package ledger

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// sqliteTimeLayout is how SQLite stores times: RFC 3339 in UTC with a fixed
// six-digit fraction, so comparing the text compares the instants (the
// variable-width time.RFC3339Nano would not). time.RFC3339Nano parses it.
const sqliteTimeLayout = "2006-01-02T15:04:05.000000Z07:00"

// dialect is what differs between the two databases. Queries are written
// once with ? placeholders and rebound for PostgreSQL.
type dialect struct {
	name string // also the directory of its migrations
	// dollar: PostgreSQL's $1, $2 … placeholders instead of ?.
	dollar bool
	// lockSQL, when set, runs first in the migration transaction.
	lockSQL            string
	migrationsTableSQL string
}

var (
	sqliteDialect = dialect{
		name: "sqlite",
		migrationsTableSQL: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
)`,
	}
	postgresDialect = dialect{
		name:   "postgres",
		dollar: true,
		// Scoped to the schema the migrations create tables in, so separate
		// schemas (one per test run, say) do not wait for each other.
		lockSQL: `SELECT pg_advisory_xact_lock(1684300896, hashtext(coalesce(current_schema(), '')))`,
		migrationsTableSQL: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)`,
	}
)

// rebind turns ? placeholders into $1, $2 … for PostgreSQL. The queries of
// this package contain no ? other than placeholders.
func (d dialect) rebind(q string) string {
	if !d.dollar {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// normTime is how every time is kept: UTC, microsecond precision (what
// PostgreSQL's timestamptz holds; SQLite is cut to match).
func normTime(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}

// timeArg encodes a time for a query; the zero time becomes NULL.
func (d dialect) timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	t = normTime(t)
	if d.dollar {
		return t
	}
	return t.Format(sqliteTimeLayout)
}

// dbTime scans a stored time: NULL becomes the zero time, anything else a
// UTC time.Time. It accepts the text SQLite keeps and the time.Time that
// PostgreSQL's driver returns.
type dbTime struct{ t *time.Time }

func (s dbTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*s.t = time.Time{}
	case time.Time:
		*s.t = v.UTC()
	case string:
		return s.parse(v)
	case []byte:
		return s.parse(string(v))
	default:
		return fmt.Errorf("ledger: cannot read %T as a time", src)
	}
	return nil
}

func (s dbTime) parse(v string) error {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return fmt.Errorf("ledger: stored time %q: %w", v, err)
	}
	*s.t = t.UTC()
	return nil
}
