package ledger

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // America/Chicago without the system zoneinfo

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/draftappt/draftappt/internal/appointment"
)

const pgSkip = "set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run the PostgreSQL ledger tests"

// clock is a deterministic Now: every call returns a later instant.
type clock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func newClock() *clock {
	return &clock{t: time.Date(2025, 3, 10, 14, 0, 0, 0, time.UTC), step: time.Second}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

// backend makes a Config pointing at fresh, empty storage; opening the
// same Config again reaches the same storage.
type backend struct {
	name   string
	config func(t testing.TB, now func() time.Time) Config
}

var backends = []backend{
	{name: "sqlite", config: sqliteConfig},
	{name: "postgres", config: postgresConfig},
}

func sqliteConfig(t testing.TB, now func() time.Time) Config {
	return Config{DataDir: filepath.Join(t.TempDir(), "data"), Now: now}
}

// postgresConfig creates a schema of its own, dropped at cleanup, and
// points search_path at it through the URL.
func postgresConfig(t testing.TB, now func() time.Time) Config {
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		t.Skip(pgSkip)
	}
	admin, err := sql.Open("pgx", base)
	require.NoError(t, err)
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "ledger_test_" + hex.EncodeToString(b[:])
	_, err = admin.Exec("CREATE SCHEMA " + schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		assert.NoError(t, err)
		admin.Close()
	})
	u, err := url.Parse(base)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return Config{DatabaseURL: u.String(), Now: now}
}

func open(t testing.TB, cfg Config) *Ledger {
	t.Helper()
	l, err := Open(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	return l
}

// TestLedger runs one behavioural suite against every backend.
func TestLedger(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			for _, tc := range suite {
				t.Run(tc.name, func(t *testing.T) {
					clk := newClock()
					cfg := b.config(t, clk.Now)
					tc.run(t, cfg, clk)
				})
			}
		})
	}
}

func sample(key string) appointment.Record {
	chicago, _ := time.LoadLocation("America/Chicago")
	start := time.Date(2025, 3, 12, 9, 30, 0, 0, chicago)
	return appointment.Record{
		Key:          key,
		SubmissionID: "env-" + key,
		TeamID:       "T1",
		UserID:       "U1",
		ChannelID:    "C1",
		ThreadTS:     "1700000000.000100",
		ResponseURL:  "https://hooks.slack.invalid/actions/T1/1/abc",
		StoreName:    "Main Street Honda",
		DealerUUID:   "dealer-1",
		CustomerUUID: "cust-1",
		CustomerName: "Ada Lovelace",
		VIN:          "1HGCM82633A004352",
		VehicleUUID:  "veh-1",
		Start:        start,
		End:          start.Add(time.Hour),
		Services:     []string{"OIL", "ROT"},
	}
}

type testCase struct {
	name string
	run  func(t *testing.T, cfg Config, clk *clock)
}

var suite = []testCase{
	{"BeginCreatesAndDedupes", testBeginCreatesAndDedupes},
	{"BeginConcurrentSameKey", testBeginConcurrent},
	{"AdvanceForwardOnly", testAdvance},
	{"AdvanceConcurrent", testAdvanceConcurrent},
	{"GetNotFound", testGetNotFound},
	{"Unfinished", testUnfinished},
	{"Recent", testRecent},
	{"RecentForStore", testRecentForStore},
	{"Purge", testPurge},
	{"ReopenDurable", testReopen},
	{"MigrationsIdempotent", testMigrationsIdempotent},
	{"ConcurrentOpen", testConcurrentOpen},
	{"TimesRoundTrip", testTimes},
	{"SchemaHasNoContactColumns", testSchemaColumns},
}

