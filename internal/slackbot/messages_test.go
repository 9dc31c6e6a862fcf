package slackbot

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/draftappt/draftappt/internal/appointment"
)

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"<!channel> hi", "&lt;!channel&gt; hi"},
		{"<https://evil.example|mykaarma.com>", "&lt;https://evil.example|mykaarma.com&gt;"},
		{"a & b", "a &amp; b"},
		{"&lt;", "&amp;lt;"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, escape(tt.in), tt.in)
	}
}

func TestLinkTo(t *testing.T) {
	assert.Equal(t, "<https://mkrm.io/d/abc?x=1&amp;y=2>", linkTo("https://mkrm.io/d/abc?x=1&y=2"))
	assert.Equal(t, "`javascript:alert(1)`", linkTo("javascript:alert(1)"))
	assert.Equal(t, "`https://a.example|click &lt;here&gt;`", linkTo("https://a.example|click <here>"))
}

func TestMessagesEscapeUserText(t *testing.T) {
	loc, _ := time.LoadLocation("America/Chicago")
	sub := appointment.Submission{
		Requester: appointment.Requester{UserID: "U1"},
		Request: appointment.Request{
			CustomerUUID: "c1", CustomerName: "<!channel> Jane",
			Vehicle:  appointment.Vehicle{VIN: "1HGCM82633A123456"},
			Start:    time.Date(2026, 12, 4, 9, 0, 0, 0, loc),
			Note:     "<!here> call <https://evil.example|me>",
			Services: []appointment.Service{{LaborOpCode: "OIL"}},
			Warnings: []string{"VIN <x> fails"},
		},
	}
	d := appointment.Draft{UUID: "d1", ShortURL: "https://mkrm.io/d/1", Warnings: []string{"<!everyone>"}}
	for name, msg := range map[string]func() (string, []byte){
		"parent": func() (string, []byte) { t, b := parentMessage(sub); return t, mustJSON(b) },
		"link":   func() (string, []byte) { t, b := linkMessage(sub, d); return t, mustJSON(b) },
		"failed": func() (string, []byte) { t, b := failureMessage(sub, "<!channel> nope"); return t, mustJSON(b) },
		"fallback": func() (string, []byte) {
			t, b := fallbackMessage(sub, d, "why")
			return t, mustJSON(b)
		},
	} {
		text, blocks := msg()
		for _, s := range []string{text, string(blocks)} {
			assert.NotContains(t, s, "<!", name)
			assert.NotContains(t, s, "<https://evil", name)
		}
	}
	_, blocks := parentMessage(sub)
	raw := string(mustJSON(blocks))
	assert.Contains(t, raw, "<@U1>")
	assert.Contains(t, raw, "Fri, Dec 4")
	assert.Contains(t, raw, "OIL")
	_, blocks = linkMessage(sub, d)
	raw = string(mustJSON(blocks))
	assert.Contains(t, raw, "<https://mkrm.io/d/1>")
	assert.Contains(t, raw, "fails")
}

// mustJSON encodes as Slack sees the text: without Go's HTML escaping.
func mustJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func TestFallbackReason(t *testing.T) {
	require.Contains(t, fallbackReason(nil), "couldn't post")
}
