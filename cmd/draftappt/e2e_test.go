package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/draftappt/draftappt/internal/dates"
	"github.com/draftappt/draftappt/internal/fakeslack"
	"github.com/draftappt/draftappt/internal/sandbox"
	"github.com/draftappt/draftappt/internal/slackbot"
)

// The end-to-end tests run the real `draftappt serve` wiring: the real
// slack-go Socket Mode client over a real websocket to the in-repo fake
// Slack, and the real myKaarma client over HTTP to the sandbox.

const (
	mkUser = "svc-user"
	mkPass = "svc-pass-secret"
)

// syncBuffer collects the bot's log lines from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type harness struct {
	t        testing.TB
	slack    *fakeslack.Server
	mk       *sandbox.Server
	logs     *syncBuffer
	httpBase string
	cancel   context.CancelFunc
	done     chan int
}

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

func startBot(t testing.TB, env map[string]string) *harness {
	t.Helper()
	return startBotWith(t, env, nil)
}

// startBotWith lets a test shape the sandbox before the bot starts (e.g. a
// lookup that fails while the lists load).
func startBotWith(t testing.TB, env map[string]string, setup func(*sandbox.Server)) *harness {
	t.Helper()
	fs := fakeslack.New(fakeslack.WithPingInterval(500 * time.Millisecond))
	t.Cleanup(fs.Close)
	sb := sandbox.New(sandbox.Options{Username: mkUser, Password: mkPass})
	if setup != nil {
		setup(sb)
	}
	mkSrv := httptest.NewServer(sb)
	t.Cleanup(mkSrv.Close)
	sb.SetPublicURL(mkSrv.URL)

	addr := freeAddr(t)
	base := map[string]string{
		"SLACK_APP_TOKEN":   fakeslack.AppToken,
		"SLACK_BOT_TOKEN":   fakeslack.BotToken,
		"SLACK_API_URL":     strings.TrimSuffix(fs.APIURL(), "/"), // the bot adds the slash
		"MYKAARMA_BASE_URL": mkSrv.URL,
		"MYKAARMA_USERNAME": mkUser,
		"MYKAARMA_PASSWORD": mkPass,
		"MYKAARMA_TIMEOUT":  "2s",
		"DEALER_UUID":       sandbox.DealerUUID,
		"DEPARTMENT_UUID":   sandbox.DepartmentUUID,
		"DEALER_TIMEZONE":   "America/Chicago",
		"HTTP_ADDR":         addr,
		"LOG_LEVEL":         "debug",
		"SHUTDOWN_TIMEOUT":  "5s",
		"DATA_DIR":          t.TempDir(),
	}
	for k, v := range env {
		base[k] = v
	}
	for _, k := range allVars {
		t.Setenv(k, base[k])
	}

	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{t: t, slack: fs, mk: sb, logs: &syncBuffer{}, httpBase: "http://" + addr, cancel: cancel, done: make(chan int, 1)}
	go func() { h.done <- run(ctx, []string{"serve"}, strings.NewReader(""), h.logs, h.logs) }()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-h.done:
			assert.Equal(t, 0, code, "clean shutdown")
		case <-time.After(10 * time.Second):
			t.Error("bot did not stop within 10s")
		}
		if t.Failed() {
			t.Logf("bot logs:\n%s", h.logs.String())
		}
		assert.NotContains(t, h.logs.String(), mkPass, "a secret reached the logs")
		assert.NotContains(t, h.logs.String(), fakeslack.BotToken, "a secret reached the logs")
	})
	h.waitReady()
	return h
}

func (h *harness) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	h.t.Cleanup(cancel)
	return ctx
}

