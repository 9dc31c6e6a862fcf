package appointment_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/draftappt/draftappt/internal/appointment"
	"github.com/draftappt/draftappt/internal/dates"
)

func chicago(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/Chicago")
	require.NoError(t, err)
	return loc
}

func validForm() appointment.Form {
	return appointment.Form{
		CustomerUUID: "cust-123",
		VIN:          "1HGCM82633A004352",
		When:         "tomorrow 9am",
		Services:     "OIL, ROTATE",
	}
}

func TestValidate(t *testing.T) {
	loc := chicago(t)
	now := time.Date(2026, 12, 3, 14, 0, 0, 0, loc) // Thursday afternoon
	hours, err := dates.ParseHours("mon-fri 07:00-18:00; sat 08:00-13:00")
	require.NoError(t, err)
	store := appointment.Store{DealerUUID: "dealer-1", Location: loc, Hours: hours}

	t.Run("Valid", func(t *testing.T) {
		f := validForm()
		f.End = "1h"
		f.Expiry = "tomorrow 8am"
		f.Note = "  customer waits  "
		f.Comms.TextReminder = true
		req, err := appointment.Validate(store, f, now)
		require.NoError(t, err)
		assert.Equal(t, "dealer-1", req.DealerUUID)
		assert.Equal(t, "cust-123", req.CustomerUUID)
		assert.Equal(t, "1HGCM82633A004352", req.Vehicle.VIN)
		assert.Equal(t, time.Date(2026, 12, 4, 9, 0, 0, 0, loc), req.Start)
		assert.Equal(t, time.Date(2026, 12, 4, 10, 0, 0, 0, loc), req.End)
		assert.Equal(t, time.Date(2026, 12, 4, 8, 0, 0, 0, loc), req.Expiry)
		assert.Equal(t, []appointment.Service{{LaborOpCode: "OIL"}, {LaborOpCode: "ROTATE"}}, req.Services)
		assert.Equal(t, "customer waits", req.Note)
		assert.True(t, req.Comms.TextReminder)
		assert.Empty(t, req.Warnings)
	})

	t.Run("RangeGivesEnd", func(t *testing.T) {
		f := validForm()
		f.When = "tomorrow 9-10am"
		req, err := appointment.Validate(store, f, now)
		require.NoError(t, err)
		assert.Equal(t, time.Date(2026, 12, 4, 10, 0, 0, 0, loc), req.End)
	})

	t.Run("CheckDigitIsAWarningNotAnError", func(t *testing.T) {
		f := validForm()
		f.VIN = "1hgcm82633a123456"
		req, err := appointment.Validate(store, f, now)
		require.NoError(t, err)
		assert.Equal(t, "1HGCM82633A123456", req.Vehicle.VIN)
		require.Len(t, req.Warnings, 1)
		assert.Contains(t, req.Warnings[0], "check digit")
	})

	t.Run("OutsideHoursIsAWarning", func(t *testing.T) {
		f := validForm()
		f.When = "sunday 10am"
		req, err := appointment.Validate(store, f, now)
		require.NoError(t, err)
		require.Len(t, req.Warnings, 1)
		assert.Contains(t, req.Warnings[0], "outside business hours")
	})

	t.Run("VehicleUUIDInsteadOfVIN", func(t *testing.T) {
		f := validForm()
		f.VIN, f.VehicleUUID = "", "veh_42"
		req, err := appointment.Validate(store, f, now)
		require.NoError(t, err)
		assert.Equal(t, appointment.Vehicle{UUID: "veh_42"}, req.Vehicle)
	})

	t.Run("DuplicateAndBlankServicesDropped", func(t *testing.T) {
		f := validForm()
		f.Services = "OIL,, oil , ROTATE,"
		req, err := appointment.Validate(store, f, now)
		require.NoError(t, err)
		assert.Equal(t, []appointment.Service{{LaborOpCode: "OIL"}, {LaborOpCode: "ROTATE"}}, req.Services)
	})

	errCases := []struct {
		name  string
		edit  func(*appointment.Form)
		field appointment.Field
		want  string
	}{
		{"ErrCustomerRequired", func(f *appointment.Form) { f.CustomerUUID = " " }, appointment.FieldCustomer, "customer"},
		{"ErrCustomerMalformed", func(f *appointment.Form) { f.CustomerUUID = "jane doe" }, appointment.FieldCustomer, "id"},
		{"ErrCustomerTooLong", func(f *appointment.Form) { f.CustomerUUID = string(make([]byte, 65)) }, appointment.FieldCustomer, "too long"},
		{"ErrVehicleMissing", func(f *appointment.Form) { f.VIN = "" }, appointment.FieldVIN, "VIN"},
		{"ErrVINShort", func(f *appointment.Form) { f.VIN = "1HGCM82633A00435" }, appointment.FieldVIN, "17 characters"},
		{"ErrVINLetterO", func(f *appointment.Form) { f.VIN = "1HGCM82633AO04352" }, appointment.FieldVIN, "I, O or Q"},
		{"ErrVehicleUUIDMalformed", func(f *appointment.Form) { f.VehicleUUID = "a/b" }, appointment.FieldVehicleUUID, "id"},
		{"ErrWhenMissing", func(f *appointment.Form) { f.When = "" }, appointment.FieldWhen, "when"},
		{"ErrWhenUnreadable", func(f *appointment.Form) { f.When = "call me back" }, appointment.FieldWhen, ""},
		{"ErrWhenPast", func(f *appointment.Form) { f.When = "yesterday 9am" }, appointment.FieldWhen, "past"},
		{"ErrWhenNoTime", func(f *appointment.Form) { f.When = "tomorrow" }, appointment.FieldWhen, "time"},
		{"ErrEndBeforeStart", func(f *appointment.Form) { f.End = "8am" }, appointment.FieldEnd, ""},
		{"ErrExpiryPast", func(f *appointment.Form) { f.Expiry = "yesterday 9am" }, appointment.FieldExpiry, "past"},
		{"ErrExpiryAfterAppointment", func(f *appointment.Form) { f.Expiry = "dec 10 9am" }, appointment.FieldExpiry, "after the appointment"},
		{"ErrServiceMalformed", func(f *appointment.Form) { f.Services = "OIL, <!channel>" }, appointment.FieldServices, "not a service code"},
		{"ErrAdvisorMalformed", func(f *appointment.Form) { f.AdvisorUUID = "Bob Smith" }, appointment.FieldAdvisor, "id"},
		{"ErrTransportMalformed", func(f *appointment.Form) { f.TransportUUID = "loaner car" }, appointment.FieldTransport, "id"},
		{"ErrNoteTooLong", func(f *appointment.Form) { f.Note = string(make([]rune, 1001)) }, appointment.FieldNote, ""},
		{"ErrNoteControlChars", func(f *appointment.Form) { f.Note = "hi\x00there" }, appointment.FieldNote, "cannot be sent"},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) {
			f := validForm()
			tc.edit(&f)
			_, err := appointment.Validate(store, f, now)
			fe, ok := appointment.AsFieldErrors(err)
			require.True(t, ok, "want field errors, got %v", err)
			msg, ok := fe[tc.field]
			require.True(t, ok, "no error on %s: %v", tc.field, fe)
			assert.Contains(t, strings.ToLower(msg), strings.ToLower(tc.want))
			assert.Len(t, fe, 1, "only %s should be wrong: %v", tc.field, fe)
		})
	}

	t.Run("AllErrorsAtOnce", func(t *testing.T) {
		_, err := appointment.Validate(store, appointment.Form{VIN: "short", When: "nope"}, now)
		fe, ok := appointment.AsFieldErrors(err)
		require.True(t, ok)
		assert.Contains(t, fe, appointment.FieldCustomer)
		assert.Contains(t, fe, appointment.FieldVIN)
		assert.Contains(t, fe, appointment.FieldWhen)
	})
}
