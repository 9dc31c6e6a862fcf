package appointment_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/draftappt/draftappt/internal/appointment"
	"github.com/draftappt/draftappt/internal/ledger"
)

// fakeCreator and fakeAnnouncer are hand-written doubles with function fields.
type fakeCreator struct {
	create func(context.Context, appointment.Request) (appointment.Draft, error)
	calls  atomic.Int32
}

func (f *fakeCreator) CreateDraft(ctx context.Context, r appointment.Request) (appointment.Draft, error) {
	f.calls.Add(1)
	return f.create(ctx, r)
}

type fakeAnnouncer struct {
	mu       sync.Mutex
	drafts   []appointment.Draft
	failures []string
	err      error
}

func (f *fakeAnnouncer) AnnounceDraft(_ context.Context, _ appointment.Submission, d appointment.Draft) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.drafts = append(f.drafts, d)
	return f.err
}

func (f *fakeAnnouncer) AnnounceFailure(_ context.Context, _ appointment.Submission, msg string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures = append(f.failures, msg)
	return f.err
}

type userErr struct {
	msg       string
	retryable bool
	after     time.Duration
}

func (e userErr) Error() string             { return "internal detail" }
func (e userErr) UserMessage() string       { return e.msg }
func (e userErr) Retryable() bool           { return e.retryable }
func (e userErr) RetryDelay() time.Duration { return e.after }