func testBeginCreatesAndDedupes(t *testing.T, cfg Config, _ *clock) {
	ctx := context.Background()
	l := open(t, cfg)
	in := sample("k1")
	in.Status = appointment.StatusAnnounced // ignored: Begin always records received
	rec, created, err := l.Begin(ctx, in)
	require.NoError(t, err)
	assert.True(t, created)
	assert.Equal(t, appointment.StatusReceived, rec.Status)
	assert.Equal(t, "k1", rec.Key)
	assert.Equal(t, in.CustomerName, rec.CustomerName)
	assert.Equal(t, in.Services, rec.Services)
	assert.Equal(t, "2025-03-10T14:00:00Z", rec.CreatedAt.Format(time.RFC3339Nano))
	assert.True(t, rec.CreatedAt.Equal(rec.UpdatedAt))

	other := sample("k1")
	other.CustomerName = "Someone Else"
	again, created, err := l.Begin(ctx, other)
	require.NoError(t, err)
	assert.False(t, created)
	assert.Equal(t, rec, again, "the existing record, unchanged")

	got, err := l.Get(ctx, "k1")
	require.NoError(t, err)
	assert.Equal(t, rec, got)

	_, _, err = l.Begin(ctx, appointment.Record{})
	require.Error(t, err, "empty key")

	noServices := sample("k2")
	noServices.Services = nil
	noServices.Start, noServices.End = time.Time{}, time.Time{}
	rec2, created, err := l.Begin(ctx, noServices)
	require.NoError(t, err)
	assert.True(t, created)
	assert.Nil(t, rec2.Services)
	assert.True(t, rec2.Start.IsZero())
	assert.True(t, rec2.End.IsZero())
}

func testBeginConcurrent(t *testing.T, cfg Config, _ *clock) {
	ctx := context.Background()
	l := open(t, cfg)
	const n = 50
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		created int
		errs    []error
		keys    = map[string]int{}
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := sample("same")
			r.SubmissionID = fmt.Sprintf("env-%d", i)
			rec, c, err := l.Begin(ctx, r)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			if c {
				created++
			}
			keys[rec.Key+"/"+rec.SubmissionID]++
		}()
	}
	wg.Wait()
	require.Empty(t, errs)
	assert.Equal(t, 1, created, "exactly one caller creates")
	assert.Len(t, keys, 1, "every caller sees the same stored record")
}

func testAdvance(t *testing.T, cfg Config, _ *clock) {
	ctx := context.Background()
	l := open(t, cfg)
	begun, _, err := l.Begin(ctx, sample("a"))
	require.NoError(t, err)

	rec, ok, err := l.Advance(ctx, "a", appointment.StatusCreating, appointment.Update{})
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, appointment.StatusCreating, rec.Status)
	assert.True(t, rec.UpdatedAt.After(begun.UpdatedAt), "updated_at bumped")
	assert.Equal(t, begun.CreatedAt, rec.CreatedAt)

	// Equal rank is refused.
	rec, ok, err = l.Advance(ctx, "a", appointment.StatusCreating, appointment.Update{Reason: "x"})
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Equal(t, appointment.StatusCreating, rec.Status)
	assert.Empty(t, rec.Reason, "a refused move stores nothing")

	rec, ok, err = l.Advance(ctx, "a", appointment.StatusCreated, appointment.Update{DraftUUID: "d-1", ShortURL: "https://s.invalid/x"})
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "d-1", rec.DraftUUID)
	assert.Equal(t, "https://s.invalid/x", rec.ShortURL)

	// Backwards is refused.
	rec, ok, err = l.Advance(ctx, "a", appointment.StatusReceived, appointment.Update{})
	require.NoError(t, err)
	assert.False(t, ok)
	assert.Equal(t, appointment.StatusCreated, rec.Status)

	// Empty fields keep what is stored.
	rec, ok, err = l.Advance(ctx, "a", appointment.StatusAnnounced, appointment.Update{ParentTS: "1700000001.000200"})
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, appointment.StatusAnnounced, rec.Status)
	assert.Equal(t, "d-1", rec.DraftUUID)
	assert.Equal(t, "1700000001.000200", rec.ParentTS)
	announced := rec

	// Nothing leaves a final status, not even to another final one.
	for _, to := range []appointment.Status{appointment.StatusFailed, appointment.StatusUnknown, appointment.StatusAnnounced, appointment.StatusCreated} {
		rec, ok, err = l.Advance(ctx, "a", to, appointment.Update{Reason: "late"})
		require.NoError(t, err)
		assert.False(t, ok, to)
		assert.Equal(t, announced, rec)
	}

	// Skipping ranks is fine: received straight to failed.
	_, _, err = l.Begin(ctx, sample("b"))
	require.NoError(t, err)
	rec, ok, err = l.Advance(ctx, "b", appointment.StatusFailed, appointment.Update{Reason: "myKaarma said no"})
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, appointment.StatusFailed, rec.Status)
	assert.Equal(t, "myKaarma said no", rec.Reason)

	_, _, err = l.Advance(ctx, "a", appointment.Status("bogus"), appointment.Update{})
	require.Error(t, err)

	_, ok, err = l.Advance(ctx, "missing", appointment.StatusCreating, appointment.Update{})
	require.ErrorIs(t, err, appointment.ErrNotFound)
	assert.False(t, ok)
}

