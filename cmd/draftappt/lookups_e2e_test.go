package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/draftappt/draftappt/internal/fakeslack"
	"github.com/draftappt/draftappt/internal/sandbox"
	"github.com/draftappt/draftappt/internal/slackbot"
)

// submitDefaults submits the form with only what the test changes; the
// fake keeps every prefilled and picked value, as the Slack client does.
func (h *harness) submit(user string, v fakeslack.Values) fakeslack.Submission {
	h.t.Helper()
	_, err := h.slack.Submit(h.ctx(), user, v)
	require.NoError(h.t, err)
	sub, ok := h.slack.LastSubmission()
	require.True(h.t, ok)
	return sub
}

func TestE2EPrefillFromCommandText(t *testing.T) {
	h := startBot(t, nil)
	_, err := h.slack.SlashCommand(h.ctx(), fakeslack.SlashCommand{Command: slackbot.Command,
		Text: "tomorrow 9am oil change 1HGCM82633A123456 jane doe"})
	require.NoError(t, err)
	v, err := h.slack.WaitViewFunc(h.ctx(), "", func(v fakeslack.View) bool {
		return strings.Contains(string(v.Raw), slackbot.ActionVehicleSelect)
	})
	require.NoError(t, err, "the one matching customer is picked and her vehicles offered")
	raw := string(v.Raw)
	assert.Contains(t, raw, `"initial_value":"tomorrow 9am"`)
	assert.Contains(t, raw, `"initial_value":"1HGCM82633A123456"`)
	assert.Contains(t, raw, "Oil Change (OIL)")
	assert.Contains(t, raw, "Jane Doe · (312) 555-0142")
	assert.Contains(t, raw, "2003 Honda Accord")

	sub := h.submit("", nil)
	assert.True(t, sub.Closed, "%+v", sub)
	_, err = h.slack.WaitMessages(h.ctx(), 2)
	require.NoError(t, err)
	d := h.mk.Drafts()
	require.Len(t, d, 1)
	assert.Equal(t, sandbox.CustomerUUID, d[0].Request.CustomerDetails.UUID)
	assert.Equal(t, tomorrowAt(t, 9), d[0].Request.AppointmentStartDateTime)
	require.Len(t, d[0].Request.OpCodes, 1)
	assert.Equal(t, "OIL", d[0].Request.OpCodes[0].LaborOpCode)
}

func TestE2EHelpText(t *testing.T) {
	h := startBot(t, nil)
	_, err := h.slack.SlashCommand(h.ctx(), fakeslack.SlashCommand{Command: slackbot.Command, Text: "help"})
	require.NoError(t, err)
	m, err := h.slack.WaitMessage(h.ctx(), func(m fakeslack.Message) bool { return m.Kind == fakeslack.KindAck })
	require.NoError(t, err)
	assert.Equal(t, "ephemeral", m.ResponseType)
	assert.Contains(t, m.Text, "/draft-appt")
}

func TestE2EVehiclePickedFromList(t *testing.T) {
	h := startBot(t, nil)
	h.openForm(fakeslack.SlashCommand{})
	h.pickCustomer("")
	sub := h.submit("", fakeslack.Values{
		slackbot.BlockCustomer: {slackbot.ActionCustomerSearch: fakeslack.Selected(sandbox.CustomerUUID)},
		slackbot.BlockVehicle:  {slackbot.ActionVehicleSelect: fakeslack.Selected(sandbox.CustomerVehicleUUID)},
		slackbot.BlockWhen:     {slackbot.ActionWhen: fakeslack.Text("tomorrow at 10")},
	})
	require.True(t, sub.Closed, "%+v", sub)
	msgs, err := h.slack.WaitMessages(h.ctx(), 2)
	require.NoError(t, err)
	assert.Contains(t, blocksText(t, msgs[0].Blocks), "2003 Honda Accord")
	d := h.mk.Drafts()
	require.Len(t, d, 1)
	assert.Equal(t, sandbox.CustomerVehicleUUID, d[0].Request.CustomerDetails.VehicleIdentifiers.UUID)
	assert.Equal(t, tomorrowAt(t, 10), d[0].Request.AppointmentStartDateTime)
}

