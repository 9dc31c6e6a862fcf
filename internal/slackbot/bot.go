package slackbot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"

	"github.com/draftappt/draftappt/internal/appointment"
	"github.com/draftappt/draftappt/internal/catalog"
	"github.com/draftappt/draftappt/internal/cmdtext"
	"github.com/draftappt/draftappt/internal/dates"
	"github.com/draftappt/draftappt/internal/mykaarma"
	"github.com/draftappt/draftappt/internal/stores"
	"github.com/draftappt/draftappt/internal/telemetry"
)

// webTimeout bounds one Slack Web API call made while handling an envelope.
const webTimeout = 10 * time.Second

// Options configures the Slack side.
type Options struct {
	AppToken string // xapp-…
	BotToken string // xoxb-…
	APIURL   string // ends with "/"
	Debug    bool   // slack-go's own debug logging, bridged into slog
	// MaxConcurrent submissions are sent to myKaarma at once; QueueSize more
	// may wait. Beyond that users are asked to try again.
	MaxConcurrent int
	QueueSize     int
	// RateLimit drafts per RateWindow per user (0: no limit).
	RateLimit  int
	RateWindow time.Duration
	Access     Access
}

// NewAPI builds the Web API client both the bot and the announcer use.
func NewAPI(o Options, log *slog.Logger) *slack.Client {
	return slack.New(o.BotToken,
		slack.OptionAppLevelToken(o.AppToken),
		slack.OptionAPIURL(o.APIURL),
		slack.OptionDebug(o.Debug),
		slack.OptionLog(logBridge{log: log.With("component", "slack-go")}),
	)
}

// Deps are the collaborators a Bot needs.
type Deps struct {
	API       *slack.Client
	Pipeline  *appointment.Pipeline
	Stores    *stores.Set
	Order     dates.DateOrder
	Catalog   *catalog.Catalog  // cached opcodes and transport options; nil: text fields
	Customers CustomerDirectory // live customer search; nil: an id field
	Announcer *Announcer        // also sends private notes when something fails before a submission exists
	Metrics   *telemetry.Metrics
	Log       *slog.Logger
}

// Bot receives Socket Mode envelopes and turns them into modals and
// submissions.
type Bot struct {
	api       *slack.Client
	opts      Options
	pipeline  *appointment.Pipeline
	stores    *stores.Set
	order     dates.DateOrder
	catalog   *catalog.Catalog
	customers CustomerDirectory
	notifier  *Announcer
	metrics   *telemetry.Metrics
	log       *slog.Logger

	ready        atomic.Bool
	previews     previewGate
	vehicleCache vehicleCache
	searchBroken searchHealth
	limiter      *rateLimiter

	// The submission queue: slots bound queued+running submissions, so a
	// burst costs bounded memory and goroutines.
	slots   chan struct{}
	queue   chan queued
	workers sync.WaitGroup
	qmu     sync.Mutex
	closed  bool
}

type queued struct {
	ctx context.Context
	sub appointment.Submission
	log *slog.Logger
}

// New wires a Bot and starts its submission workers.
func New(opts Options, d Deps) *Bot {
	if opts.MaxConcurrent <= 0 {
		opts.MaxConcurrent = 8
	}
	if opts.QueueSize < 0 {
		opts.QueueSize = 0
	}
	b := &Bot{
		api: d.API, opts: opts, pipeline: d.Pipeline, stores: d.Stores, order: d.Order, catalog: d.Catalog,
		customers: d.Customers, notifier: d.Announcer, metrics: d.Metrics, log: d.Log,
		limiter: newRateLimiter(opts.RateLimit, opts.RateWindow),
		slots:   make(chan struct{}, opts.MaxConcurrent+opts.QueueSize),
		queue:   make(chan queued, opts.MaxConcurrent+opts.QueueSize),
	}
	for range opts.MaxConcurrent {
		b.workers.Add(1)
		go b.work()
	}
	return b
}

func (b *Bot) work() {
	defer b.workers.Done()
	for q := range b.queue {
		b.process(q)
	}
}

func (b *Bot) process(q queued) {
	defer func() { <-b.slots }()
	defer b.recovered(q.ctx, q.log, nil, &q.sub.Requester)
	_, _ = b.pipeline.Process(q.ctx, q.sub)
}

