package fakeslack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Identities the fake uses. Every payload comes from this one team and app.
const (
	AppToken = "xapp-1-A0FAKE-1-fake" //nolint:gosec // fake token, accepted only by this fake
	BotToken = "xoxb-fake-bot-token"  //nolint:gosec // fake token, accepted only by this fake

	TeamID     = "T0FAKETEAM"
	TeamDomain = "fake"
	AppID      = "A0FAKE"
	BotUserID  = "U0FAKEBOT"
	BotID      = "B0FAKEBOT"

	// Defaults filled in by SlashCommand, MessageShortcut, … when a field is empty.
	DefaultUserID      = "U0FAKEUSER"
	DefaultUserName    = "fake.user"
	DefaultChannelID   = "C0FAKECHAN"
	DefaultChannelName = "general"
	DefaultCommand     = "/draft-appt"
	DefaultTZ          = "America/Los_Angeles"

	// VerificationToken is the deprecated "token" field Slack puts in payloads.
	VerificationToken = "fakeverificationtoken"
)

// Errors returned by the driving API.
var (
	ErrClosed        = errors.New("fakeslack: server closed")
	ErrAckTimeout    = errors.New("fakeslack: no ack within the deadline (Slack would show the user an error)")
	ErrNoView        = errors.New("fakeslack: user has no open view")
	ErrUserCannotAct = errors.New("fakeslack: a user could not do this in the Slack client")
)

// Option configures a Server.
type Option func(*config)

type config struct {
	botTokens     map[string]bool
	appTokens     map[string]bool
	pingInterval  time.Duration
	ackDeadline   time.Duration
	triggerTTL    time.Duration
	disconnectTTL time.Duration
	logf          func(format string, args ...any)
	users         []User
}

// WithBotToken replaces the accepted bot tokens (default BotToken).
func WithBotToken(tokens ...string) Option {
	return func(c *config) {
		c.botTokens = map[string]bool{}
		for _, t := range tokens {
			c.botTokens[t] = true
		}
	}
}

// WithAppToken replaces the accepted app-level tokens (default AppToken).
func WithAppToken(tokens ...string) Option {
	return func(c *config) {
		c.appTokens = map[string]bool{}
		for _, t := range tokens {
			c.appTokens[t] = true
		}
	}
}

// WithPingInterval sets how often websocket PING frames are sent (default 5 s).
// slack-go drops a connection that sees no PING within its OptionPingInterval (30 s).
func WithPingInterval(d time.Duration) Option { return func(c *config) { c.pingInterval = d } }

// WithAckDeadline sets how long the fake waits for an envelope's ack (default 3 s, as Slack).
func WithAckDeadline(d time.Duration) Option { return func(c *config) { c.ackDeadline = d } }

// WithTriggerTTL sets how long a trigger_id stays usable (default 3 s, as Slack).
func WithTriggerTTL(d time.Duration) Option { return func(c *config) { c.triggerTTL = d } }

// WithDisconnectGrace sets how long a socket stays open after a disconnect message
// before the fake closes it itself (default 10 s; slack-go closes it at once anyway).
func WithDisconnectGrace(d time.Duration) Option { return func(c *config) { c.disconnectTTL = d } }

// WithLogf logs protocol activity (e.g. t.Logf). Close the server before the test ends.
func WithLogf(f func(format string, args ...any)) Option { return func(c *config) { c.logf = f } }

// WithUser registers a user for users.info (and its time zone).
func WithUser(u User) Option { return func(c *config) { c.users = append(c.users, u) } }

// User is a workspace member as users.info reports it.
type User struct {
	ID       string
	Name     string // handle, e.g. "jane.doe"
	RealName string
	TZ       string // IANA zone; DefaultTZ when empty
	Email    string
	IsBot    bool
}

// Call is one recorded Web API call.
type Call struct {
	Method string
	Token  string
	// Params holds the decoded request: a JSON body as is, a form body as an object of
	// strings (fields that carry JSON, like blocks, stay strings: use Param/JSON).
	Params json.RawMessage
	// Error is the Slack error code returned ("" when ok); "ratelimited" for a 429.
	Error string
	// Response is the JSON body returned.
	Response json.RawMessage
	Time     time.Time
}

// Param returns a parameter as a string (JSON values other than strings as JSON text).
func (c Call) Param(name string) string { return argsOf(c.Params).str(name) }

// JSON returns a parameter as raw JSON, decoding JSON carried in a form string
// (e.g. blocks of chat.postMessage or view of views.open).
func (c Call) JSON(name string) json.RawMessage { return argsOf(c.Params).json(name) }

// Decode unmarshals Params into v.
func (c Call) Decode(v any) error { return json.Unmarshal(c.Params, v) }

type fault struct {
	n          int
	err        string
	retryAfter int
}

// Server is the fake Slack. Create it with New and Close it when done.
type Server struct {
	homes map[string]*homeRec // App Home views by user
	cfg   config
	hs    *httptest.Server

	done chan struct{}
	wg   sync.WaitGroup

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every state change
	closed  bool

	calls      []Call
	fails      map[string][]*fault
	rateLimits map[string][]*fault

	notInChannel    map[string]bool
	channelNotFound map[string]bool
	dms             map[string]string // user → D channel
	users           map[string]User

	tickets      map[string]bool // unused tickets
	sockets      map[*socket]struct{}
	connectCount int
	pending      map[string]chan Ack
	droppedAcks  []Ack

	triggers     map[string]*trigger
	views        map[string]*viewRec
	stacks       map[string][]*viewRec // user → modal stack, top last
	lastSubmit   *Submission
	responseURLs map[string]*responseURL

	messages []Message
	byTS     map[string]*Message // channel+"/"+ts → current content
	tsSeq    int64
	tsBase   int64
	idSeq    int
}