func (h *harness) readyz() int {
	resp, err := http.Get(h.httpBase + "/readyz")
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func (h *harness) waitReady() {
	h.t.Helper()
	require.NoError(h.t, h.slack.WaitConnected(h.ctx()))
	require.Eventually(h.t, func() bool { return h.readyz() == http.StatusOK }, 10*time.Second, 20*time.Millisecond, "readyz never became ready")
	// Lists (opcodes, transport options) load in the background; wait so
	// each test sees one form, not a race between two.
	require.Eventually(h.t, func() bool { return strings.Contains(h.logs.String(), "lookup lists loaded") }, 10*time.Second, 10*time.Millisecond)
}

// openForm runs /draft-appt and returns the modal the user sees.
func (h *harness) openForm(cmd fakeslack.SlashCommand) fakeslack.View {
	h.t.Helper()
	cmd.Command = slackbot.Command
	ack, err := h.slack.SlashCommand(h.ctx(), cmd)
	require.NoError(h.t, err)
	assert.True(h.t, ack.Empty(), "a command that opens the form is acked empty")
	v, err := h.slack.WaitView(h.ctx(), cmd.UserID)
	require.NoError(h.t, err)
	require.Equal(h.t, slackbot.CallbackDraft, v.CallbackID)
	return v
}

// pickCustomer searches for Jane Doe and picks her, as a user does in the
// Customer select; the bot then offers her vehicles.
func (h *harness) pickCustomer(user string) fakeslack.View {
	h.t.Helper()
	ack, err := h.slack.BlockSuggestion(h.ctx(), user, slackbot.BlockCustomer, slackbot.ActionCustomerSearch, "Jane Doe")
	require.NoError(h.t, err)
	opts, err := ack.Options()
	require.NoError(h.t, err)
	require.Len(h.t, opts, 1, "one Jane Doe")
	assert.Equal(h.t, "Jane Doe · (312) 555-0142", opts[0].Text.Text)
	_, err = h.slack.BlockAction(h.ctx(), user, slackbot.BlockCustomer, slackbot.ActionCustomerSearch, fakeslack.Selected(sandbox.CustomerUUID), nil)
	require.NoError(h.t, err)
	v, err := h.slack.WaitViewFunc(h.ctx(), user, func(v fakeslack.View) bool {
		return strings.Contains(string(v.Raw), slackbot.ActionVehicleSelect)
	})
	require.NoError(h.t, err, "the customer's vehicles are offered")
	return v
}

// offerServices types into the services search so the picks are known.
func (h *harness) offerServices(user string, queries ...string) {
	h.t.Helper()
	for _, q := range queries {
		ack, err := h.slack.BlockSuggestion(h.ctx(), user, slackbot.BlockServices, slackbot.ActionServicesSelect, q)
		require.NoError(h.t, err)
		opts, err := ack.Options()
		require.NoError(h.t, err)
		require.NotEmpty(h.t, opts, "services matching %q", q)
	}
}

// validValues is a complete form: Jane Doe picked, a VIN typed, services
// picked from the store's list.
func (h *harness) validValues(user string) fakeslack.Values {
	h.t.Helper()
	h.pickCustomer(user)
	h.offerServices(user, "OIL", "ROTATE")
	return fakeslack.Values{
		slackbot.BlockCustomer: {slackbot.ActionCustomerSearch: fakeslack.Selected(sandbox.CustomerUUID)},
		slackbot.BlockVIN:      {slackbot.ActionVIN: fakeslack.Text("1HGCM82633A123456")},
		slackbot.BlockWhen:     {slackbot.ActionWhen: fakeslack.Text("tomorrow 9-10am")},
		slackbot.BlockServices: {slackbot.ActionServicesSelect: fakeslack.Selected("OIL", "ROTATE")},
		slackbot.BlockNote:     {slackbot.ActionNote: fakeslack.Text("<!channel> waiting customer")},
		slackbot.BlockComms:    {slackbot.ActionComms: fakeslack.Checked(slackbot.CommTextReminder)},
	}
}

func tomorrowAt(t *testing.T, hour int) string {
	loc, err := time.LoadLocation("America/Chicago")
	require.NoError(t, err)
	d := time.Now().In(loc).AddDate(0, 0, 1)
	return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, loc).Format("2006-01-02T15:04:05")
}

