package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// DraftRequest is the draft body as docs/draft-appointment-api.txt defines
// it, decoded by the sandbox independently of the client package.
type DraftRequest struct {
	AppointmentCommunicationPreference *CommunicationPreference `json:"appointmentCommunicationPreference"`
	AppointmentEndDateTime             string                   `json:"appointmentEndDateTime"`
	AppointmentStartDateTime           string                   `json:"appointmentStartDateTime"`
	AssignedAdvisorUUID                string                   `json:"assignedAdvisorUuid"`
	OpCodes                            []OpCode                 `json:"opCodes"`
	CustomerDetails                    CustomerDetails          `json:"customerDetails"`
	TransportOption                    string                   `json:"transportOption"`
	Note                               string                   `json:"note"`
	Expiry                             string                   `json:"expiry"`
}

// CommunicationPreference is appointmentCommunicationPreference.
type CommunicationPreference struct {
	EmailConfirmation     bool `json:"emailConfirmation"`
	EmailReminder         bool `json:"emailReminder"`
	NotifyCustomer        bool `json:"notifyCustomer"`
	SendCommunicationToDA bool `json:"sendCommunicationToDA"`
	TextConfirmation      bool `json:"textConfirmation"`
	TextReminder          bool `json:"textReminder"`
}

// OpCode is one entry of opCodes.
type OpCode struct {
	LaborOpCode   string `json:"laborOpCode"`
	Description   string `json:"description"`
	OpCodeName    string `json:"opCodeName"`
	OperationUUID string `json:"operationUuid"`
}

// CustomerDetails is customerDetails.
type CustomerDetails struct {
	UUID               string             `json:"uuid"`
	VehicleIdentifiers VehicleIdentifiers `json:"vehicleIdentifiers"`
}

// VehicleIdentifiers is customerDetails.vehicleIdentifiers.
type VehicleIdentifiers struct {
	UUID string `json:"uuid"`
	VIN  string `json:"vin"`
}

// DateTimeLayout is the documented yyyy-MM-ddTHH:mm:ss, in Go's notation.
const DateTimeLayout = "2006-01-02T15:04:05"

// draftError is a validation failure: an errorCode and a description.
type draftError struct {
	code, desc string
}

func (s *Server) handleDraft(w http.ResponseWriter, r *http.Request) {
	dealerUUID := r.PathValue("dealerUuid")
	d, ok := s.data.dealers[dealerUUID]
	if !ok {
		// Wrong dealer ids surface as credential errors at myKaarma.
		writeAppointmentError(w, http.StatusForbidden, "FORBIDDEN", "invalid auth credentials")
		return
	}
	req, err := decodeDraft(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeAppointmentError(w, http.StatusRequestEntityTooLarge, "REQUEST_TOO_LARGE", "request body is too large")
			return
		}
		writeAppointmentError(w, http.StatusBadRequest, "INVALID_REQUEST_BODY", "request body is not a valid draft appointment: "+err.Error())
		return
	}
	warnings, derr := s.validateDraft(d, req)
	if derr != nil {
		writeAppointmentError(w, http.StatusBadRequest, derr.code, derr.desc)
		return
	}

	shortID := newShortID()
	rec := RecordedDraft{
		DealerUUID: dealerUUID,
		Request:    req,
		UUID:       newUUID(),
		ShortID:    shortID,
		ShortURL:   s.baseURL(r) + "/d/" + shortID,
		Created:    s.now(),
		RequestID:  r.Header.Get("X-Request-Id"),
		Warnings:   warnings,
	}
	s.mu.Lock()
	s.byShortID[shortID] = len(s.drafts)
	s.drafts = append(s.drafts, rec)
	s.mu.Unlock()

	if warnings == nil {
		warnings = []Warning{}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"statusCode":           http.StatusOK,
		"draftAppointmentUuid": rec.UUID,
		"shortUrl":             rec.ShortURL,
		"error":                nil,
		"warnings":             warnings,
	})
}

// decodeDraft decodes one JSON object, refusing unknown fields and
// trailing data.
func decodeDraft(body io.Reader) (DraftRequest, error) {
	var req DraftRequest
	b, err := io.ReadAll(body)
	if err != nil {
		return req, err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return req, errors.New("empty body")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return req, err
	}
	if dec.More() {
		return req, errors.New("unexpected data after the JSON object")
	}
	return req, nil
}