func TestE2ECustomerSearchSlowAnswersInTime(t *testing.T) {
	h := startBot(t, nil)
	h.openForm(fakeslack.SlashCommand{})
	h.mk.SetDelay(sandbox.EndpointCustomerSearch, 5*time.Second)
	ack, err := h.slack.BlockSuggestion(h.ctx(), "", slackbot.BlockCustomer, slackbot.ActionCustomerSearch, "jane")
	require.NoError(t, err, "answered inside Slack's deadline")
	assert.Less(t, ack.Latency, 3*time.Second)
	opts, err := ack.Options()
	require.NoError(t, err)
	require.Len(t, opts, 1)
	assert.Contains(t, opts[0].Text.Text, "slow")

	// Picking that placeholder is caught next to the field.
	h.mk.SetDelay(sandbox.EndpointCustomerSearch, 0)
	sub := h.submit("", fakeslack.Values{
		slackbot.BlockCustomer: {slackbot.ActionCustomerSearch: fakeslack.Selected(opts[0].Value)},
		slackbot.BlockVIN:      {slackbot.ActionVIN: fakeslack.Text(sandbox.SampleVIN)},
		slackbot.BlockWhen:     {slackbot.ActionWhen: fakeslack.Text("tomorrow 9am")},
	})
	assert.Equal(t, "errors", sub.ResponseAction)
	assert.Contains(t, sub.Errors, slackbot.BlockCustomer)
	assert.Empty(t, h.mk.Drafts())
}

func TestE2ECustomerSearchFails(t *testing.T) {
	h := startBot(t, nil)
	h.openForm(fakeslack.SlashCommand{})
	h.mk.FailNextOn(sandbox.EndpointCustomerSearch, 1, sandbox.Fault{Status: http.StatusInternalServerError, Body: `{"errors":[{"errorCode":"BOOM","errorMessage":"down"}]}`})
	ack, err := h.slack.BlockSuggestion(h.ctx(), "", slackbot.BlockCustomer, slackbot.ActionCustomerSearch, "jane")
	require.NoError(t, err)
	opts, err := ack.Options()
	require.NoError(t, err)
	require.Len(t, opts, 1)
	assert.Contains(t, opts[0].Text.Text, "failed")
	assert.Contains(t, h.logs.String(), "customer search failed")

	// The next form offers the id field while the search is broken.
	h.openForm(fakeslack.SlashCommand{UserID: "U0NEXT"})
	v, err := h.slack.WaitView(h.ctx(), "U0NEXT")
	require.NoError(t, err)
	assert.Contains(t, string(v.Raw), `"action_id":"`+slackbot.ActionCustomer+`"`)
}

func TestE2ELookupsFailingDegradeToTextFields(t *testing.T) {
	h := startBotWith(t, nil, func(sb *sandbox.Server) {
		sb.SetMissingScope(sandbox.EndpointOpCodes, true) // an HTML login page, as myKaarma does
		sb.SetMissingScope(sandbox.EndpointTransportOptions, true)
	})
	v := h.openForm(fakeslack.SlashCommand{})
	raw := string(v.Raw)
	assert.Contains(t, raw, `"action_id":"`+slackbot.ActionServices+`"`, "services fall back to a text field")
	assert.Contains(t, raw, "service list isn't available")
	assert.Contains(t, raw, `"action_id":"`+slackbot.ActionTransport+`"`)

	// The department's lookups fail, so the customer is an id field too.
	assert.Contains(t, raw, `"action_id":"`+slackbot.ActionCustomer+`"`)
	sub := h.submit("", fakeslack.Values{
		slackbot.BlockCustomer: {slackbot.ActionCustomer: fakeslack.Text(sandbox.CustomerUUID)},
		slackbot.BlockVIN:      {slackbot.ActionVIN: fakeslack.Text(sandbox.SampleVIN)},
		slackbot.BlockWhen:     {slackbot.ActionWhen: fakeslack.Text("tomorrow 9am")},
		slackbot.BlockServices: {slackbot.ActionServices: fakeslack.Text("OIL")},
	})
	require.True(t, sub.Closed, "%+v", sub)
	_, err := h.slack.WaitMessages(h.ctx(), 2)
	require.NoError(t, err)
	require.Len(t, h.mk.Drafts(), 1)
	assert.Contains(t, h.logs.String(), "scope", "the failed lookup is logged")
}

