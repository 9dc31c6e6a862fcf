package catalog_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/draftappt/draftappt/internal/catalog"
	"github.com/draftappt/draftappt/internal/mykaarma"
)

// fakeSource is a hand-written Source with function fields.
type fakeSource struct {
	opCodes   func(ctx context.Context, dealerUUID string) ([]mykaarma.Operation, error)
	transport func(ctx context.Context, deptUUID string) ([]mykaarma.TransportOption, error)
}

func (f *fakeSource) ListOpCodes(ctx context.Context, dealerUUID string) ([]mykaarma.Operation, error) {
	return f.opCodes(ctx, dealerUUID)
}

func (f *fakeSource) ListTransportOptions(ctx context.Context, deptUUID string) ([]mykaarma.TransportOption, error) {
	return f.transport(ctx, deptUUID)
}

// clock is a settable clock, safe for the catalog's goroutines.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC).UnixNano())
	return c
}

func (c *clock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) Advance(d time.Duration) { c.ns.Add(int64(d)) }
func (c *clock) opts() catalog.Options   { return catalog.Options{Now: c.Now} }
func ops(names ...string) []mykaarma.Operation {
	out := make([]mykaarma.Operation, len(names))
	for i, n := range names {
		out[i] = mykaarma.Operation{UUID: "uuid-" + n, LaborOpCode: "C" + n, Name: n}
	}
	return out
}

// newCatalog builds a catalog that is closed when the test ends, so no
// goroutine outlives it.
func newCatalog(t *testing.T, src catalog.Source, o catalog.Options) *catalog.Catalog {
	t.Helper()
	c := catalog.New(src, o)
	t.Cleanup(c.Close)
	return c
}

func idle(t *testing.T, c *catalog.Catalog) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c.Idle(ctx)
	require.NoError(t, ctx.Err(), "fetches did not finish")
}

// versions serves list n on the n-th call (1-based) and counts calls.
type versions struct {
	calls atomic.Int32
	lists [][]mykaarma.Operation
	errs  []error
}

func (v *versions) opCodes(context.Context, string) ([]mykaarma.Operation, error) {
	n := int(v.calls.Add(1)) - 1
	var err error
	if n < len(v.errs) {
		err = v.errs[n]
	}
	return v.lists[min(n, len(v.lists)-1)], err
}

func TestReadsNeverBlock(t *testing.T) {
	release := make(chan struct{})
	started := make(chan string, 2)
	src := &fakeSource{
		opCodes: func(ctx context.Context, dealer string) ([]mykaarma.Operation, error) {
			started <- dealer
			<-release
			return ops("Oil Change"), nil
		},
		transport: func(ctx context.Context, dept string) ([]mykaarma.TransportOption, error) {
			started <- dept
			<-release
			return []mykaarma.TransportOption{{UUID: "t1", Name: "Wait"}}, nil
		},
	}
	c := newCatalog(t, src, newClock().opts())

	got, ok := c.OpCodes("dealer-1")
	assert.False(t, ok)
	assert.Empty(t, got)
	tr, ok := c.TransportOptions("dept-1")
	assert.False(t, ok)
	assert.Empty(t, tr)
	assert.ElementsMatch(t, []string{"dealer-1", "dept-1"}, []string{<-started, <-started})

	close(release)
	idle(t, c)
	got, ok = c.OpCodes("dealer-1")
	assert.True(t, ok)
	assert.Equal(t, ops("Oil Change"), got)
	tr, ok = c.TransportOptions("dept-1")
	assert.True(t, ok)
	assert.Equal(t, []mykaarma.TransportOption{{UUID: "t1", Name: "Wait"}}, tr)
	assert.NoError(t, c.OpCodesError("dealer-1"))
	assert.NoError(t, c.TransportError("dept-1"))
}

func TestBlankKeyFetchesNothing(t *testing.T) {
	src := &fakeSource{opCodes: func(context.Context, string) ([]mykaarma.Operation, error) {
		t.Error("unexpected fetch")
		return nil, nil
	}}
	c := newCatalog(t, src, newClock().opts())
	_, ok := c.OpCodes("  ")
	assert.False(t, ok)
	idle(t, c)
}

func TestConcurrentReadsFetchOnce(t *testing.T) {
	var calls atomic.Int32
	release := make(chan struct{})
	src := &fakeSource{opCodes: func(context.Context, string) ([]mykaarma.Operation, error) {
		calls.Add(1)
		<-release
		return ops("A"), nil
	}}
	c := newCatalog(t, src, newClock().opts())

	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			c.OpCodes("dealer-1")
			c.SearchOpCodes("dealer-1", "a", 5)
			c.OpCode("dealer-1", "CA")
		})
	}
	wg.Wait()
	close(release)
	idle(t, c)
	for range 10 {
		_, ok := c.OpCodes("dealer-1")
		assert.True(t, ok)
	}
	idle(t, c)
	assert.Equal(t, int32(1), calls.Load())
}