// New starts a fake Slack on 127.0.0.1 with a random port.
func New(opts ...Option) *Server {
	cfg := config{
		botTokens:     map[string]bool{BotToken: true},
		appTokens:     map[string]bool{AppToken: true},
		pingInterval:  5 * time.Second,
		ackDeadline:   3 * time.Second,
		triggerTTL:    3 * time.Second,
		disconnectTTL: 10 * time.Second,
	}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		cfg:             cfg,
		done:            make(chan struct{}),
		changed:         make(chan struct{}),
		fails:           map[string][]*fault{},
		rateLimits:      map[string][]*fault{},
		notInChannel:    map[string]bool{},
		channelNotFound: map[string]bool{},
		dms:             map[string]string{},
		users:           map[string]User{},
		tickets:         map[string]bool{},
		sockets:         map[*socket]struct{}{},
		pending:         map[string]chan Ack{},
		triggers:        map[string]*trigger{},
		views:           map[string]*viewRec{},
		stacks:          map[string][]*viewRec{},
		responseURLs:    map[string]*responseURL{},
		byTS:            map[string]*Message{},
		tsBase:          time.Now().Unix(),
	}
	for _, u := range cfg.users {
		s.users[u.ID] = u
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.serveAPI)
	mux.HandleFunc("/link/", s.serveLink)
	mux.HandleFunc("/response/", s.serveResponseURL)
	s.hs = httptest.NewServer(mux)
	return s
}

// APIURL is the Web API base for slack.OptionAPIURL, with its trailing slash.
func (s *Server) APIURL() string { return s.hs.URL + "/api/" }

// URL is the server's base URL.
func (s *Server) URL() string { return s.hs.URL }

// Close disconnects every socket, stops the server and fails pending waits with ErrClosed.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.done)
	socks := make([]*socket, 0, len(s.sockets))
	for k := range s.sockets {
		socks = append(socks, k)
	}
	s.sockets = map[*socket]struct{}{}
	s.notifyLocked()
	s.mu.Unlock()
	for _, k := range socks {
		k.close()
	}
	s.hs.Close()
	s.wg.Wait()
}

func (s *Server) logf(format string, args ...any) {
	if s.cfg.logf != nil {
		s.cfg.logf("fakeslack: "+format, args...)
	}
}

// notifyLocked wakes every waiter. Call with s.mu held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor blocks until cond (called with s.mu held) returns true, ctx ends or the server closes.
func (s *Server) waitFor(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		if cond() {
			s.mu.Unlock()
			return nil
		}
		ch, closed := s.changed, s.closed
		s.mu.Unlock()
		if closed {
			return ErrClosed
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// FailNext makes the next n calls of method fail with {"ok":false,"error":slackError}.
func (s *Server) FailNext(method string, n int, slackError string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails[method] = append(s.fails[method], &fault{n: n, err: slackError})
}

// RateLimitNext makes the next n calls of method answer HTTP 429 with Retry-After.
func (s *Server) RateLimitNext(method string, n int, retryAfterSeconds int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rateLimits[method] = append(s.rateLimits[method], &fault{n: n, err: "ratelimited", retryAfter: retryAfterSeconds})
}

func takeFault(m map[string][]*fault, method string) *fault {
	q := m[method]
	for len(q) > 0 && q[0].n <= 0 {
		q = q[1:]
	}
	m[method] = q
	if len(q) == 0 {
		return nil
	}
	q[0].n--
	return q[0]
}

// SetNotInChannel makes chat.* answer not_in_channel for channelID (the bot is not a member).
func (s *Server) SetNotInChannel(channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.channelNotFound, channelID)
	s.notInChannel[channelID] = true
}

// SetChannelNotFound makes chat.* answer channel_not_found for channelID (a private
// channel or DM the bot cannot see).
func (s *Server) SetChannelNotFound(channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.notInChannel, channelID)
	s.channelNotFound[channelID] = true
}

// SetChannelOK undoes SetNotInChannel and SetChannelNotFound.
func (s *Server) SetChannelOK(channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.notInChannel, channelID)
	delete(s.channelNotFound, channelID)
}

// AddUser registers (or replaces) a user for users.info.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.ID] = u
}

// Calls returns the recorded Web API calls of method, or of every method when method is "".
func (s *Server) Calls(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if method == "" || c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

// WaitCalls waits until method has been called at least n times and returns those calls.
func (s *Server) WaitCalls(ctx context.Context, method string, n int) ([]Call, error) {
	var out []Call
	err := s.waitFor(ctx, func() bool {
		out = out[:0]
		for _, c := range s.calls {
			if method == "" || c.Method == method {
				out = append(out, c)
			}
		}
		return len(out) >= n
	})
	if err != nil {
		return nil, fmt.Errorf("waiting for %d %s calls (have %d): %w", n, method, len(out), err)
	}
	return out, nil
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func randAlnum(n int) string {
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return string(b)
}

// nextIDLocked returns prefix + a unique upper-case id such as V0FAKE000007.
func (s *Server) nextIDLocked(prefix string) string {
	s.idSeq++
	return fmt.Sprintf("%s0FAKE%06d", prefix, s.idSeq)
}

// nextTSLocked returns a unique, increasing message ts like "1733245200.000100".
func (s *Server) nextTSLocked() string {
	s.tsSeq++
	micros := s.tsSeq * 100
	return fmt.Sprintf("%d.%06d", s.tsBase+micros/1_000_000, micros%1_000_000)
}

func newEnvelopeID() string {
	h := randHex(16)
	return strings.Join([]string{h[:8], h[8:12], h[12:16], h[16:20], h[20:]}, "-")
}
