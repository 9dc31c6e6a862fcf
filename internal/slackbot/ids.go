package slackbot

import "github.com/draftappt/draftappt/internal/appointment"

// Every Slack id the bot sends or matches lives here, so views, handlers and
// tests agree on them.
const (
	// Command is the slash command, as declared in manifest.yaml.
	Command = "/draft-appt"

	// CallbackDraft is the callback_id of the draft modal.
	CallbackDraft = "draft_appointment"

	// Input block ids. They double as the keys of response_action errors,
	// which Slack requires to be input block ids.
	BlockCustomer    = "customer"
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

	// Action ids of the inputs inside those blocks.
	ActionCustomer    = "customer_uuid"
	ActionVIN         = "vin"
	ActionVehicleUUID = "vehicle_uuid"
	ActionWhen        = "when_phrase"
	ActionEnd         = "end_phrase"
	ActionServices    = "labor_op_codes"
	ActionAdvisor     = "advisor_uuid"
	ActionTransport   = "transport_option_uuid"
	ActionNote        = "note_text"
	ActionExpiry      = "expiry_phrase"
	ActionComms       = "communication_preferences"

	// Option values of the communication checkboxes: myKaarma's own names.
	CommEmailConfirmation     = "emailConfirmation"
	CommEmailReminder         = "emailReminder"
	CommNotifyCustomer        = "notifyCustomer"
	CommSendCommunicationToDA = "sendCommunicationToDA"
	CommTextConfirmation      = "textConfirmation"
	CommTextReminder          = "textReminder"
)

// fieldBlocks maps domain fields to the input block that shows their error.
var fieldBlocks = map[appointment.Field]string{
	appointment.FieldCustomer:    BlockCustomer,
	appointment.FieldVIN:         BlockVIN,
	appointment.FieldVehicleUUID: BlockVehicleUUID,
	appointment.FieldWhen:        BlockWhen,
	appointment.FieldEnd:         BlockEnd,
	appointment.FieldServices:    BlockServices,
	appointment.FieldAdvisor:     BlockAdvisor,
	appointment.FieldTransport:   BlockTransport,
	appointment.FieldNote:        BlockNote,
	appointment.FieldExpiry:      BlockExpiry,
}