func TestE2EMessageShortcutRepliesInThatThread(t *testing.T) {
	h := startBot(t, nil)
	const msgTS = "1733245000.000200"
	_, err := h.slack.MessageShortcut(h.ctx(), fakeslack.MessageShortcut{
		CallbackID: slackbot.CallbackMessageShortcut, MessageTS: msgTS,
		MessageText: "Jane Doe called, wants an oil change tomorrow at 2pm, VIN 1HGCM82633A123456",
	})
	require.NoError(t, err)
	v, err := h.slack.WaitViewFunc(h.ctx(), "", func(v fakeslack.View) bool {
		return strings.Contains(string(v.Raw), `"initial_value":"1HGCM82633A123456"`)
	})
	require.NoError(t, err)
	assert.Contains(t, string(v.Raw), "Oil Change (OIL)")
	h.pickCustomer("")
	sub := h.submit("", fakeslack.Values{
		slackbot.BlockCustomer: {slackbot.ActionCustomerSearch: fakeslack.Selected(sandbox.CustomerUUID)},
		slackbot.BlockWhen:     {slackbot.ActionWhen: fakeslack.Text("tomorrow at 2pm")},
	})
	require.True(t, sub.Closed, "%+v", sub)
	m, err := h.slack.WaitMessage(h.ctx(), func(m fakeslack.Message) bool { return m.Kind == fakeslack.KindPost })
	require.NoError(t, err)
	assert.Equal(t, msgTS, m.ThreadTS, "the result goes into that message's thread")
	d := h.mk.Drafts()
	require.Len(t, d, 1)
	assert.Contains(t, m.Text, d[0].ShortURL)
	assert.Contains(t, blocksText(t, m.Blocks), "Jane Doe")
}

func TestE2EAdvisorsFromConfiguration(t *testing.T) {
	h := startBot(t, map[string]string{"DEALER_ADVISORS": "Sam Rivera=" + sandbox.AdvisorUUID})
	v := h.openForm(fakeslack.SlashCommand{})
	assert.Contains(t, string(v.Raw), "Sam Rivera")
	vals := h.validValues("")
	vals[slackbot.BlockAdvisor] = map[string]fakeslack.Value{slackbot.ActionAdvisorSelect: fakeslack.Selected(sandbox.AdvisorUUID)}
	require.True(t, h.submit("", vals).Closed)
	_, err := h.slack.WaitMessages(h.ctx(), 2)
	require.NoError(t, err)
	d := h.mk.Drafts()
	require.Len(t, d, 1)
	assert.Equal(t, sandbox.AdvisorUUID, d[0].Request.AssignedAdvisorUUID)
}

