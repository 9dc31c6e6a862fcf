package slackbot

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/draftappt/draftappt/internal/appointment"
	"github.com/draftappt/draftappt/internal/mykaarma"
)

// The fuzz targets below feed the bot's readers of what Slack sends (and
// what it echoes back: private_metadata) with arbitrary input. Run one with
//
//	go test ./internal/slackbot -run '^$' -fuzz '^FuzzEnvelopePayload$' -fuzztime 30s
//
// Without -fuzz, `go test` runs the seeds (and anything under
// testdata/fuzz) as ordinary tests.

// fuzzMeta is the metadata of a realistic modal, as the bot writes it.
var fuzzMeta = metadata{
	ChannelID: "C0123ABCD", UserID: "U0123ABCD", TeamID: "T0123ABCD", ThreadTS: "1733245200.000100",
	ResponseURL: "https://hooks.slack.com/commands/T0123ABCD/123456/abcdef", Store: "Downtown Honda", Text: "jane 1HGCM82633A004352 tomorrow 9am",
}

// seedView renders the bot's real modal (so seeds follow its block and
// action ids) and gives it what Slack adds: an id, a hash and the state.
func seedView(tb testing.TB, c modalContent, state map[string]map[string]any) map[string]any {
	tb.Helper()
	raw, err := json.Marshal(buildModal(c, fuzzMeta))
	if err != nil {
		tb.Fatalf("marshal modal: %v", err)
	}
	var view map[string]any
	if err := json.Unmarshal(raw, &view); err != nil {
		tb.Fatalf("unmarshal modal: %v", err)
	}
	view["id"], view["team_id"], view["hash"], view["app_id"] = "V0123VIEW", "T0123ABCD", "1733245200.AbCdEf", "A0123APP"
	view["root_view_id"], view["previous_view_id"], view["bot_id"] = "V0123VIEW", nil, "B0123BOT"
	view["state"] = map[string]any{"values": state}
	return view
}

func seedOption(text, value string) map[string]any {
	return map[string]any{"text": map[string]any{"type": "plain_text", "text": text, "emoji": true}, "value": value}
}

