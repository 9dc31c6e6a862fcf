package appointment

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"time"
)

// Requester is who asked for a draft and where the answer must go. The ids
// are opaque to the domain; the Slack layer fills and reads them.
type Requester struct {
	UserID      string
	UserName    string
	TeamID      string
	ChannelID   string
	ThreadTS    string // set when the request came from inside a thread
	ResponseURL string
}

// Submission is one validated request on its way through the pipeline.
type Submission struct {
	// Key de-duplicates: the same form submitted twice has the same key.
	Key string
	// ID follows the submission through logs (the Slack envelope id).
	ID        string
	StoreName string
	Requester Requester
	Request   Request
	Received  time.Time
}

// Draft is what myKaarma created.
type Draft struct {
	UUID     string
	ShortURL string
	Warnings []string
}

// DraftCreator creates a draft appointment. The myKaarma adapter satisfies it.
type DraftCreator interface {
	CreateDraft(ctx context.Context, req Request) (Draft, error)
}

// Announcer tells people how a submission ended. The Slack layer satisfies it.
type Announcer interface {
	// AnnounceDraft posts the created draft where the team is talking.
	AnnounceDraft(ctx context.Context, sub Submission, d Draft) error
	// AnnounceFailure tells the requester, in plain words, that no draft was
	// made (or that its fate is unknown).
	AnnounceFailure(ctx context.Context, sub Submission, userMessage string) error
}

// UserFacing is an error that carries a message safe to show the user.
type UserFacing interface {
	UserMessage() string
}

// UserMessage is the one place that decides what a user is told about an
// error: a UserFacing message when the error has one, otherwise a generic
// sentence (internals stay in the logs).
func UserMessage(err error) string {
	var uf UserFacing
	if errors.As(err, &uf) {
		if m := uf.UserMessage(); m != "" {
			return m
		}
	}
	if errors.Is(err, context.Canceled) {
		return "The bot was shutting down before it could finish. Please submit the draft again."
	}
	return "Something went wrong on our side while creating the draft. Please try again; if it keeps happening, tell your administrator."
}

// Observer is told how each draft creation ended, for metrics. code is
// myKaarma's error code (or the failure kind) for a failure, "" otherwise.
type Observer interface {
	Draft(result, code string)
}

// Coded is an error that carries a short, bounded code for metrics.
type Coded interface {
	MetricCode() string
}

// Retryable is an error that knows whether the request certainly created
// nothing, so sending it again cannot make a second draft.
type Retryable interface {
	Retryable() bool
}

// Uncertain is an error after which myKaarma may or may not have created
// the draft (a timeout, a broken connection, a 5xx): the ledger records the
// outcome as unknown rather than failed.
type Uncertain interface {
	Uncertain() bool
}

// panicError is a creator that panicked: whether it sent anything is unknown.
type panicError struct{ value any }

func (e panicError) Error() string   { return fmt.Sprintf("draft creator panicked: %v", e.value) }
func (e panicError) Uncertain() bool { return true }
func (e panicError) UserMessage() string {
	return "Something went wrong on our side while creating the draft, so it may or may not exist. Check myKaarma before trying again."
}

// RetryDelayer is an error that carries the server's wait hint (Retry-After).
type RetryDelayer interface {
	RetryDelay() time.Duration
}

// RetryPolicy bounds retries of draft creation. Only errors that say the
// request certainly created nothing are retried (connection refused, 429,
// 503 with Retry-After): myKaarma has no way to look a draft up, so a retry
// after an ambiguous failure could create a second one.
type RetryPolicy struct {
	MaxAttempts int           // including the first; default 4
	BaseDelay   time.Duration // first backoff; default 500ms, doubling with jitter
	MaxDelay    time.Duration // cap on one wait (a longer Retry-After gives up); default 10s
	MaxElapsed  time.Duration // give up once this much time has passed; default 30s
}

func (r RetryPolicy) withDefaults() RetryPolicy {
	if r.MaxAttempts <= 0 {
		r.MaxAttempts = 4
	}
	if r.BaseDelay <= 0 {
		r.BaseDelay = 500 * time.Millisecond
	}
	if r.MaxDelay <= 0 {
		r.MaxDelay = 10 * time.Second
	}
	if r.MaxElapsed <= 0 {
		r.MaxElapsed = 30 * time.Second
	}
	return r
}

// delay is the wait before attempt n+1 (n ≥ 1): the server's hint when it
// gave one, else exponential backoff with full jitter.
func (r RetryPolicy) delay(n int, err error) time.Duration {
	var rd RetryDelayer
	if errors.As(err, &rd) && rd.RetryDelay() > 0 {
		return rd.RetryDelay()
	}
	backoff := r.BaseDelay << (n - 1)
	if backoff > r.MaxDelay || backoff <= 0 {
		backoff = r.MaxDelay
	}
	return backoff/2 + rand.N(backoff/2+1) //nolint:gosec // jitter, not security
}

