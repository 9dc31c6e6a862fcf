package slackbot

import (
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
)

func TestSubmissionKey(t *testing.T) {
	st := func(when string) *slack.ViewState {
		return &slack.ViewState{Values: map[string]map[string]slack.BlockAction{
			BlockWhen:     {ActionWhen: {Value: when}},
			BlockCustomer: {ActionCustomer: {Value: "c1"}},
		}}
	}
	a := submissionKey("V1/n1", st("tomorrow 9am"))
	assert.Equal(t, a, submissionKey("V1/n1", st("tomorrow 9am")), "a double click is the same submission")
	assert.NotEqual(t, a, submissionKey("V1/n1", st("tomorrow 10am")), "a corrected form is a new one")
	assert.NotEqual(t, a, submissionKey("V1/n2", st("tomorrow 9am")), "another modal is a new one, even with the same view id")
	n1, n2 := newNonce(), newNonce()
	assert.Len(t, n1, 16)
	assert.NotEqual(t, n1, n2)
}

func TestRateLimiter(t *testing.T) {
	r := newRateLimiter(2, 10*time.Minute)
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	assert.True(t, r.allow("U1", now))
	assert.True(t, r.allow("U1", now.Add(time.Minute)))
	assert.False(t, r.allow("U1", now.Add(2*time.Minute)), "third in the window")
	assert.True(t, r.allow("U2", now.Add(2*time.Minute)), "per user")
	assert.True(t, r.allow("U1", now.Add(10*time.Minute+time.Second)), "the window slides")
	var none *rateLimiter
	assert.True(t, none.allow("U1", now))
	assert.True(t, newRateLimiter(0, time.Minute).allow("U1", now), "0 means no limit")
}

func TestAccess(t *testing.T) {
	open := Access{}
	ok, _ := open.allows("C1", "U1")
	assert.True(t, ok)
	a := Access{Channels: []string{"C1"}, Users: []string{"U1"}}
	ok, _ = a.allows("C1", "U1")
	assert.True(t, ok)
	ok, why := a.allows("C2", "U1")
	assert.False(t, ok)
	assert.Contains(t, why, "channel")
	ok, why = a.allows("C1", "U2")
	assert.False(t, ok)
	assert.Contains(t, why, "not set up")
}