func seedPayloads(tb testing.TB) [][]byte {
	tb.Helper()
	team := map[string]any{"id": "T0123ABCD", "domain": "dealer"}
	user := map[string]any{"id": "U0123ABCD", "username": "advisor", "name": "advisor", "team_id": "T0123ABCD"}
	full := modalContent{
		CustomerSearch: true,
		Customer:       &option{Value: "cust-1", Text: "Jane Doe · (555) 123-4567"},
		Vehicles:       []option{{Value: "veh-1", Text: "2019 Honda Civic · 1HGCM82633A004352"}},
		ServiceOptions: []option{{Value: "OIL", Text: "OIL · Oil change"}, {Value: "ROTATE", Text: "ROTATE · Tire rotation"}},
		Transport:      []option{{Value: "tr-1", Text: "Shuttle"}},
		Advisors:       []option{{Value: "adv-1", Text: "Bob Jones"}},
		Previews:       map[string]string{BlockWhen: "Fri, Dec 6 · 9:00 AM CST"},
		Notice:         "Prefilled from the message.",
	}
	state := map[string]map[string]any{
		BlockCustomer: {ActionCustomerSearch: map[string]any{"type": "external_select", "selected_option": seedOption("Jane Doe · (555) 123-4567", "cust-1")}},
		BlockVehicle:  {ActionVehicleSelect: map[string]any{"type": "static_select", "selected_option": seedOption("2019 Honda Civic", "veh-1")}},
		BlockVIN:      {ActionVIN: map[string]any{"type": "plain_text_input", "value": nil}},
		BlockWhen:     {ActionWhen: map[string]any{"type": "plain_text_input", "value": "fri 9am"}},
		BlockEnd:      {ActionEnd: map[string]any{"type": "plain_text_input", "value": "1h"}},
		BlockServices: {ActionServicesSelect: map[string]any{"type": "multi_static_select", "selected_options": []any{seedOption("OIL · Oil change", "OIL")}}},
		BlockAdvisor:  {ActionAdvisorSelect: map[string]any{"type": "static_select", "selected_option": nil}},
		BlockTransport: {ActionTransportSelect: map[string]any{
			"type": "static_select", "selected_option": seedOption("Shuttle", "tr-1"),
		}},
		BlockNote:   {ActionNote: map[string]any{"type": "plain_text_input", "value": "Customer waits.\nCall first."}},
		BlockExpiry: {ActionExpiry: map[string]any{"type": "plain_text_input", "value": "in 3 days"}},
		BlockComms: {ActionComms: map[string]any{
			"type": "checkboxes", "selected_options": []any{seedOption("Text reminder", CommTextReminder), seedOption("?", "bogus")},
		}},
	}
	idForm := modalContent{Form: appointment.Form{CustomerUUID: "cust-1", When: "tomorrow 9am"}}
	idState := map[string]map[string]any{
		BlockCustomer:    {ActionCustomer: map[string]any{"type": "plain_text_input", "value": "cust-1"}},
		BlockVehicleUUID: {ActionVehicleUUID: map[string]any{"type": "plain_text_input", "value": "veh-1"}},
		BlockVIN:         {ActionVIN: map[string]any{"type": "plain_text_input", "value": "1hgcm82633a004352"}},
		BlockWhen:        {ActionWhen: map[string]any{"type": "plain_text_input", "value": "tomorrow 9am"}},
		BlockServices:    {ActionServices: map[string]any{"type": "plain_text_input", "value": "OIL, ROTATE"}},
		BlockTransport:   {ActionTransport: map[string]any{"type": "plain_text_input", "value": ""}},
	}
	storeChoice := modalContent{StoreChoices: []option{{Value: "Downtown Honda", Text: "Downtown Honda"}, {Value: "Uptown", Text: "Uptown"}}}
	storeState := map[string]map[string]any{
		BlockStore: {ActionStore: map[string]any{"type": "static_select", "selected_option": seedOption("Uptown", "Uptown")}},
	}

	payloads := []map[string]any{
		{
			"type": "view_submission", "team": team, "user": user, "api_app_id": "A0123APP", "token": "verification",
			"trigger_id": "123.456.abc", "is_enterprise_install": false, "enterprise": nil,
			"view": seedView(tb, full, state), "response_urls": []any{},
		},
		{
			"type": "view_submission", "team": team, "user": user, "api_app_id": "A0123APP",
			"view": seedView(tb, idForm, idState),
		},
		{
			"type": "view_submission", "team": team, "user": user, "api_app_id": "A0123APP",
			"view": seedView(tb, storeChoice, storeState),
		},
		{
			"type": "block_actions", "team": team, "user": user, "api_app_id": "A0123APP", "trigger_id": "123.456.def",
			"container": map[string]any{"type": "view", "view_id": "V0123VIEW"},
			"view":      seedView(tb, full, state),
			"actions": []any{map[string]any{
				"type": "external_select", "block_id": BlockCustomer, "action_id": ActionCustomerSearch,
				"selected_option": seedOption("Jane Doe · (555) 123-4567", "cust-1"), "action_ts": "1733245200.123456",
			}},
		},
		{
			"type": "block_actions", "team": team, "user": user, "api_app_id": "A0123APP",
			"container": map[string]any{"type": "view", "view_id": "V0123VIEW"},
			"view":      seedView(tb, full, state),
			"actions": []any{map[string]any{
				"type": "plain_text_input", "block_id": BlockWhen, "action_id": ActionWhen, "value": "fri 9", "action_ts": "1733245200.123456",
			}},
		},
		{
			"type": "block_suggestion", "team": team, "user": user, "api_app_id": "A0123APP",
			"container": map[string]any{"type": "view", "view_id": "V0123VIEW"},
			"action_id": ActionCustomerSearch, "block_id": BlockCustomer, "value": "(555) 123-4567",
			"view": seedView(tb, full, nil),
		},
		{"type": "view_closed", "team": team, "user": user, "view": seedView(tb, idForm, nil), "is_cleared": false},
	}
	var out [][]byte
	for _, p := range payloads {
		b, err := json.Marshal(p)
		if err != nil {
			tb.Fatalf("marshal seed: %v", err)
		}
		out = append(out, b)
	}
	return append(out,
		[]byte(`{}`),
		[]byte(`{"type":"view_submission","view":{"private_metadata":"{\"c\":\"C1\"}","state":{"values":{"when":{"when_phrase":{"type":"plain_text_input","value":"now"}}}}}}`),
		[]byte(`{"type":"view_submission","view":{"blocks":[{"type":"input","block_id":"when","label":{"type":"plain_text","text":"When"},"element":{"type":"plain_text_input","action_id":"when_phrase"}},{"type":"section","text":{"type":"mrkdwn","text":"hi"}}],"state":{"values":{"communication":{"communication_preferences":{"type":"checkboxes","selected_options":[{"value":"notifyCustomer"}]}}}}}}`),
		[]byte(`{"type":"view_submission","view":{"private_metadata":"not json","state":null,"blocks":null}}`),
	)
}