// Pipeline owns the life of a submission: validate, record, create,
// announce, each step written to the ledger before the next, so every
// entry point and every restart goes through one place.
type Pipeline struct {
	creator   DraftCreator
	announcer Announcer
	ledger    Ledger
	log       *slog.Logger
	now       func() time.Time
	sleep     func(context.Context, time.Duration) error
	observer  Observer
	retry     RetryPolicy
	locate    func(dealerUUID string) *time.Location
}

// PipelineConfig lists a pipeline's dependencies. Creator, Announcer and
// Ledger are required; the rest have defaults.
type PipelineConfig struct {
	Creator   DraftCreator
	Announcer Announcer
	Ledger    Ledger
	Log       *slog.Logger     // default: discard
	Now       func() time.Time // default: time.Now
	Observer  Observer         // default: none
	Retry     RetryPolicy
	// Sleep waits between retries; tests make it instant. Default: a timer
	// that honours ctx.
	Sleep func(context.Context, time.Duration) error
	// Location gives a dealer's time zone, so records read back after a
	// restart show dealer-local times. Default: UTC.
	Location func(dealerUUID string) *time.Location
}

// NewPipeline wires a pipeline.
func NewPipeline(c PipelineConfig) *Pipeline {
	p := &Pipeline{creator: c.Creator, announcer: c.Announcer, ledger: c.Ledger, log: c.Log, now: c.Now,
		observer: c.Observer, retry: c.Retry.withDefaults(), sleep: c.Sleep, locate: c.Location}
	if p.now == nil {
		p.now = time.Now
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	if p.sleep == nil {
		p.sleep = Wait
	}
	return p
}

// Wait sleeps for d or until ctx ends, whichever is first; the pipeline and
// the Slack announcer wait between retries with it.
func Wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (p *Pipeline) location(dealerUUID string) *time.Location {
	if p.locate == nil {
		return time.UTC
	}
	return p.locate(dealerUUID)
}

// Now is the pipeline's clock, shared with callers that validate.
func (p *Pipeline) Now() time.Time { return p.now() }

func (p *Pipeline) observe(result string, err error) {
	if p.observer == nil {
		return
	}
	code := ""
	var c Coded
	if errors.As(err, &c) {
		code = c.MetricCode()
	} else if err != nil {
		code = "internal"
	}
	p.observer.Draft(result, code)
}

// Prepare validates a form for a requester. A FieldErrors error means the
// user must correct the form; nothing has been sent anywhere.
func (p *Pipeline) Prepare(id string, store Store, form Form, who Requester) (Submission, error) {
	now := p.now()
	req, err := Validate(store, form, now)
	if err != nil {
		return Submission{}, err
	}
	return Submission{ID: id, StoreName: store.Name, Requester: who, Request: req, Received: now}, nil
}

// Record writes the submission to the ledger before anything is sent. It
// reports duplicate=true when the same submission (same Key) was recorded
// before: the first one owns the outcome, and this one must do nothing.
func (p *Pipeline) Record(ctx context.Context, sub Submission) (duplicate bool, err error) {
	if sub.Key == "" {
		return false, errors.New("record submission: empty key")
	}
	rec, created, err := p.ledger.Begin(ctx, recordOf(sub))
	if err != nil {
		return false, fmt.Errorf("record submission %s: %w", sub.ID, err)
	}
	if !created {
		p.log.Info("duplicate submission ignored", "submission", sub.ID, "first", rec.SubmissionID, "status", rec.Status)
	}
	return !created, nil
}

// Process creates the draft and announces the outcome of a recorded
// submission, moving its ledger record along. It returns the draft, or the
// error that stopped it after the user has been told.
func (p *Pipeline) Process(ctx context.Context, sub Submission) (Draft, error) {
	log := p.log.With("submission", sub.ID, "user", sub.Requester.UserID, "channel", sub.Requester.ChannelID,
		"dealer", sub.Request.DealerUUID)
	if _, ok, err := p.ledger.Advance(ctx, sub.Key, StatusCreating, Update{}); err != nil {
		// Without the record nothing may be sent: a crash now could not be
		// told apart from "never sent". Tell the user and stop.
		log.Error("ledger unavailable; draft not attempted", "err", err)
		p.fail(ctx, log, sub, "The bot could not record your request, so nothing was sent to myKaarma. Please try again in a minute.")
		return Draft{}, fmt.Errorf("mark %s creating: %w", sub.Key, err)
	} else if !ok {
		log.Info("submission already being handled elsewhere", "key", sub.Key)
		return Draft{}, nil
	}

	d, err := p.create(ctx, log, sub)
	if err != nil {
		msg := UserMessage(err)
		p.observe("failed", err)
		log.Error("draft not created", "err", err)
		status := StatusFailed
		var u Uncertain
		if errors.As(err, &u) && u.Uncertain() {
			status = StatusUnknown
		}
		if _, _, lerr := p.ledger.Advance(context.WithoutCancel(ctx), sub.Key, status, Update{Reason: msg}); lerr != nil {
			log.Error("could not record the failure", "err", lerr)
		}
		p.tell(ctx, log, sub, msg)
		return Draft{}, fmt.Errorf("create draft for dealer %s: %w", sub.Request.DealerUUID, err)
	}
	p.observe("created", nil)
	log.Info("draft created", "draft", d.UUID, "warnings", len(d.Warnings))
	// The draft exists now: record it before anything else can go wrong, and
	// finish announcing even if shutdown began.
	ctx = context.WithoutCancel(ctx)
	if _, _, err := p.ledger.Advance(ctx, sub.Key, StatusCreated, Update{DraftUUID: d.UUID, ShortURL: d.ShortURL}); err != nil {
		log.Error("draft created but not recorded", "draft", d.UUID, "err", err)
	}
	return d, p.announce(ctx, log, sub, d)
}

// create calls myKaarma, retrying only what certainly created nothing.
func (p *Pipeline) create(ctx context.Context, log *slog.Logger, sub Submission) (Draft, error) {
	start := p.now()
	for attempt := 1; ; attempt++ {
		d, err := p.safeCreate(ctx, sub.Request)
		if err == nil {
			return d, nil
		}
		var r Retryable
		if !errors.As(err, &r) || !r.Retryable() || attempt >= p.retry.MaxAttempts {
			return Draft{}, err
		}
		wait := p.retry.delay(attempt, err)
		if wait > p.retry.MaxDelay || p.now().Sub(start)+wait > p.retry.MaxElapsed {
			return Draft{}, err
		}
		log.Warn("myKaarma refused for now; retrying", "attempt", attempt, "wait", wait, "err", err)
		if serr := p.sleep(ctx, wait); serr != nil {
			return Draft{}, errors.Join(err, serr)
		}
	}
}

// safeCreate turns a panic in the creator into an uncertain error, so one
// bad answer costs one submission, told to its user, never the process.
func (p *Pipeline) safeCreate(ctx context.Context, req Request) (d Draft, err error) {
	defer func() {
		if r := recover(); r != nil {
			p.log.Error("draft creator panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			d, err = Draft{}, panicError{r}
		}
	}()
	return p.creator.CreateDraft(ctx, req)
}

// announce posts the draft, then marks it announced. Posting first means a
// crash in between announces twice after the restart rather than never: a
// duplicate link is a nuisance, a lost one a customer never booked.
func (p *Pipeline) announce(ctx context.Context, log *slog.Logger, sub Submission, d Draft) error {
	if rec, err := p.ledger.Get(ctx, sub.Key); err == nil && rec.Status == StatusAnnounced {
		log.Info("draft already announced", "draft", d.UUID)
		return nil
	}
	if err := p.announcer.AnnounceDraft(ctx, sub, d); err != nil {
		log.Error("draft created but not announced", "draft", d.UUID, "err", err)
		return fmt.Errorf("announce draft %s: %w", d.UUID, err)
	}
	if _, _, err := p.ledger.Advance(ctx, sub.Key, StatusAnnounced, Update{}); err != nil {
		log.Error("draft announced but not recorded as such", "draft", d.UUID, "err", err)
	}
	return nil
}

func (p *Pipeline) fail(ctx context.Context, log *slog.Logger, sub Submission, msg string) {
	if _, _, err := p.ledger.Advance(context.WithoutCancel(ctx), sub.Key, StatusFailed, Update{Reason: msg}); err != nil {
		log.Error("could not record the failure", "err", err)
	}
	p.tell(ctx, log, sub, msg)
}

func (p *Pipeline) tell(ctx context.Context, log *slog.Logger, sub Submission, msg string) {
	if err := p.announcer.AnnounceFailure(context.WithoutCancel(ctx), sub, msg); err != nil {
		log.Error("could not tell the user the draft failed", "err", err)
	}
}

const notSentAfterRestart = "The bot restarted before sending this draft to myKaarma, so nothing was created. Please submit it again."

// Recover finishes what a previous process left: drafts created but not
// announced are announced (once); submissions that were being created have
// an unknown outcome and the user is told what to check; submissions never
// sent are reported as not sent. It returns how many it handled.
func (p *Pipeline) Recover(ctx context.Context) (int, error) {
	recs, err := p.ledger.Unfinished(ctx)
	if err != nil {
		return 0, fmt.Errorf("recover: %w", err)
	}
	for _, rec := range recs {
		sub := submissionOf(rec, p.location(rec.DealerUUID))
		log := p.log.With("submission", rec.SubmissionID, "key", rec.Key, "status", rec.Status)
		switch rec.Status {
		case StatusCreated:
			log.Info("announcing a draft created before a restart", "draft", rec.DraftUUID)
			_ = p.announce(ctx, log, sub, Draft{UUID: rec.DraftUUID, ShortURL: rec.ShortURL})
		case StatusCreating:
			msg := "The bot restarted while myKaarma was creating this draft, so it may or may not exist. " +
				"Check the customer's appointments in myKaarma before submitting it again."
			if _, ok, err := p.ledger.Advance(ctx, rec.Key, StatusUnknown, Update{Reason: msg}); err != nil || !ok {
				continue // another replica took it, or the ledger is down: it stays for next time
			}
			log.Warn("submission outcome unknown after a restart")
			p.tell(ctx, log, sub, msg)
		case StatusReceived:
			// Never sent. The ledger keeps only what identifies a request
			// (no notes or preferences), so resending would not be the
			// draft the advisor asked for: say so instead.
			if _, ok, err := p.ledger.Advance(ctx, rec.Key, StatusFailed, Update{Reason: notSentAfterRestart}); err != nil || !ok {
				continue
			}
			log.Warn("submission never sent before a restart")
			p.tell(ctx, log, sub, notSentAfterRestart)
		}
	}
	return len(recs), nil
}

// Purge deletes ledger records older than the retention.
func (p *Pipeline) Purge(ctx context.Context, retention time.Duration) (int, error) {
	n, err := p.ledger.Purge(ctx, p.now().Add(-retention))
	if err != nil {
		return 0, fmt.Errorf("purge ledger: %w", err)
	}
	return n, nil
}

// History lists a user's recent submissions, newest first.
func (p *Pipeline) History(ctx context.Context, userID, dealerUUID string, limit int) ([]Record, error) {
	if dealerUUID != "" {
		return p.ledger.RecentForStore(ctx, userID, dealerUUID, limit)
	}
	return p.ledger.Recent(ctx, userID, limit)
}

// recordOf keeps what the ledger may store: ids, names, the vehicle, times
// and service codes; never contact details.
func recordOf(sub Submission) Record {
	r := sub.Request
	codes := make([]string, 0, len(r.Services))
	for _, s := range r.Services {
		codes = append(codes, s.LaborOpCode)
	}
	return Record{
		Key: sub.Key, SubmissionID: sub.ID, TeamID: sub.Requester.TeamID, UserID: sub.Requester.UserID,
		ChannelID: sub.Requester.ChannelID, ThreadTS: sub.Requester.ThreadTS, ResponseURL: sub.Requester.ResponseURL,
		StoreName: sub.StoreName, DealerUUID: r.DealerUUID, CustomerUUID: r.CustomerUUID, CustomerName: r.CustomerName,
		VIN: r.Vehicle.VIN, VehicleUUID: r.Vehicle.UUID, Start: r.Start, End: r.End, Services: codes,
	}
}

// submissionOf rebuilds enough of a submission from its record to send it
// again or announce it after a restart.
func submissionOf(rec Record, loc *time.Location) Submission {
	if loc == nil {
		loc = time.UTC
	}
	local := func(t time.Time) time.Time {
		if t.IsZero() {
			return t
		}
		return t.In(loc)
	}
	services := make([]Service, 0, len(rec.Services))
	for _, c := range rec.Services {
		services = append(services, Service{LaborOpCode: c})
	}
	return Submission{
		Key: rec.Key, ID: rec.SubmissionID, StoreName: rec.StoreName, Received: rec.CreatedAt,
		Requester: Requester{UserID: rec.UserID, TeamID: rec.TeamID, ChannelID: rec.ChannelID, ThreadTS: rec.ThreadTS, ResponseURL: rec.ResponseURL},
		Request: Request{
			DealerUUID: rec.DealerUUID, CustomerUUID: rec.CustomerUUID, CustomerName: rec.CustomerName,
			Vehicle: Vehicle{VIN: rec.VIN, UUID: rec.VehicleUUID}, Start: local(rec.Start), End: local(rec.End), Services: services,
		},
	}
}