func openLedger(t *testing.T) *ledger.Ledger {
	t.Helper()
	l, err := ledger.Open(context.Background(), ledger.Config{DataDir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	return l
}

type setup struct {
	p      *appointment.Pipeline
	cr     *fakeCreator
	an     *fakeAnnouncer
	l      *ledger.Ledger
	sleeps []time.Duration
	sub    appointment.Submission
}

func newSetup(t *testing.T, create func(n int32) (appointment.Draft, error)) *setup {
	t.Helper()
	loc := chicago(t)
	now := time.Date(2026, 12, 3, 14, 0, 0, 0, loc)
	s := &setup{an: &fakeAnnouncer{}, l: openLedger(t)}
	s.cr = &fakeCreator{}
	s.cr.create = func(context.Context, appointment.Request) (appointment.Draft, error) {
		return create(s.cr.calls.Load())
	}
	s.p = appointment.NewPipeline(appointment.PipelineConfig{
		Creator: s.cr, Announcer: s.an, Ledger: s.l, Now: func() time.Time { return now },
		Sleep:    func(_ context.Context, d time.Duration) error { s.sleeps = append(s.sleeps, d); return nil },
		Location: func(string) *time.Location { return loc },
	})
	sub, err := s.p.Prepare("E1", appointment.Store{Name: "Metro", DealerUUID: "dealer-1", Location: loc}, validForm(),
		appointment.Requester{UserID: "U1", ChannelID: "C1"})
	require.NoError(t, err)
	sub.Key = "V1:abc"
	s.sub = sub
	return s
}

func (s *setup) status(t *testing.T) appointment.Record {
	t.Helper()
	rec, err := s.l.Get(context.Background(), s.sub.Key)
	require.NoError(t, err)
	return rec
}

func ok(n int32) (appointment.Draft, error) {
	return appointment.Draft{UUID: "d1", ShortURL: "https://mkrm.io/x"}, nil
}

func TestPipeline(t *testing.T) {
	ctx := context.Background()

	t.Run("CreatedRecordedAndAnnounced", func(t *testing.T) {
		s := newSetup(t, ok)
		dup, err := s.p.Record(ctx, s.sub)
		require.NoError(t, err)
		assert.False(t, dup)
		d, err := s.p.Process(ctx, s.sub)
		require.NoError(t, err)
		assert.Equal(t, "d1", d.UUID)
		assert.Len(t, s.an.drafts, 1)
		rec := s.status(t)
		assert.Equal(t, appointment.StatusAnnounced, rec.Status)
		assert.Equal(t, "d1", rec.DraftUUID)
		assert.Equal(t, "https://mkrm.io/x", rec.ShortURL)
		assert.Equal(t, []string{"OIL", "ROTATE"}, rec.Services)
	})

	t.Run("DuplicateSubmissionDoesNothing", func(t *testing.T) {
		s := newSetup(t, ok)
		_, err := s.p.Record(ctx, s.sub)
		require.NoError(t, err)
		dup, err := s.p.Record(ctx, s.sub)
		require.NoError(t, err)
		assert.True(t, dup)
	})

	t.Run("ConcurrentProcessCreatesOnce", func(t *testing.T) {
		s := newSetup(t, ok)
		_, err := s.p.Record(ctx, s.sub)
		require.NoError(t, err)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() { _, _ = s.p.Process(ctx, s.sub) })
		}
		wg.Wait()
		assert.EqualValues(t, 1, s.cr.calls.Load())
		assert.Len(t, s.an.drafts, 1)
	})

	t.Run("ErrCreateToldAndRecorded", func(t *testing.T) {
		s := newSetup(t, func(int32) (appointment.Draft, error) {
			return appointment.Draft{}, userErr{msg: "myKaarma says the customer does not exist."}
		})
		_, _ = s.p.Record(ctx, s.sub)
		_, err := s.p.Process(ctx, s.sub)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "dealer-1")
		assert.Empty(t, s.an.drafts)
		assert.Equal(t, []string{"myKaarma says the customer does not exist."}, s.an.failures)
		rec := s.status(t)
		assert.Equal(t, appointment.StatusFailed, rec.Status)
		assert.Equal(t, "myKaarma says the customer does not exist.", rec.Reason)
	})

	t.Run("ErrInternalGetsGenericMessage", func(t *testing.T) {
		s := newSetup(t, func(int32) (appointment.Draft, error) {
			return appointment.Draft{}, errors.New("secret internal detail")
		})
		_, _ = s.p.Record(ctx, s.sub)
		_, _ = s.p.Process(ctx, s.sub)
		require.Len(t, s.an.failures, 1)
		assert.NotContains(t, s.an.failures[0], "secret")
	})

	t.Run("RetryableErrorsRetriedWithBackoff", func(t *testing.T) {
		s := newSetup(t, func(n int32) (appointment.Draft, error) {
			if n < 3 {
				return appointment.Draft{}, userErr{msg: "busy", retryable: true}
			}
			return ok(n)
		})
		_, _ = s.p.Record(ctx, s.sub)
		_, err := s.p.Process(ctx, s.sub)
		require.NoError(t, err)
		assert.EqualValues(t, 3, s.cr.calls.Load())
		require.Len(t, s.sleeps, 2)
		assert.Positive(t, s.sleeps[0])
		assert.Len(t, s.an.drafts, 1)
	})

	t.Run("RetryAfterHonoured", func(t *testing.T) {
		s := newSetup(t, func(n int32) (appointment.Draft, error) {
			if n < 2 {
				return appointment.Draft{}, userErr{msg: "slow down", retryable: true, after: 3 * time.Second}
			}
			return ok(n)
		})
		_, _ = s.p.Record(ctx, s.sub)
		_, err := s.p.Process(ctx, s.sub)
		require.NoError(t, err)
		assert.Equal(t, []time.Duration{3 * time.Second}, s.sleeps)
	})

	t.Run("AmbiguousErrorsNeverRetried", func(t *testing.T) {
		s := newSetup(t, func(int32) (appointment.Draft, error) {
			return appointment.Draft{}, userErr{msg: "timed out; may or may not exist"}
		})
		_, _ = s.p.Record(ctx, s.sub)
		_, err := s.p.Process(ctx, s.sub)
		require.Error(t, err)
		assert.EqualValues(t, 1, s.cr.calls.Load())
	})

	t.Run("RetriesBounded", func(t *testing.T) {
		s := newSetup(t, func(int32) (appointment.Draft, error) {
			return appointment.Draft{}, userErr{msg: "busy", retryable: true}
		})
		_, _ = s.p.Record(ctx, s.sub)
		_, err := s.p.Process(ctx, s.sub)
		require.Error(t, err)
		assert.EqualValues(t, 4, s.cr.calls.Load(), "default MaxAttempts")
	})

	t.Run("LongRetryAfterGivesUp", func(t *testing.T) {
		s := newSetup(t, func(int32) (appointment.Draft, error) {
			return appointment.Draft{}, userErr{msg: "come back in an hour", retryable: true, after: time.Hour}
		})
		_, _ = s.p.Record(ctx, s.sub)
		_, err := s.p.Process(ctx, s.sub)
		require.Error(t, err)
		assert.EqualValues(t, 1, s.cr.calls.Load())
	})

	t.Run("ErrAnnounceReported", func(t *testing.T) {
		s := newSetup(t, ok)
		s.an.err = errors.New("slack down")
		_, _ = s.p.Record(ctx, s.sub)
		d, err := s.p.Process(ctx, s.sub)
		assert.Equal(t, "d1", d.UUID)
		require.ErrorContains(t, err, "slack down")
	})
}

