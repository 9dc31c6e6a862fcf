package slackbot

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/draftappt/draftappt/internal/appointment"
)

// metadata rides in the modal's private_metadata, because view_submission
// payloads carry no channel: it says where to announce the result and for
// which store.
type metadata struct {
	ChannelID   string `json:"c"`
	UserID      string `json:"u,omitempty"`
	TeamID      string `json:"t,omitempty"`
	ThreadTS    string `json:"th,omitempty"`
	ResponseURL string `json:"r,omitempty"`
	Store       string `json:"s,omitempty"` // store name, once known
	Text        string `json:"q,omitempty"` // command text to prefill from once the store is picked
	// Nonce is fresh for every modal the bot opens. It makes submission
	// keys unique per modal even where view ids repeat (across workspaces,
	// test fakes, or years), while a double click on one modal still
	// carries the same nonce and is caught as a duplicate.
	Nonce string `json:"n,omitempty"`
}

// maxMetadata is Slack's limit on private_metadata.
const maxMetadata = 3000

func (m metadata) encode() string {
	b, _ := json.Marshal(m) // a struct of strings always marshals
	// Shed what can be lost, least useful first: the text to prefill from,
	// then the response_url (the bot can still reach the user by DM).
	for len(b) > maxMetadata && m.Text != "" {
		r := []rune(m.Text)
		m.Text = string(r[:len(r)/2])
		b, _ = json.Marshal(m)
	}
	if len(b) > maxMetadata {
		m.ResponseURL = ""
		b, _ = json.Marshal(m)
	}
	return string(b)
}

func decodeMetadata(s string) (metadata, error) {
	var m metadata
	if s == "" {
		return m, fmt.Errorf("empty private_metadata")
	}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return m, fmt.Errorf("decode private_metadata: %w", err)
	}
	return m, nil
}

// option is one choice in a select, as the modal shows it.
type option struct {
	Value string
	Text  string
}

// Slack's limits on options; longer texts or values make views.open fail.
const (
	maxOptionText  = 75
	maxOptionValue = 75
	maxStaticOpts  = 100
)

func (o option) block() *slack.OptionBlockObject {
	return slack.NewOptionBlockObject(truncateRunes(o.Value, maxOptionValue), plain(truncateRunes(o.Text, maxOptionText)), nil)
}

func optionBlocks(opts []option) []*slack.OptionBlockObject {
	out := make([]*slack.OptionBlockObject, 0, len(opts))
	for _, o := range opts {
		out = append(out, o.block())
	}
	return out
}

// modalContent is everything that varies in the modal. The same renderer
// serves views.open and every views.update, so an update never loses a
// field.
type modalContent struct {
	Form     appointment.Form
	Previews map[string]string // input block id → line shown under it
	Notice   string            // optional line at the top

	// StoreChoices, when set, make the modal ask for the store first.
	StoreChoices []option

	// CustomerSearch shows Customer as a myKaarma search (external select)
	// instead of an id field; Customer is its current pick.
	CustomerSearch bool
	Customer       *option
	// Vehicles are the picked customer's vehicles; VehicleNote explains
	// when they could not be listed.
	Vehicles    []option
	VehicleNote string

	// Services: a list when the store's opcodes are known (searchable when
	// there are too many for one list), else a text field with a note.
	ServiceOptions  []option
	ServiceSearch   bool
	ServicesPicked  []option
	ServicesNote    string
	Transport       []option
	TransportPicked *option
	TransportNote   string
	Advisors        []option
	AdvisorPicked   *option
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

func hintOf(s string) *slack.TextBlockObject {
	if s == "" {
		return nil
	}
	return plain(truncateRunes(s, 2000))
}

func textInput(blockID, actionID, label, placeholder, hint, initial string, optional bool, maxLen int) *slack.InputBlock {
	el := slack.NewPlainTextInputBlockElement(plain(placeholder), actionID)
	el.InitialValue = initial
	el.MaxLength = maxLen
	in := slack.NewInputBlock(blockID, plain(label), hintOf(hint), el)
	in.Optional = optional
	return in
}

func staticSelect(blockID, actionID, label, placeholder, hint string, opts []option, picked *option, optional bool) *slack.InputBlock {
	el := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(placeholder), actionID, optionBlocks(opts)...)
	if picked != nil && containsOption(opts, picked.Value) {
		el.InitialOption = picked.block()
	}
	in := slack.NewInputBlock(blockID, plain(label), hintOf(hint), el)
	in.Optional = optional
	return in
}

