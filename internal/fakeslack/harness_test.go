package fakeslack

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// testBot is a minimal app on the real slack-go socketmode client.
type testBot struct {
	api      *slack.Client
	sm       *socketmode.Client
	runErr   chan error
	mu       sync.Mutex
	events   []socketmode.Event
	handlers handlers
}

type handlers struct {
	// each returns the ack payload (nil: ack without payload); noAck skips the ack.
	slash       func(b *testBot, cmd slack.SlashCommand) any
	interaction func(b *testBot, cb slack.InteractionCallback) any
	noAck       bool
}

func newFake(t *testing.T, opts ...Option) *Server {
	t.Helper()
	opts = append([]Option{WithPingInterval(200 * time.Millisecond)}, opts...)
	s := New(opts...)
	t.Cleanup(s.Close)
	return s
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func startBot(t *testing.T, fake *Server, h handlers, smOpts ...socketmode.Option) *testBot {
	t.Helper()
	api := slack.New(BotToken, slack.OptionAPIURL(fake.APIURL()), slack.OptionAppLevelToken(AppToken))
	smOpts = append([]socketmode.Option{socketmode.OptionPingInterval(2 * time.Second)}, smOpts...)
	b := &testBot{api: api, sm: socketmode.New(api, smOpts...), runErr: make(chan error, 1), handlers: h}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { b.runErr <- b.sm.RunContext(ctx) })
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case evt := <-b.sm.Events:
				b.handle(ctx, evt)
			}
		}
	})
	t.Cleanup(func() {
		cancel()
		wg.Wait()
	})
	return b
}

func (b *testBot) handle(ctx context.Context, evt socketmode.Event) {
	b.mu.Lock()
	b.events = append(b.events, evt)
	b.mu.Unlock()
	var payload any
	switch evt.Type {
	case socketmode.EventTypeSlashCommand:
		if b.handlers.slash != nil {
			payload = b.handlers.slash(b, evt.Data.(slack.SlashCommand))
		}
	case socketmode.EventTypeInteractive:
		if b.handlers.interaction != nil {
			payload = b.handlers.interaction(b, evt.Data.(slack.InteractionCallback))
		}
	case socketmode.EventTypeEventsAPI:
	default:
		return
	}
	if b.handlers.noAck || evt.Request == nil {
		return
	}
	_ = b.sm.AckCtx(ctx, evt.Request.EnvelopeID, payload)
}

func (b *testBot) eventsOf(typ socketmode.EventType) []socketmode.Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []socketmode.Event
	for _, e := range b.events {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

func slackErr(err error) string {
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	if err != nil {
		return "non-slack error: " + err.Error()
	}
	return ""
}

func websocketDial(url string) (*websocket.Conn, *http.Response, error) {
	h := http.Header{"Origin": {"https://api.slack.com"}}
	c, resp, err := websocket.DefaultDialer.Dial(url, h)
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	return c, resp, err
}
