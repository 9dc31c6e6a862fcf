package appointment_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/draftappt/draftappt/internal/appointment"
)

func TestVIN(t *testing.T) {
	tests := []struct {
		in         string
		syntax     bool
		checkDigit bool
	}{
		{"1HGCM82633A004352", true, true},  // Honda Accord, valid check digit
		{"1M8GDM9AXKP042788", true, true},  // check digit X
		{"11111111111111111", true, true},  // the classic all-ones test VIN
		{"1HGCM82633A123456", true, false}, // myKaarma's sample: syntax fine, check digit wrong
		{"1HGCM82633A00435", false, false}, // 16 characters
		{"1HGCM82633A0043521", false, false},
		{"1HGCM82633AO04352", false, false}, // letter O
		{"1HGCM82633AI04352", false, false}, // letter I
		{"1HGCM82633AQ04352", false, false}, // letter Q
		{"1hgcm82633a004352", false, false}, // must be normalised first
		{"", false, false},
		{"1HGCM82633A00435é", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.syntax, appointment.ValidVINSyntax(tt.in), "syntax")
			assert.Equal(t, tt.checkDigit, appointment.VINCheckDigitOK(tt.in), "check digit")
		})
	}
}

func TestNormalizeVIN(t *testing.T) {
	assert.Equal(t, "1HGCM82633A004352", appointment.NormalizeVIN(" 1hgcm8-2633a 004352 "))
}