// recovered is deferred around every handler: a panic costs one request,
// is logged with its stack, acked if it was not, and the user (when known)
// is told; the process keeps serving.
func (b *Bot) recovered(ctx context.Context, log *slog.Logger, ack func(), who *appointment.Requester) {
	r := recover()
	if r == nil {
		return
	}
	log.Error("handler panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	if ack != nil {
		ack()
	}
	if who != nil && who.UserID != "" && b.notifier != nil {
		nctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), webTimeout)
		defer cancel()
		if err := b.notifier.Notify(nctx, *who, "Sorry, something went wrong on our side handling that. Please try again."); err != nil {
			log.Error("could not tell the user about the failure", "err", err)
		}
	}
}

// reserve takes a queue slot, or reports that the bot is full or stopping.
func (b *Bot) reserve() (ok bool, why string) {
	b.qmu.Lock()
	defer b.qmu.Unlock()
	if b.closed {
		return false, "The bot is restarting. Please press Create draft again in a minute."
	}
	select {
	case b.slots <- struct{}{}:
		return true, ""
	default:
		return false, "The bot is busy with other drafts right now. Please press Create draft again in a minute."
	}
}

func (b *Bot) release() { <-b.slots }

func (b *Bot) enqueue(q queued) {
	b.qmu.Lock()
	defer b.qmu.Unlock()
	// Cannot block: a slot was reserved, and the queue holds as many items
	// as there are slots. After Drain closed it, the record stays in the
	// ledger (received) and the next start tells the user.
	if b.closed {
		b.release()
		return
	}
	b.queue <- q
}

// Ready reports whether the Socket Mode connection is up.
func (b *Bot) Ready() bool { return b.ready.Load() }

// ErrFatalAuth means Slack refused the tokens; retrying will not help.
var ErrFatalAuth = errors.New("slack refused the bot's credentials")

// Run checks the bot token, then holds the Socket Mode connection and
// handles envelopes until ctx ends or Slack refuses the credentials. Handlers
// still running when it returns are waited for by Drain.
func (b *Bot) Run(ctx context.Context) error {
	if err := b.checkToken(ctx); err != nil {
		return err
	}

	opts := []socketmode.Option{
		socketmode.OptionDebug(b.opts.Debug),
		socketmode.OptionLog(logBridge{log: b.log.With("component", "socketmode")}),
	}
	sm := socketmode.New(b.api, opts...)

	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- sm.RunContext(runCtx) }()

	for {
		select {
		case err := <-errc:
			b.ready.Store(false)
			if ctx.Err() != nil {
				return nil
			}
			if isAuthError(err) {
				return fmt.Errorf("%w: socket mode (check SLACK_APP_TOKEN): %w", ErrFatalAuth, err)
			}
			return fmt.Errorf("socket mode: %w", err)
		case ev := <-sm.Events:
			// Never block here: slack-go reads pings through this loop's
			// progress, and a stalled loop looks like a dead connection.
			b.dispatch(runCtx, sm, ev)
		}
	}
}

// checkToken asks Slack whether the bot token is good. A refused token is
// fatal (retrying cannot help, and an orchestrator should alert). Anything
// else (Slack unreachable, the method unavailable) is only logged: Socket
// Mode reconnects on its own, and the bot is merely not ready meanwhile.
func (b *Bot) checkToken(ctx context.Context) error {
	actx, cancel := context.WithTimeout(ctx, webTimeout)
	defer cancel()
	who, err := b.api.AuthTestContext(actx)
	switch {
	case err == nil:
		b.log.Info("slack bot token accepted", "team", who.Team, "bot_user", who.UserID)
	case isAuthError(err):
		return fmt.Errorf("%w: auth.test: %s (check SLACK_BOT_TOKEN)", ErrFatalAuth, slackError(err))
	default:
		b.log.Warn("could not check the bot token yet; going on", "err", err)
	}
	return nil
}

// Drain stops taking submissions and waits for queued and running ones to
// finish, at most until ctx ends; what is left stays in the ledger.
func (b *Bot) Drain(ctx context.Context) error {
	b.qmu.Lock()
	if !b.closed {
		b.closed = true
		close(b.queue)
	}
	b.qmu.Unlock()
	done := make(chan struct{})
	go func() { b.workers.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("in-flight submissions did not finish: %w", ctx.Err())
	}
}