func TestRecover(t *testing.T) {
	ctx := context.Background()

	t.Run("CreatedIsAnnouncedOnce", func(t *testing.T) {
		s := newSetup(t, ok)
		_, _ = s.p.Record(ctx, s.sub)
		_, _, err := s.l.Advance(ctx, s.sub.Key, appointment.StatusCreating, appointment.Update{})
		require.NoError(t, err)
		_, _, err = s.l.Advance(ctx, s.sub.Key, appointment.StatusCreated, appointment.Update{DraftUUID: "d9", ShortURL: "https://mkrm.io/9"})
		require.NoError(t, err)

		n, err := s.p.Recover(ctx)
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		_, err = s.p.Recover(ctx)
		require.NoError(t, err)
		require.Len(t, s.an.drafts, 1, "announced once")
		assert.Equal(t, "https://mkrm.io/9", s.an.drafts[0].ShortURL)
		assert.Zero(t, s.cr.calls.Load(), "nothing created again")
		assert.Equal(t, appointment.StatusAnnounced, s.status(t).Status)
	})

	t.Run("CreatingIsReportedUnknown", func(t *testing.T) {
		s := newSetup(t, ok)
		_, _ = s.p.Record(ctx, s.sub)
		_, _, err := s.l.Advance(ctx, s.sub.Key, appointment.StatusCreating, appointment.Update{})
		require.NoError(t, err)
		_, err = s.p.Recover(ctx)
		require.NoError(t, err)
		require.Len(t, s.an.failures, 1)
		assert.Contains(t, s.an.failures[0], "may or may not")
		assert.Equal(t, appointment.StatusUnknown, s.status(t).Status)
		assert.Zero(t, s.cr.calls.Load())
	})

	t.Run("ReceivedIsReportedNotSent", func(t *testing.T) {
		s := newSetup(t, ok)
		_, _ = s.p.Record(ctx, s.sub)
		_, err := s.p.Recover(ctx)
		require.NoError(t, err)
		require.Len(t, s.an.failures, 1)
		assert.Contains(t, s.an.failures[0], "nothing was created")
		assert.Equal(t, appointment.StatusFailed, s.status(t).Status)
	})
}

func TestPipelinePanicsAndUncertainty(t *testing.T) {
	ctx := context.Background()

	t.Run("CreatorPanicIsToldAndUnknown", func(t *testing.T) {
		s := newSetup(t, func(int32) (appointment.Draft, error) { panic("boom") })
		_, _ = s.p.Record(ctx, s.sub)
		_, err := s.p.Process(ctx, s.sub)
		require.Error(t, err)
		require.Len(t, s.an.failures, 1)
		assert.Contains(t, s.an.failures[0], "may or may not")
		assert.Equal(t, appointment.StatusUnknown, s.status(t).Status)
	})

	t.Run("UncertainErrorRecordedUnknown", func(t *testing.T) {
		s := newSetup(t, func(int32) (appointment.Draft, error) { return appointment.Draft{}, uncertainErr{} })
		_, _ = s.p.Record(ctx, s.sub)
		_, _ = s.p.Process(ctx, s.sub)
		assert.Equal(t, appointment.StatusUnknown, s.status(t).Status)
	})
}

type uncertainErr struct{}

func (uncertainErr) Error() string   { return "timeout" }
func (uncertainErr) Uncertain() bool { return true }
