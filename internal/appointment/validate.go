package appointment

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/draftappt/draftappt/internal/dates"
)

// Store is what validation needs to know about the dealership.
type Store struct {
	Name       string
	DealerUUID string
	Location   *time.Location
	Hours      dates.Hours
	Order      dates.DateOrder
}

func (s Store) dateOptions() dates.Options {
	return dates.Options{Location: s.Location, Order: s.Order}
}

// Validate checks a form against the rules and turns it into a Request. All
// problems are reported at once as FieldErrors, so the user fixes them in one
// go. now is the current instant; it is read in the store's time zone.
func Validate(store Store, f Form, now time.Time) (Request, error) {
	errs := FieldErrors{}
	req := Request{
		DealerUUID:   store.DealerUUID,
		CustomerName: strings.TrimSpace(f.CustomerName),
		Comms:        f.Comms,
	}

	req.CustomerUUID = checkID(errs, FieldCustomer, f.CustomerUUID, true, "Pick or enter the customer")

	vin := NormalizeVIN(f.VIN)
	switch {
	case vin == "":
	case len(vin) != 17:
		errs[FieldVIN] = fmt.Sprintf("A VIN has 17 characters; this one has %d.", utf8.RuneCountInString(vin))
	case !ValidVINSyntax(vin):
		errs[FieldVIN] = "A VIN uses only digits and letters, never I, O or Q."
	default:
		req.Vehicle.VIN = vin
		if !VINCheckDigitOK(vin) {
			req.Warnings = append(req.Warnings, fmt.Sprintf("VIN %s fails the check digit; double-check it with the customer.", vin))
		}
	}
	req.Vehicle.UUID = checkID(errs, FieldVehicleUUID, f.VehicleUUID, false, "")
	if req.Vehicle.UUID != "" {
		req.Vehicle.Label = strings.TrimSpace(f.VehicleLabel)
	}
	if strings.TrimSpace(f.VIN) == "" && strings.TrimSpace(f.VehicleUUID) == "" {
		errs[FieldVIN] = "Enter the vehicle's VIN (or pick the vehicle)."
	}

	t := ReadTimes(store, f, now, errs)
	req.Start, req.End, req.Expiry = t.Start, t.End, t.Expiry
	if t.OutsideHours {
		req.Warnings = append(req.Warnings, t.HoursWarning(store))
	}

	req.Services = mergeServices(errs, f.Picked, parseServices(errs, f.Services))
	req.AdvisorUUID = checkID(errs, FieldAdvisor, f.AdvisorUUID, false, "")
	if req.AdvisorUUID != "" {
		req.AdvisorName = strings.TrimSpace(f.AdvisorName)
	}
	req.TransportUUID = checkID(errs, FieldTransport, f.TransportUUID, false, "")
	if req.TransportUUID != "" {
		req.TransportName = strings.TrimSpace(f.TransportName)
	}

	note := strings.TrimSpace(f.Note)
	switch {
	case utf8.RuneCountInString(note) > MaxNoteLength:
		errs[FieldNote] = fmt.Sprintf("Keep the note under %d characters.", MaxNoteLength)
	case strings.ContainsFunc(note, isBadControl):
		errs[FieldNote] = "The note contains characters that cannot be sent."
	default:
		req.Note = note
	}

	if len(errs) > 0 {
		return Request{}, errs
	}
	return req, nil
}

// Times is how the form's date fields read. Validation and the modal's
// live preview both use it, so the preview never disagrees with submitting.
type Times struct {
	Start, End, Expiry time.Time // zero when not given or not readable
	OutsideHours       bool
}

// HoursWarning is the warning for a time outside the store's hours.
func (t Times) HoursWarning(store Store) string {
	return fmt.Sprintf("%s is outside business hours (%s).", dates.Preview(dates.Reading{Start: t.Start, End: t.End}), store.Hours)
}

