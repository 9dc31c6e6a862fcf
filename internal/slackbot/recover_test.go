package slackbot

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/draftappt/draftappt/internal/appointment"
	"github.com/draftappt/draftappt/internal/fakeslack"
)

func TestPanicInHandlerIsRecoveredLoggedAndTold(t *testing.T) {
	fs := fakeslack.New()
	defer fs.Close()
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	api := NewAPI(Options{BotToken: fakeslack.BotToken, AppToken: fakeslack.AppToken, APIURL: fs.APIURL()}, log)
	b := &Bot{notifier: NewAnnouncer(api, nil, nil, log), log: log}

	acked := false
	who := appointment.Requester{UserID: fakeslack.DefaultUserID, ChannelID: fakeslack.DefaultChannelID}
	func() {
		defer b.recovered(context.Background(), log, func() { acked = true }, &who)
		panic("a bug in a handler")
	}()

	assert.True(t, acked, "the envelope is acked even after a panic")
	assert.Contains(t, logs.String(), "handler panicked")
	assert.Contains(t, logs.String(), "stack")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	m, err := fs.WaitMessage(ctx, func(m fakeslack.Message) bool { return m.To == fakeslack.DefaultUserID || m.Channel != "" })
	require.NoError(t, err, "the user is told")
	assert.Contains(t, m.Text, "something went wrong")
}
