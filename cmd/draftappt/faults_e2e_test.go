package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/draftappt/draftappt/internal/fakeslack"
	"github.com/draftappt/draftappt/internal/sandbox"
	"github.com/draftappt/draftappt/internal/slackbot"
)

// childEnv marks the test binary re-executed as the bot itself, so the
// fault tests can SIGKILL and SIGTERM a real process.
const childEnv = "DRAFTAPPT_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, []string{"serve"}, os.Stdin, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// linksPosted counts the messages that carry a draft's short URL: the
// "nothing duplicated" half of every fault test.
func linksPosted(fs *fakeslack.Server, url string) int {
	n := 0
	for _, m := range fs.Messages() {
		if strings.Contains(m.Text, url) {
			n++
		}
	}
	return n
}

// expectOneDraftOneLink waits for the outcome and asserts nothing was lost
// and nothing duplicated.
func expectOneDraftOneLink(t *testing.T, fs *fakeslack.Server, sb *sandbox.Server) {
	t.Helper()
	require.Eventually(t, func() bool {
		d := sb.Drafts()
		return len(d) == 1 && linksPosted(fs, d[0].ShortURL) >= 1
	}, 15*time.Second, 20*time.Millisecond, "the draft's link never reached Slack")
	time.Sleep(300 * time.Millisecond) // a duplicate would arrive by now
	d := sb.Drafts()
	require.Len(t, d, 1, "exactly one draft")
	assert.Equal(t, 1, linksPosted(fs, d[0].ShortURL), "exactly one link")
}

func TestFaultSocketDroppedMidSubmission(t *testing.T) {
	for _, fault := range []string{"drop", "refresh_requested"} {
		t.Run(fault, func(t *testing.T) {
			h := startBot(t, nil)
			h.mk.SetDelay(sandbox.EndpointDraft, 500*time.Millisecond)
			h.openForm(fakeslack.SlashCommand{})
			require.True(t, h.submit("", h.validValues("")).Closed)
			if fault == "drop" {
				h.slack.DropConnections()
			} else {
				h.slack.Disconnect(fault)
			}
			expectOneDraftOneLink(t, h.slack, h.mk)
			h.waitReady() // and it reconnects
		})
	}
}

func TestFaultMyKaarmaErrors(t *testing.T) {
	tests := []struct {
		name   string
		fault  sandbox.Fault
		drafts int // at most
		told   string
	}{
		{"500", sandbox.Fault{Status: 500, Body: `{"error":{"errorCode":"INTERNAL","errorDescription":"Unexpected error","errorUID":"u-500"}}`}, 0, "Unexpected error"},
		{"HTMLBody", sandbox.Fault{Status: 200, ContentType: "text/html", Body: "<html>login</html>"}, 0, "scope"},
		// myKaarma may finish the draft after the bot gave up: at most one.
		{"Timeout", sandbox.Fault{Delay: 3 * time.Second}, 1, "may or may not"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := startBot(t, nil)
			h.mk.FailNext(1, tt.fault)
			h.openForm(fakeslack.SlashCommand{})
			require.True(t, h.submit("", h.validValues("")).Closed)
			m, err := h.slack.WaitMessage(h.ctx(), func(m fakeslack.Message) bool { return m.Kind == fakeslack.KindEphemeral })
			require.NoError(t, err, "the user is told")
			assert.Contains(t, m.Text, tt.told)
			time.Sleep(3 * time.Second) // a delayed draft lands at the sandbox by now
			assert.LessOrEqual(t, len(h.mk.Drafts()), tt.drafts, "no retry after an ambiguous failure")
			for _, m := range h.slack.Messages() {
				assert.NotEqual(t, fakeslack.KindPost, m.Kind, "no link posted: %s", m.Text)
			}
		})
	}
}

func TestFaultMyKaarma429IsRetried(t *testing.T) {
	h := startBot(t, nil)
	h.mk.FailNext(1, sandbox.Fault{Status: http.StatusTooManyRequests, RetryAfter: "1", Body: `{"error":{"errorCode":"RATE_LIMITED"}}`})
	h.openForm(fakeslack.SlashCommand{})
	require.True(t, h.submit("", h.validValues("")).Closed)
	expectOneDraftOneLink(t, h.slack, h.mk)
	assert.Contains(t, h.logs.String(), "retrying")
}