func testAdvanceConcurrent(t *testing.T, cfg Config, _ *clock) {
	ctx := context.Background()
	l := open(t, cfg)
	_, _, err := l.Begin(ctx, sample("c"))
	require.NoError(t, err)
	_, ok, err := l.Advance(ctx, "c", appointment.StatusCreated, appointment.Update{DraftUUID: "d"})
	require.NoError(t, err)
	require.True(t, ok)

	const n = 10
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		wins int
		errs []error
		seen = map[appointment.Status]int{}
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, ok, err := l.Advance(ctx, "c", appointment.StatusAnnounced, appointment.Update{ParentTS: fmt.Sprint(i)})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			if ok {
				wins++
			}
			seen[rec.Status]++
		}()
	}
	wg.Wait()
	require.Empty(t, errs)
	assert.Equal(t, 1, wins, "exactly one mover wins")
	assert.Equal(t, map[appointment.Status]int{appointment.StatusAnnounced: n}, seen)
}

func testGetNotFound(t *testing.T, cfg Config, _ *clock) {
	l := open(t, cfg)
	_, err := l.Get(context.Background(), "nope")
	require.ErrorIs(t, err, appointment.ErrNotFound)
	assert.Contains(t, err.Error(), "nope")
}

func keysOf(recs []appointment.Record) []string {
	out := make([]string, 0, len(recs))
	for _, r := range recs {
		out = append(out, r.Key)
	}
	return out
}

func testUnfinished(t *testing.T, cfg Config, _ *clock) {
	ctx := context.Background()
	l := open(t, cfg)
	to := map[string]appointment.Status{
		"u1": appointment.StatusReceived,
		"u2": appointment.StatusCreating,
		"u3": appointment.StatusAnnounced,
		"u4": appointment.StatusCreated,
		"u5": appointment.StatusFailed,
		"u6": appointment.StatusUnknown,
		"u7": appointment.StatusReceived,
	}
	for _, k := range []string{"u1", "u2", "u3", "u4", "u5", "u6", "u7"} {
		_, _, err := l.Begin(ctx, sample(k))
		require.NoError(t, err)
	}
	// Advance in another order so updated_at order differs from created_at order.
	for _, k := range []string{"u7", "u6", "u5", "u4", "u3", "u2"} {
		if to[k] == appointment.StatusReceived {
			continue
		}
		_, ok, err := l.Advance(ctx, k, to[k], appointment.Update{})
		require.NoError(t, err)
		require.True(t, ok)
	}
	recs, err := l.Unfinished(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"u1", "u2", "u4", "u7"}, keysOf(recs), "unfinished, oldest first")
}