func (b *Bot) dispatch(ctx context.Context, sm *socketmode.Client, ev socketmode.Event) {
	switch ev.Type {
	case socketmode.EventTypeConnecting:
		b.log.Info("connecting to slack")
	case socketmode.EventTypeConnected:
		b.ready.Store(true)
		if c, ok := ev.Data.(*socketmode.ConnectedEvent); ok && c.ConnectionCount > 0 {
			b.metrics.Reconnect()
		}
		b.log.Info("socket mode connected")
	case socketmode.EventTypeHello:
		b.ready.Store(true)
	case socketmode.EventTypeDisconnect:
		b.ready.Store(false)
		b.log.Info("slack asked to reconnect")
	case socketmode.EventTypeConnectionError, socketmode.EventTypeIncomingError:
		b.ready.Store(false)
		b.log.Warn("socket mode connection problem", "err", errorOf(ev.Data))
	case socketmode.EventTypeInvalidAuth:
		b.ready.Store(false)
		b.log.Error("slack refused the app-level token", "err", errorOf(ev.Data))
	case socketmode.EventTypeErrorBadMessage, socketmode.EventTypeErrorWriteFailed:
		b.log.Warn("socket mode message problem", "type", ev.Type, "err", errorOf(ev.Data))
	case socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive, socketmode.EventTypeEventsAPI:
		if ev.Request == nil {
			return
		}
		env := &envelope{sm: sm, req: ev.Request, typ: string(ev.Type), received: time.Now(), metrics: b.metrics,
			log: b.log.With("envelope", ev.Request.EnvelopeID, "type", ev.Type)}
		// The envelope id follows the request into myKaarma (X-Request-Id)
		// and every log line, so one id traces it end to end.
		go b.handle(mykaarma.WithRequestID(ctx, ev.Request.EnvelopeID), env, ev)
	}
}

// envelope acks exactly once, however a handler ends.
type envelope struct {
	sm       *socketmode.Client
	req      *socketmode.Request
	typ      string
	received time.Time
	metrics  *telemetry.Metrics
	log      *slog.Logger
	once     sync.Once
}

func (e *envelope) ack(payload any) {
	e.once.Do(func() {
		err := e.sm.Ack(*e.req, payload)
		e.metrics.Envelope(e.typ, time.Since(e.received))
		if err != nil {
			e.log.Error("ack failed", "err", err)
		}
	})
}

// handle runs one envelope with panic recovery: a bad payload must cost one
// request, never the process.
func (b *Bot) handle(ctx context.Context, env *envelope, ev socketmode.Event) {
	var who appointment.Requester
	defer b.recovered(ctx, env.log, func() { env.ack(nil) }, &who)

	switch ev.Type {
	case socketmode.EventTypeSlashCommand:
		cmd, ok := ev.Data.(slack.SlashCommand)
		if !ok {
			env.log.Warn("slash command payload not understood")
			env.ack(nil)
			return
		}
		who = appointment.Requester{UserID: cmd.UserID, UserName: cmd.UserName, TeamID: cmd.TeamID, ChannelID: cmd.ChannelID, ResponseURL: cmd.ResponseURL}
		b.onSlashCommand(ctx, env, cmd)
	case socketmode.EventTypeInteractive:
		cb, ok := ev.Data.(slack.InteractionCallback)
		if !ok {
			env.log.Warn("interaction payload not understood")
			env.ack(nil)
			return
		}
		who = appointment.Requester{UserID: cb.User.ID, TeamID: cb.Team.ID, ChannelID: cb.Channel.ID, ResponseURL: cb.ResponseURL}
		if m, err := decodeMetadata(cb.View.PrivateMetadata); err == nil {
			who.ChannelID, who.ResponseURL = m.ChannelID, m.ResponseURL
		}
		b.onInteraction(ctx, env, cb)
	case socketmode.EventTypeEventsAPI:
		env.ack(nil)
		if e, ok := ev.Data.(slackevents.EventsAPIEvent); ok {
			if home, ok := e.InnerEvent.Data.(*slackevents.AppHomeOpenedEvent); ok && home.Tab == "home" {
				who = appointment.Requester{UserID: home.User}
				b.publishHome(ctx, env, home.User)
			}
		}
	default:
		env.ack(nil)
	}
}