// validateDraft applies the documented rules; it returns the warnings of an
// acceptable draft, or the first rule broken.
func (s *Server) validateDraft(d dealer, req DraftRequest) ([]Warning, *draftError) {
	if req.AppointmentStartDateTime == "" {
		return nil, &draftError{"MISSING_APPOINTMENT_START", "appointmentStartDateTime is required"}
	}
	for _, f := range []struct{ name, v string }{
		{"appointmentStartDateTime", req.AppointmentStartDateTime},
		{"appointmentEndDateTime", req.AppointmentEndDateTime},
		{"expiry", req.Expiry},
	} {
		if f.v == "" {
			continue
		}
		if _, err := time.Parse(DateTimeLayout, f.v); err != nil {
			return nil, &draftError{"INVALID_DATE_TIME_FORMAT", fmt.Sprintf("%s must be in yyyy-MM-ddTHH:mm:ss format, got %q", f.name, f.v)}
		}
	}
	cd := req.CustomerDetails
	if cd.UUID == "" {
		return nil, &draftError{"MISSING_CUSTOMER", "customerDetails.uuid is required"}
	}
	cust, ok := s.data.customer(d.DepartmentUUID, cd.UUID)
	if !ok {
		return nil, &draftError{"CUSTOMER_NOT_FOUND", fmt.Sprintf("no customer with uuid %q at this dealer", cd.UUID)}
	}
	vi := cd.VehicleIdentifiers
	if vi.UUID == "" && vi.VIN == "" {
		return nil, &draftError{"MISSING_VEHICLE_IDENTIFIER", "customerDetails.vehicleIdentifiers needs a uuid or a vin"}
	}
	for i, op := range req.OpCodes {
		if strings.TrimSpace(op.LaborOpCode) == "" {
			return nil, &draftError{"INVALID_OPCODE", fmt.Sprintf("opCodes[%d].laborOpCode is required", i)}
		}
	}

	var warnings []Warning
	warn := func(code, format string, args ...any) {
		warnings = append(warnings, Warning{Code: code, Description: fmt.Sprintf(format, args...)})
	}
	var onFile *vehicle
	if vi.UUID != "" {
		for i := range cust.Vehicles {
			if cust.Vehicles[i].UUID == vi.UUID {
				onFile = &cust.Vehicles[i]
			}
		}
		if onFile == nil {
			return nil, &draftError{"VEHICLE_NOT_FOUND", fmt.Sprintf("customer %q has no vehicle with uuid %q", cd.UUID, vi.UUID)}
		}
	}
	if vin := strings.ToUpper(strings.TrimSpace(vi.VIN)); vin != "" {
		if !vinCheckDigitOK(vin) {
			warn("VIN_CHECK_DIGIT", "VIN %s fails its check digit; please verify it with the customer", vin)
		}
		switch {
		case onFile != nil && onFile.VIN != vin:
			warn("VIN_MISMATCH", "VIN %s does not match the VIN on file for the vehicle (%s); the vehicle uuid was used", vin, onFile.VIN)
		case onFile == nil && !hasVIN(cust, vin):
			warn("VIN_NOT_FOUND", "VIN %s is not on file for this customer; the customer will confirm the vehicle when booking", vin)
		}
	}
	switch {
	case req.AssignedAdvisorUUID == "":
		warn("ADVISOR_AUTO_ASSIGNED", "no advisor given: one will be assigned automatically")
	case d.Advisors[req.AssignedAdvisorUUID] == "":
		warn("ADVISOR_NOT_FOUND", "advisor %q is not eligible at this dealer: one will be assigned automatically", req.AssignedAdvisorUUID)
	}
	if req.TransportOption != "" {
		if _, ok := s.transportOption(d.DepartmentUUID, req.TransportOption); !ok {
			warn("TRANSPORT_OPTION_NOT_FOUND", "transport option %q is not offered by this department and was ignored", req.TransportOption)
		}
	}
	for _, op := range req.OpCodes {
		if _, ok := s.operation(d.UUID, op); !ok {
			warn("OPCODE_NOT_FOUND", "opcode %q is not in this dealer's list; it was added as a free-text service", op.LaborOpCode)
		}
	}
	return warnings, nil
}

func hasVIN(c customer, vin string) bool {
	for _, v := range c.Vehicles {
		if v.VIN == vin {
			return true
		}
	}
	return false
}

func (s *Server) transportOption(deptUUID, uuid string) (transportOption, bool) {
	for _, t := range s.data.transport[deptUUID] {
		if t.UUID == uuid {
			return t, true
		}
	}
	return transportOption{}, false
}

// operation finds the dealer's operation for a requested opcode, by uuid
// when given, else by labor opcode.
func (s *Server) operation(dealerUUID string, op OpCode) (operation, bool) {
	for _, o := range s.data.operations[dealerUUID] {
		if (op.OperationUUID != "" && o.UUID == op.OperationUUID) ||
			(op.OperationUUID == "" && strings.EqualFold(o.LaborOpCode, op.LaborOpCode)) {
			return o, true
		}
	}
	return operation{}, false
}