func testRecent(t *testing.T, cfg Config, _ *clock) {
	ctx := context.Background()
	l := open(t, cfg)
	for i := range 60 {
		r := sample(fmt.Sprintf("r%02d", i))
		_, _, err := l.Begin(ctx, r)
		require.NoError(t, err)
	}
	other := sample("other-user")
	other.UserID = "U2"
	_, _, err := l.Begin(ctx, other)
	require.NoError(t, err)
	// A later status change does not reorder: Recent is by created_at.
	_, _, err = l.Advance(ctx, "r00", appointment.StatusFailed, appointment.Update{Reason: "x"})
	require.NoError(t, err)

	recs, err := l.Recent(ctx, "U1", 3)
	require.NoError(t, err)
	assert.Equal(t, []string{"r59", "r58", "r57"}, keysOf(recs))

	recs, err = l.Recent(ctx, "U1", 1000)
	require.NoError(t, err)
	assert.Len(t, recs, 50, "clamped to 50")
	assert.Equal(t, "r59", recs[0].Key)
	assert.Equal(t, "r10", recs[49].Key)

	for _, limit := range []int{0, -5} {
		recs, err = l.Recent(ctx, "U1", limit)
		require.NoError(t, err)
		assert.Equal(t, []string{"r59"}, keysOf(recs), "limit %d clamps to 1", limit)
	}

	recs, err = l.Recent(ctx, "U2", 10)
	require.NoError(t, err)
	assert.Equal(t, []string{"other-user"}, keysOf(recs))

	recs, err = l.Recent(ctx, "U-nobody", 10)
	require.NoError(t, err)
	assert.Empty(t, recs)
}

func testRecentForStore(t *testing.T, cfg Config, _ *clock) {
	ctx := context.Background()
	l := open(t, cfg)
	add := func(key, user, dealer string) {
		r := sample(key)
		r.UserID, r.DealerUUID = user, dealer
		_, _, err := l.Begin(ctx, r)
		require.NoError(t, err)
	}
	add("s1", "U1", "D1")
	add("s2", "U1", "D2")
	add("s3", "U2", "D1")
	add("s4", "U1", "D1")
	add("s5", "U1", "D2")

	recs, err := l.RecentForStore(ctx, "U1", "D1", 10)
	require.NoError(t, err)
	assert.Equal(t, []string{"s4", "s1"}, keysOf(recs))

	recs, err = l.RecentForStore(ctx, "U1", "D2", 1)
	require.NoError(t, err)
	assert.Equal(t, []string{"s5"}, keysOf(recs))

	recs, err = l.RecentForStore(ctx, "U2", "D2", 10)
	require.NoError(t, err)
	assert.Empty(t, recs)
}

func testPurge(t *testing.T, cfg Config, _ *clock) {
	ctx := context.Background()
	l := open(t, cfg)
	for _, k := range []string{"p1", "p2", "p3"} { // updated 14:00:00, :01, :02
		_, _, err := l.Begin(ctx, sample(k))
		require.NoError(t, err)
	}
	// p1 is touched again at 14:00:03, so only p2 and p3 are old.
	_, ok, err := l.Advance(ctx, "p1", appointment.StatusCreating, appointment.Update{})
	require.NoError(t, err)
	require.True(t, ok)

	cutoff := time.Date(2025, 3, 10, 14, 0, 2, 0, time.UTC) // p3 updated exactly at the cutoff stays
	n, err := l.Purge(ctx, cutoff)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, err = l.Get(ctx, "p2")
	require.ErrorIs(t, err, appointment.ErrNotFound)

	chicago, _ := time.LoadLocation("America/Chicago")
	n, err = l.Purge(ctx, time.Date(2025, 3, 10, 9, 0, 2, 500, chicago)) // 14:00:02.0000005 UTC
	require.NoError(t, err)
	assert.Equal(t, 1, n, "p3; the cutoff's zone does not matter")

	n, err = l.Purge(ctx, cutoff)
	require.NoError(t, err)
	assert.Zero(t, n)
	_, err = l.Get(ctx, "p1")
	require.NoError(t, err)
}

func testReopen(t *testing.T, cfg Config, _ *clock) {
	ctx := context.Background()
	l, err := Open(ctx, cfg)
	require.NoError(t, err)
	_, _, err = l.Begin(ctx, sample("d1"))
	require.NoError(t, err)
	want, ok, err := l.Advance(ctx, "d1", appointment.StatusCreated, appointment.Update{DraftUUID: "draft", ShortURL: "https://s.invalid/d"})
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, l.Close())

	l2 := open(t, cfg)
	got, err := l2.Get(ctx, "d1")
	require.NoError(t, err)
	assert.Equal(t, want, got)
	recs, err := l2.Unfinished(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"d1"}, keysOf(recs))
}