// fuzzStore is a store as validation sees it; the zone is fixed so the run
// needs no time zone database.
var fuzzStore = appointment.Store{Name: "Downtown Honda", DealerUUID: "dealer-1", Location: time.FixedZone("CST", -6*60*60)}

// FuzzEnvelopePayload reads arbitrary interaction payloads the way the bot
// does on block_actions, block_suggestion and view_submission: nothing may
// panic, and a submission's errors must be keyed to blocks Slack accepts.
func FuzzEnvelopePayload(f *testing.F) {
	for _, p := range seedPayloads(f) {
		f.Add(p)
	}
	now := time.Date(2025, time.December, 3, 10, 0, 0, 0, fuzzStore.Location)
	f.Fuzz(func(t *testing.T, data []byte) {
		var cb slack.InteractionCallback
		if err := json.Unmarshal(data, &cb); err != nil {
			return
		}
		if m, err := decodeMetadata(cb.View.PrivateMetadata); err == nil {
			_ = m.encode()
		}
		form, p := readState(cb.View.State)
		_ = customerName(form.CustomerName)
		for _, s := range p.Services {
			_ = s.block()
		}

		present := inputBlocks(cb.View)
		_, err := appointment.Validate(fuzzStore, form, now)
		fe, ok := appointment.AsFieldErrors(err)
		if !ok {
			return
		}
		resp := submissionErrors(fe, present)
		for block, msg := range resp.Errors {
			if !present[block] && block != BlockWhen {
				t.Errorf("error keyed to block %q, which the view does not have (blocks %v)", block, present)
			}
			if n := utf8.RuneCountInString(msg); n > 300 {
				t.Errorf("error for %q is %d runes; want at most 300", block, n)
			}
		}
		if _, err := json.Marshal(resp); err != nil {
			t.Errorf("marshal ack: %v", err)
		}
	})
}