func TestFaultSlack429OnPost(t *testing.T) {
	h := startBot(t, nil)
	h.slack.RateLimitNext("chat.postMessage", 2, 1)
	h.openForm(fakeslack.SlashCommand{})
	require.True(t, h.submit("", h.validValues("")).Closed)
	expectOneDraftOneLink(t, h.slack, h.mk)
	posts := 0
	for _, m := range h.slack.Messages() {
		if m.Kind == fakeslack.KindPost {
			posts++
		}
	}
	assert.Equal(t, 2, posts, "one parent and one reply, each once")
}

func TestFaultSameSubmissionTwiceConcurrently(t *testing.T) {
	h := startBot(t, nil)
	h.openForm(fakeslack.SlashCommand{})
	ack, err := h.slack.Submit(h.ctx(), "", h.validValues(""))
	require.NoError(t, err)
	var payload map[string]any
	require.NoError(t, json.Unmarshal(ack.Request, &payload))
	// Slack re-delivers the very same view_submission when a slow ack made
	// the user click again: replay it twice at once.
	var wg sync.WaitGroup
	acks := make([]fakeslack.Ack, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() { acks[i], errs[i] = h.slack.SendEnvelope(h.ctx(), "interactive", payload) })
	}
	wg.Wait()
	for i := range 2 {
		require.NoError(t, errs[i])
		assert.True(t, acks[i].Empty(), "a repeat closes the modal like the first: %s", acks[i].Payload)
	}
	expectOneDraftOneLink(t, h.slack, h.mk)
}

func TestFaultBurstIsBoundedAndQueued(t *testing.T) {
	h := startBot(t, map[string]string{"MAX_CONCURRENT_SUBMISSIONS": "2", "SUBMISSION_QUEUE": "2"})
	// Drafts take long enough that none finishes during the burst.
	h.mk.SetDelay(sandbox.EndpointDraft, 3*time.Second)
	accepted, busy := 0, 0
	for i := range 6 {
		user := fmt.Sprintf("U0BURST%d", i)
		h.openForm(fakeslack.SlashCommand{UserID: user})
		sub := h.submit(user, h.validValues(user))
		if sub.Closed {
			accepted++
		} else {
			busy++
			assert.Contains(t, sub.Errors[slackbot.BlockWhen], "busy")
		}
	}
	assert.Equal(t, 4, accepted, "2 running + 2 queued")
	assert.Equal(t, 2, busy, "the rest are asked to retry")
	require.Eventually(t, func() bool { return len(h.mk.Drafts()) == 4 }, 20*time.Second, 20*time.Millisecond)
}

func TestFaultRateLimitPerUser(t *testing.T) {
	h := startBot(t, map[string]string{"USER_RATE_LIMIT": "1", "USER_RATE_WINDOW": "1h"})
	h.openForm(fakeslack.SlashCommand{})
	require.True(t, h.submit("", h.validValues("")).Closed)
	h.openForm(fakeslack.SlashCommand{})
	sub := h.submit("", h.validValues(""))
	require.False(t, sub.Closed)
	assert.Contains(t, sub.Errors[slackbot.BlockWhen], "wait a few minutes")
}

func TestFaultAccessControl(t *testing.T) {
	h := startBot(t, map[string]string{"ALLOWED_CHANNELS": "C0SERVICE", "ALLOWED_USERS": fakeslack.DefaultUserID})
	ack, err := h.slack.SlashCommand(h.ctx(), fakeslack.SlashCommand{Command: slackbot.Command, ChannelID: "C0RANDOM"})
	require.NoError(t, err)
	assert.Contains(t, string(ack.Payload), "isn't enabled in this channel")
	ack, err = h.slack.SlashCommand(h.ctx(), fakeslack.SlashCommand{Command: slackbot.Command, ChannelID: "C0SERVICE", UserID: "U0STRANGER"})
	require.NoError(t, err)
	assert.Contains(t, string(ack.Payload), "not set up")
	_, open := h.slack.CurrentView("U0STRANGER")
	assert.False(t, open)
	assert.Contains(t, h.logs.String(), "refused by access control")
	h.openForm(fakeslack.SlashCommand{ChannelID: "C0SERVICE"})
}

