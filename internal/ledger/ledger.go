package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"modernc.org/sqlite"               // database/sql driver "sqlite", pure Go
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/draftappt/draftappt/internal/appointment"
)

// Config chooses and places the database.
type Config struct {
	// DatabaseURL selects PostgreSQL when it starts with postgres:// or
	// postgresql:// (pgx URL syntax; a search_path or options=-csearch_path=…
	// parameter is honoured, migrations included). Empty selects SQLite.
	DatabaseURL string
	// DataDir holds the SQLite file draftappt.db; created 0700 if missing.
	// Default "./data". Unused with PostgreSQL.
	DataDir string
	// Now is the clock for created_at and updated_at. Default time.Now.
	Now func() time.Time
}

// DefaultDataDir is where the SQLite file lives when Config.DataDir is empty.
const DefaultDataDir = "./data"

// SQLiteFile is the name of the SQLite database file inside DataDir.
const SQLiteFile = "draftappt.db"

// Ledger is the durable appointment.Ledger. It is safe for concurrent use,
// also by several processes sharing one database.
type Ledger struct {
	db  *sql.DB
	d   dialect
	now func() time.Time
	q   queries
}

var _ appointment.Ledger = (*Ledger)(nil)

// Open connects to the database chosen by cfg, applies pending migrations
// and returns the ledger.
func Open(ctx context.Context, cfg Config) (*Ledger, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	var (
		db  *sql.DB
		d   dialect
		err error
	)
	switch {
	case cfg.DatabaseURL == "":
		d = sqliteDialect
		db, err = openSQLite(cfg.DataDir)
	case isPostgresURL(cfg.DatabaseURL):
		d = postgresDialect
		db, err = openPostgres(cfg.DatabaseURL)
	default:
		// Do not echo the URL: it may carry a password.
		scheme, _, _ := strings.Cut(cfg.DatabaseURL, ":")
		return nil, fmt.Errorf("ledger: open: DatabaseURL scheme %q is not postgres:// or postgresql://", scheme)
	}
	if err != nil {
		return nil, err
	}
	if err := ping(ctx, db, d); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("ledger: open %s: %w", d.name, err)
	}
	if err := migrate(ctx, db, d); err != nil {
		_ = db.Close()
		return nil, err
	}
	return &Ledger{db: db, d: d, now: cfg.Now, q: newQueries(d)}, nil
}

// ping makes the first connection. A brand-new SQLite file being switched
// to WAL by another connection at the same moment answers SQLITE_BUSY
// without waiting on busy_timeout, so for SQLite a busy answer is retried
// for a while.
func ping(ctx context.Context, db *sql.DB, d dialect) error {
	deadline := time.Now().Add(10 * time.Second)
	wait := 5 * time.Millisecond
	for {
		err := db.PingContext(ctx)
		if err == nil || d.dollar || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(2*wait, 200*time.Millisecond)
	}
}

// isBusy reports SQLITE_BUSY (and its extended codes).
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

func isPostgresURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// openSQLite opens DataDir/draftappt.db, creating the directory (0700) and
// the file (0600) if needed.
func openSQLite(dir string) (*sql.DB, error) {
	if dir == "" {
		dir = DefaultDataDir
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("ledger: open sqlite: create data dir: %w", err)
	}
	file := filepath.Join(dir, SQLiteFile)
	if strings.ContainsRune(file, '?') {
		return nil, fmt.Errorf("ledger: open sqlite: data dir %q must not contain '?'", dir)
	}
	// Create the file ourselves so it is 0600 from the start; SQLite gives
	// its -wal and -shm files the database file's permissions.
	f, err := os.OpenFile(file, os.O_RDWR|os.O_CREATE, 0o600) //nolint:gosec // path from configuration
	if err != nil {
		return nil, fmt.Errorf("ledger: open sqlite: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("ledger: open sqlite: %w", err)
	}
	if err := os.Chmod(file, 0o600); err != nil {
		return nil, fmt.Errorf("ledger: open sqlite: %w", err)
	}
	params := url.Values{}
	params.Add("_pragma", "busy_timeout(5000)")
	params.Add("_pragma", "journal_mode(WAL)")
	params.Add("_pragma", "foreign_keys(1)")
	params.Add("_pragma", "synchronous(NORMAL)")
	// Every transaction takes the write lock at BEGIN, so two processes
	// migrating the same file serialise instead of failing on upgrade.
	params.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", file+"?"+params.Encode())
	if err != nil {
		return nil, fmt.Errorf("ledger: open sqlite: %w", err)
	}
	// One connection: SQLite has one writer anyway, and queuing in
	// database/sql means concurrent calls wait instead of getting
	// SQLITE_BUSY. The ledger's traffic is a few rows per submission.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	return db, nil
}

// openPostgres opens a pool through pgx's database/sql driver.
func openPostgres(dsn string) (*sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("ledger: open postgres: %w", err)
	}
	db.SetMaxOpenConns(10)
	db.SetMaxIdleConns(5)
	db.SetConnMaxIdleTime(5 * time.Minute)
	db.SetConnMaxLifetime(time.Hour)
	return db, nil
}

