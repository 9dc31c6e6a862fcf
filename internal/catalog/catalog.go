// Package catalog owns the in-memory copies of the myKaarma lists shown in
// the draft modal: each dealer's opcodes (services) and each department's
// transport options.
//
// Slack gives the bot three seconds to open a modal, and the opcode list is
// paged and slow, so readers never wait for myKaarma: they get what is in
// memory (possibly stale) and a missing or stale entry starts one
// background refresh. Stale data beats none: a failed refresh keeps the old
// list, records the error (for a note in the modal and the logs) and is
// retried after Options.RetryAfterFailure. myKaarma asks integrators to
// cache transport options for at least a day per department, hence the
// default TransportTTL.
//
// Every goroutine is tied to the Catalog: Close (or the end of Run's
// context) cancels in-flight fetches and waits for them. It depends on the
// myKaarma client only through the Source interface and knows nothing of
// Slack.
package catalog

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/draftappt/draftappt/internal/mykaarma"
)

// Source is where the lists come from: the myKaarma client, or a fake.
// Fetches must honour ctx; Close waits for them.
type Source interface {
	ListOpCodes(ctx context.Context, dealerUUID string) ([]mykaarma.Operation, error)
	ListTransportOptions(ctx context.Context, deptUUID string) ([]mykaarma.TransportOption, error)
}

var _ Source = (*mykaarma.Client)(nil)

// Options tune the catalog. Zero values take the defaults.
type Options struct {
	OpCodeTTL         time.Duration // how long opcodes are fresh; default 1h
	TransportTTL      time.Duration // how long transport options are fresh; default 24h
	RetryAfterFailure time.Duration // wait after a failed refresh; default 1m
	FetchTimeout      time.Duration // bound on one fetch; default 30s
	// CheckEvery is how often Run looks for entries due for a refresh;
	// default half of RetryAfterFailure, at most 30s.
	CheckEvery time.Duration
	Now        func() time.Time // default time.Now
	Log        *slog.Logger     // default: discard
}

// refreshAt is the fraction of a TTL after which Run refreshes an entry, so
// readers normally never see it stale.
const refreshAt = 0.8

// warmParallel bounds concurrent fetches during Warm, to be gentle with
// myKaarma at start-up.
const warmParallel = 4