func (b *Bot) onSlashCommand(ctx context.Context, env *envelope, cmd slack.SlashCommand) {
	text := strings.TrimSpace(cmd.Text)
	if ok, why := b.opts.Access.allows(cmd.ChannelID, cmd.UserID); !ok {
		env.log.Warn("command refused by access control", "user", cmd.UserID, "channel", cmd.ChannelID)
		b.metrics.Command("refused")
		env.ack(map[string]any{"response_type": "ephemeral", "text": why})
		return
	}
	switch strings.ToLower(text) {
	case "help", "?", "-h", "--help":
		b.metrics.Command("help")
		env.ack(map[string]any{"response_type": "ephemeral", "text": helpText()})
		return
	case "list", "history", "recent":
		b.metrics.Command("list")
		env.ack(b.historyReply(ctx, cmd.UserID))
		return
	}
	b.metrics.Command("open")
	env.ack(nil)
	meta := metadata{ChannelID: cmd.ChannelID, UserID: cmd.UserID, TeamID: cmd.TeamID, ResponseURL: cmd.ResponseURL}
	b.openForm(ctx, env, cmd.TriggerID, meta, text)
}

// onMessageShortcut drafts from an existing message: the form is prefilled
// from its text, and the result goes into that message's thread.
func (b *Bot) onMessageShortcut(ctx context.Context, env *envelope, cb slack.InteractionCallback) {
	env.ack(nil)
	if ok, why := b.opts.Access.allows(cb.Channel.ID, cb.User.ID); !ok {
		env.log.Warn("shortcut refused by access control", "user", cb.User.ID, "channel", cb.Channel.ID)
		b.metrics.Command("refused")
		_ = b.notifier.Notify(ctx, appointment.Requester{UserID: cb.User.ID, ChannelID: cb.Channel.ID, ResponseURL: cb.ResponseURL}, why)
		return
	}
	b.metrics.Command("message_shortcut")
	thread := cb.Message.ThreadTimestamp
	if thread == "" {
		thread = cb.Message.Timestamp
	}
	meta := metadata{ChannelID: cb.Channel.ID, UserID: cb.User.ID, TeamID: cb.Team.ID, ThreadTS: thread, ResponseURL: cb.ResponseURL}
	b.openForm(ctx, env, cb.TriggerID, meta, cb.Message.Text)
}

// openForm opens the modal at once (the trigger expires 3 s after Slack
// sent it), prefilled from text; a customer search for the text's leftover
// words runs afterwards and updates the modal if exactly one matches.
func (b *Bot) openForm(ctx context.Context, env *envelope, triggerID string, meta metadata, text string) {
	log := env.log.With("user", meta.UserID, "channel", meta.ChannelID)
	meta.Nonce = newNonce()
	st, ok := b.stores.ForChannel(meta.ChannelID)
	var content modalContent
	var query string
	if !ok {
		// A group's channel that belongs to no store: ask for the store
		// first, keeping the text to prefill from once it is known.
		meta.Store = ""
		content = modalContent{StoreChoices: b.storeChoices()}
		meta.Text = truncateRunes(text, 500)
	} else {
		meta.Store = st.Name
		content, query = b.prefilled(ctx, st, text)
	}

	octx, cancel := context.WithTimeout(ctx, webTimeout)
	defer cancel()
	resp, err := b.api.OpenViewContext(octx, triggerID, buildModal(content, meta))
	if err != nil {
		log.Error("could not open the draft form", "err", err, "slack_error", slackError(err))
		b.metrics.SlackError("views.open", slackError(err))
		who := appointment.Requester{UserID: meta.UserID, ChannelID: meta.ChannelID, ResponseURL: meta.ResponseURL}
		_ = b.notifier.Notify(context.WithoutCancel(octx), who, "Sorry, I couldn't open the draft form ("+escape(slackError(err))+"). Please try again.")
		return
	}
	log.Info("draft form opened", "view", resp.ID, "store", meta.Store)
	if query != "" && ok {
		b.offerCustomer(ctx, env, st, meta, content, query, resp.ID, resp.Hash)
	}
}

// prefilled reads the command or message text into initial form values.
func (b *Bot) prefilled(ctx context.Context, st stores.Store, text string) (modalContent, string) {
	ops, _ := b.opCodes(st)
	r := cmdtext.Parse(text, b.pipeline.Now(), dates.Options{Location: st.Location, Order: b.order}, ops)
	f := appointment.Form{When: r.When, VIN: r.VIN}
	var p picks
	for _, op := range r.Services {
		p.Services = append(p.Services, serviceOption(op))
	}
	c := b.content(ctx, st, f, p, b.pipeline.Now())
	var notes []string
	if r.VINWarning != "" {
		notes = append(notes, r.VINWarning)
	}
	query := r.CustomerQuery
	if query == "" && r.VIN != "" {
		// myKaarma finds a customer by the VIN's last 8 characters.
		query = r.VIN[len(r.VIN)-8:]
	}
	if !c.CustomerSearch {
		query = ""
	}
	if query != "" {
		notes = append(notes, "Looking up “"+query+"” in myKaarma…")
	}
	c.Notice = strings.Join(notes, " ")
	return c, query
}

