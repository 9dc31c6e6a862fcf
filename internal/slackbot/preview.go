package slackbot

import (
	"context"
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
// why it is not. It reads the fields with appointment.ReadTimes, as
// validation does, so the preview never disagrees with submitting.
func previews(store appointment.Store, f appointment.Form, now time.Time) map[string]string {
	out := map[string]string{}
	errs := appointment.FieldErrors{}
	t := appointment.ReadTimes(store, f, now, errs)
	if strings.TrimSpace(f.When) != "" {
		if msg, bad := errs[appointment.FieldWhen]; bad {
			out[BlockWhen] = "⚠️ " + msg
		} else {
			line := "📅 " + dates.Preview(dates.Reading{Start: t.Start, End: t.End})
			if t.OutsideHours {
				line += " · ⚠️ outside business hours (" + store.Hours.String() + ")"
			}
			out[BlockWhen] = line
		}
	}
	if strings.TrimSpace(f.End) != "" {
		switch msg, bad := errs[appointment.FieldEnd]; {
		case t.Start.IsZero():
			out[BlockEnd] = "Fill in When first."
		case bad:
			out[BlockEnd] = "⚠️ " + msg
		default:
			out[BlockEnd] = "Ends " + dates.Preview(dates.Reading{Start: t.End})
		}
	}
	if strings.TrimSpace(f.Expiry) != "" {
		if msg, bad := errs[appointment.FieldExpiry]; bad {
			out[BlockExpiry] = "⚠️ " + msg
		} else {
			out[BlockExpiry] = "Link expires " + dates.Preview(dates.Reading{Start: t.Expiry})
		}
	}
	return out
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