func (o Options) withDefaults() Options {
	o.OpCodeTTL = cmp.Or(o.OpCodeTTL, time.Hour)
	o.TransportTTL = cmp.Or(o.TransportTTL, 24*time.Hour)
	o.RetryAfterFailure = cmp.Or(o.RetryAfterFailure, time.Minute)
	o.FetchTimeout = cmp.Or(o.FetchTimeout, 30*time.Second)
	if o.CheckEvery <= 0 {
		o.CheckEvery = max(min(o.RetryAfterFailure/2, 30*time.Second), time.Millisecond)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return o
}

// Catalog caches opcodes per dealer and transport options per department.
// It is safe for concurrent use.
type Catalog struct {
	o         Options
	ops       *cache[mykaarma.Operation]
	transport *cache[mykaarma.TransportOption]

	lifeMu sync.Mutex
	ctx    context.Context // parent of every fetch; cancelled by Close
	cancel context.CancelFunc
	closed bool
	wg     sync.WaitGroup
}

// New returns a Catalog reading from src. Call Run (or at least Close) so
// background fetches end.
func New(src Source, o Options) *Catalog {
	o = o.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	c := &Catalog{o: o, ctx: ctx, cancel: cancel}
	c.ops = &cache[mykaarma.Operation]{
		c: c, what: "opcodes of dealer", ttl: o.OpCodeTTL,
		fetch: src.ListOpCodes, tidy: sortOps,
		entries: map[string]*entry[mykaarma.Operation]{},
	}
	c.transport = &cache[mykaarma.TransportOption]{
		c: c, what: "transport options of department", ttl: o.TransportTTL,
		// myKaarma's order is the dealer's own (e.g. "Wait" first): keep it.
		fetch: src.ListTransportOptions, tidy: slices.Clone[[]mykaarma.TransportOption],
		entries: map[string]*entry[mykaarma.TransportOption]{},
	}
	return c
}

// OpCodes returns the dealer's cached opcodes sorted by name (possibly
// stale) without blocking, and whether any list is available. A missing or
// stale entry starts a background refresh.
func (c *Catalog) OpCodes(dealerUUID string) ([]mykaarma.Operation, bool) {
	return c.ops.get(dealerUUID)
}

// TransportOptions returns the department's cached transport options in
// myKaarma's order (possibly stale) without blocking, and whether any list
// is available. A missing or stale entry starts a background refresh.
func (c *Catalog) TransportOptions(deptUUID string) ([]mykaarma.TransportOption, bool) {
	return c.transport.get(deptUUID)
}

// OpCodesError is the error of the last refresh of the dealer's opcodes,
// nil when it succeeded (or none finished yet).
func (c *Catalog) OpCodesError(dealerUUID string) error { return c.ops.lastError(dealerUUID) }

// TransportError is the error of the last refresh of the department's
// transport options, nil when it succeeded (or none finished yet).
func (c *Catalog) TransportError(deptUUID string) error { return c.transport.lastError(deptUUID) }

// SearchOpCodes filters the dealer's cached opcodes by query, ignoring
// case: every word of the query must appear in the code, name or
// description. Exact matches of the code or name come first, then codes or
// names starting with the query, then matches in code or name, then matches
// only in the description; ties keep name order. An empty query lists all.
// At most max are returned (max <= 0: no limit).
func (c *Catalog) SearchOpCodes(dealerUUID, query string, max int) []mykaarma.Operation {
	ops, _ := c.OpCodes(dealerUUID)
	words := strings.Fields(strings.ToLower(query))
	limit := func(out []mykaarma.Operation) []mykaarma.Operation {
		if max > 0 && len(out) > max {
			return out[:max]
		}
		return out
	}
	if len(words) == 0 {
		return limit(ops)
	}
	q := strings.Join(words, " ")
	type hit struct {
		rank int
		op   mykaarma.Operation
	}
	var hits []hit
	for _, op := range ops {
		code, name := strings.ToLower(op.LaborOpCode), strings.ToLower(op.Name)
		short := code + " " + name
		long := short + " " + strings.ToLower(op.Description)
		rank := -1
		switch {
		case code == q || name == q:
			rank = 0
		case strings.HasPrefix(code, q) || strings.HasPrefix(name, q):
			rank = 1
		case containsAll(short, words):
			rank = 2
		case containsAll(long, words):
			rank = 3
		}
		if rank >= 0 {
			hits = append(hits, hit{rank, op})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return a.rank - b.rank })
	out := make([]mykaarma.Operation, len(hits))
	for i, h := range hits {
		out[i] = h.op
	}
	return limit(out)
}

func containsAll(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// OpCode finds one of the dealer's cached operations by UUID or, ignoring
// case, by labor opcode.
func (c *Catalog) OpCode(dealerUUID, key string) (mykaarma.Operation, bool) {
	key = strings.TrimSpace(key)
	if key == "" {
		return mykaarma.Operation{}, false
	}
	ops, _ := c.OpCodes(dealerUUID)
	for _, op := range ops {
		if op.UUID == key {
			return op, true
		}
	}
	for _, op := range ops {
		if strings.EqualFold(op.LaborOpCode, key) {
			return op, true
		}
	}
	return mykaarma.Operation{}, false
}

// Warm fetches the given keys now, a few at a time, joining fetches already
// running. It returns when all have finished or ctx ends (fetches still
// running then go on in the background). Failures are not returned: they
// are kept for OpCodesError/TransportError and logged, and the bot starts
// anyway.
func (c *Catalog) Warm(ctx context.Context, dealerUUIDs, deptUUIDs []string) {
	var jobs []func() <-chan struct{}
	seen := map[string]bool{}
	for _, k := range dealerUUIDs {
		if k = strings.TrimSpace(k); k != "" && !seen["d"+k] {
			seen["d"+k] = true
			jobs = append(jobs, func() <-chan struct{} { return c.ops.refreshNow(k) })
		}
	}
	for _, k := range deptUUIDs {
		if k = strings.TrimSpace(k); k != "" && !seen["t"+k] {
			seen["t"+k] = true
			jobs = append(jobs, func() <-chan struct{} { return c.transport.refreshNow(k) })
		}
	}
	sem := make(chan struct{}, warmParallel)
	var wg sync.WaitGroup
	defer wg.Wait()
	for _, start := range jobs {
		if ctx.Err() != nil {
			return // select below may pick a free slot over a done ctx
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return
		}
		wg.Go(func() {
			defer func() { <-sem }()
			done := start()
			if done == nil {
				return // closed
			}
			select {
			case <-done:
			case <-ctx.Done():
			}
		})
	}
}

// Run refreshes entries before they expire (at 80% of their TTL) and
// retries failed ones, until ctx ends. It then closes the Catalog: in-flight
// fetches are cancelled and Run returns once they have stopped.
func (c *Catalog) Run(ctx context.Context) {
	defer c.Close()
	t := time.NewTicker(c.o.CheckEvery)
	defer t.Stop()
	for {
		c.ops.refreshDue()
		c.transport.refreshDue()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Close cancels in-flight fetches, starts no more, and waits for the
// background goroutines to end. Reads keep answering from memory. It is
// safe to call more than once.
func (c *Catalog) Close() {
	c.lifeMu.Lock()
	c.closed = true
	c.cancel()
	c.lifeMu.Unlock()
	c.wg.Wait()
}

// spawn runs f in a goroutine tied to the Catalog, unless it is closed.
func (c *Catalog) spawn(f func(ctx context.Context)) bool {
	c.lifeMu.Lock()
	defer c.lifeMu.Unlock()
	if c.closed {
		return false
	}
	c.wg.Go(func() { f(c.ctx) })
	return true
}

// idle waits until no fetch is running or ctx ends (for tests).
func (c *Catalog) idle(ctx context.Context) {
	for {
		chans := append(c.ops.running(), c.transport.running()...)
		if len(chans) == 0 {
			return
		}
		for _, ch := range chans {
			select {
			case <-ch:
			case <-ctx.Done():
				return
			}
		}
	}
}

func sortOps(in []mykaarma.Operation) []mykaarma.Operation {
	out := slices.Clone(in)
	key := func(op mykaarma.Operation) string { return strings.ToLower(cmp.Or(op.Name, op.LaborOpCode)) }
	slices.SortStableFunc(out, func(a, b mykaarma.Operation) int {
		return cmp.Or(
			strings.Compare(key(a), key(b)),
			strings.Compare(a.LaborOpCode, b.LaborOpCode),
			strings.Compare(a.UUID, b.UUID),
		)
	})
	return out
}

// cache is one kind of list, keyed by dealer or department UUID.
type cache[T any] struct {
	c     *Catalog
	what  string // for errors and logs: "opcodes of dealer"
	ttl   time.Duration
	fetch func(ctx context.Context, key string) ([]T, error)
	tidy  func([]T) []T // sorts or copies what the Source returned

	mu      sync.Mutex
	entries map[string]*entry[T]
}

type entry[T any] struct {
	data      []T
	have      bool      // data holds a fetched list (possibly empty)
	fetchedAt time.Time // of the last success
	err       error     // of the last attempt; nil when it succeeded
	failedAt  time.Time
	done      chan struct{} // non-nil while a fetch runs; closed when it ends
}

// due reports whether e should be refreshed at now, with fresh the
// fraction of the TTL after which a successful fetch is refreshed.
func (k *cache[T]) due(e *entry[T], now time.Time, fresh float64) bool {
	switch {
	case e.done != nil:
		return false // one fetch per key at a time
	case e.err != nil:
		return !now.Before(e.failedAt.Add(k.c.o.RetryAfterFailure))
	case !e.have:
		return true
	}
	return !now.Before(e.fetchedAt.Add(time.Duration(float64(k.ttl) * fresh)))
}

func (k *cache[T]) get(key string) ([]T, bool) {
	key = strings.TrimSpace(key)
	if key == "" {
		return nil, false
	}
	now := k.c.o.Now()
	k.mu.Lock()
	defer k.mu.Unlock()
	e := k.entries[key]
	if e == nil {
		e = &entry[T]{}
		k.entries[key] = e
	}
	if k.due(e, now, 1) {
		k.start(key, e)
	}
	// A copy: callers may sort or trim what they get.
	return slices.Clone(e.data), e.have
}

func (k *cache[T]) lastError(key string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if e := k.entries[strings.TrimSpace(key)]; e != nil {
		return e.err
	}
	return nil
}

// refreshNow starts a fetch of key unless one is running, and returns the
// channel closed when it ends (nil once the Catalog is closed).
func (k *cache[T]) refreshNow(key string) <-chan struct{} {
	k.mu.Lock()
	defer k.mu.Unlock()
	e := k.entries[key]
	if e == nil {
		e = &entry[T]{}
		k.entries[key] = e
	}
	return k.start(key, e)
}

func (k *cache[T]) refreshDue() {
	now := k.c.o.Now()
	k.mu.Lock()
	defer k.mu.Unlock()
	for key, e := range k.entries {
		if k.due(e, now, refreshAt) {
			k.start(key, e)
		}
	}
}

func (k *cache[T]) running() []<-chan struct{} {
	k.mu.Lock()
	defer k.mu.Unlock()
	var out []<-chan struct{}
	for _, e := range k.entries {
		if e.done != nil {
			out = append(out, e.done)
		}
	}
	return out
}

// start begins a background fetch of key; k.mu must be held.
func (k *cache[T]) start(key string, e *entry[T]) <-chan struct{} {
	if e.done != nil {
		return e.done
	}
	done := make(chan struct{})
	if !k.c.spawn(func(ctx context.Context) { k.refresh(ctx, key, done) }) {
		return nil
	}
	e.done = done
	return done
}

func (k *cache[T]) refresh(ctx context.Context, key string, done chan struct{}) {
	defer close(done)
	ctx, cancel := context.WithTimeout(ctx, k.c.o.FetchTimeout)
	data, err := k.safeFetch(ctx, key)
	cancel()
	if err == nil {
		data = k.tidy(data)
	}
	now := k.c.o.Now()

	k.mu.Lock()
	e := k.entries[key]
	e.done = nil
	if err != nil {
		e.err = fmt.Errorf("catalog: refreshing %s %s: %w", k.what, key, err)
		e.failedAt = now
	} else {
		e.data, e.have, e.fetchedAt, e.err = data, true, now, nil
	}
	have := e.have
	k.mu.Unlock()

	if err != nil {
		k.c.o.Log.Warn("catalog refresh failed", "list", k.what, "key", key, "keeping_old_list", have,
			"retry_after", k.c.o.RetryAfterFailure, "err", err)
		return
	}
	k.c.o.Log.Debug("catalog refreshed", "list", k.what, "key", key, "count", len(data))
}

// safeFetch turns a panicking Source into an error: a background goroutine
// must not take the bot down.
func (k *cache[T]) safeFetch(ctx context.Context, key string) (data []T, err error) {
	defer func() {
		if r := recover(); r != nil {
			data, err = nil, fmt.Errorf("panic: %v", r)
		}
	}()
	return k.fetch(ctx, key)
}
