package slackbot

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/draftappt/draftappt/internal/appointment"
)

func TestBuildModalRespectsSlackLimits(t *testing.T) {
	meta := metadata{ChannelID: "C1", UserID: "U1", ResponseURL: "https://hooks.slack.com/commands/T/1/abc"}
	v := buildModal(modalContent{
		Form:     appointment.Form{When: "tomorrow 9am", Comms: appointment.CommunicationPreference{TextReminder: true}},
		Previews: map[string]string{BlockWhen: "Fri, Dec 4 · 9:00 AM CST"},
		Notice:   "hello",
	}, meta)

	assert.LessOrEqual(t, utf8.RuneCountInString(v.Title.Text), 24)
	assert.LessOrEqual(t, utf8.RuneCountInString(v.Submit.Text), 24)
	assert.LessOrEqual(t, utf8.RuneCountInString(v.Close.Text), 24)
	assert.LessOrEqual(t, len(v.Blocks.BlockSet), 100)
	assert.LessOrEqual(t, len(v.PrivateMetadata), maxMetadata)
	assert.Equal(t, CallbackDraft, v.CallbackID)
	assert.True(t, slack.ValidateUniqueBlockID(v), "block ids must be unique")

	raw, err := json.Marshal(v)
	require.NoError(t, err)
	assert.Less(t, len(raw), 250_000)

	labels := map[string]string{}
	for _, b := range v.Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok {
			labels[in.BlockID] = in.Label.Text
			assert.LessOrEqual(t, len(in.BlockID), 255)
		}
	}
	// Plain labels a service advisor understands, one input per form field.
	assert.Equal(t, "Customer", labels[BlockCustomer])
	assert.Equal(t, "Vehicle VIN", labels[BlockVIN])
	assert.Equal(t, "When", labels[BlockWhen])
	for field, block := range fieldBlocks {
		assert.Contains(t, labels, block, "field %s has no input block", field)
	}
	assert.Contains(t, string(raw), `"initial_value":"tomorrow 9am"`)
	assert.Contains(t, string(raw), "Fri, Dec 4 · 9:00 AM CST")
	assert.Contains(t, string(raw), `"initial_options":[{"text":{"type":"plain_text","text":"Text reminder","emoji":false},"value":"textReminder"}]`)
}

func TestMetadataDropsResponseURLWhenTooLong(t *testing.T) {
	m := metadata{ChannelID: "C1", ResponseURL: strings.Repeat("x", 4000)}
	enc := m.encode()
	assert.LessOrEqual(t, len(enc), maxMetadata)
	back, err := decodeMetadata(enc)
	require.NoError(t, err)
	assert.Equal(t, "C1", back.ChannelID)
	assert.Empty(t, back.ResponseURL)

	_, err = decodeMetadata("")
	assert.Error(t, err)
	_, err = decodeMetadata("{not json")
	assert.Error(t, err)
}

func TestFormFromState(t *testing.T) {
	st := &slack.ViewState{Values: map[string]map[string]slack.BlockAction{
		BlockCustomer:    {ActionCustomer: {Value: "cust-1"}},
		BlockVIN:         {ActionVIN: {Value: "1HGCM82633A004352"}},
		BlockVehicleUUID: {ActionVehicleUUID: {Value: "veh-1"}},
		BlockWhen:        {ActionWhen: {Value: "tomorrow 9am"}},
		BlockEnd:         {ActionEnd: {Value: "1h"}},
		BlockServices:    {ActionServices: {Value: "OIL"}},
		BlockAdvisor:     {ActionAdvisor: {Value: "adv-1"}},
		BlockTransport:   {ActionTransport: {Value: "tr-1"}},
		BlockNote:        {ActionNote: {Value: "note"}},
		BlockExpiry:      {ActionExpiry: {Value: "friday"}},
		BlockComms: {ActionComms: {SelectedOptions: []slack.OptionBlockObject{
			{Value: CommEmailConfirmation}, {Value: CommTextReminder}, {Value: "bogus"},
		}}},
	}}
	want := appointment.Form{
		CustomerUUID: "cust-1", VIN: "1HGCM82633A004352", VehicleUUID: "veh-1", When: "tomorrow 9am", End: "1h",
		Services: "OIL", AdvisorUUID: "adv-1", TransportUUID: "tr-1", Note: "note", Expiry: "friday",
		Comms: appointment.CommunicationPreference{EmailConfirmation: true, TextReminder: true},
	}
	assert.Equal(t, want, formFromState(st))
	assert.Equal(t, appointment.Form{}, formFromState(nil))
	assert.Equal(t, appointment.Form{}, formFromState(&slack.ViewState{}))
}

func TestSubmissionErrorsKeyedByInputBlock(t *testing.T) {
	resp := submissionErrors(appointment.FieldErrors{
		appointment.FieldWhen:   "in the past",
		appointment.FieldVIN:    "17 characters",
		appointment.FieldExpiry: strings.Repeat("x", 1000),
	})
	assert.Equal(t, slack.RAErrors, resp.ResponseAction)
	assert.Equal(t, "in the past", resp.Errors[BlockWhen])
	assert.Equal(t, "17 characters", resp.Errors[BlockVIN])
	assert.LessOrEqual(t, utf8.RuneCountInString(resp.Errors[BlockExpiry]), 300)
}