func TestTTLAndStaleWhileRevalidate(t *testing.T) {
	clk := newClock()
	release := make(chan struct{}, 3)
	v := &versions{lists: [][]mykaarma.Operation{ops("One"), ops("Two")}}
	src := &fakeSource{opCodes: func(ctx context.Context, d string) ([]mykaarma.Operation, error) {
		<-release
		return v.opCodes(ctx, d)
	}}
	o := clk.opts()
	o.OpCodeTTL = time.Hour
	c := newCatalog(t, src, o)

	release <- struct{}{}
	c.OpCodes("d")
	idle(t, c)

	t.Run("FreshWithinTTL", func(t *testing.T) {
		clk.Advance(59 * time.Minute)
		got, ok := c.OpCodes("d")
		require.True(t, ok)
		assert.Equal(t, ops("One"), got)
		idle(t, c)
		assert.Equal(t, int32(1), v.calls.Load())
	})

	t.Run("StaleIsServedWhileRefreshing", func(t *testing.T) {
		clk.Advance(time.Minute)
		got, ok := c.OpCodes("d") // starts the refresh, which waits for release
		require.True(t, ok)
		assert.Equal(t, ops("One"), got)
		got, _ = c.OpCodes("d")
		assert.Equal(t, ops("One"), got)
		release <- struct{}{}
		idle(t, c)
		got, _ = c.OpCodes("d")
		assert.Equal(t, ops("Two"), got)
		assert.Equal(t, int32(2), v.calls.Load())
	})
}

func TestTransportTTLDefaultsToADay(t *testing.T) {
	clk := newClock()
	var calls atomic.Int32
	src := &fakeSource{transport: func(context.Context, string) ([]mykaarma.TransportOption, error) {
		calls.Add(1)
		return []mykaarma.TransportOption{{UUID: "t2", Name: "Shuttle"}, {UUID: "t1", Name: "Loaner"}}, nil
	}}
	c := newCatalog(t, src, clk.opts())
	c.TransportOptions("dept")
	idle(t, c)

	clk.Advance(23 * time.Hour)
	got, ok := c.TransportOptions("dept")
	require.True(t, ok)
	assert.Equal(t, []mykaarma.TransportOption{{UUID: "t2", Name: "Shuttle"}, {UUID: "t1", Name: "Loaner"}}, got, "myKaarma's order is kept")
	idle(t, c)
	assert.Equal(t, int32(1), calls.Load())

	clk.Advance(time.Hour)
	c.TransportOptions("dept")
	idle(t, c)
	assert.Equal(t, int32(2), calls.Load())
}

func TestFailureKeepsOldData(t *testing.T) {
	clk := newClock()
	boom := errors.New("myKaarma 503")
	v := &versions{
		lists: [][]mykaarma.Operation{ops("One"), nil, ops("Three")},
		errs:  []error{nil, boom, nil},
	}
	o := clk.opts()
	o.OpCodeTTL = time.Hour
	o.RetryAfterFailure = time.Minute
	c := newCatalog(t, &fakeSource{opCodes: v.opCodes}, o)

	c.OpCodes("d")
	idle(t, c)
	clk.Advance(time.Hour)
	c.OpCodes("d") // stale: refresh fails
	idle(t, c)

	got, ok := c.OpCodes("d")
	require.True(t, ok, "stale data beats none")
	assert.Equal(t, ops("One"), got)
	err := c.OpCodesError("d")
	require.Error(t, err)
	require.ErrorIs(t, err, boom)
	assert.Equal(t, "catalog: refreshing opcodes of dealer d: myKaarma 503", err.Error())

	clk.Advance(59 * time.Second)
	c.OpCodes("d")
	idle(t, c)
	assert.Equal(t, int32(2), v.calls.Load(), "no retry before RetryAfterFailure")

	clk.Advance(time.Second)
	c.OpCodes("d")
	idle(t, c)
	assert.Equal(t, int32(3), v.calls.Load())
	got, _ = c.OpCodes("d")
	assert.Equal(t, ops("Three"), got)
	assert.NoError(t, c.OpCodesError("d"))
}

func TestFailureWithNoData(t *testing.T) {
	var calls atomic.Int32
	src := &fakeSource{opCodes: func(context.Context, string) ([]mykaarma.Operation, error) {
		calls.Add(1)
		panic("bad source")
	}}
	c := newCatalog(t, src, newClock().opts())
	c.OpCodes("d")
	idle(t, c)
	got, ok := c.OpCodes("d")
	assert.False(t, ok)
	assert.Empty(t, got)
	require.EqualError(t, c.OpCodesError("d"), "catalog: refreshing opcodes of dealer d: panic: bad source")
	idle(t, c)
	assert.Equal(t, int32(1), calls.Load())
	assert.NoError(t, c.OpCodesError("never-asked"))
}