// ReadTimes reads When, End and the link expiry, recording problems in errs
// under their fields. End is read only once When is.
func ReadTimes(store Store, f Form, now time.Time, errs FieldErrors) Times {
	var t Times
	opts := store.dateOptions()
	if strings.TrimSpace(f.When) == "" {
		errs[FieldWhen] = "Say when, e.g. 'tomorrow 9am'."
	} else if r, err := dates.Parse(f.When, now, opts); err != nil {
		errs[FieldWhen] = dateMessage(err)
	} else {
		t.Start, t.End = r.Start, r.End
	}
	if strings.TrimSpace(f.End) != "" && !t.Start.IsZero() {
		if end, err := dates.ParseEnd(f.End, t.Start, opts); err != nil {
			errs[FieldEnd] = dateMessage(err)
		} else {
			t.End = end
		}
	}
	if strings.TrimSpace(f.Expiry) != "" {
		exp, err := dates.ParseExpiry(f.Expiry, now, opts)
		switch {
		case err != nil:
			errs[FieldExpiry] = dateMessage(err)
		case !t.Start.IsZero() && exp.After(t.Start):
			errs[FieldExpiry] = fmt.Sprintf("The link would expire after the appointment (%s); pick an earlier time.",
				dates.Preview(dates.Reading{Start: t.Start}))
		default:
			t.Expiry = exp
		}
	}
	t.OutsideHours = !t.Start.IsZero() && !store.Hours.Contains(t.Start, t.End)
	return t
}

func dateMessage(err error) string {
	var de *dates.Error
	if errors.As(err, &de) {
		return de.Message
	}
	return "That date could not be read; try e.g. 'tomorrow 9am'."
}

// checkID validates an opaque myKaarma id: myKaarma publishes no format, so
// accept what ids look like in practice (letters, digits, - and _) and refuse
// what cannot be one (spaces, slashes, overlong pastes).
func checkID(errs FieldErrors, field Field, raw string, required bool, missing string) string {
	id := strings.TrimSpace(raw)
	if id == "" {
		if required {
			errs[field] = missing + "."
		}
		return ""
	}
	if len(id) > MaxIDLength {
		errs[field] = fmt.Sprintf("That is too long for a myKaarma id (at most %d characters).", MaxIDLength)
		return ""
	}
	for _, r := range id {
		if !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_')) {
			errs[field] = "A myKaarma id has only letters, digits, - and _; check what was pasted."
			return ""
		}
	}
	return id
}

// parseServices reads comma-separated laborOpCodes, dropping blanks and
// repeats so a stray comma does not become an empty service.
func parseServices(errs FieldErrors, raw string) []Service {
	var out []Service
	seen := map[string]bool{}
	for _, part := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == '\n' || r == ';' }) {
		code := strings.TrimSpace(part)
		if code == "" {
			continue
		}
		if utf8.RuneCountInString(code) > MaxServiceLength {
			errs[FieldServices] = fmt.Sprintf("%q is too long for a service code (at most %d characters).", truncate(code, 20), MaxServiceLength)
			return nil
		}
		if strings.ContainsFunc(code, func(r rune) bool { return !validCodeRune(r) }) {
			errs[FieldServices] = fmt.Sprintf("%q is not a service code; separate codes with commas, e.g. OIL, ROTATE.", truncate(code, 20))
			return nil
		}
		key := strings.ToUpper(code)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, Service{LaborOpCode: code})
	}
	if len(out) > MaxServices {
		errs[FieldServices] = fmt.Sprintf("At most %d services per draft.", MaxServices)
		return nil
	}
	return out
}

// mergeServices puts picked services first, then typed codes not already
// picked, so picking and typing the same code books it once.
func mergeServices(errs FieldErrors, picked, typed []Service) []Service {
	var out []Service
	seen := map[string]bool{}
	for _, s := range append(append([]Service{}, picked...), typed...) {
		key := strings.ToUpper(strings.TrimSpace(s.LaborOpCode))
		if key == "" || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, s)
	}
	if len(out) > MaxServices {
		errs[FieldServices] = fmt.Sprintf("At most %d services per draft.", MaxServices)
		return nil
	}
	return out
}

func validCodeRune(r rune) bool {
	return r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" _-./#&+", r))
}

func isBadControl(r rune) bool {
	return unicode.IsControl(r) && r != '\n' && r != '\t'
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
