package appointment

import "strings"

// vinAlphabet is what may appear in a VIN: digits and capitals except I, O
// and Q, which the standard leaves out to avoid confusion with 1 and 0.
func vinChar(r byte) bool {
	switch {
	case r >= '0' && r <= '9':
		return true
	case r >= 'A' && r <= 'Z':
		return r != 'I' && r != 'O' && r != 'Q'
	}
	return false
}

// NormalizeVIN upper-cases a VIN and drops spaces and dashes people paste
// along with it.
func NormalizeVIN(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	return strings.NewReplacer(" ", "", "-", "").Replace(s)
}

// ValidVINSyntax reports whether s (already normalised) is 17 characters of
// the VIN alphabet.
func ValidVINSyntax(s string) bool {
	if len(s) != 17 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !vinChar(s[i]) {
			return false
		}
	}
	return true
}

// vinTranslit maps a VIN letter to its check-digit value (ISO 3779 / 49 CFR 565).
var vinTranslit = [26]int{
	1, 2, 3, 4, 5, 6, 7, 8, 0, // A-I (I unused)
	1, 2, 3, 4, 5, 0, 7, 0, 9, // J-R (O, Q unused)
	2, 3, 4, 5, 6, 7, 8, 9, // S-Z
}

var vinWeights = [17]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}

// VINCheckDigitOK reports whether position 9 of a syntactically valid VIN
// matches its check digit. North American VINs carry one; many pasted VINs
// (and myKaarma's own sample) do not pass, so callers treat failure as a
// warning, never a refusal.
func VINCheckDigitOK(vin string) bool {
	if !ValidVINSyntax(vin) {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := vin[i]
		v := 0
		if c >= '0' && c <= '9' {
			v = int(c - '0')
		} else {
			v = vinTranslit[c-'A']
		}
		sum += v * vinWeights[i]
	}
	want := byte('0' + sum%11)
	if sum%11 == 10 {
		want = 'X'
	}
	return vin[8] == want
}