func TestFetchTimeout(t *testing.T) {
	src := &fakeSource{opCodes: func(ctx context.Context, _ string) ([]mykaarma.Operation, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	o := newClock().opts()
	o.FetchTimeout = time.Millisecond
	c := newCatalog(t, src, o)
	c.OpCodes("d")
	idle(t, c)
	assert.ErrorIs(t, c.OpCodesError("d"), context.DeadlineExceeded)
}

func TestSearchOpCodes(t *testing.T) {
	list := []mykaarma.Operation{
		{UUID: "u1", LaborOpCode: "ROT", Name: "Tire Rotation", Description: "rotate all four tires"},
		{UUID: "u2", LaborOpCode: "OIL", Name: "Oil Change", Description: "conventional oil"},
		{UUID: "u3", LaborOpCode: "SYN", Name: "Synthetic Oil Change", Description: "full synthetic"},
		{UUID: "u4", LaborOpCode: "BRK", Name: "Brake Inspection", Description: "check pads and oil leaks"},
		{UUID: "u5", LaborOpCode: "OILX", Name: "Express Lube", Description: ""},
		{UUID: "u6", LaborOpCode: "ALN", Name: "alignment", Description: "four wheel"},
	}
	src := &fakeSource{opCodes: func(context.Context, string) ([]mykaarma.Operation, error) { return list, nil }}
	c := newCatalog(t, src, newClock().opts())
	c.OpCodes("d")
	idle(t, c)

	codes := func(ops []mykaarma.Operation) []string {
		out := []string{}
		for _, op := range ops {
			out = append(out, op.LaborOpCode)
		}
		return out
	}
	t.Run("SortedByName", func(t *testing.T) {
		got, _ := c.OpCodes("d")
		assert.Equal(t, []string{"ALN", "BRK", "OILX", "OIL", "SYN", "ROT"}, codes(got))
	})

	tests := []struct {
		name, query string
		max         int
		want        []string
	}{
		{"EmptyListsAll", "", 0, []string{"ALN", "BRK", "OILX", "OIL", "SYN", "ROT"}},
		{"EmptyWithMax", "  ", 2, []string{"ALN", "BRK"}},
		{"ExactCodeFirstThenPrefixThenContainsThenDescription", "oil", 0, []string{"OIL", "OILX", "SYN", "BRK"}},
		{"ExactNameFirst", "OIL CHANGE", 0, []string{"OIL", "SYN"}},
		{"Max", "oil", 2, []string{"OIL", "OILX"}},
		{"AllWordsAnywhere", "change synthetic", 0, []string{"SYN"}},
		{"Description", "four", 0, []string{"ALN", "ROT"}},
		{"NameBeforeDescription", "tion", 0, []string{"BRK", "ROT", "OIL"}},
		{"NoMatch", "wiper", 0, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, codes(c.SearchOpCodes("d", tt.query, tt.max)))
		})
	}

	t.Run("OpCode", func(t *testing.T) {
		got, ok := c.OpCode("d", "u3")
		require.True(t, ok)
		assert.Equal(t, "SYN", got.LaborOpCode)
		got, ok = c.OpCode("d", " oilx ")
		require.True(t, ok)
		assert.Equal(t, "u5", got.UUID)
		_, ok = c.OpCode("d", "nope")
		assert.False(t, ok)
		_, ok = c.OpCode("d", "")
		assert.False(t, ok)
	})

	t.Run("CallersGetCopies", func(t *testing.T) {
		got, _ := c.OpCodes("d")
		got[0].Name = "changed"
		again, _ := c.OpCodes("d")
		assert.Equal(t, "alignment", again[0].Name)
	})
}