// Close releases the database.
func (l *Ledger) Close() error {
	if err := l.db.Close(); err != nil {
		return fmt.Errorf("ledger: close: %w", err)
	}
	return nil
}

// columns lists the stored fields in the order scanRecord reads them.
const columns = `key, submission_id, team_id, user_id, channel_id, thread_ts, response_url,
	store_name, dealer_uuid, customer_uuid, customer_name, vin, vehicle_uuid,
	start_at, end_at, services, status, draft_uuid, short_url, parent_ts, reason,
	created_at, updated_at`

// queries are the statements of one dialect, rebound once at Open.
type queries struct {
	insert, get, advance, unfinished, recent, recentForStore, purge string
}

func newQueries(d dialect) queries {
	return queries{
		insert: d.rebind(`INSERT INTO submissions (` + columns + `)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (key) DO NOTHING
	RETURNING ` + columns),
		get: d.rebind(`SELECT ` + columns + ` FROM submissions WHERE key = ?`),
		// The status IN list holds the statuses ranked below the target
		// (padded to three), so the check and the change are one statement:
		// of concurrent movers exactly one wins.
		advance: d.rebind(`UPDATE submissions SET
	status = ?,
	draft_uuid = COALESCE(NULLIF(?, ''), draft_uuid),
	short_url = COALESCE(NULLIF(?, ''), short_url),
	parent_ts = COALESCE(NULLIF(?, ''), parent_ts),
	reason = COALESCE(NULLIF(?, ''), reason),
	updated_at = ?
	WHERE key = ? AND status IN (?, ?, ?)
	RETURNING ` + columns),
		unfinished: d.rebind(`SELECT ` + columns + ` FROM submissions
	WHERE status IN (?, ?, ?)
	ORDER BY created_at ASC, key ASC`),
		recent: d.rebind(`SELECT ` + columns + ` FROM submissions
	WHERE user_id = ?
	ORDER BY created_at DESC, key DESC
	LIMIT ?`),
		recentForStore: d.rebind(`SELECT ` + columns + ` FROM submissions
	WHERE user_id = ? AND dealer_uuid = ?
	ORDER BY created_at DESC, key DESC
	LIMIT ?`),
		purge: d.rebind(`DELETE FROM submissions WHERE updated_at < ?`),
	}
}

// rowScanner is *sql.Row or *sql.Rows.
type rowScanner interface{ Scan(dest ...any) error }

func scanRecord(s rowScanner) (appointment.Record, error) {
	var (
		r        appointment.Record
		status   string
		services string
	)
	err := s.Scan(&r.Key, &r.SubmissionID, &r.TeamID, &r.UserID, &r.ChannelID, &r.ThreadTS, &r.ResponseURL,
		&r.StoreName, &r.DealerUUID, &r.CustomerUUID, &r.CustomerName, &r.VIN, &r.VehicleUUID,
		dbTime{&r.Start}, dbTime{&r.End}, &services, &status, &r.DraftUUID, &r.ShortURL, &r.ParentTS, &r.Reason,
		dbTime{&r.CreatedAt}, dbTime{&r.UpdatedAt})
	if err != nil {
		return appointment.Record{}, err
	}
	r.Status = appointment.Status(status)
	if services != "" {
		if err := json.Unmarshal([]byte(services), &r.Services); err != nil {
			return appointment.Record{}, fmt.Errorf("services: %w", err)
		}
	}
	if len(r.Services) == 0 {
		r.Services = nil
	}
	return r, nil
}