func TestHistoryListAndAppHome(t *testing.T) {
	h := startBot(t, nil)
	h.openForm(fakeslack.SlashCommand{})
	require.True(t, h.submit("", h.validValues("")).Closed)
	expectOneDraftOneLink(t, h.slack, h.mk)
	url := h.mk.Drafts()[0].ShortURL

	ack, err := h.slack.SlashCommand(h.ctx(), fakeslack.SlashCommand{Command: slackbot.Command, Text: "list"})
	require.NoError(t, err)
	var resp struct {
		Text         string `json:"text"`
		ResponseType string `json:"response_type"`
	}
	require.NoError(t, json.Unmarshal(ack.Payload, &resp))
	assert.Equal(t, "ephemeral", resp.ResponseType)
	assert.Contains(t, resp.Text, "Jane Doe")
	assert.Contains(t, resp.Text, url)

	_, err = h.slack.Event(h.ctx(), map[string]any{"type": "app_home_opened", "user": fakeslack.DefaultUserID, "tab": "home", "channel": "D0HOME"})
	require.NoError(t, err)
	home, err := h.slack.WaitHome(h.ctx(), fakeslack.DefaultUserID)
	require.NoError(t, err)
	assert.Contains(t, string(home), "Jane Doe")
	assert.Contains(t, string(home), url)
}

// child runs the bot as a separate process (this test binary in child
// mode), so a test can kill it like an orchestrator would.
type child struct {
	cmd  *exec.Cmd
	logs *syncBuffer
	done chan error
}

func startChild(t *testing.T, env map[string]string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	c := &child{cmd: cmd, logs: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = c.logs, c.logs
	require.NoError(t, cmd.Start())
	go func() { c.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		if t.Failed() {
			t.Logf("child logs:\n%s", c.logs.String())
		}
	})
	return c
}

// childWorld is a fake Slack, a sandbox and a data folder that outlive the
// bot processes started against them.
type childWorld struct {
	t     *testing.T
	slack *fakeslack.Server
	mk    *sandbox.Server
	env   map[string]string
}

func newChildWorld(t *testing.T) *childWorld {
	fs := fakeslack.New(fakeslack.WithPingInterval(500 * time.Millisecond))
	t.Cleanup(fs.Close)
	sb := sandbox.New(sandbox.Options{Username: mkUser, Password: mkPass})
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	sb.SetPublicURL(srv.URL)
	env := map[string]string{
		"SLACK_APP_TOKEN": fakeslack.AppToken, "SLACK_BOT_TOKEN": fakeslack.BotToken, "SLACK_API_URL": fs.APIURL(),
		"MYKAARMA_BASE_URL": srv.URL, "MYKAARMA_USERNAME": mkUser, "MYKAARMA_PASSWORD": mkPass, "MYKAARMA_TIMEOUT": "10s",
		"DEALER_UUID": sandbox.DealerUUID, "DEPARTMENT_UUID": sandbox.DepartmentUUID, "DEALER_TIMEZONE": "America/Chicago",
		"DATA_DIR": t.TempDir(), "HTTP_ADDR": "127.0.0.1:0", "LOG_LEVEL": "info", "SHUTDOWN_TIMEOUT": "10s",
	}
	for _, k := range allVars {
		if _, ok := env[k]; !ok {
			env[k] = ""
		}
	}
	return &childWorld{t: t, slack: fs, mk: sb, env: env}
}

func (w *childWorld) start() *child {
	w.t.Helper()
	c := startChild(w.t, w.env)
	require.Eventually(w.t, func() bool { return strings.Contains(c.logs.String(), "lookup lists loaded") }, 20*time.Second, 20*time.Millisecond)
	require.NoError(w.t, w.slack.WaitConnected(w.ctx()))
	return c
}

func (w *childWorld) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	w.t.Cleanup(cancel)
	return ctx
}

func (w *childWorld) harness() *harness {
	return &harness{t: w.t, slack: w.slack, mk: w.mk, logs: &syncBuffer{}}
}

