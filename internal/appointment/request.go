package appointment

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Field names one input of the draft form, so errors can be shown next to it.
type Field string

// The form's fields. The Slack layer maps each to an input block.
const (
	FieldCustomer    Field = "customer"
	FieldVIN         Field = "vin"
	FieldVehicleUUID Field = "vehicle_uuid"
	FieldWhen        Field = "when"
	FieldEnd         Field = "end"
	FieldServices    Field = "services"
	FieldAdvisor     Field = "advisor"
	FieldTransport   Field = "transport"
	FieldNote        Field = "note"
	FieldExpiry      Field = "expiry"
)

// Limits on what a person may type; generous for real use, tight enough to
// keep myKaarma and Slack messages sane.
const (
	MaxIDLength      = 64
	MaxNoteLength    = 1000
	MaxServices      = 20
	MaxServiceLength = 40
)

// Form is what a service advisor filled in, as typed.
type Form struct {
	CustomerUUID  string
	CustomerName  string // for the announcement only, when a lookup supplied it
	VIN           string
	VehicleUUID   string
	VehicleLabel  string // for the announcement, when picked from a list
	When          string
	End           string
	Services      string    // laborOpCodes typed by hand, comma separated
	Picked        []Service // services picked from the store's list
	AdvisorUUID   string
	AdvisorName   string
	TransportUUID string
	TransportName string
	Note          string
	Expiry        string
	Comms         CommunicationPreference
}

// CommunicationPreference is which messages myKaarma should send. All off
// by default: the advisor sends the link themselves.
type CommunicationPreference struct {
	EmailConfirmation     bool
	EmailReminder         bool
	NotifyCustomer        bool
	SendCommunicationToDA bool
	TextConfirmation      bool
	TextReminder          bool
}

// Any reports whether any preference is on.
func (c CommunicationPreference) Any() bool { return c != CommunicationPreference{} }

// Service is one operation to book.
type Service struct {
	LaborOpCode   string
	Name          string
	Description   string
	OperationUUID string
}

// Vehicle identifies the car: a VIN, a myKaarma vehicle UUID, or both.
type Vehicle struct {
	VIN   string
	UUID  string
	Label string // "2019 Honda Accord · …A123456", when known
}

// Request is a validated draft appointment, ready to send.
type Request struct {
	DealerUUID    string
	CustomerUUID  string
	CustomerName  string
	Vehicle       Vehicle
	Start         time.Time // dealer-local
	End           time.Time // zero when not given
	Services      []Service
	AdvisorUUID   string
	AdvisorName   string
	TransportUUID string
	TransportName string
	Note          string
	Expiry        time.Time // zero when not given
	Comms         CommunicationPreference
	// Warnings are things worth telling the user that do not stop the draft.
	Warnings []string
}

// FieldErrors maps fields to messages for the user. It is an error so the
// pipeline can return it; callers branch with errors.As.
type FieldErrors map[Field]string

func (fe FieldErrors) Error() string {
	keys := make([]string, 0, len(fe))
	for k := range fe {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %s", k, fe[Field(k)])
	}
	return "invalid form: " + strings.Join(parts, "; ")
}

// AsFieldErrors returns the field errors inside err, if any.
func AsFieldErrors(err error) (FieldErrors, bool) {
	var fe FieldErrors
	if errors.As(err, &fe) {
		return fe, true
	}
	return nil, false
}