func TestE2ESeveralStores(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "stores.yaml")
	require.NoError(t, os.WriteFile(file, []byte(`stores:
  - name: Lakeside Honda
    dealer_uuid: `+sandbox.DealerUUID+`
    department_uuid: `+sandbox.DepartmentUUID+`
    timezone: America/Chicago
    channels: [C0LAKESIDE]
  - name: Northside Service
    dealer_uuid: `+sandbox.SecondDealerUUID+`
    department_uuid: `+sandbox.SecondDepartmentUUID+`
    channels: [C0NORTHSIDE]
`), 0o600))
	h := startBot(t, map[string]string{"STORES_FILE": file, "DEALER_UUID": "", "DEPARTMENT_UUID": "", "DEALER_TIMEZONE": ""})

	t.Run("UnmappedChannelAsksForTheStore", func(t *testing.T) {
		h.t = t
		_, err := h.slack.SlashCommand(h.ctx(), fakeslack.SlashCommand{Command: slackbot.Command, ChannelID: "C0RANDOM", Text: "tomorrow 9am"})
		require.NoError(t, err)
		v, err := h.slack.WaitView(h.ctx(), "")
		require.NoError(t, err)
		assert.Contains(t, string(v.Raw), "Northside Service")
		assert.NotContains(t, string(v.Raw), `"block_id":"when"`, "the store comes first")

		_, err = h.slack.BlockAction(h.ctx(), "", slackbot.BlockStore, slackbot.ActionStore, fakeslack.Selected("Lakeside Honda"), nil)
		require.NoError(t, err)
		v, err = h.slack.WaitViewFunc(h.ctx(), "", func(v fakeslack.View) bool { return strings.Contains(string(v.Raw), `"block_id":"when"`) })
		require.NoError(t, err)
		assert.Contains(t, string(v.Raw), `"initial_value":"tomorrow 9am"`, "the command text still prefills the form")

		require.True(t, h.submit("", h.validValues("")).Closed)
		_, err = h.slack.WaitMessages(h.ctx(), 2)
		require.NoError(t, err)
		d := h.mk.Drafts()
		require.Len(t, d, 1)
		assert.Equal(t, sandbox.DealerUUID, d[0].DealerUUID)
	})

	t.Run("MappedChannelUsesItsStore", func(t *testing.T) {
		h.t = t
		v := h.openForm(fakeslack.SlashCommand{ChannelID: "C0NORTHSIDE", UserID: "U0NORTH"})
		assert.NotContains(t, string(v.Raw), `"block_id":"store"`)
		ack, err := h.slack.BlockSuggestion(h.ctx(), "U0NORTH", slackbot.BlockCustomer, slackbot.ActionCustomerSearch, "Jane Doe")
		require.NoError(t, err)
		opts, _ := ack.Options()
		assert.Empty(t, opts, "Lakeside's customers are not Northside's")
	})
	assert.Contains(t, h.logs.String(), `"stores":2`)
}

func TestE2EStoresFileErrorsStopStartup(t *testing.T) {
	file := filepath.Join(t.TempDir(), "stores.yaml")
	require.NoError(t, os.WriteFile(file, []byte("stores:\n  - name: Lakeside\n    dealer_uuid: \"\"\n"), 0o600))
	for _, k := range allVars {
		t.Setenv(k, "")
	}
	t.Setenv("SLACK_APP_TOKEN", fakeslack.AppToken)
	t.Setenv("SLACK_BOT_TOKEN", fakeslack.BotToken)
	t.Setenv("MYKAARMA_USERNAME", "u")
	t.Setenv("MYKAARMA_PASSWORD", "p")
	t.Setenv("STORES_FILE", file)
	code, _, errOut := runCmd(t, "serve")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "Lakeside")
	assert.Contains(t, errOut, "dealer_uuid")
}

func TestE2ERequestIDReachesMyKaarma(t *testing.T) {
	h := startBot(t, nil)
	h.openForm(fakeslack.SlashCommand{})
	require.True(t, h.submit("", h.validValues("")).Closed)
	_, err := h.slack.WaitMessages(h.ctx(), 2)
	require.NoError(t, err)
	d := h.mk.Drafts()
	require.Len(t, d, 1)
	require.NotEmpty(t, d[0].RequestID, "the envelope id is sent as X-Request-Id")
	assert.Contains(t, h.logs.String(), `"submission":"`+d[0].RequestID+`"`, "and the logs carry the same id")
}

func TestE2EPrefillByVINFindsTheCustomer(t *testing.T) {
	h := startBot(t, nil)
	_, err := h.slack.SlashCommand(h.ctx(), fakeslack.SlashCommand{Command: slackbot.Command, Text: "tomorrow 9am " + sandbox.SampleVIN})
	require.NoError(t, err)
	_, err = h.slack.WaitViewFunc(h.ctx(), "", func(v fakeslack.View) bool {
		return strings.Contains(string(v.Raw), "Jane Doe · (312) 555-0142")
	})
	require.NoError(t, err, "a VIN alone finds its owner")
}
