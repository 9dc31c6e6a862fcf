package mykaarma

import (
	"context"
	"fmt"
	"time"

	"github.com/draftappt/draftappt/internal/appointment"
	"github.com/draftappt/draftappt/internal/dates"
)

// DraftCreator adapts the client to the domain's appointment.DraftCreator:
// it translates a validated request into myKaarma's wire format.
type DraftCreator struct {
	client *Client
}

var _ appointment.DraftCreator = (*DraftCreator)(nil)

// NewDraftCreator wraps c for the submission pipeline.
func NewDraftCreator(c *Client) *DraftCreator { return &DraftCreator{client: c} }

// CreateDraft sends the request to the dealer the request names.
func (d *DraftCreator) CreateDraft(ctx context.Context, r appointment.Request) (appointment.Draft, error) {
	out, err := d.client.CreateDraft(ctx, r.DealerUUID, ToDraftRequest(r))
	if err != nil {
		return appointment.Draft{}, err
	}
	res := appointment.Draft{UUID: out.UUID, ShortURL: out.ShortURL}
	for _, w := range out.Warnings {
		msg := w.Description
		if msg == "" {
			msg = w.Code
		} else if w.Code != "" {
			msg = fmt.Sprintf("%s (%s)", w.Description, w.Code)
		}
		res.Warnings = append(res.Warnings, "myKaarma: "+msg)
	}
	return res, nil
}

// ToDraftRequest maps a validated request onto the documented body. Times
// are the dealer's wall clock, without an offset, as myKaarma expects.
func ToDraftRequest(r appointment.Request) DraftRequest {
	body := DraftRequest{
		AppointmentStartDateTime: r.Start.Format(dates.Layout),
		AssignedAdvisorUUID:      r.AdvisorUUID,
		CustomerDetails: CustomerDetails{
			UUID:               r.CustomerUUID,
			VehicleIdentifiers: VehicleIdentifiers{UUID: r.Vehicle.UUID, VIN: r.Vehicle.VIN},
		},
		TransportOption: r.TransportUUID,
		Note:            r.Note,
	}
	if !r.End.IsZero() {
		body.AppointmentEndDateTime = r.End.Format(dates.Layout)
	}
	if !r.Expiry.IsZero() {
		body.Expiry = r.Expiry.Format(dates.Layout)
	}
	// Omitting the object sends no communication, which is what "all off"
	// means; sending it only when something is on keeps the body minimal.
	if r.Comms.Any() {
		c := r.Comms
		body.AppointmentCommunicationPreference = &CommunicationPreference{
			EmailConfirmation: c.EmailConfirmation, EmailReminder: c.EmailReminder, NotifyCustomer: c.NotifyCustomer,
			SendCommunicationToDA: c.SendCommunicationToDA, TextConfirmation: c.TextConfirmation, TextReminder: c.TextReminder,
		}
	}
	for _, s := range r.Services {
		body.OpCodes = append(body.OpCodes, OpCode{
			LaborOpCode: s.LaborOpCode, Description: s.Description, OpCodeName: s.Name, OperationUUID: s.OperationUUID,
		})
	}
	return body
}

// MetricCode is a short, bounded code for metrics: myKaarma's errorCode when
// it sent one (they come from a fixed catalogue), else the failure kind.
func (e *APIError) MetricCode() string {
	if e.ErrorCode != "" && len(e.ErrorCode) <= 48 {
		return e.ErrorCode
	}
	return e.Kind.String()
}

// RetryDelay is myKaarma's Retry-After hint, for the pipeline's retries.
func (e *APIError) RetryDelay() time.Duration { return e.RetryAfter }

// Uncertain reports whether the draft may exist despite the error: no
// complete answer came back (timeout, cancel, a broken connection) or the
// server failed mid-way (5xx) or answered unreadably. A refused connection
// or a 429 certainly created nothing.
func (e *APIError) Uncertain() bool {
	if e.Op != opCreateDraft || e.Retryable() {
		return false
	}
	switch e.Kind {
	case KindTimeout, KindCanceled, KindUnavailable, KindBadResponse:
		return true
	case KindNetwork:
		return !isDialError(e.Err)
	}
	return false
}
