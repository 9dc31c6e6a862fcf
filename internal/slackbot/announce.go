package slackbot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/slack-go/slack"

	"github.com/draftappt/draftappt/internal/appointment"
	"github.com/draftappt/draftappt/internal/telemetry"
)

// Announcer posts results into Slack. It satisfies appointment.Announcer.
//
// The link must reach the requester whatever Slack refuses: it posts in the
// channel's thread first, then falls back to the command's response_url,
// then to a direct message.
type Announcer struct {
	api     *slack.Client
	http    *http.Client
	metrics *telemetry.Metrics
	log     *slog.Logger
}

// postDeadline bounds retries of one post after 429/5xx; then the caller
// reaches the user another way.
const postDeadline = 2 * time.Minute

var _ appointment.Announcer = (*Announcer)(nil)

// NewAnnouncer wires an Announcer. httpClient posts to response_url; nil
// means a client with a 10-second timeout.
func NewAnnouncer(api *slack.Client, httpClient *http.Client, metrics *telemetry.Metrics, log *slog.Logger) *Announcer {
	if httpClient == nil {
		httpClient = &http.Client{Timeout: webTimeout}
	}
	return &Announcer{api: api, http: httpClient, metrics: metrics, log: log}
}

// retryWait says whether a failed post may be sent again and after how
// long: only rate limits (Slack's Retry-After) and server errors, where
// Slack did not take the message.
func retryWait(err error, backoff time.Duration) (time.Duration, bool) {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		if rl.RetryAfter <= 0 {
			return backoff, true
		}
		return rl.RetryAfter, true
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) && sc.Code >= 500 {
		return backoff, true
	}
	switch slackError(err) {
	case "internal_error", "service_unavailable", "fatal_error", "ratelimited":
		return backoff, true
	}
	return 0, false
}

// AnnounceDraft posts the parent message and the link in its thread.
func (a *Announcer) AnnounceDraft(ctx context.Context, sub appointment.Submission, d appointment.Draft) error {
	log := a.log.With("submission", sub.ID, "channel", sub.Requester.ChannelID, "draft", d.UUID)
	ch := sub.Requester.ChannelID
	var err error
	if thread := sub.Requester.ThreadTS; thread != "" {
		// The conversation already has a thread: answer in it, whole.
		text, blocks := replyMessage(sub, d)
		if _, err = a.post(ctx, ch, thread, text, blocks); err == nil {
			log.Info("draft announced", "thread_ts", thread)
			return nil
		}
	} else {
		text, blocks := parentMessage(sub)
		var parent string
		if parent, err = a.post(ctx, ch, "", text, blocks); err == nil {
			text, blocks = linkMessage(sub, d)
			if _, err = a.post(ctx, ch, parent, text, blocks); err == nil {
				log.Info("draft announced", "thread_ts", parent)
				return nil
			}
		}
	}
	log.Warn("could not post the draft in the channel; falling back", "err", err)
	text, blocks := fallbackMessage(sub, d, fallbackReason(err))
	if ferr := a.reachRequester(ctx, sub, text, blocks); ferr != nil {
		return fmt.Errorf("announce draft %s in %s: %w (fallback: %w)", d.UUID, ch, err, ferr)
	}
	return nil
}

// AnnounceFailure tells the requester privately that no draft was made.
func (a *Announcer) AnnounceFailure(ctx context.Context, sub appointment.Submission, userMessage string) error {
	text, blocks := failureMessage(sub, userMessage)
	ch, user := sub.Requester.ChannelID, sub.Requester.UserID
	if ch != "" && user != "" {
		_, err := a.api.PostEphemeralContext(ctx, ch, user, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...))
		if err == nil {
			return nil
		}
		a.metrics.SlackError("chat.postEphemeral", slackError(err))
		a.log.Warn("ephemeral failure notice refused; falling back", "submission", sub.ID, "err", err)
	}
	return a.reachRequester(ctx, sub, text, blocks)
}

// Notify sends the requester a short private note (used for problems that
// happen before a submission exists, such as a form that cannot open).
func (a *Announcer) Notify(ctx context.Context, who appointment.Requester, text string) error {
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(text), nil, nil)}
	return a.reachRequester(ctx, appointment.Submission{Requester: who}, text, blocks)
}

func (a *Announcer) post(ctx context.Context, channel, thread, text string, blocks []slack.Block) (string, error) {
	opts := []slack.MsgOption{slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...)}
	if thread != "" {
		opts = append(opts, slack.MsgOptionTS(thread))
	}
	start := time.Now()
	backoff := time.Second
	for {
		_, ts, err := a.api.PostMessageContext(ctx, channel, opts...)
		if err == nil {
			return ts, nil
		}
		a.metrics.SlackError("chat.postMessage", slackError(err))
		wait, ok := retryWait(err, backoff)
		if !ok || time.Since(start)+wait > postDeadline {
			return "", fmt.Errorf("chat.postMessage: %w", err)
		}
		a.log.Warn("slack refused the post for now; retrying", "channel", channel, "wait", wait, "err", err)
		if serr := appointment.Wait(ctx, wait); serr != nil {
			return "", fmt.Errorf("chat.postMessage: %w", errors.Join(err, serr))
		}
		backoff = min(backoff*2, 30*time.Second)
	}
}

// reachRequester delivers a private message by response_url, else by DM.
func (a *Announcer) reachRequester(ctx context.Context, sub appointment.Submission, text string, blocks []slack.Block) error {
	var errs []error
	if u := sub.Requester.ResponseURL; u != "" {
		msg := &slack.WebhookMessage{Text: text, Blocks: &slack.Blocks{BlockSet: blocks}, ResponseType: slack.ResponseTypeEphemeral}
		err := slack.PostWebhookCustomHTTPContext(ctx, u, a.http, msg)
		if err == nil {
			return nil
		}
		errs = append(errs, fmt.Errorf("response_url: %w", err))
	}
	if user := sub.Requester.UserID; user != "" {
		dm, _, _, err := a.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
		if err != nil {
			a.metrics.SlackError("conversations.open", slackError(err))
		} else {
			_, err = a.post(ctx, dm.ID, "", text, blocks)
		}
		if err == nil {
			return nil
		}
		errs = append(errs, fmt.Errorf("direct message: %w", err))
	}
	if len(errs) == 0 {
		return errors.New("no way to reach the requester")
	}
	return errors.Join(errs...)
}

// fallbackReason explains to the user why the link came privately.
func fallbackReason(err error) string {
	switch slackError(err) {
	case "not_in_channel":
		return "I couldn't post in the channel because I'm not a member. Invite me with /invite @draftappt to get links in threads there."
	case "channel_not_found":
		return "I couldn't post in this conversation (it is private or a DM I'm not part of), so here is your link."
	case "is_archived":
		return "The channel is archived, so here is your link."
	}
	return "I couldn't post in the channel, so here is your link."
}

// slackError returns Slack's error code ("not_in_channel", …) inside err,
// or a short word for failures that never reached Slack's API layer.
func slackError(err error) string {
	if err == nil {
		return ""
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return "ratelimited"
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return fmt.Sprintf("http_%d", sc.Code)
	}
	return "transport"
}