func containsOption(opts []option, value string) bool {
	for _, o := range opts {
		if o.Value == value {
			return true
		}
	}
	return false
}

// commOptions are the six myKaarma communication preferences, in the order
// the API documents them, with labels an advisor understands.
var commOptions = []struct{ value, label string }{
	{CommEmailConfirmation, "Email confirmation"},
	{CommEmailReminder, "Email reminder"},
	{CommNotifyCustomer, "Notify customer"},
	{CommSendCommunicationToDA, "Send to dealer associate"},
	{CommTextConfirmation, "Text confirmation"},
	{CommTextReminder, "Text reminder"},
}

// commFlags maps each checkbox value to its preference, for reading and writing.
func commFlags(c *appointment.CommunicationPreference) map[string]*bool {
	return map[string]*bool{
		CommEmailConfirmation:     &c.EmailConfirmation,
		CommEmailReminder:         &c.EmailReminder,
		CommNotifyCustomer:        &c.NotifyCustomer,
		CommSendCommunicationToDA: &c.SendCommunicationToDA,
		CommTextConfirmation:      &c.TextConfirmation,
		CommTextReminder:          &c.TextReminder,
	}
}

func modalShell(blocks []slack.Block, meta metadata, submit string) slack.ModalViewRequest {
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      CallbackDraft,
		Title:           plain("Draft appointment"),
		Submit:          plain(submit),
		Close:           plain("Cancel"),
		Blocks:          slack.Blocks{BlockSet: blocks},
		PrivateMetadata: meta.encode(),
	}
}

