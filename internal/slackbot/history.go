package slackbot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/draftappt/draftappt/internal/appointment"
	"github.com/draftappt/draftappt/internal/dates"
)

const historyLimit = 10

// historyLines renders a user's recent submissions, newest first.
func (b *Bot) historyLines(recs []appointment.Record) []string {
	lines := make([]string, 0, len(recs))
	for _, r := range recs {
		when := "—"
		if !r.Start.IsZero() {
			start, end := r.Start, r.End
			if st, ok := b.stores.ByDealer(r.DealerUUID); ok && st.Location != nil {
				start = start.In(st.Location)
				if !end.IsZero() {
					end = end.In(st.Location)
				}
			}
			when = dates.Preview(dates.Reading{Start: start, End: end})
		}
		who := r.CustomerName
		if who == "" {
			who = r.CustomerUUID
		}
		line := fmt.Sprintf("%s *%s* · %s", statusIcon(r.Status), escape(who), escape(when))
		switch {
		case r.ShortURL != "":
			line += " · " + linkTo(r.ShortURL)
		case r.Reason != "":
			line += " · " + escape(truncateRunes(r.Reason, 120))
		}
		lines = append(lines, line)
	}
	return lines
}

func statusIcon(s appointment.Status) string {
	switch s {
	case appointment.StatusAnnounced, appointment.StatusCreated:
		return "✅"
	case appointment.StatusFailed:
		return "❌"
	case appointment.StatusUnknown:
		return "❓"
	}
	return "⏳"
}

// historyReply answers `/draft-appt list` privately.
func (b *Bot) historyReply(ctx context.Context, userID string) map[string]any {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second) // inside the ack deadline
	defer cancel()
	recs, err := b.pipeline.History(ctx, userID, "", historyLimit)
	if err != nil {
		b.log.Error("could not read the user's history", "user", userID, "err", err)
		return map[string]any{"response_type": "ephemeral", "text": "Sorry, I couldn't read your recent drafts right now."}
	}
	if len(recs) == 0 {
		return map[string]any{"response_type": "ephemeral", "text": "You have no recent drafts. Start one with " + Command + "."}
	}
	text := "*Your recent drafts*\n" + strings.Join(b.historyLines(recs), "\n")
	return map[string]any{"response_type": "ephemeral", "text": truncateRunes(text, 3000)}
}

// publishHome shows the user's recent drafts, by store, on the App Home tab.
func (b *Bot) publishHome(ctx context.Context, env *envelope, userID string) {
	ctx, cancel := context.WithTimeout(ctx, webTimeout)
	defer cancel()
	blocks := []slack.Block{
		slack.NewHeaderBlock(plain("Your recent drafts")),
		slack.NewContextBlock("", mrkdwn("Start a new one with "+Command+" in your service channel, or the message shortcut “Draft appointment”.")),
	}
	total := 0
	for _, st := range b.stores.All() {
		recs, err := b.pipeline.History(ctx, userID, st.DealerUUID, historyLimit)
		if err != nil {
			env.log.Error("could not read history for the home tab", "store", st.Name, "err", err)
			continue
		}
		if len(recs) == 0 {
			continue
		}
		total += len(recs)
		if b.stores.Len() > 1 {
			blocks = append(blocks, slack.NewSectionBlock(mrkdwn("*"+escape(st.Name)+"*"), nil, nil))
		}
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn(truncateRunes(strings.Join(b.historyLines(recs), "\n"), 3000)), nil, nil))
	}
	if total == 0 {
		blocks = append(blocks, slack.NewSectionBlock(mrkdwn("No drafts yet."), nil, nil))
	}
	if len(blocks) > 100 {
		blocks = blocks[:100]
	}
	_, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: userID, View: slack.HomeTabViewRequest{
		Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks},
	}})
	if err != nil {
		b.metrics.SlackError("views.publish", slackError(err))
		env.log.Warn("could not publish the home tab", "user", userID, "err", err)
	}
}