func appliedMigrations(t *testing.T, l *Ledger) []int {
	t.Helper()
	rows, err := l.db.QueryContext(context.Background(), "SELECT version FROM schema_migrations ORDER BY version")
	require.NoError(t, err)
	defer rows.Close()
	var vs []int
	for rows.Next() {
		var v int
		require.NoError(t, rows.Scan(&v))
		vs = append(vs, v)
	}
	require.NoError(t, rows.Err())
	return vs
}

func testMigrationsIdempotent(t *testing.T, cfg Config, _ *clock) {
	ms, err := loadMigrations(open(t, cfg).d)
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	var want []int
	for _, m := range ms {
		want = append(want, m.version)
	}
	for range 3 {
		l, err := Open(context.Background(), cfg)
		require.NoError(t, err)
		assert.Equal(t, want, appliedMigrations(t, l))
		require.NoError(t, l.Close())
	}
}

func testConcurrentOpen(t *testing.T, cfg Config, _ *clock) {
	const n = 4
	var wg sync.WaitGroup
	errs := make([]error, n)
	ls := make([]*Ledger, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ls[i], errs[i] = Open(context.Background(), cfg)
		}()
	}
	wg.Wait()
	for i := range n {
		require.NoError(t, errs[i])
		t.Cleanup(func() { ls[i].Close() })
	}
	assert.Len(t, appliedMigrations(t, ls[0]), len(mustMigrations(t, ls[0].d)))
	// And every opened ledger works.
	for i, l := range ls {
		_, created, err := l.Begin(context.Background(), sample(fmt.Sprint("co", i)))
		require.NoError(t, err)
		assert.True(t, created)
	}
}

func mustMigrations(t *testing.T, d dialect) []migration {
	ms, err := loadMigrations(d)
	require.NoError(t, err)
	return ms
}

func testTimes(t *testing.T, cfg Config, _ *clock) {
	ctx := context.Background()
	chicago, err := time.LoadLocation("America/Chicago")
	require.NoError(t, err)
	l := open(t, cfg)
	start := time.Date(2025, 11, 2, 1, 30, 15, 123456789, chicago) // the ambiguous DST hour
	end := start.Add(90 * time.Minute)
	r := sample("t1")
	r.Start, r.End = start, end
	_, _, err = l.Begin(ctx, r)
	require.NoError(t, err)
	got, err := l.Get(ctx, "t1")
	require.NoError(t, err)
	assert.Equal(t, time.UTC, got.Start.Location())
	assert.Equal(t, time.UTC, got.End.Location())
	assert.True(t, got.Start.Equal(start.Truncate(time.Microsecond)), "start %s != %s", got.Start, start)
	assert.True(t, got.End.Equal(end.Truncate(time.Microsecond)), "end %s != %s", got.End, end)
	assert.Equal(t, start.Truncate(time.Microsecond).UTC(), got.Start)
	assert.Equal(t, time.UTC, got.CreatedAt.Location())

	// A Now in another zone is stored as the same instant.
	cfg.Now = func() time.Time { return time.Date(2025, 6, 1, 8, 0, 0, 0, chicago) }
	l2 := open(t, cfg)
	rec, _, err := l2.Begin(ctx, sample("t2"))
	require.NoError(t, err)
	assert.Equal(t, time.Date(2025, 6, 1, 13, 0, 0, 0, time.UTC), rec.CreatedAt)

	// Zero Start/End are NULL.
	r3 := sample("t3")
	r3.Start, r3.End = time.Time{}, time.Time{}
	_, _, err = l.Begin(ctx, r3)
	require.NoError(t, err)
	var nulls int
	require.NoError(t, l.db.QueryRowContext(ctx, l.d.rebind(
		"SELECT COUNT(*) FROM submissions WHERE key = ? AND start_at IS NULL AND end_at IS NULL"), "t3").Scan(&nulls))
	assert.Equal(t, 1, nulls)
	got3, err := l.Get(ctx, "t3")
	require.NoError(t, err)
	assert.True(t, got3.Start.IsZero())
	assert.True(t, got3.End.IsZero())
}