// buildModal renders the draft form (or, for a channel that belongs to no
// store, the store question that comes first).
func buildModal(c modalContent, meta metadata) slack.ModalViewRequest {
	var blocks []slack.Block
	if c.Notice != "" {
		blocks = append(blocks, slack.NewContextBlock("notice", plain(truncateRunes(c.Notice, 2000))))
	}
	if len(c.StoreChoices) > 0 {
		st := staticSelect(BlockStore, ActionStore, "Store", "Which store is this for?", "This channel belongs to no store, so pick one.", c.StoreChoices, nil, false)
		st.DispatchAction = true
		return modalShell(append(blocks, st), meta, "Next")
	}
	f := c.Form

	if c.CustomerSearch {
		el := slack.NewOptionsSelectBlockElement(slack.OptTypeExternal, plain("Name, phone, email or VIN"), ActionCustomerSearch)
		minLen := 2
		el.MinQueryLength = &minLen
		if c.Customer != nil {
			el.InitialOption = c.Customer.block()
		}
		in := slack.NewInputBlock(BlockCustomer, plain("Customer"), plain("Search by name, 10-digit phone, email or the VIN's last 8 characters."), el)
		in.DispatchAction = true
		blocks = append(blocks, in)
	} else {
		blocks = append(blocks, textInput(BlockCustomer, ActionCustomer, "Customer", "myKaarma customer id", "", f.CustomerUUID, false, appointment.MaxIDLength))
	}

	switch {
	case len(c.Vehicles) > 0:
		var picked *option
		if f.VehicleUUID != "" {
			picked = &option{Value: f.VehicleUUID}
			for _, v := range c.Vehicles {
				if v.Value == f.VehicleUUID {
					picked.Text = v.Text
				}
			}
		}
		blocks = append(blocks, staticSelect(BlockVehicle, ActionVehicleSelect, "Vehicle", "Pick one of the customer's vehicles",
			"Or type a VIN below for a vehicle myKaarma does not know yet.", c.Vehicles, picked, true))
	case !c.CustomerSearch:
		blocks = append(blocks, textInput(BlockVehicleUUID, ActionVehicleUUID, "Vehicle ID", "myKaarma vehicle id", "", f.VehicleUUID, true, appointment.MaxIDLength))
	}
	vinHint := "Or pick the customer's vehicle."
	if c.VehicleNote != "" {
		vinHint = c.VehicleNote
	} else if !c.CustomerSearch {
		vinHint = "Or give the myKaarma vehicle id."
	}
	blocks = append(blocks, textInput(BlockVIN, ActionVIN, "Vehicle VIN", "17 characters, e.g. 1HGCM82633A004352", vinHint, f.VIN, true, 24))

	blocks = append(blocks, withPreview(c, textInput(BlockWhen, ActionWhen, "When", "e.g. tomorrow 9am, fri 2-3pm, 12/15 at 9:30", "", f.When, false, 100))...)
	blocks = append(blocks, withPreview(c, textInput(BlockEnd, ActionEnd, "End", "a time (11am) or a length (1h, 90 min)", "", f.End, true, 50))...)

	switch {
	case c.ServiceSearch:
		el := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeExternal, plain("Search services"), ActionServicesSelect)
		minLen := 1
		el.MinQueryLength = &minLen
		el.InitialOptions = optionBlocks(c.ServicesPicked)
		in := slack.NewInputBlock(BlockServices, plain("Services"), nil, el)
		in.Optional = true
		blocks = append(blocks, in)
	case len(c.ServiceOptions) > 0:
		el := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, plain("Pick services"), ActionServicesSelect, optionBlocks(c.ServiceOptions)...)
		for _, p := range c.ServicesPicked {
			if containsOption(c.ServiceOptions, p.Value) {
				el.InitialOptions = append(el.InitialOptions, p.block())
			}
		}
		in := slack.NewInputBlock(BlockServices, plain("Services"), nil, el)
		in.Optional = true
		blocks = append(blocks, in)
	default:
		blocks = append(blocks, textInput(BlockServices, ActionServices, "Services", "labor op codes, comma separated, e.g. OIL, ROTATE", c.ServicesNote, f.Services, true, 500))
	}

	if len(c.Advisors) > 0 {
		blocks = append(blocks, staticSelect(BlockAdvisor, ActionAdvisorSelect, "Advisor", "myKaarma assigns one when empty", "", c.Advisors, c.AdvisorPicked, true))
	}
	if len(c.Transport) > 0 {
		blocks = append(blocks, staticSelect(BlockTransport, ActionTransportSelect, "Transport", "How the customer gets about", "", c.Transport, c.TransportPicked, true))
	} else {
		blocks = append(blocks, textInput(BlockTransport, ActionTransport, "Transport", "transport option id", c.TransportNote, f.TransportUUID, true, appointment.MaxIDLength))
	}

	note := textInput(BlockNote, ActionNote, "Note", "anything the service team should know", "", f.Note, true, appointment.MaxNoteLength)
	note.Element.(*slack.PlainTextInputBlockElement).Multiline = true
	blocks = append(blocks, note)
	blocks = append(blocks, withPreview(c, textInput(BlockExpiry, ActionExpiry, "Link expiry", "e.g. friday 5pm, in 3 days", "When the customer's link stops working.", f.Expiry, true, 100))...)

	opts := make([]*slack.OptionBlockObject, 0, len(commOptions))
	var initial []*slack.OptionBlockObject
	selected := commFlags(&f.Comms)
	for _, o := range commOptions {
		opt := slack.NewOptionBlockObject(o.value, plain(o.label), nil)
		opts = append(opts, opt)
		if *selected[o.value] {
			initial = append(initial, opt)
		}
	}
	boxes := slack.NewCheckboxGroupsBlockElement(ActionComms, opts...)
	boxes.InitialOptions = initial
	comms := slack.NewInputBlock(BlockComms, plain("Messages myKaarma sends"), plain("All off: you send the link yourself."), boxes)
	comms.Optional = true
	blocks = append(blocks, comms)

	return modalShell(blocks, meta, "Create draft")
}

// withPreview makes a date input dispatch actions as the user types or
// presses enter, and follows it with its preview line, when there is one.
func withPreview(c modalContent, in *slack.InputBlock) []slack.Block {
	in.DispatchAction = true
	if el, ok := in.Element.(*slack.PlainTextInputBlockElement); ok {
		el.DispatchActionConfig = &slack.DispatchActionConfig{TriggerActionsOn: []string{"on_enter_pressed", "on_character_entered"}}
	}
	out := []slack.Block{in}
	if p := c.Previews[in.BlockID]; p != "" {
		out = append(out, slack.NewContextBlock(in.BlockID+"_preview", plain(truncateRunes(p, 2000))))
	}
	return out
}

