package appointment_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/draftappt/draftappt/internal/appointment"
)

// fakeCreator and fakeAnnouncer are hand-written doubles with function fields.
type fakeCreator struct {
	create func(context.Context, appointment.Request) (appointment.Draft, error)
	calls  int
}

func (f *fakeCreator) CreateDraft(ctx context.Context, r appointment.Request) (appointment.Draft, error) {
	f.calls++
	return f.create(ctx, r)
}

type fakeAnnouncer struct {
	drafts   []appointment.Draft
	failures []string
	err      error
}

func (f *fakeAnnouncer) AnnounceDraft(_ context.Context, _ appointment.Submission, d appointment.Draft) error {
	f.drafts = append(f.drafts, d)
	return f.err
}

func (f *fakeAnnouncer) AnnounceFailure(_ context.Context, _ appointment.Submission, msg string) error {
	f.failures = append(f.failures, msg)
	return f.err
}

type userErr struct{ msg string }

func (e userErr) Error() string       { return "internal detail" }
func (e userErr) UserMessage() string { return e.msg }

func TestPipeline(t *testing.T) {
	loc := chicago(t)
	now := time.Date(2026, 12, 3, 14, 0, 0, 0, loc)
	store := appointment.Store{DealerUUID: "dealer-1", Location: loc}
	who := appointment.Requester{UserID: "U1", ChannelID: "C1"}
	clock := func() time.Time { return now }

	t.Run("CreatedAndAnnounced", func(t *testing.T) {
		cr := &fakeCreator{create: func(_ context.Context, r appointment.Request) (appointment.Draft, error) {
			assert.Equal(t, "dealer-1", r.DealerUUID)
			return appointment.Draft{UUID: "d1", ShortURL: "https://mkrm.io/x"}, nil
		}}
		an := &fakeAnnouncer{}
		p := appointment.NewPipeline(appointment.PipelineConfig{Creator: cr, Announcer: an, Now: clock})
		sub, err := p.Prepare("E1", store, validForm(), who)
		require.NoError(t, err)
		d, err := p.Process(context.Background(), sub)
		require.NoError(t, err)
		assert.Equal(t, "d1", d.UUID)
		assert.Len(t, an.drafts, 1)
		assert.Empty(t, an.failures)
	})

	t.Run("ErrInvalidFormSendsNothing", func(t *testing.T) {
		cr := &fakeCreator{}
		p := appointment.NewPipeline(appointment.PipelineConfig{Creator: cr, Announcer: &fakeAnnouncer{}, Now: clock})
		f := validForm()
		f.When = "yesterday 9am"
		_, err := p.Prepare("E1", store, f, who)
		_, ok := appointment.AsFieldErrors(err)
		assert.True(t, ok)
		assert.Zero(t, cr.calls)
	})

	t.Run("ErrCreateToldInPlainWords", func(t *testing.T) {
		cr := &fakeCreator{create: func(context.Context, appointment.Request) (appointment.Draft, error) {
			return appointment.Draft{}, userErr{"myKaarma says the customer does not exist."}
		}}
		an := &fakeAnnouncer{}
		p := appointment.NewPipeline(appointment.PipelineConfig{Creator: cr, Announcer: an, Now: clock})
		sub, err := p.Prepare("E1", store, validForm(), who)
		require.NoError(t, err)
		_, err = p.Process(context.Background(), sub)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "dealer-1")
		assert.Empty(t, an.drafts)
		assert.Equal(t, []string{"myKaarma says the customer does not exist."}, an.failures)
	})

	t.Run("ErrInternalGetsGenericMessage", func(t *testing.T) {
		cr := &fakeCreator{create: func(context.Context, appointment.Request) (appointment.Draft, error) {
			return appointment.Draft{}, errors.New("secret internal detail")
		}}
		an := &fakeAnnouncer{}
		p := appointment.NewPipeline(appointment.PipelineConfig{Creator: cr, Announcer: an, Now: clock})
		sub, _ := p.Prepare("E1", store, validForm(), who)
		_, _ = p.Process(context.Background(), sub)
		require.Len(t, an.failures, 1)
		assert.NotContains(t, an.failures[0], "secret")
	})

	t.Run("ErrAnnounceReported", func(t *testing.T) {
		cr := &fakeCreator{create: func(context.Context, appointment.Request) (appointment.Draft, error) {
			return appointment.Draft{UUID: "d1", ShortURL: "u"}, nil
		}}
		p := appointment.NewPipeline(appointment.PipelineConfig{Creator: cr, Announcer: &fakeAnnouncer{err: errors.New("slack down")}, Now: clock})
		sub, _ := p.Prepare("E1", store, validForm(), who)
		d, err := p.Process(context.Background(), sub)
		assert.Equal(t, "d1", d.UUID)
		assert.ErrorContains(t, err, "slack down")
	})
}