// tableColumns lists a table's columns in definition order.
func tableColumns(t *testing.T, l *Ledger, table string) []string {
	t.Helper()
	ctx := context.Background()
	var (
		rows *sql.Rows
		err  error
	)
	if l.d.dollar {
		rows, err = l.db.QueryContext(ctx, `SELECT column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, table)
	} else {
		rows, err = l.db.QueryContext(ctx, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)
	}
	require.NoError(t, err)
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		require.NoError(t, rows.Scan(&c))
		cols = append(cols, c)
	}
	require.NoError(t, rows.Err())
	return cols
}

func testSchemaColumns(t *testing.T, cfg Config, _ *clock) {
	l := open(t, cfg)
	cols := tableColumns(t, l, "submissions")
	assert.Equal(t, []string{
		"key", "submission_id", "team_id", "user_id", "channel_id", "thread_ts", "response_url",
		"store_name", "dealer_uuid", "customer_uuid", "customer_name", "vin", "vehicle_uuid",
		"start_at", "end_at", "services", "status", "draft_uuid", "short_url", "parent_ts", "reason",
		"created_at", "updated_at",
	}, cols)
	assert.Equal(t, []string{"version", "applied_at"}, tableColumns(t, l, "schema_migrations"))
	for _, c := range cols {
		lc := strings.ToLower(c)
		for _, banned := range []string{"phone", "mail", "mobile", "tel"} {
			assert.NotContains(t, lc, banned, "column %s", c)
		}
	}
}

func TestOpenRejectsOtherURLs(t *testing.T) {
	_, err := Open(context.Background(), Config{DatabaseURL: "mysql://user:secret@host/db"})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "secret")
}

func TestSQLiteFileAndPragmas(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "data")
	l := open(t, Config{DataDir: dir})
	_, _, err := l.Begin(context.Background(), sample("f1"))
	require.NoError(t, err)

	st, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), st.Mode().Perm())
	for _, name := range []string{SQLiteFile, SQLiteFile + "-wal"} {
		st, err := os.Stat(filepath.Join(dir, name))
		require.NoError(t, err, name)
		assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), name)
	}

	ctx := context.Background()
	pragma := func(name string) string {
		var v string
		require.NoError(t, l.db.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v))
		return v
	}
	assert.Equal(t, "wal", pragma("journal_mode"))
	assert.Equal(t, "5000", pragma("busy_timeout"))
	assert.Equal(t, "1", pragma("foreign_keys"))
	assert.Equal(t, "1", pragma("synchronous"), "NORMAL")
}

func TestPostgresHonoursSearchPath(t *testing.T) {
	if os.Getenv("TEST_DATABASE_URL") == "" {
		t.Skip(pgSkip)
	}
	cfg := postgresConfig(t, time.Now)
	l := open(t, cfg)
	u, err := url.Parse(cfg.DatabaseURL)
	require.NoError(t, err)
	schema := u.Query().Get("search_path")
	var n int
	require.NoError(t, l.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM information_schema.tables
		WHERE table_schema = $1 AND table_name IN ('submissions', 'schema_migrations')`, schema).Scan(&n))
	assert.Equal(t, 2, n)

	// The libpq options=-csearch_path=… form reaches the same schema.
	q := u.Query()
	q.Del("search_path")
	q.Set("options", "-csearch_path="+schema)
	u.RawQuery = q.Encode()
	l2 := open(t, Config{DatabaseURL: u.String()})
	_, _, err = l2.Begin(context.Background(), sample("via-options"))
	require.NoError(t, err)
	_, err = l.Get(context.Background(), "via-options")
	require.NoError(t, err)
}

func TestRebind(t *testing.T) {
	assert.Equal(t, "a = $1 AND b IN ($2, $3)", postgresDialect.rebind("a = ? AND b IN (?, ?)"))
	assert.Equal(t, "a = ?", sqliteDialect.rebind("a = ?"))
}

func TestBelow(t *testing.T) {
	assert.Equal(t, []any{"", "", ""}, below(appointment.StatusReceived))
	assert.Equal(t, []any{"received", "creating", ""}, below(appointment.StatusCreated))
	assert.Equal(t, []any{"received", "creating", "created"}, below(appointment.StatusFailed))
}