// picks are the options chosen in the modal's selects, as Slack reported
// them; re-rendering the modal shows them again.
type picks struct {
	Store     string
	Customer  *option
	Vehicle   *option
	Services  []option
	Transport *option
	Advisor   *option
}

// readState reads what the user typed and picked. Missing blocks read as
// empty, so a partial or odd payload becomes validation errors, never a
// crash.
func readState(st *slack.ViewState) (appointment.Form, picks) {
	get := func(block, action string) slack.BlockAction {
		if st == nil {
			return slack.BlockAction{}
		}
		return st.Values[block][action]
	}
	text := func(block, action string) string { return get(block, action).Value }
	one := func(block, action string) *option {
		o := get(block, action).SelectedOption
		if o.Value == "" {
			return nil
		}
		t := ""
		if o.Text != nil {
			t = o.Text.Text
		}
		return &option{Value: o.Value, Text: t}
	}
	f := appointment.Form{
		CustomerUUID:  text(BlockCustomer, ActionCustomer),
		VIN:           text(BlockVIN, ActionVIN),
		VehicleUUID:   text(BlockVehicleUUID, ActionVehicleUUID),
		When:          text(BlockWhen, ActionWhen),
		End:           text(BlockEnd, ActionEnd),
		Services:      text(BlockServices, ActionServices),
		AdvisorUUID:   text(BlockAdvisor, ActionAdvisor),
		TransportUUID: text(BlockTransport, ActionTransport),
		Note:          text(BlockNote, ActionNote),
		Expiry:        text(BlockExpiry, ActionExpiry),
	}
	var p picks
	if s := one(BlockStore, ActionStore); s != nil {
		p.Store = s.Value
	}
	if c := one(BlockCustomer, ActionCustomerSearch); c != nil {
		p.Customer = c
		f.CustomerUUID = c.Value
		f.CustomerName = customerName(c.Text)
	}
	if v := one(BlockVehicle, ActionVehicleSelect); v != nil {
		p.Vehicle = v
		f.VehicleUUID, f.VehicleLabel = v.Value, v.Text
	}
	if t := one(BlockTransport, ActionTransportSelect); t != nil {
		p.Transport = t
		f.TransportUUID, f.TransportName = t.Value, t.Text
	}
	if a := one(BlockAdvisor, ActionAdvisorSelect); a != nil {
		p.Advisor = a
		f.AdvisorUUID, f.AdvisorName = a.Value, a.Text
	}
	for _, o := range get(BlockServices, ActionServicesSelect).SelectedOptions {
		t := ""
		if o.Text != nil {
			t = o.Text.Text
		}
		p.Services = append(p.Services, option{Value: o.Value, Text: t})
	}
	flags := commFlags(&f.Comms)
	for _, o := range get(BlockComms, ActionComms).SelectedOptions {
		if ptr := flags[o.Value]; ptr != nil {
			*ptr = true
		}
	}
	return f, p
}

// customerName is the name part of a customer option ("Jane Doe · 555…"):
// the contact details help the advisor pick, but stay out of channel posts.
func customerName(text string) string {
	name, _, _ := strings.Cut(text, " · ")
	return strings.TrimSpace(name)
}

// submissionErrors turns field errors into a response_action errors payload
// keyed by input blocks the view really has.
func submissionErrors(fe appointment.FieldErrors, present map[string]bool) *slack.ViewSubmissionResponse {
	errs := make(map[string]string, len(fe))
	for field, msg := range fe {
		block := ""
		for _, b := range fieldBlocks[field] {
			if present == nil || present[b] {
				block = b
				break
			}
		}
		if block == "" {
			block = BlockWhen // every form has When
		}
		if prev, dup := errs[block]; dup {
			msg = prev + " " + msg
		}
		errs[block] = truncateRunes(msg, 300)
	}
	return slack.NewErrorsViewSubmissionResponse(errs)
}

// inputBlocks lists the input block ids of a view.
func inputBlocks(v slack.View) map[string]bool {
	out := map[string]bool{}
	for _, b := range v.Blocks.BlockSet {
		if in, ok := b.(*slack.InputBlock); ok {
			out[in.BlockID] = true
		}
	}
	return out
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
