package mykaarma

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// myKaarma's responses are not published in full and differ between
// services, so these types decode the shapes seen in real use without failing
// the whole response when one field arrives in an unexpected form.

// flexString accepts a JSON string, number or boolean; null and composite
// values decode to "".
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	switch b[0] {
	case '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return nil // not possible for valid JSON; stay lenient anyway
		}
		*f = flexString(strings.TrimSpace(s))
	case 't', 'f':
		*f = flexString(b)
	case 'n', '{', '[':
		*f = ""
	default: // a number: keep its text as sent
		*f = flexString(b)
	}
	return nil
}

func (f flexString) String() string { return string(f) }

// flexInt accepts a JSON number (whole or not) or a numeric string; anything
// else decodes to 0 with ok false.
type flexInt struct {
	N  int
	OK bool
}

func (f *flexInt) UnmarshalJSON(b []byte) error {
	var s flexString
	_ = s.UnmarshalJSON(b)
	*f = parseFlexInt(string(s))
	return nil
}

func parseFlexInt(s string) flexInt {
	s = strings.TrimSpace(s)
	if s == "" {
		return flexInt{}
	}
	if n, err := strconv.Atoi(s); err == nil {
		return flexInt{N: n, OK: true}
	}
	if x, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(x) && !math.IsInf(x, 0) && math.Abs(x) < math.MaxInt32 {
		return flexInt{N: int(math.Round(x)), OK: true}
	}
	return flexInt{}
}

// flexBool accepts true/false, "true"/"false" and 0/1; Set is false when the
// field was null or unreadable, so "absent" and "false" stay distinct.
type flexBool struct {
	Value bool
	Set   bool
}

func (f *flexBool) UnmarshalJSON(b []byte) error {
	var s flexString
	_ = s.UnmarshalJSON(b)
	switch strings.ToLower(string(s)) {
	case "true", "1", "yes", "y":
		*f = flexBool{Value: true, Set: true}
	case "false", "0", "no", "n":
		*f = flexBool{Value: false, Set: true}
	default:
		*f = flexBool{}
	}
	return nil
}

// errorItem holds the fields of both error envelopes: appointment/v2
// (errorCode, errorDescription, errorUID) and customer/v2 (errorCode,
// errorTitle, errorMessage).
type errorItem struct {
	ErrorCode        flexString `json:"errorCode"`
	ErrorDescription flexString `json:"errorDescription"`
	ErrorUID         flexString `json:"errorUID"`
	ErrorTitle       flexString `json:"errorTitle"`
	ErrorMessage     flexString `json:"errorMessage"`
}

func (i errorItem) present() bool {
	return i.ErrorCode != "" || i.ErrorDescription != "" || i.ErrorUID != "" || i.ErrorTitle != "" || i.ErrorMessage != ""
}

// errorList decodes "error"/"errors" whether myKaarma sent an object, an
// array of objects, null, or (as generic gateway errors do) a bare string.
type errorList []errorItem

func (l *errorList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*l = nil
	if len(b) == 0 {
		return nil
	}
	switch b[0] {
	case '{':
		var it errorItem
		if json.Unmarshal(b, &it) == nil && it.present() {
			*l = errorList{it}
		}
	case '[':
		var raws []json.RawMessage
		if json.Unmarshal(b, &raws) != nil {
			return nil
		}
		for _, r := range raws {
			var one errorList
			_ = one.UnmarshalJSON(r)
			*l = append(*l, one...)
		}
	case '"':
		var s flexString
		_ = s.UnmarshalJSON(b)
		if s != "" {
			// Framework error bodies ({"error":"Not Found","message":…})
			// put the reason phrase here: a title, not a description.
			*l = errorList{{ErrorTitle: s}}
		}
	}
	return nil
}

// warningItem holds both warning envelopes (appointment/v2 and customer/v2).
type warningItem struct {
	WarningCode        flexString `json:"warningCode"`
	WarningDescription flexString `json:"warningDescription"`
	WarningTitle       flexString `json:"warningTitle"`
	WarningMessage     flexString `json:"warningMessage"`
}

// warningList decodes "warnings" as an array, a single object or null.
type warningList []Warning

func (l *warningList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*l = nil
	if len(b) == 0 {
		return nil
	}
	var items []warningItem
	switch b[0] {
	case '{':
		var it warningItem
		if json.Unmarshal(b, &it) != nil {
			return nil
		}
		items = []warningItem{it}
	case '[':
		var raws []json.RawMessage
		if json.Unmarshal(b, &raws) != nil {
			return nil
		}
		for _, r := range raws {
			var it warningItem
			if json.Unmarshal(r, &it) == nil {
				items = append(items, it)
			}
		}
	}
	for _, it := range items {
		w := Warning{Code: string(it.WarningCode)}
		for _, d := range []flexString{it.WarningDescription, it.WarningMessage, it.WarningTitle} {
			if d != "" {
				w.Description = string(d)
				break
			}
		}
		if w.Code != "" || w.Description != "" {
			*l = append(*l, w)
		}
	}
	return nil
}

// envelope is what every myKaarma JSON response may carry besides its data.
type envelope struct {
	Error    errorList   `json:"error"`
	Errors   errorList   `json:"errors"`
	Message  flexString  `json:"message"` // generic (gateway/framework) error bodies
	Warnings warningList `json:"warnings"`
}

// firstError returns the first error present in the envelope.
func (e envelope) firstError() (errorItem, bool) {
	for _, l := range []errorList{e.Error, e.Errors} {
		for _, it := range l {
			if it.present() {
				return it, true
			}
		}
	}
	return errorItem{}, false
}

// objectFields decodes b as a JSON object into its raw members; ok is false
// when b is not an object.
func objectFields(b []byte) (map[string]json.RawMessage, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return nil, false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return nil, false
	}
	return m, true
}

// arrayElems decodes b as a JSON array into its raw elements.
func arrayElems(b []byte) ([]json.RawMessage, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '[' {
		return nil, false
	}
	var a []json.RawMessage
	if json.Unmarshal(b, &a) != nil {
		return nil, false
	}
	return a, true
}

// firstString returns the first non-empty string among the named members of
// obj, decoded leniently.
func firstString(obj map[string]json.RawMessage, keys ...string) string {
	for _, k := range keys {
		if raw, ok := obj[k]; ok {
			var s flexString
			_ = s.UnmarshalJSON(raw)
			if s != "" {
				return string(s)
			}
		}
	}
	return ""
}
