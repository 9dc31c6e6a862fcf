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
	for field, blocks := range fieldBlocks {
		found := false
		for _, b := range blocks {
			_, ok := labels[b]
			found = found || ok
		}
		assert.True(t, found, "field %s has no input block to show its error", field)
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
	require.Error(t, err)
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
	got, _ := readState(st)
	assert.Equal(t, want, got)
	empty, _ := readState(nil)
	assert.Equal(t, appointment.Form{}, empty)
	empty, _ = readState(&slack.ViewState{})
	assert.Equal(t, appointment.Form{}, empty)
}

func TestSubmissionErrorsKeyedByInputBlock(t *testing.T) {
	resp := submissionErrors(appointment.FieldErrors{
		appointment.FieldWhen:   "in the past",
		appointment.FieldVIN:    "17 characters",
		appointment.FieldExpiry: strings.Repeat("x", 1000),
	}, nil)
	assert.Equal(t, slack.RAErrors, resp.ResponseAction)
	assert.Equal(t, "in the past", resp.Errors[BlockWhen])
	assert.Equal(t, "17 characters", resp.Errors[BlockVIN])
	assert.LessOrEqual(t, utf8.RuneCountInString(resp.Errors[BlockExpiry]), 300)
}

func TestSubmissionErrorsOnlyUseBlocksTheViewHas(t *testing.T) {
	present := map[string]bool{BlockCustomer: true, BlockVehicle: true, BlockWhen: true}
	resp := submissionErrors(appointment.FieldErrors{
		appointment.FieldVIN:     "Enter the VIN",
		appointment.FieldAdvisor: "bad advisor",
	}, present)
	assert.Equal(t, "Enter the VIN", resp.Errors[BlockVehicle], "no VIN block: shown on the vehicle list")
	assert.Equal(t, "bad advisor", resp.Errors[BlockWhen], "falls back to a block every form has")
	for k := range resp.Errors {
		assert.True(t, present[k], "error keyed to a missing block %s", k)
	}
}

func TestBuildModalWithLists(t *testing.T) {
	c := modalContent{
		CustomerSearch: true,
		Customer:       &option{Value: "c1", Text: "Jane Doe · (555) 123-4567"},
		Vehicles:       []option{{Value: "v1", Text: "2019 Honda Accord · …A123456"}},
		ServiceOptions: []option{{Value: "OIL", Text: "Oil change (OIL)"}, {Value: "ROT", Text: "Rotation (ROT)"}},
		ServicesPicked: []option{{Value: "OIL", Text: "Oil change (OIL)"}, {Value: "GONE", Text: "no longer offered"}},
		Transport:      []option{{Value: "t1", Text: "Loaner"}},
		Advisors:       []option{{Value: "a1", Text: "Sam Advisor"}},
		Form:           appointment.Form{VehicleUUID: "v1"},
	}
	v := buildModal(c, metadata{ChannelID: "C1", Store: "Metro"})
	raw := string(mustJSON(v))
	assert.True(t, slack.ValidateUniqueBlockID(v))
	for _, want := range []string{`"type":"external_select"`, `"action_id":"customer_search"`, `"min_query_length":2`,
		`"action_id":"vehicle_select"`, `"type":"multi_static_select"`, `"action_id":"transport_select"`, `"action_id":"advisor_select"`} {
		assert.Contains(t, raw, want)
	}
	assert.NotContains(t, raw, "GONE", "an initial option must be one of the options")
	assert.NotContains(t, raw, `"block_id":"vehicle_uuid"`, "no id field next to a vehicle list")

	// Too many services for one list: a searchable multi-select.
	c.ServiceOptions, c.ServiceSearch = nil, true
	raw = string(mustJSON(buildModal(c, metadata{})))
	assert.Contains(t, raw, `"type":"multi_external_select"`)

	// No lists at all: text fields, and no advisor field.
	raw = string(mustJSON(buildModal(modalContent{ServicesNote: "list unavailable"}, metadata{})))
	assert.Contains(t, raw, `"action_id":"labor_op_codes"`)
	assert.Contains(t, raw, "list unavailable")
	assert.NotContains(t, raw, `"block_id":"advisor"`)
}

func TestStoreQuestionComesFirst(t *testing.T) {
	v := buildModal(modalContent{StoreChoices: []option{{Value: "A", Text: "A"}, {Value: "B", Text: "B"}}}, metadata{})
	require.Len(t, v.Blocks.BlockSet, 1)
	assert.Equal(t, "Next", v.Submit.Text)
}

func TestReadStatePicks(t *testing.T) {
	opt := func(v, text string) slack.OptionBlockObject {
		return slack.OptionBlockObject{Value: v, Text: &slack.TextBlockObject{Type: "plain_text", Text: text}}
	}
	st := &slack.ViewState{Values: map[string]map[string]slack.BlockAction{
		BlockCustomer:  {ActionCustomerSearch: {SelectedOption: opt("c1", "Jane Doe · (555) 123-4567")}},
		BlockVehicle:   {ActionVehicleSelect: {SelectedOption: opt("v1", "2019 Honda Accord")}},
		BlockServices:  {ActionServicesSelect: {SelectedOptions: []slack.OptionBlockObject{opt("OIL", "Oil (OIL)")}}},
		BlockTransport: {ActionTransportSelect: {SelectedOption: opt("t1", "Loaner")}},
		BlockAdvisor:   {ActionAdvisorSelect: {SelectedOption: opt("a1", "Sam")}},
		BlockStore:     {ActionStore: {SelectedOption: opt("Metro", "Metro")}},
	}}
	f, p := readState(st)
	assert.Equal(t, "c1", f.CustomerUUID)
	assert.Equal(t, "Jane Doe", f.CustomerName, "contact details stay out of channel posts")
	assert.Equal(t, "v1", f.VehicleUUID)
	assert.Equal(t, "2019 Honda Accord", f.VehicleLabel)
	assert.Equal(t, "t1", f.TransportUUID)
	assert.Equal(t, "Sam", f.AdvisorName)
	assert.Equal(t, "Metro", p.Store)
	assert.Equal(t, []option{{Value: "OIL", Text: "Oil (OIL)"}}, p.Services)
}

func TestSearchTerm(t *testing.T) {
	tests := map[string]string{
		"(555) 123-4567":                         "5551234567",
		"+1 555 123 4567":                        "5551234567",
		"jane@example.com":                       "jane@example.com",
		"1HGCM82633A123456":                      "3A123456",
		"  jane   doe ":                          "jane doe",
		"a very long customer name that goes on": "a very long customer name that",
	}
	for in, want := range tests {
		assert.Equal(t, want, searchTerm(in), in)
	}
}

func TestMetadataStaysWithinSlackLimit(t *testing.T) {
	m := metadata{ChannelID: "C1", ResponseURL: "https://hooks.slack.com/commands/T/1/abc", Text: strings.Repeat("<>&", 170)}
	enc := m.encode()
	assert.LessOrEqual(t, len(enc), maxMetadata)
	back, err := decodeMetadata(enc)
	require.NoError(t, err)
	assert.Equal(t, m.ResponseURL, back.ResponseURL, "the text is shed before the response_url")
}