// offerCustomer searches for the customer named in the text and updates the
// open modal: picked when exactly one matches, otherwise a note.
func (b *Bot) offerCustomer(ctx context.Context, env *envelope, st stores.Store, meta metadata, c modalContent, query, viewID, hash string) {
	opts := b.customerSuggestions(ctx, st, query)
	switch {
	case len(opts) == 1 && opts[0].Value != optionSearchFailed:
		c.Customer = &opts[0]
		c.Notice = ""
		full := b.content(ctx, st, c.Form, picks{Customer: &opts[0], Services: c.ServicesPicked}, b.pipeline.Now())
		full.Notice = c.Notice
		c = full
	case len(opts) == 0:
		c.Notice = "No customer in myKaarma matches “" + query + "”; search under Customer."
	case opts[0].Value == optionSearchFailed:
		c.Notice = "The customer search for “" + query + "” failed; search under Customer."
	default:
		c.Notice = fmt.Sprintf("%d customers match “%s”; pick one under Customer.", len(opts), query)
	}
	uctx, cancel := context.WithTimeout(ctx, webTimeout)
	defer cancel()
	if _, err := b.api.UpdateViewContext(uctx, buildModal(c, meta), "", hash, viewID); err != nil {
		// hash_conflict: the user already changed the form; theirs wins.
		env.log.Debug("customer prefill not applied", "view", viewID, "slack_error", slackError(err))
	}
}

func (b *Bot) onInteraction(ctx context.Context, env *envelope, cb slack.InteractionCallback) {
	switch cb.Type {
	case slack.InteractionTypeViewSubmission:
		if cb.View.CallbackID != CallbackDraft {
			env.ack(nil)
			return
		}
		b.onSubmit(ctx, env, cb)
	case slack.InteractionTypeBlockActions:
		if cb.View.CallbackID == CallbackDraft && len(cb.ActionCallback.BlockActions) > 0 {
			switch a := cb.ActionCallback.BlockActions[0]; {
			case previewActions[a.ActionID], a.ActionID == ActionStore, a.ActionID == ActionCustomerSearch:
				b.onRefresh(ctx, env, cb, a.ActionTs)
				return
			}
		}
		env.ack(nil)
	case slack.InteractionTypeBlockSuggestion:
		b.onSuggestion(ctx, env, cb)
	case slack.InteractionTypeMessageAction:
		if cb.CallbackID == CallbackMessageShortcut {
			b.onMessageShortcut(ctx, env, cb)
			return
		}
		env.ack(nil)
	default:
		env.ack(nil)
	}
}

// onSuggestion answers an external select as the user types.
func (b *Bot) onSuggestion(ctx context.Context, env *envelope, cb slack.InteractionCallback) {
	meta, _ := decodeMetadata(cb.View.PrivateMetadata)
	_, p := readState(cb.View.State)
	st, ok := b.resolveStore(meta, p)
	if !ok {
		env.ack(suggestionsAck(nil))
		return
	}
	switch cb.ActionID {
	case ActionCustomerSearch:
		if b.customers == nil || st.DepartmentUUID == "" {
			env.ack(suggestionsAck(nil))
			return
		}
		env.ack(suggestionsAck(b.customerSuggestions(ctx, st, cb.Value)))
	case ActionServicesSelect:
		var opts []option
		if b.catalog != nil {
			opts = serviceOptions(b.catalog.SearchOpCodes(st.DealerUUID, cb.Value, maxServiceOptions))
		}
		env.ack(suggestionsAck(opts))
	default:
		env.ack(suggestionsAck(nil))
	}
}

