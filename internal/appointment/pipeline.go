package appointment

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
	// ID follows the submission through logs (the Slack envelope id).
	ID        string
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
	// AnnounceFailure tells the requester, in plain words, that no draft was made.
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

// Pipeline owns the life of a submission: validate, create, announce. Every
// entry point goes through it, so durability and retries have one home.
type Pipeline struct {
	creator   DraftCreator
	announcer Announcer
	log       *slog.Logger
	now       func() time.Time
	observer  Observer
}

// PipelineConfig lists a pipeline's dependencies. Creator and Announcer are
// required; the rest have defaults.
type PipelineConfig struct {
	Creator   DraftCreator
	Announcer Announcer
	Log       *slog.Logger     // default: discard
	Now       func() time.Time // default: time.Now
	Observer  Observer         // default: none
}

// NewPipeline wires a pipeline.
func NewPipeline(c PipelineConfig) *Pipeline {
	p := &Pipeline{creator: c.Creator, announcer: c.Announcer, log: c.Log, now: c.Now, observer: c.Observer}
	if p.now == nil {
		p.now = time.Now
	}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	return p
}

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

// Now is the pipeline's clock, shared with callers that validate.
func (p *Pipeline) Now() time.Time { return p.now() }

// Prepare validates a form for a requester. A FieldErrors error means the
// user must correct the form; nothing has been sent anywhere.
func (p *Pipeline) Prepare(id string, store Store, form Form, who Requester) (Submission, error) {
	now := p.now()
	req, err := Validate(store, form, now)
	if err != nil {
		return Submission{}, err
	}
	return Submission{ID: id, Requester: who, Request: req, Received: now}, nil
}

// Process creates the draft and announces the outcome. It returns the draft,
// or the error that stopped it after the user has been told.
func (p *Pipeline) Process(ctx context.Context, sub Submission) (Draft, error) {
	log := p.log.With("submission", sub.ID, "user", sub.Requester.UserID, "channel", sub.Requester.ChannelID,
		"dealer", sub.Request.DealerUUID)
	d, err := p.creator.CreateDraft(ctx, sub.Request)
	if err != nil {
		msg := UserMessage(err)
		p.observe("failed", err)
		log.Error("draft not created", "err", err)
		if aerr := p.announcer.AnnounceFailure(context.WithoutCancel(ctx), sub, msg); aerr != nil {
			log.Error("could not tell the user the draft failed", "err", aerr)
		}
		return Draft{}, fmt.Errorf("create draft for dealer %s: %w", sub.Request.DealerUUID, err)
	}
	p.observe("created", nil)
	log.Info("draft created", "draft", d.UUID, "warnings", len(d.Warnings))
	// The draft exists now: finish announcing it even if shutdown began.
	if err := p.announcer.AnnounceDraft(context.WithoutCancel(ctx), sub, d); err != nil {
		log.Error("draft created but not announced", "draft", d.UUID, "err", err)
		return d, fmt.Errorf("announce draft %s: %w", d.UUID, err)
	}
	return d, nil
}
