package slackbot

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/draftappt/draftappt/internal/appointment"
)

// metadata rides in the modal's private_metadata, because view_submission
// payloads carry no channel: it says where to announce the result.
type metadata struct {
	ChannelID   string `json:"c"`
	UserID      string `json:"u,omitempty"`
	TeamID      string `json:"t,omitempty"`
	ThreadTS    string `json:"th,omitempty"`
	ResponseURL string `json:"r,omitempty"`
}

// maxMetadata is Slack's limit on private_metadata.
const maxMetadata = 3000

func (m metadata) encode() string {
	b, _ := json.Marshal(m) // a struct of strings always marshals
	if len(b) > maxMetadata {
		// A response_url is the only long field; without it the bot still
		// reaches the user by DM.
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

// modalContent is everything that varies in the modal: what to prefill and
// what to say under the date fields.
type modalContent struct {
	Form     appointment.Form
	Previews map[string]string // input block id → preview line shown under it
	Notice   string            // optional line at the top
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

func textInput(blockID, actionID, label, placeholder, hint, initial string, optional bool, maxLen int) *slack.InputBlock {
	el := slack.NewPlainTextInputBlockElement(plain(placeholder), actionID)
	el.InitialValue = initial
	el.MaxLength = maxLen
	var h *slack.TextBlockObject
	if hint != "" {
		h = plain(hint)
	}
	in := slack.NewInputBlock(blockID, plain(label), h, el)
	in.Optional = optional
	return in
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

// buildModal renders the draft form. The same function serves views.open and
// every views.update, so an update never loses a field.
func buildModal(c modalContent, meta metadata) slack.ModalViewRequest {
	f := c.Form
	var blocks []slack.Block
	if c.Notice != "" {
		blocks = append(blocks, slack.NewContextBlock("notice", plain(c.Notice)))
	}
	blocks = append(blocks,
		textInput(BlockCustomer, ActionCustomer, "Customer", "myKaarma customer id", "", f.CustomerUUID, false, appointment.MaxIDLength),
		textInput(BlockVIN, ActionVIN, "Vehicle VIN", "17 characters, e.g. 1HGCM82633A004352", "Or give the myKaarma vehicle id below.", f.VIN, true, 24),
		textInput(BlockVehicleUUID, ActionVehicleUUID, "Vehicle ID", "myKaarma vehicle id", "", f.VehicleUUID, true, appointment.MaxIDLength),
	)
	blocks = append(blocks, withPreview(c, textInput(BlockWhen, ActionWhen, "When", "e.g. tomorrow 9am, fri 2-3pm, 12/15 at 9:30", "", f.When, false, 100))...)
	blocks = append(blocks, withPreview(c, textInput(BlockEnd, ActionEnd, "End", "a time (11am) or a length (1h, 90 min)", "", f.End, true, 50))...)
	blocks = append(blocks,
		textInput(BlockServices, ActionServices, "Services", "labor op codes, comma separated, e.g. OIL, ROTATE", "", f.Services, true, 500),
		textInput(BlockAdvisor, ActionAdvisor, "Advisor", "advisor id (leave empty to let myKaarma assign)", "", f.AdvisorUUID, true, appointment.MaxIDLength),
		textInput(BlockTransport, ActionTransport, "Transport", "transport option id", "", f.TransportUUID, true, appointment.MaxIDLength),
	)
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

	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      CallbackDraft,
		Title:           plain("Draft appointment"),
		Submit:          plain("Create draft"),
		Close:           plain("Cancel"),
		Blocks:          slack.Blocks{BlockSet: blocks},
		PrivateMetadata: meta.encode(),
	}
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
		out = append(out, slack.NewContextBlock(in.BlockID+"_preview", plain(p)))
	}
	return out
}

// formFromState reads what the user typed. Missing blocks read as empty, so
// a partial or odd payload becomes validation errors, never a crash.
func formFromState(st *slack.ViewState) appointment.Form {
	get := func(block, action string) slack.BlockAction {
		if st == nil {
			return slack.BlockAction{}
		}
		return st.Values[block][action]
	}
	text := func(block, action string) string { return get(block, action).Value }
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
	flags := commFlags(&f.Comms)
	for _, o := range get(BlockComms, ActionComms).SelectedOptions {
		if p := flags[o.Value]; p != nil {
			*p = true
		}
	}
	return f
}

// submissionErrors turns field errors into a response_action errors payload
// keyed by input block id.
func submissionErrors(fe appointment.FieldErrors) *slack.ViewSubmissionResponse {
	errs := make(map[string]string, len(fe))
	for field, msg := range fe {
		block, ok := fieldBlocks[field]
		if !ok {
			block = BlockCustomer
		}
		if prev, dup := errs[block]; dup {
			msg = prev + " " + msg
		}
		errs[block] = truncateRunes(msg, 300)
	}
	return slack.NewErrorsViewSubmissionResponse(errs)
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