func encodeServices(s []string) (string, error) {
	if len(s) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(s)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// Begin records r with StatusReceived and created_at = updated_at = now,
// unless a record with r.Key exists: then it returns that one unchanged
// with created=false. Only the caller whose insert took effect gets
// created=true.
func (l *Ledger) Begin(ctx context.Context, r appointment.Record) (appointment.Record, bool, error) {
	if r.Key == "" {
		return appointment.Record{}, false, errors.New("ledger: begin: empty key")
	}
	services, err := encodeServices(r.Services)
	if err != nil {
		return appointment.Record{}, false, fmt.Errorf("ledger: begin %s: services: %w", r.Key, err)
	}
	now := l.d.timeArg(l.now())
	args := []any{r.Key, r.SubmissionID, r.TeamID, r.UserID, r.ChannelID, r.ThreadTS, r.ResponseURL,
		r.StoreName, r.DealerUUID, r.CustomerUUID, r.CustomerName, r.VIN, r.VehicleUUID,
		l.d.timeArg(r.Start), l.d.timeArg(r.End), services, string(appointment.StatusReceived),
		r.DraftUUID, r.ShortURL, r.ParentTS, r.Reason, now, now}
	// A Purge between our conflicting insert and the read could remove the
	// row; then inserting again is right, so try a few times.
	for range 3 {
		rec, err := scanRecord(l.db.QueryRowContext(ctx, l.q.insert, args...))
		if err == nil {
			return rec, true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return appointment.Record{}, false, fmt.Errorf("ledger: begin %s: %w", r.Key, err)
		}
		rec, err = l.get(ctx, r.Key)
		if err == nil {
			return rec, false, nil
		}
		if !errors.Is(err, appointment.ErrNotFound) {
			return appointment.Record{}, false, fmt.Errorf("ledger: begin %s: %w", r.Key, err)
		}
	}
	return appointment.Record{}, false, fmt.Errorf("ledger: begin %s: record vanished while inserting", r.Key)
}

// allStatuses in rank order.
var allStatuses = []appointment.Status{
	appointment.StatusReceived, appointment.StatusCreating, appointment.StatusCreated,
	appointment.StatusAnnounced, appointment.StatusFailed, appointment.StatusUnknown,
}

// below returns the statuses ranked lower than to, padded to three
// arguments (a status never repeats harmfully in an IN list).
func below(to appointment.Status) []any {
	var out []any
	for _, s := range allStatuses {
		if s.Rank() < to.Rank() {
			out = append(out, string(s))
		}
	}
	for len(out) < 3 {
		out = append(out, "") // matches no stored status
	}
	return out
}

// Advance moves the record to a status of higher rank, storing the
// non-empty fields of u and bumping updated_at, as one compare-and-set.
// A move to the same or a lower rank, or out of a final status, changes
// nothing and returns the stored record with ok=false. An unknown key is
// an error wrapping appointment.ErrNotFound.
func (l *Ledger) Advance(ctx context.Context, key string, to appointment.Status, u appointment.Update) (appointment.Record, bool, error) {
	if to.Rank() == 0 {
		return appointment.Record{}, false, fmt.Errorf("ledger: advance %s: unknown status %q", key, to)
	}
	args := append([]any{string(to), u.DraftUUID, u.ShortURL, u.ParentTS, u.Reason,
		l.d.timeArg(l.now()), key}, below(to)...)
	rec, err := scanRecord(l.db.QueryRowContext(ctx, l.q.advance, args...))
	if err == nil {
		return rec, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return appointment.Record{}, false, fmt.Errorf("ledger: advance %s: %w", key, err)
	}
	rec, err = l.get(ctx, key)
	if err != nil {
		return appointment.Record{}, false, fmt.Errorf("ledger: advance %s: %w", key, err)
	}
	return rec, false, nil
}

// Get returns one record; an unknown key is an error wrapping
// appointment.ErrNotFound.
func (l *Ledger) Get(ctx context.Context, key string) (appointment.Record, error) {
	rec, err := l.get(ctx, key)
	if err != nil {
		return appointment.Record{}, fmt.Errorf("ledger: get %s: %w", key, err)
	}
	return rec, nil
}

func (l *Ledger) get(ctx context.Context, key string) (appointment.Record, error) {
	rec, err := scanRecord(l.db.QueryRowContext(ctx, l.q.get, key))
	if errors.Is(err, sql.ErrNoRows) {
		return appointment.Record{}, appointment.ErrNotFound
	}
	return rec, err
}

// Unfinished lists records received, creating or created, oldest first.
func (l *Ledger) Unfinished(ctx context.Context) ([]appointment.Record, error) {
	recs, err := l.list(ctx, l.q.unfinished, string(appointment.StatusReceived),
		string(appointment.StatusCreating), string(appointment.StatusCreated))
	if err != nil {
		return nil, fmt.Errorf("ledger: unfinished: %w", err)
	}
	return recs, nil
}

// MaxRecent is the most records Recent and RecentForStore return.
const MaxRecent = 50

func clampLimit(n int) int {
	return min(max(n, 1), MaxRecent)
}

// Recent lists a user's newest records (any status), newest first; limit
// is clamped to 1..MaxRecent.
func (l *Ledger) Recent(ctx context.Context, userID string, limit int) ([]appointment.Record, error) {
	recs, err := l.list(ctx, l.q.recent, userID, clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("ledger: recent %s: %w", userID, err)
	}
	return recs, nil
}

// RecentForStore lists a user's newest records for one dealer, newest
// first; limit is clamped to 1..MaxRecent.
func (l *Ledger) RecentForStore(ctx context.Context, userID, dealerUUID string, limit int) ([]appointment.Record, error) {
	recs, err := l.list(ctx, l.q.recentForStore, userID, dealerUUID, clampLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("ledger: recent %s at %s: %w", userID, dealerUUID, err)
	}
	return recs, nil
}

func (l *Ledger) list(ctx context.Context, query string, args ...any) ([]appointment.Record, error) {
	rows, err := l.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var recs []appointment.Record
	for rows.Next() {
		rec, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return recs, nil
}

// Purge deletes records last updated before the cutoff and returns how
// many it deleted.
func (l *Ledger) Purge(ctx context.Context, before time.Time) (int, error) {
	// Stored times are whole microseconds, so "stored < before" is
	// "stored < before rounded up to a microsecond".
	if c := before.Truncate(time.Microsecond); c.Before(before) {
		before = c.Add(time.Microsecond)
	}
	res, err := l.db.ExecContext(ctx, l.q.purge, l.d.timeArg(before))
	if err != nil {
		return 0, fmt.Errorf("ledger: purge: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("ledger: purge: %w", err)
	}
	return int(n), nil
}