// blocksText gathers every text in a Block Kit JSON document, decoded, so
// assertions read what a person would see.
func blocksText(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var doc any
	require.NoError(t, json.Unmarshal(raw, &doc))
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && k == "text" {
					out = append(out, s)
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(doc)
	return strings.Join(out, "\n")
}

func TestE2EHappyPath(t *testing.T) {
	h := startBot(t, nil)
	ack, err := h.slack.SlashCommand(h.ctx(), fakeslack.SlashCommand{Command: slackbot.Command, Text: "tomorrow 9am"})
	require.NoError(t, err)
	assert.Less(t, ack.Latency, 3*time.Second, "acked inside Slack's deadline")
	v, err := h.slack.WaitView(h.ctx(), "")
	require.NoError(t, err)
	assert.Contains(t, string(v.Raw), `tomorrow 9am`, "the command text prefills When")
	for _, label := range []string{"Customer", "Vehicle VIN", "When", "End", "Services", "Transport", "Note", "Link expiry"} {
		assert.Contains(t, string(v.Raw), `"text":"`+label+`"`)
	}

	ack, err = h.slack.Submit(h.ctx(), "", h.validValues(""))
	require.NoError(t, err)
	assert.True(t, ack.Empty(), "a valid submission closes the modal: %s", ack.Payload)

	msgs, err := h.slack.WaitMessages(h.ctx(), 2)
	require.NoError(t, err)
	parent, reply := msgs[0], msgs[1]
	assert.Equal(t, fakeslack.KindPost, parent.Kind)
	assert.Equal(t, fakeslack.DefaultChannelID, parent.Channel)
	assert.Empty(t, parent.ThreadTS)
	assert.Contains(t, blocksText(t, parent.Blocks), "<@"+fakeslack.DefaultUserID+">")
	assert.Contains(t, blocksText(t, parent.Blocks), "1HGCM82633A123456")
	assert.Contains(t, blocksText(t, parent.Blocks), "Jane Doe")
	assert.NotContains(t, blocksText(t, parent.Blocks), "555", "no phone numbers in the channel")
	assert.NotContains(t, blocksText(t, parent.Blocks), "<!channel>", "user text is escaped")

	drafts := h.mk.Drafts()
	require.Len(t, drafts, 1)
	d := drafts[0]
	assert.Equal(t, fakeslack.KindPost, reply.Kind)
	assert.Equal(t, parent.TS, reply.ThreadTS, "the link is in the parent's thread")
	assert.Contains(t, reply.Text, d.ShortURL)
	assert.Contains(t, blocksText(t, reply.Blocks), "check digit", "the VIN warning is shown")

	assert.Equal(t, tomorrowAt(t, 9), d.Request.AppointmentStartDateTime)
	assert.Equal(t, tomorrowAt(t, 10), d.Request.AppointmentEndDateTime)
	assert.Equal(t, sandbox.CustomerUUID, d.Request.CustomerDetails.UUID)
	assert.Equal(t, "1HGCM82633A123456", d.Request.CustomerDetails.VehicleIdentifiers.VIN)
	require.Len(t, d.Request.OpCodes, 2)
	assert.Equal(t, "OIL", d.Request.OpCodes[0].LaborOpCode)
	assert.Equal(t, "Oil Change", d.Request.OpCodes[0].OpCodeName, "details come from the store's list")
	assert.NotEmpty(t, d.Request.OpCodes[0].OperationUUID)
	require.NotNil(t, d.Request.AppointmentCommunicationPreference)
	assert.True(t, d.Request.AppointmentCommunicationPreference.TextReminder)
	assert.False(t, d.Request.AppointmentCommunicationPreference.EmailReminder)
}

func TestE2EValidationErrors(t *testing.T) {
	h := startBot(t, nil)
	tests := []struct {
		name  string
		block string
		edit  func(fakeslack.Values)
	}{
		{"UnparseableDate", slackbot.BlockWhen, func(v fakeslack.Values) {
			v[slackbot.BlockWhen] = map[string]fakeslack.Value{slackbot.ActionWhen: fakeslack.Text("call me back")}
		}},
		{"DateInPast", slackbot.BlockWhen, func(v fakeslack.Values) {
			v[slackbot.BlockWhen] = map[string]fakeslack.Value{slackbot.ActionWhen: fakeslack.Text("yesterday at 9am")}
		}},
		{"NoTimeOfDay", slackbot.BlockWhen, func(v fakeslack.Values) {
			v[slackbot.BlockWhen] = map[string]fakeslack.Value{slackbot.ActionWhen: fakeslack.Text("tomorrow")}
		}},
		{"EndBeforeStart", slackbot.BlockEnd, func(v fakeslack.Values) {
			v[slackbot.BlockEnd] = map[string]fakeslack.Value{slackbot.ActionEnd: fakeslack.Text("8am")}
		}},
		{"ExpiryInPast", slackbot.BlockExpiry, func(v fakeslack.Values) {
			v[slackbot.BlockExpiry] = map[string]fakeslack.Value{slackbot.ActionExpiry: fakeslack.Text("yesterday 5pm")}
		}},
		{"ExpiryAfterAppointment", slackbot.BlockExpiry, func(v fakeslack.Values) {
			v[slackbot.BlockExpiry] = map[string]fakeslack.Value{slackbot.ActionExpiry: fakeslack.Text("in 2 weeks at 5pm")}
		}},
		{"VINTooShort", slackbot.BlockVIN, func(v fakeslack.Values) {
			v[slackbot.BlockVIN] = map[string]fakeslack.Value{slackbot.ActionVIN: fakeslack.Text("1HGCM82633A12345")}
		}},
		{"VINWithLetterO", slackbot.BlockVIN, func(v fakeslack.Values) {
			v[slackbot.BlockVIN] = map[string]fakeslack.Value{slackbot.ActionVIN: fakeslack.Text("1HGCM82633AO23456")}
		}},
		{"NoVehicle", slackbot.BlockVIN, func(v fakeslack.Values) { delete(v, slackbot.BlockVIN) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h.t = t
			user := "U" + strings.ToUpper(tt.name)
			h.openForm(fakeslack.SlashCommand{UserID: user})
			vals := h.validValues(user)
			tt.edit(vals)
			ack, err := h.slack.Submit(h.ctx(), user, vals)
			require.NoError(t, err)
			var resp struct {
				ResponseAction string            `json:"response_action"`
				Errors         map[string]string `json:"errors"`
			}
			require.NoError(t, ack.Decode(&resp))
			assert.Equal(t, "errors", resp.ResponseAction)
			assert.Contains(t, resp.Errors, tt.block, "error shown next to the right field: %v", resp.Errors)
			assert.Len(t, resp.Errors, 1, "%v", resp.Errors)
			sub, ok := h.slack.LastSubmission()
			require.True(t, ok)
			assert.False(t, sub.Closed, "the modal stays open")
		})
	}
	assert.Empty(t, h.mk.Drafts(), "nothing reaches myKaarma")
	assert.Empty(t, h.slack.Messages(), "nothing is posted")
}

func TestE2EMyKaarmaError(t *testing.T) {
	h := startBot(t, nil)
	h.mk.FailNext(1, sandbox.Fault{Status: http.StatusBadRequest, ContentType: "application/json",
		Body: `{"statusCode":400,"error":{"errorCode":"INVALID_CUSTOMER","errorDescription":"Customer is not active at this dealer","errorUID":"uid-7781"}}`})
	h.openForm(fakeslack.SlashCommand{})
	_, err := h.slack.Submit(h.ctx(), "", h.validValues(""))
	require.NoError(t, err)

	m, err := h.slack.WaitMessage(h.ctx(), func(m fakeslack.Message) bool { return true })
	require.NoError(t, err)
	assert.Equal(t, fakeslack.KindEphemeral, m.Kind, "failures are told privately")
	assert.Equal(t, fakeslack.DefaultUserID, m.To)
	assert.Contains(t, m.Text, "Customer is not active at this dealer")
	time.Sleep(200 * time.Millisecond)
	for _, m := range h.slack.Messages() {
		assert.NotEqual(t, fakeslack.KindPost, m.Kind, "no success message: %s", m.Text)
	}
	assert.Empty(t, h.mk.Drafts())
	assert.Contains(t, h.logs.String(), "uid-7781", "the errorUID is logged")
}

func TestE2EMyKaarmaHTMLLoginPage(t *testing.T) {
	h := startBot(t, nil)
	h.mk.FailNext(1, sandbox.Fault{Status: http.StatusOK, ContentType: "text/html", Body: "<html><body>Login</body></html>"})
	h.openForm(fakeslack.SlashCommand{})
	_, err := h.slack.Submit(h.ctx(), "", h.validValues(""))
	require.NoError(t, err)
	m, err := h.slack.WaitMessage(h.ctx(), func(m fakeslack.Message) bool { return m.Kind == fakeslack.KindEphemeral })
	require.NoError(t, err)
	assert.Contains(t, strings.ToLower(m.Text), "scope")
}

func TestE2ENotInChannelFallsBackToResponseURL(t *testing.T) {
	h := startBot(t, nil)
	h.slack.SetNotInChannel(fakeslack.DefaultChannelID)
	h.openForm(fakeslack.SlashCommand{})
	_, err := h.slack.Submit(h.ctx(), "", h.validValues(""))
	require.NoError(t, err)
	m, err := h.slack.WaitMessage(h.ctx(), func(m fakeslack.Message) bool { return m.Kind == fakeslack.KindResponseURL })
	require.NoError(t, err)
	drafts := h.mk.Drafts()
	require.Len(t, drafts, 1)
	assert.Contains(t, m.Text, drafts[0].ShortURL, "the user still gets the link")
	assert.Contains(t, blocksText(t, m.Blocks), "/invite")
}

func TestE2EDirectMessage(t *testing.T) {
	h := startBot(t, nil)
	dm := "D0DMWITHBOT"
	h.openForm(fakeslack.SlashCommand{ChannelID: dm, ChannelName: "directmessage"})
	_, err := h.slack.Submit(h.ctx(), "", h.validValues(""))
	require.NoError(t, err)
	msgs, err := h.slack.WaitMessages(h.ctx(), 2)
	require.NoError(t, err)
	assert.Equal(t, dm, msgs[0].Channel)
	assert.Equal(t, dm, msgs[1].Channel)
	assert.Equal(t, msgs[0].TS, msgs[1].ThreadTS)
}

func TestE2EHelp(t *testing.T) {
	h := startBot(t, nil)
	ack, err := h.slack.SlashCommand(h.ctx(), fakeslack.SlashCommand{Command: slackbot.Command, Text: "help"})
	require.NoError(t, err)
	var resp struct{ Text, ResponseType string }
	require.NoError(t, json.Unmarshal(ack.Payload, &resp))
	assert.Contains(t, resp.Text, slackbot.Command)
	_, open := h.slack.CurrentView(fakeslack.DefaultUserID)
	assert.False(t, open, "help opens no form")
}

func TestE2EReconnectsAfterDisconnect(t *testing.T) {
	h := startBot(t, nil)
	before := h.slack.ConnectCount()
	h.slack.Disconnect("refresh_requested")
	require.NoError(t, h.slack.WaitConnectCount(h.ctx(), before+1))
	h.waitReady()
	h.openForm(fakeslack.SlashCommand{})
}

func TestE2EHealthz(t *testing.T) {
	h := startBot(t, nil)
	resp, err := http.Get(h.httpBase + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, http.StatusOK, h.readyz())
}

func chicagoNow(t *testing.T) time.Time {
	loc, err := time.LoadLocation("America/Chicago")
	require.NoError(t, err)
	return time.Now().In(loc)
}

// previewOf is the preview line the form should show for a reading.
func previewOf(t *testing.T, startHour, endHour int) string {
	d := chicagoNow(t).AddDate(0, 0, 1)
	start := time.Date(d.Year(), d.Month(), d.Day(), startHour, 0, 0, 0, d.Location())
	end := time.Date(d.Year(), d.Month(), d.Day(), endHour, 0, 0, 0, d.Location())
	return dates.Preview(dates.Reading{Start: start, End: end})
}

func TestE2ELivePreview(t *testing.T) {
	h := startBot(t, map[string]string{"DEALER_HOURS": "mon-sat 07:00-18:00"})
	h.openForm(fakeslack.SlashCommand{})
	typed := fakeslack.Values{slackbot.BlockVIN: {slackbot.ActionVIN: fakeslack.Text(sandbox.SampleVIN)}}

	waitPreview := func(want string) fakeslack.View {
		t.Helper()
		v, err := h.slack.WaitViewFunc(h.ctx(), "", func(v fakeslack.View) bool { return strings.Contains(blocksText(t, v.Raw), want) })
		require.NoError(t, err, "preview %q never shown", want)
		return v
	}

	_, err := h.slack.BlockAction(h.ctx(), "", slackbot.BlockWhen, slackbot.ActionWhen, fakeslack.Text("tomorrow 9-10am"), typed)
	require.NoError(t, err)
	v := waitPreview(previewOf(t, 9, 10))
	assert.Contains(t, string(v.Raw), sandbox.SampleVIN, "what the user typed elsewhere survives the update")

	_, err = h.slack.BlockAction(h.ctx(), "", slackbot.BlockWhen, slackbot.ActionWhen, fakeslack.Text("tomorrow at noon for 2 hours"), typed)
	require.NoError(t, err)
	waitPreview(previewOf(t, 12, 14))

	_, err = h.slack.BlockAction(h.ctx(), "", slackbot.BlockWhen, slackbot.ActionWhen, fakeslack.Text("call me back"), typed)
	require.NoError(t, err)
	waitPreview("⚠️")

	// Fast typing: many actions in a row; the preview settles on the last one.
	phrase := "tomorrow 3-4pm"
	for i := 1; i <= len(phrase); i++ {
		_, err = h.slack.BlockAction(h.ctx(), "", slackbot.BlockWhen, slackbot.ActionWhen, fakeslack.Text(phrase[:i]), typed)
		require.NoError(t, err)
	}
	waitPreview(previewOf(t, 15, 16))

	// End and expiry fields preview too.
	_, err = h.slack.BlockAction(h.ctx(), "", slackbot.BlockEnd, slackbot.ActionEnd, fakeslack.Text("90 min"), typed)
	require.NoError(t, err)
	waitPreview("Ends ")
	_, err = h.slack.BlockAction(h.ctx(), "", slackbot.BlockExpiry, slackbot.ActionExpiry, fakeslack.Text("yesterday 5pm"), typed)
	require.NoError(t, err)
	waitPreview("past")

	for _, m := range h.slack.Messages() {
		t.Errorf("a preview must not post messages: %+v", m)
	}
	assert.Empty(t, h.mk.Drafts())
}

func TestE2EPreviewWarnsOutsideBusinessHours(t *testing.T) {
	h := startBot(t, map[string]string{"DEALER_HOURS": "mon-fri 10:00-11:00"})
	h.openForm(fakeslack.SlashCommand{})
	_, err := h.slack.BlockAction(h.ctx(), "", slackbot.BlockWhen, slackbot.ActionWhen, fakeslack.Text("tomorrow at 4pm"), nil)
	require.NoError(t, err)
	_, err = h.slack.WaitViewFunc(h.ctx(), "", func(v fakeslack.View) bool {
		return strings.Contains(blocksText(t, v.Raw), "outside business hours")
	})
	require.NoError(t, err)
}
