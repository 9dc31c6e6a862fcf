package slackbot

import "github.com/draftappt/draftappt/internal/appointment"

// Every Slack id the bot sends or matches lives here, so views, handlers and
// tests agree on them.
const (
	// Command is the slash command, as declared in manifest.yaml.
	Command = "/draft-appt"

	// CallbackDraft is the callback_id of the draft modal.
	CallbackDraft = "draft_appointment"
	// CallbackMessageShortcut is the message shortcut "Draft appointment",
	// as declared in manifest.yaml.
	CallbackMessageShortcut = "draft_from_message"

	// Input block ids. They double as the keys of response_action errors,
	// which Slack requires to be input block ids.
	BlockStore       = "store"
	BlockCustomer    = "customer"
	BlockVehicle     = "vehicle"
	BlockVIN         = "vehicle_vin"
	BlockVehicleUUID = "vehicle_uuid"
	BlockWhen        = "when"
	BlockEnd         = "end"
	BlockServices    = "services"
	BlockAdvisor     = "advisor"
	BlockTransport   = "transport"
	BlockNote        = "note"
	BlockExpiry      = "expiry"
	BlockComms       = "communication"

	// Action ids of the inputs inside those blocks. Where a list can stand
	// in for a text field, each has its own action id so Slack never mixes
	// the two element types' state.
	ActionStore           = "store_select"
	ActionCustomerSearch  = "customer_search"
	ActionVehicleSelect   = "vehicle_select"
	ActionServicesSelect  = "services_select"
	ActionTransportSelect = "transport_select"
	ActionAdvisorSelect   = "advisor_select"
	ActionCustomer        = "customer_uuid"
	ActionVIN             = "vin"
	ActionVehicleUUID     = "vehicle_uuid"
	ActionWhen            = "when_phrase"
	ActionEnd             = "end_phrase"
	ActionServices        = "labor_op_codes"
	ActionAdvisor         = "advisor_uuid"
	ActionTransport       = "transport_option_uuid"
	ActionNote            = "note_text"
	ActionExpiry          = "expiry_phrase"
	ActionComms           = "communication_preferences"

	// Option values of the communication checkboxes: myKaarma's own names.
	CommEmailConfirmation     = "emailConfirmation"
	CommEmailReminder         = "emailReminder"
	CommNotifyCustomer        = "notifyCustomer"
	CommSendCommunicationToDA = "sendCommunicationToDA"
	CommTextConfirmation      = "textConfirmation"
	CommTextReminder          = "textReminder"
)

// fieldBlocks maps domain fields to the input blocks that can show their
// error, best first: the form varies (a vehicle list or an id field), and
// Slack refuses errors keyed to a block the view does not have.
var fieldBlocks = map[appointment.Field][]string{
	appointment.FieldCustomer:    {BlockCustomer},
	appointment.FieldVIN:         {BlockVIN, BlockVehicle, BlockVehicleUUID},
	appointment.FieldVehicleUUID: {BlockVehicle, BlockVehicleUUID, BlockVIN},
	appointment.FieldWhen:        {BlockWhen},
	appointment.FieldEnd:         {BlockEnd, BlockWhen},
	appointment.FieldServices:    {BlockServices},
	appointment.FieldAdvisor:     {BlockAdvisor, BlockNote},
	appointment.FieldTransport:   {BlockTransport, BlockNote},
	appointment.FieldNote:        {BlockNote},
	appointment.FieldExpiry:      {BlockExpiry},
}

// Sentinel option values: picked, they mean "nothing usable was picked".
const (
	optionSearchFailed = "__search_failed__"
)
