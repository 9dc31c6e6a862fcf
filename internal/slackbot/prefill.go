package slackbot

import (
	"strings"
	"time"

	"github.com/draftappt/draftappt/internal/appointment"
	"github.com/draftappt/draftappt/internal/dates"
)

// prefill turns the text after the slash command into initial form values:
// a VIN anywhere in it goes to the VIN field, and the rest to When when it
// reads as a date. Anything else is left for the user, with a notice, rather
// than guessed into a field.
func prefill(text string, store appointment.Store, now time.Time) modalContent {
	var c modalContent
	var rest []string
	for _, tok := range strings.Fields(text) {
		if v := appointment.NormalizeVIN(strings.Trim(tok, ",.;")); c.Form.VIN == "" && appointment.ValidVINSyntax(v) {
			c.Form.VIN = v
			continue
		}
		rest = append(rest, tok)
	}
	phrase := strings.Join(rest, " ")
	if phrase == "" {
		return c
	}
	if _, err := dates.Parse(phrase, now, dates.Options{Location: store.Location, Order: store.Order}); err == nil {
		c.Form.When = phrase
	} else {
		c.Notice = "I couldn't read “" + truncateRunes(phrase, 80) + "” as a date; fill in When below."
	}
	return c
}