func (b *Bot) onSubmit(ctx context.Context, env *envelope, cb slack.InteractionCallback) {
	log := env.log.With("user", cb.User.ID, "view", cb.View.ID)
	meta, err := decodeMetadata(cb.View.PrivateMetadata)
	if err != nil || meta.ChannelID == "" {
		log.Warn("submission without usable metadata; answering by DM", "err", err)
	}
	form, p := readState(cb.View.State)
	st, ok := b.resolveStore(meta, p)
	if !ok {
		log.Info("submission without a store")
		env.ack(submissionErrors(appointment.FieldErrors{appointment.FieldWhen: "Pick a store first."}, map[string]bool{BlockStore: true}))
		return
	}
	if meta.Store == "" || p.Store != "" {
		// The store question was answered with Next: show the form.
		meta.Store = st.Name
		c, _ := b.prefilled(ctx, st, meta.Text)
		meta.Text = ""
		env.ack(slack.NewUpdateViewSubmissionResponse(ptr(buildModal(c, meta))))
		return
	}
	who := appointment.Requester{
		UserID: cb.User.ID, UserName: cb.User.Name, TeamID: cb.Team.ID,
		ChannelID: meta.ChannelID, ThreadTS: meta.ThreadTS, ResponseURL: meta.ResponseURL,
	}
	if who.ChannelID == "" {
		who.ChannelID = cb.User.ID // chat.postMessage to a user id opens the DM
	}
	present := inputBlocks(cb.View)
	if p.Customer != nil && p.Customer.Value == optionSearchFailed {
		env.ack(submissionErrors(appointment.FieldErrors{appointment.FieldCustomer: "Search again and pick a customer from the list."}, present))
		return
	}
	if ok, why := b.opts.Access.allows(meta.ChannelID, cb.User.ID); !ok {
		log.Warn("submission refused by access control")
		env.ack(submissionErrors(appointment.FieldErrors{appointment.FieldWhen: why}, present))
		return
	}
	form.Picked = b.pickedServices(st, p.Services)
	sub, err := b.pipeline.Prepare(env.req.EnvelopeID, st.Domain(b.order), form, who)
	if fe, ok := appointment.AsFieldErrors(err); ok {
		log.Info("form has errors", "fields", len(fe))
		b.metrics.Submission("invalid")
		env.ack(submissionErrors(fe, present))
		return
	}
	if err != nil {
		log.Error("could not prepare submission", "err", err)
		b.metrics.Submission("error")
		env.ack(submissionErrors(appointment.FieldErrors{appointment.FieldWhen: appointment.UserMessage(err)}, present))
		return
	}
	sub.Key = submissionKey(cb.View.ID+"/"+meta.Nonce, cb.View.State)
	if !b.limiter.allow(cb.User.ID, time.Now()) {
		log.Warn("submission refused by the rate limit")
		b.metrics.Submission("rate_limited")
		env.ack(submissionErrors(appointment.FieldErrors{appointment.FieldWhen: fmt.Sprintf(
			"You've created %d drafts in the last %s. Please wait a few minutes before the next one.",
			b.opts.RateLimit, b.opts.RateWindow)}, present))
		return
	}
	if ok, why := b.reserve(); !ok {
		log.Warn("submission refused: queue full or shutting down")
		b.metrics.Submission("busy")
		env.ack(submissionErrors(appointment.FieldErrors{appointment.FieldWhen: why}, present))
		return
	}
	// Recorded before the ack closes the modal: from here nothing is lost.
	dup, err := b.pipeline.Record(ctx, sub)
	if err != nil {
		b.release()
		log.Error("could not record the submission", "err", err)
		b.metrics.Submission("error")
		env.ack(submissionErrors(appointment.FieldErrors{appointment.FieldWhen: "The bot couldn't save your request, so nothing was sent. Please press Create draft again in a minute."}, present))
		return
	}
	env.ack(nil) // closes the modal
	if dup {
		b.release()
		b.metrics.Submission("duplicate")
		return
	}
	b.metrics.Submission("accepted")
	log.Info("submission accepted", "store", st.Name, "start", sub.Request.Start.Format(time.RFC3339))
	b.enqueue(queued{ctx: context.WithoutCancel(ctx), sub: sub, log: log})
}

func ptr[T any](v T) *T { return &v }

func isAuthError(err error) bool {
	switch slackError(err) {
	case "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "not_allowed_token_type", "missing_scope":
		return true
	}
	return err != nil && strings.Contains(err.Error(), "invalid_auth")
}

func errorOf(data any) string {
	switch d := data.(type) {
	case error:
		return d.Error()
	case nil:
		return ""
	default:
		b, _ := json.Marshal(d)
		return string(b)
	}
}

// logBridge sends slack-go's log lines to slog.
type logBridge struct{ log *slog.Logger }

func (l logBridge) Output(_ int, s string) error {
	l.log.Debug(strings.TrimSpace(s))
	return nil
}
