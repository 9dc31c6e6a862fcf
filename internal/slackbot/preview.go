package slackbot

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/draftappt/draftappt/internal/appointment"
	"github.com/draftappt/draftappt/internal/dates"
)

// previewActions are the inputs that dispatch block_actions as the user
// types, so the modal can show how the phrase is read.
var previewActions = map[string]bool{ActionWhen: true, ActionEnd: true, ActionExpiry: true}

// previews renders, for each date field that has text, how it is read, or
// why it is not. It uses the same functions as validation, so the preview
// never disagrees with what submitting does.
func previews(store appointment.Store, f appointment.Form, now time.Time) map[string]string {
	out := map[string]string{}
	opts := dates.Options{Location: store.Location, Order: store.Order}
	var start time.Time
	if strings.TrimSpace(f.When) != "" {
		r, err := dates.Parse(f.When, now, opts)
		if err != nil {
			out[BlockWhen] = "⚠️ " + dateError(err)
		} else {
			start = r.Start
			if strings.TrimSpace(f.End) != "" {
				if end, err := dates.ParseEnd(f.End, r.Start, opts); err == nil {
					r.End = end
				}
			}
			line := "📅 " + dates.Preview(r)
			if !store.Hours.Contains(r.Start, r.End) {
				line += " · ⚠️ outside business hours (" + store.Hours.String() + ")"
			}
			out[BlockWhen] = line
		}
	}
	if strings.TrimSpace(f.End) != "" {
		if start.IsZero() {
			out[BlockEnd] = "Fill in When first."
		} else if end, err := dates.ParseEnd(f.End, start, opts); err != nil {
			out[BlockEnd] = "⚠️ " + dateError(err)
		} else {
			out[BlockEnd] = "Ends " + dates.Preview(dates.Reading{Start: end})
		}
	}
	if strings.TrimSpace(f.Expiry) != "" {
		exp, err := dates.ParseExpiry(f.Expiry, now, opts)
		switch {
		case err != nil:
			out[BlockExpiry] = "⚠️ " + dateError(err)
		case !start.IsZero() && exp.After(start):
			out[BlockExpiry] = "⚠️ " + dates.Preview(dates.Reading{Start: exp}) + " is after the appointment."
		default:
			out[BlockExpiry] = "Link expires " + dates.Preview(dates.Reading{Start: exp})
		}
	}
	return out
}

func dateError(err error) string {
	var de *dates.Error
	if errors.As(err, &de) {
		return de.Message
	}
	return "That could not be read as a date."
}

// previewGate drops stale preview updates: during fast typing Slack may
// deliver actions out of order, and only the newest one per view matters.
type previewGate struct {
	mu     sync.Mutex
	newest map[string]string // view id → newest action_ts seen
}

// admit reports whether an action with this timestamp is the newest for
// its view. Slack's action_ts are decimal seconds of equal width, so string
// order is time order.
func (g *previewGate) admit(viewID, actionTS string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.newest == nil {
		g.newest = map[string]string{}
	}
	if prev, ok := g.newest[viewID]; ok && actionTS != "" && compareTS(actionTS, prev) < 0 {
		return false
	}
	if len(g.newest) > 10000 {
		// Views close without telling us; forget old ones rather than grow.
		g.newest = map[string]string{}
	}
	g.newest[viewID] = actionTS
	return true
}

// newest reports whether actionTS is still the newest action seen for the view.
func (g *previewGate) newestFor(viewID, actionTS string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.newest[viewID] == actionTS
}

func compareTS(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// onRefresh answers a block action that changes what the modal shows (a
// store picked, a customer picked, a date typed) with a views.update. The
// update carries the view's hash: if the user has typed on and a newer
// update won, Slack answers hash_conflict and this one is dropped silently.
func (b *Bot) onRefresh(ctx context.Context, env *envelope, cb slack.InteractionCallback, actionTS string) {
	env.ack(nil)
	if !b.previews.admit(cb.View.ID, actionTS) {
		return
	}
	form, p := readState(cb.View.State)
	meta, _ := decodeMetadata(cb.View.PrivateMetadata)
	var content modalContent
	if st, ok := b.resolveStore(meta, p); ok {
		if meta.Store == "" {
			// The store was just picked: show its form, prefilled from the
			// text the command came with.
			meta.Store = st.Name
			content, _ = b.prefilled(ctx, st, meta.Text)
			meta.Text = ""
		} else {
			content = b.content(ctx, st, form, p, b.pipeline.Now())
		}
	} else {
		content = modalContent{StoreChoices: b.storeChoices()}
	}
	uctx, cancel := context.WithTimeout(ctx, webTimeout)
	defer cancel()
	view := buildModal(content, meta)
	_, err := b.api.UpdateViewContext(uctx, view, "", cb.View.Hash, cb.View.ID)
	if slackError(err) == "hash_conflict" && b.previews.newestFor(cb.View.ID, actionTS) {
		// Another update landed since this action's view was sent, but this
		// action is still the newest: without a retry the preview would
		// describe an older phrase. Inputs survive the update, so replacing
		// without the hash loses nothing the user typed.
		_, err = b.api.UpdateViewContext(uctx, view, "", "", cb.View.ID)
	}
	switch code := slackError(err); {
	case err == nil:
	case code == "hash_conflict" || code == "not_found":
		env.log.Debug("stale update dropped", "view", cb.View.ID, "slack_error", code)
	default:
		b.metrics.SlackError("views.update", code)
		env.log.Warn("could not update the form", "view", cb.View.ID, "err", err)
	}
}
