package mykaarma

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DraftRequest is the body of the draft appointment endpoint, field for field
// as docs/draft-appointment-api.txt specifies. Optional fields are omitted
// when empty so that myKaarma applies its own defaults (an advisor is
// auto-assigned when AssignedAdvisorUUID is empty; no communication is sent
// when AppointmentCommunicationPreference is nil).
//
// Date-times are the dealer's local wall-clock time in yyyy-MM-ddTHH:mm:ss,
// without an offset; the caller converts using DealerInfo's time zone.
type DraftRequest struct {
	AppointmentCommunicationPreference *CommunicationPreference `json:"appointmentCommunicationPreference,omitempty"`
	AppointmentEndDateTime             string                   `json:"appointmentEndDateTime,omitempty"`
	AppointmentStartDateTime           string                   `json:"appointmentStartDateTime"`
	AssignedAdvisorUUID                string                   `json:"assignedAdvisorUuid,omitempty"`
	OpCodes                            []OpCode                 `json:"opCodes,omitempty"`
	CustomerDetails                    CustomerDetails          `json:"customerDetails"`
	TransportOption                    string                   `json:"transportOption,omitempty"`
	Note                               string                   `json:"note,omitempty"`
	Expiry                             string                   `json:"expiry,omitempty"`
}

// CommunicationPreference says which messages myKaarma sends about the
// appointment. When the object is sent, all six flags are sent, so false
// means "do not send" rather than "server default".
type CommunicationPreference struct {
	EmailConfirmation     bool `json:"emailConfirmation"`
	EmailReminder         bool `json:"emailReminder"`
	NotifyCustomer        bool `json:"notifyCustomer"`
	SendCommunicationToDA bool `json:"sendCommunicationToDA"`
	TextConfirmation      bool `json:"textConfirmation"`
	TextReminder          bool `json:"textReminder"`
}

// OpCode is one requested service. myKaarma asks for at least LaborOpCode;
// OperationUUID is Operation.UUID from ListOpCodes.
type OpCode struct {
	LaborOpCode   string `json:"laborOpCode,omitempty"`
	Description   string `json:"description,omitempty"`
	OpCodeName    string `json:"opCodeName,omitempty"`
	OperationUUID string `json:"operationUuid,omitempty"`
}

// CustomerDetails names the customer and the vehicle.
type CustomerDetails struct {
	UUID               string             `json:"uuid"`
	VehicleIdentifiers VehicleIdentifiers `json:"vehicleIdentifiers"`
}

// VehicleIdentifiers identifies the vehicle by myKaarma UUID or VIN (at
// least one). A VIN that fails its check digit is still sent: real VINs as
// users paste them sometimes do, and myKaarma decides.
type VehicleIdentifiers struct {
	UUID string `json:"uuid,omitempty"`
	VIN  string `json:"vin,omitempty"`
}

// Warning is a non-fatal remark myKaarma attached to a successful answer.
type Warning struct {
	Code        string // warningCode
	Description string // warningDescription
}

// Draft is a created draft appointment.
type Draft struct {
	UUID     string    // draftAppointmentUuid
	ShortURL string    // shortUrl: the consumer scheduler link to send the customer
	Warnings []Warning // remarks to show the advisor, e.g. about the VIN
}

// draftResponse is the data part of the draft endpoint's answer; the
// envelope (error, warnings) is decoded separately.
type draftResponse struct {
	DraftAppointmentUUID flexString `json:"draftAppointmentUuid"`
	ShortURL             flexString `json:"shortUrl"`
}

// CreateDraft creates a draft appointment at the dealer and returns its UUID
// and short URL.
//
// It is not idempotent: myKaarma offers no way to look a draft up or cancel
// it, so an error whose Retryable is false may hide a draft that was created.
func (c *Client) CreateDraft(ctx context.Context, dealerUUID string, req DraftRequest) (Draft, error) {
	dealerUUID = strings.TrimSpace(dealerUUID)
	if dealerUUID == "" {
		return Draft{}, &APIError{Op: opCreateDraft, Scope: scopeDraftCreate, Kind: KindInvalidInput, reason: "the store's myKaarma dealer id is not configured"}
	}
	r, apiErr := c.do(ctx, call{
		op: opCreateDraft, scope: scopeDraftCreate,
		method: http.MethodPost,
		path:   "/appointment/v2/dealer/" + url.PathEscape(dealerUUID) + "/draftAppointment",
		body:   req,
	})
	if apiErr != nil {
		return Draft{}, apiErr
	}
	d, apiErr := decodeDraftResponse(r, c.now())
	if apiErr != nil {
		return Draft{}, c.sanitise(apiErr)
	}
	for i, w := range d.Warnings {
		d.Warnings[i] = Warning{Code: c.redact(oneLine(w.Code, 80)), Description: c.redact(oneLine(w.Description, 300))}
	}
	return d, nil
}

// decodeDraftResponse judges the draft endpoint's answer: success is HTTP
// 2xx, no error present, and a non-empty draftAppointmentUuid and shortUrl.
// The undocumented statusCode field is ignored.
func decodeDraftResponse(r *response, now time.Time) (Draft, *APIError) {
	var out draftResponse
	env, apiErr := interpret(opCreateDraft, scopeDraftCreate, r, now, &out)
	if apiErr != nil {
		return Draft{}, apiErr
	}
	d := Draft{UUID: string(out.DraftAppointmentUUID), ShortURL: string(out.ShortURL), Warnings: env.Warnings}
	switch {
	case d.UUID == "" && d.ShortURL == "":
		return Draft{}, &APIError{Op: opCreateDraft, Scope: scopeDraftCreate, Kind: KindBadResponse, StatusCode: r.status, reason: "no draftAppointmentUuid or shortUrl in the answer"}
	case d.UUID == "":
		return Draft{}, &APIError{Op: opCreateDraft, Scope: scopeDraftCreate, Kind: KindBadResponse, StatusCode: r.status, reason: "no draftAppointmentUuid in the answer"}
	case d.ShortURL == "":
		return Draft{}, &APIError{Op: opCreateDraft, Scope: scopeDraftCreate, Kind: KindBadResponse, StatusCode: r.status, reason: "no shortUrl in the answer"}
	}
	return d, nil
}
