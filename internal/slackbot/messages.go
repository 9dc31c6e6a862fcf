package slackbot

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/slack-go/slack"

	"github.com/draftappt/draftappt/internal/appointment"
	"github.com/draftappt/draftappt/internal/dates"
)

// escape makes user text inert in mrkdwn: without it a note could carry
// <!channel> or a link that pretends to be something else.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

// linkTo renders a URL from myKaarma as a link only when it is a plain web
// URL; anything else is shown as escaped text.
func linkTo(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(raw, "|<> \n") {
		return "`" + strings.ReplaceAll(escape(raw), "`", "'") + "`"
	}
	return "<" + escape(raw) + ">"
}

func customerLabel(r appointment.Request) string {
	if r.CustomerName != "" {
		return r.CustomerName
	}
	return r.CustomerUUID
}

func vehicleLabel(v appointment.Vehicle) string {
	switch {
	case v.Label != "" && v.VIN != "":
		return v.Label + " (VIN " + v.VIN + ")"
	case v.Label != "":
		return v.Label
	case v.VIN != "" && v.UUID != "":
		return fmt.Sprintf("VIN %s (id %s)", v.VIN, v.UUID)
	case v.VIN != "":
		return "VIN " + v.VIN
	default:
		return "id " + v.UUID
	}
}

func whenLabel(r appointment.Request) string {
	return dates.Preview(dates.Reading{Start: r.Start, End: r.End})
}

func servicesLabel(r appointment.Request) string {
	if len(r.Services) == 0 {
		return "—"
	}
	codes := make([]string, len(r.Services))
	for i, s := range r.Services {
		codes[i] = s.LaborOpCode
		if s.Name != "" {
			codes[i] = s.Name + " (" + s.LaborOpCode + ")"
		}
	}
	return strings.Join(codes, ", ")
}

// summaryBlocks describe a request: who asked, customer, vehicle, when, services.
func summaryBlocks(sub appointment.Submission, heading string) []slack.Block {
	r := sub.Request
	fields := []*slack.TextBlockObject{
		mrkdwn("*Customer*\n" + escape(customerLabel(r))),
		mrkdwn("*Vehicle*\n" + escape(vehicleLabel(r.Vehicle))),
		mrkdwn("*When*\n" + escape(whenLabel(r))),
		mrkdwn("*Services*\n" + escape(servicesLabel(r))),
	}
	blocks := []slack.Block{
		slack.NewSectionBlock(mrkdwn(heading), fields, nil),
	}
	if r.Note != "" {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn("Note: "+escape(truncateRunes(r.Note, 500)))))
	}
	return blocks
}

func summaryText(sub appointment.Submission) string {
	r := sub.Request
	return fmt.Sprintf("Draft appointment for %s, %s, %s", escape(customerLabel(r)), escape(vehicleLabel(r.Vehicle)), escape(whenLabel(r)))
}

func requestedBy(sub appointment.Submission) string {
	if sub.Requester.UserID == "" {
		return "*Draft appointment*"
	}
	return fmt.Sprintf("*Draft appointment* requested by <@%s>", sub.Requester.UserID)
}

// parentMessage is the channel post the thread hangs from.
func parentMessage(sub appointment.Submission) (string, []slack.Block) {
	return summaryText(sub), summaryBlocks(sub, requestedBy(sub))
}

// linkMessage is the thread reply with the short URL and every warning.
func linkMessage(sub appointment.Submission, d appointment.Draft) (string, []slack.Block) {
	text := "Draft ready. Send this link to the customer: " + d.ShortURL
	lines := []string{":link: *Draft ready.* Send this link to the customer: " + linkTo(d.ShortURL)}
	if !sub.Request.Expiry.IsZero() {
		lines = append(lines, "The link expires "+escape(dates.Preview(dates.Reading{Start: sub.Request.Expiry}))+".")
	}
	blocks := []slack.Block{slack.NewSectionBlock(mrkdwn(strings.Join(lines, "\n")), nil, nil)}
	if w := warningLines(sub, d); w != "" {
		blocks = append(blocks, slack.NewContextBlock("", mrkdwn(w)))
		text += " (with warnings)"
	}
	return text, blocks
}

func warningLines(sub appointment.Submission, d appointment.Draft) string {
	all := append(append([]string{}, sub.Request.Warnings...), d.Warnings...)
	if len(all) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(":warning: ")
	for i, w := range all {
		if i > 0 {
			b.WriteString("\n:warning: ")
		}
		b.WriteString(escape(truncateRunes(w, 300)))
	}
	return b.String()
}

// replyMessage is the whole result as one reply, for a thread that already
// exists (a message shortcut): the summary and the link together.
func replyMessage(sub appointment.Submission, d appointment.Draft) (string, []slack.Block) {
	text, link := linkMessage(sub, d)
	return text, append(summaryBlocks(sub, requestedBy(sub)), link...)
}

// fallbackMessage carries the whole result to the requester when the channel
// could not be posted in.
func fallbackMessage(sub appointment.Submission, d appointment.Draft, why string) (string, []slack.Block) {
	text, blocks := replyMessage(sub, d)
	return text, append(blocks, slack.NewContextBlock("", mrkdwn(escape(why))))
}

// failureMessage tells the requester that no draft exists and what to do.
func failureMessage(sub appointment.Submission, userMessage string) (string, []slack.Block) {
	r := sub.Request
	head := fmt.Sprintf(":x: *No draft was created* for %s (%s).", escape(customerLabel(r)), escape(whenLabel(r)))
	body := escape(userMessage)
	text := fmt.Sprintf("No draft was created for %s: %s", escape(customerLabel(r)), body)
	return text, []slack.Block{slack.NewSectionBlock(mrkdwn(head+"\n"+body), nil, nil)}
}

// helpText answers `/draft-appt help`.
func helpText() string {
	return strings.Join([]string{
		"*" + Command + "* opens a form that creates a myKaarma draft appointment and posts its link in this channel's thread.",
		"• `" + Command + "` — open the form",
		"• `" + Command + " tomorrow 9am` — open it with the date filled in",
		"• `" + Command + " help` — this message",
		"Dates: `tomorrow 9am`, `fri 2-3pm`, `12/15 at 9:30`, `next tue 10am for 1h`.",
	}, "\n")
}