func TestFaultKilledBetweenCreateAndAnnounce(t *testing.T) {
	w := newChildWorld(t)
	first := w.start()
	// Slack refuses the first post for a minute: the draft exists, the
	// announcement waits, and the process is killed in between.
	w.slack.RateLimitNext("chat.postMessage", 1, 60)
	h := w.harness()
	h.openForm(fakeslack.SlashCommand{})
	require.True(t, h.submit("", h.validValues("")).Closed)
	require.Eventually(t, func() bool { return strings.Contains(first.logs.String(), "retrying") }, 10*time.Second, 10*time.Millisecond)
	require.Len(t, w.mk.Drafts(), 1)
	require.NoError(t, first.cmd.Process.Signal(syscall.SIGKILL))
	<-first.done
	assert.Equal(t, 0, linksPosted(w.slack, w.mk.Drafts()[0].ShortURL), "nothing announced before the kill")

	second := w.start()
	expectOneDraftOneLink(t, w.slack, w.mk)
	assert.Contains(t, second.logs.String(), "announcing a draft created before a restart")
}

func TestFaultKilledWhileMyKaarmaIsCreating(t *testing.T) {
	w := newChildWorld(t)
	first := w.start()
	w.mk.SetDelay(sandbox.EndpointDraft, 5*time.Second)
	h := w.harness()
	h.openForm(fakeslack.SlashCommand{})
	require.True(t, h.submit("", h.validValues("")).Closed)
	require.Eventually(t, func() bool {
		for _, r := range w.mk.Requests() {
			if r.Endpoint == sandbox.EndpointDraft {
				return true
			}
		}
		return strings.Contains(first.logs.String(), "submission accepted")
	}, 10*time.Second, 10*time.Millisecond)
	time.Sleep(300 * time.Millisecond) // the call is in flight
	require.NoError(t, first.cmd.Process.Signal(syscall.SIGKILL))
	<-first.done
	w.mk.SetDelay(sandbox.EndpointDraft, 0)

	w.start()
	m, err := w.slack.WaitMessage(w.ctx(), func(m fakeslack.Message) bool { return strings.Contains(m.Text, "may or may not") })
	require.NoError(t, err, "an unknown outcome is reported, never dropped")
	assert.Equal(t, fakeslack.DefaultUserID, m.To)
}

func TestFaultSIGTERMFinishesInFlight(t *testing.T) {
	w := newChildWorld(t)
	c := w.start()
	w.mk.SetDelay(sandbox.EndpointDraft, time.Second)
	h := w.harness()
	for i := range 3 {
		user := fmt.Sprintf("U0TERM%d", i)
		h.openForm(fakeslack.SlashCommand{UserID: user})
		require.True(t, h.submit(user, h.validValues(user)).Closed)
	}
	require.NoError(t, c.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-c.done:
		require.NoError(t, err, "exit status 0")
	case <-time.After(20 * time.Second):
		t.Fatal("did not stop within SHUTDOWN_TIMEOUT")
	}
	drafts := w.mk.Drafts()
	require.Len(t, drafts, 3, "in-flight submissions finished")
	for _, d := range drafts {
		assert.Equal(t, 1, linksPosted(w.slack, d.ShortURL), "announced once: %s", d.ShortURL)
	}
}

func TestFatalSlackAuthExitsNonZero(t *testing.T) {
	w := newChildWorld(t)
	w.env["SLACK_BOT_TOKEN"] = "xoxb-revoked"
	c := startChild(t, w.env)
	select {
	case err := <-c.done:
		require.Error(t, err)
		assert.Contains(t, c.logs.String(), "invalid_auth")
	case <-time.After(15 * time.Second):
		t.Fatal("a refused token must end the process, not loop")
	}
}

func TestReadyzFollowsTheConnection(t *testing.T) {
	h := startBot(t, nil)
	h.slack.FailNext("apps.connections.open", 1, "internal_error")
	before := h.slack.ConnectCount()
	h.slack.DropConnections()
	require.Eventually(t, func() bool { return h.readyz() == http.StatusServiceUnavailable }, 10*time.Second, 5*time.Millisecond,
		"not ready while the socket is down")
	require.NoError(t, h.slack.WaitConnectCount(h.ctx(), before+1))
	require.Eventually(t, func() bool { return h.readyz() == http.StatusOK }, 15*time.Second, 20*time.Millisecond,
		"ready again after reconnecting")
}