// FuzzMetadata decodes arbitrary private_metadata: what decodes must
// re-encode within Slack's limit and decode to the same metadata.
func FuzzMetadata(f *testing.F) {
	f.Add(fuzzMeta.encode())
	f.Add(metadata{ChannelID: "C1"}.encode())
	f.Add(metadata{ChannelID: "C1", ResponseURL: "https://hooks.slack.com/" + strings.Repeat("x", maxMetadata)}.encode())
	f.Add(`{"c":"C1","u":"U1","q":"<b>&amp; \u2028 ünïcödé 🚗"}`)
	f.Add(`{"c":1}`)
	f.Add(`{"C":"C1","c":"C2","extra":[1,2,{}]}`)
	f.Add(`null`)
	f.Add(``)
	f.Fuzz(func(t *testing.T, s string) {
		m, err := decodeMetadata(s)
		if err != nil {
			return
		}
		enc := m.encode()
		if len(enc) > maxMetadata {
			t.Fatalf("encode is %d bytes; want at most %d (input %q)", len(enc), maxMetadata, s)
		}
		got, err := decodeMetadata(enc)
		if err != nil {
			t.Fatalf("decode(encode(m)) = %v; want no error (encoded %q)", err, enc)
		}
		want := m
		if got.ResponseURL == "" {
			want.ResponseURL = "" // dropped to fit the limit
		}
		if got != want {
			t.Fatalf("round trip = %+v; want %+v", got, want)
		}
	})
}

// FuzzSearchTerm checks the customer search term against myKaarma's limit.
// Slack's payloads are JSON, whose strings are valid UTF-8, so only valid
// input must give valid output.
func FuzzSearchTerm(f *testing.F) {
	for _, q := range []string{
		"", "jane", "  Jane   Doe  ", "(555) 123-4567", "+1 555 123 4567", "15551234567", "555-1234",
		"jane.doe@example.com", "1HGCM82633A004352", "1hgcm82633a004352", "A004352",
		strings.Repeat("ü", 40), strings.Repeat("🚗", 10) + "x", "a\u00a0b\tc\nd", "555 123 4567 ext",
		"jane@" + strings.Repeat("é", 30), "\xff\xfe", "ab\xffcd",
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		got := searchTerm(q)
		if len(got) > mykaarma.MaxSearchTermLength {
			t.Errorf("searchTerm(%q) = %q, %d bytes; want at most %d", q, got, len(got), mykaarma.MaxSearchTermLength)
		}
		if utf8.ValidString(q) && !utf8.ValidString(got) {
			t.Errorf("searchTerm(%q) = %q; want valid UTF-8", q, got)
		}
		_ = formatPhone(q)
		_ = customerName(q)
	})
}

// TestFuzzSeedsParse keeps the seeds meaningful: the structured ones must
// decode as Slack payloads and read back what they carry.
func TestFuzzSeedsParse(t *testing.T) {
	seeds := seedPayloads(t)
	var cbs []slack.InteractionCallback
	for i, p := range seeds[:7] {
		var cb slack.InteractionCallback
		if err := json.Unmarshal(p, &cb); err != nil {
			t.Fatalf("seed %d: unmarshal = %v; want no error", i, err)
		}
		if _, err := decodeMetadata(cb.View.PrivateMetadata); err != nil {
			t.Errorf("seed %d: decodeMetadata = %v; want no error", i, err)
		}
		if len(inputBlocks(cb.View)) == 0 {
			t.Errorf("seed %d: view has no input blocks", i)
		}
		cbs = append(cbs, cb)
	}
	form, p := readState(cbs[0].View.State)
	if got, want := form.CustomerName, "Jane Doe"; got != want {
		t.Errorf("CustomerName = %q; want %q", got, want)
	}
	if got, want := form.When, "fri 9am"; got != want {
		t.Errorf("When = %q; want %q", got, want)
	}
	if !form.Comms.TextReminder || len(p.Services) != 1 || p.Transport == nil {
		t.Errorf("readState = %+v, %+v; want the text reminder, one service and a transport", form, p)
	}
	if got, want := cbs[2].View.State.Values[BlockStore][ActionStore].SelectedOption.Value, "Uptown"; got != want {
		t.Errorf("store pick = %q; want %q", got, want)
	}
	if got, want := cbs[5].Value, "(555) 123-4567"; cbs[5].Type != slack.InteractionTypeBlockSuggestion || got != want {
		t.Errorf("block_suggestion = %q %q; want %q", cbs[5].Type, got, want)
	}
}
