package sandbox

import "testing"

func TestVINCheckDigit(t *testing.T) {
	tests := []struct {
		vin  string
		want bool
	}{
		{"1HGCM82633A004352", true},
		{"4T1B11HKXKU000001", true}, // check digit X
		{"1FTEW1EP0LFA00002", true},
		{"1HGCM82633A123456", false}, // the documentation's sample
		{"1N4AL3AP1GC000007", false},
		{"1HGCM82633A12345", false},  // 16 characters
		{"1HGCM82633AO23456", false}, // letter O
		{"1hgcm82633a004352", false}, // callers upper-case first
		{"", false},
	}
	for _, tt := range tests {
		if got := vinCheckDigitOK(tt.vin); got != tt.want {
			t.Errorf("vinCheckDigitOK(%q) = %v; want %v", tt.vin, got, tt.want)
		}
	}
}

// TestSeedVINs pins which seeded VINs pass the check digit, so the
// warnings tests rely on are stable.
func TestSeedVINs(t *testing.T) {
	failing := map[string]bool{SampleVIN: true, "1N4AL3AP1GC000007": true}
	for _, c := range seedCustomers() {
		for _, v := range c.Vehicles {
			if got := vinCheckDigitOK(v.VIN); got == failing[v.VIN] {
				t.Errorf("seeded VIN %s: check digit ok = %v; want %v", v.VIN, got, !failing[v.VIN])
			}
		}
	}
}
