package sandbox

// vinValues maps a VIN character to its check-digit value (ISO 3779,
// 49 CFR 565.15); I, O and Q are not allowed in VINs and map to -1.
func vinValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'H':
		return int(c-'A') + 1
	case c >= 'J' && c <= 'N':
		return int(c-'J') + 1
	case c == 'P':
		return 7
	case c == 'R':
		return 9
	case c >= 'S' && c <= 'Z':
		return int(c-'S') + 2
	}
	return -1
}

var vinWeights = [17]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}

// vinCheckDigitOK reports whether vin (upper case) is 17 valid characters
// whose ninth is the check digit. The sandbox only warns when it fails, as
// the bot must: real VINs, and myKaarma's own sample, do not always pass.
// The bot's domain has its own check; this one stays private to the sandbox
// so the two packages do not depend on each other.
func vinCheckDigitOK(vin string) bool {
	if len(vin) != 17 {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := vinValue(vin[i])
		if v < 0 {
			return false
		}
		sum += v * vinWeights[i]
	}
	want := byte('0' + sum%11)
	if sum%11 == 10 {
		want = 'X'
	}
	return vin[8] == want
}