func TestWarm(t *testing.T) {
	t.Run("FetchesEverythingInParallelBounded", func(t *testing.T) {
		var running, peak, calls atomic.Int32
		gate := make(chan struct{})
		enter := func() {
			calls.Add(1)
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			<-gate
			running.Add(-1)
		}
		src := &fakeSource{
			opCodes: func(_ context.Context, d string) ([]mykaarma.Operation, error) {
				enter()
				return ops(d), nil
			},
			transport: func(_ context.Context, d string) ([]mykaarma.TransportOption, error) {
				enter()
				return []mykaarma.TransportOption{{UUID: d, Name: d}}, nil
			},
		}
		c := newCatalog(t, src, newClock().opts())
		done := make(chan struct{})
		go func() {
			defer close(done)
			c.Warm(context.Background(), []string{"d1", "d2", "d3", "d1", ""}, []string{"t1", "t2", "t3", "t4"})
		}()
		close(gate)
		<-done
		assert.Equal(t, int32(7), calls.Load(), "duplicates and blanks are skipped")
		assert.LessOrEqual(t, peak.Load(), int32(4))
		for _, d := range []string{"d1", "d2", "d3"} {
			got, ok := c.OpCodes(d)
			assert.True(t, ok)
			assert.Equal(t, ops(d), got)
		}
		for _, d := range []string{"t1", "t2", "t3", "t4"} {
			_, ok := c.TransportOptions(d)
			assert.True(t, ok)
		}
	})

	t.Run("ReturnsWhenContextEnds", func(t *testing.T) {
		warmCtx, cancelWarm := context.WithCancel(context.Background())
		defer cancelWarm()
		t1Asked := make(chan struct{}, 1)
		cancelled := make(chan struct{})
		src := &fakeSource{
			opCodes: func(ctx context.Context, d string) ([]mykaarma.Operation, error) {
				if d == "fast" {
					return ops("Fast"), nil
				}
				// A hung myKaarma: Warm's caller gives up (once every
				// fetch has started), then only Close ends it.
				<-t1Asked
				cancelWarm()
				<-ctx.Done()
				close(cancelled)
				return nil, ctx.Err()
			},
			transport: func(context.Context, string) ([]mykaarma.TransportOption, error) {
				t1Asked <- struct{}{}
				return nil, errors.New("no scope")
			},
		}
		c := catalog.New(src, newClock().opts())
		c.Warm(warmCtx, []string{"fast", "slow"}, []string{"t1"}) // returns although "slow" hangs
		_, ok := c.OpCodes("slow")
		assert.False(t, ok, "still fetching in the background")

		c.Close() // cancels the hung fetch and waits for every fetch
		<-cancelled
		require.ErrorIs(t, c.OpCodesError("slow"), context.Canceled)
		_, ok = c.OpCodes("fast")
		assert.True(t, ok)
		assert.EqualError(t, c.TransportError("t1"), "catalog: refreshing transport options of department t1: no scope")
	})

	t.Run("CancelledBeforeStart", func(t *testing.T) {
		src := &fakeSource{opCodes: func(context.Context, string) ([]mykaarma.Operation, error) {
			t.Error("unexpected fetch")
			return nil, nil
		}}
		c := newCatalog(t, src, newClock().opts())
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		c.Warm(ctx, []string{"a", "b", "c", "d", "e", "f"}, nil)
		idle(t, c)
	})
}

func TestRun(t *testing.T) {
	clk := newClock()
	fetched := make(chan string, 10)
	v := &versions{lists: [][]mykaarma.Operation{ops("One"), ops("Two")}, errs: []error{nil, errors.New("down"), nil}}
	src := &fakeSource{opCodes: func(ctx context.Context, d string) ([]mykaarma.Operation, error) {
		defer func() { fetched <- d }()
		return v.opCodes(ctx, d)
	}}
	o := clk.opts()
	o.OpCodeTTL = time.Hour
	o.RetryAfterFailure = time.Minute
	o.CheckEvery = time.Millisecond
	c := catalog.New(src, o)
	c.Warm(context.Background(), []string{"d"}, nil)
	assert.Equal(t, "d", <-fetched)

	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		c.Run(ctx)
	}()

	clk.Advance(48 * time.Minute) // 80% of the TTL: refreshed before it expires
	assert.Equal(t, "d", <-fetched)
	idle(t, c)
	got, _ := c.OpCodes("d")
	assert.Equal(t, ops("One"), got, "the failed early refresh keeps the list")
	require.Error(t, c.OpCodesError("d"))

	clk.Advance(time.Minute) // retried after RetryAfterFailure
	assert.Equal(t, "d", <-fetched)
	idle(t, c)
	got, _ = c.OpCodes("d")
	assert.Equal(t, ops("Two"), got)
	require.NoError(t, c.OpCodesError("d"))

	cancel()
	<-stopped
	// Closed: reads still answer, but start nothing.
	clk.Advance(24 * time.Hour)
	got, ok := c.OpCodes("d")
	assert.True(t, ok)
	assert.Equal(t, ops("Two"), got)
	_, ok = c.OpCodes("other")
	assert.False(t, ok)
	assert.Empty(t, fetched)
}

func TestRunStopCancelsFetches(t *testing.T) {
	started := make(chan struct{})
	src := &fakeSource{opCodes: func(ctx context.Context, _ string) ([]mykaarma.Operation, error) {
		close(started)
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	c := catalog.New(src, newClock().opts())
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		c.Run(ctx)
	}()
	c.OpCodes("d")
	<-started
	cancel()
	<-stopped // Run waited for the cancelled fetch
	require.ErrorIs(t, c.OpCodesError("d"), context.Canceled)
	c.Close() // idempotent
}
