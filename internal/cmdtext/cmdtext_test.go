package cmdtext_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/draftappt/draftappt/internal/appointment"
	"github.com/draftappt/draftappt/internal/cmdtext"
	"github.com/draftappt/draftappt/internal/dates"
	"github.com/draftappt/draftappt/internal/mykaarma"
)

var (
	oil     = mykaarma.Operation{UUID: "op-oil", LaborOpCode: "OIL", Name: "Oil Change", DurationMinutes: 30}
	rot     = mykaarma.Operation{UUID: "op-rot", LaborOpCode: "ROT", Name: "Tire Rotation"}
	brake   = mykaarma.Operation{UUID: "op-brk", LaborOpCode: "BRK1", Name: "Brake Inspection"}
	pm      = mykaarma.Operation{UUID: "op-pm", LaborOpCode: "PM", Name: "Preventive Maintenance"}
	mpi     = mykaarma.Operation{UUID: "op-10", LaborOpCode: "10", Name: "Multi Point Inspection"}
	syn     = mykaarma.Operation{UUID: "op-syn", LaborOpCode: "SYN", Name: "Synthetic Oil Change Full Service"}
	opcodes = []mykaarma.Operation{oil, rot, brake, pm, mpi, syn}
)

const (
	badCheckVIN  = "1HGCM82633A123456" // fails the check digit
	goodCheckVIN = "1HGCM82633A004352"
)

func chicago(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("America/Chicago")
	require.NoError(t, err)
	return loc
}

func TestParse(t *testing.T) {
	loc := chicago(t)
	now := time.Date(2026, 12, 3, 14, 0, 0, 0, loc) // Thursday afternoon
	opts := dates.Options{Location: loc}
	warning := "VIN " + badCheckVIN + " fails the check digit; double-check it with the customer."

	tests := []struct {
		name string
		text string
		opts *dates.Options // nil: opts
		want cmdtext.Result
	}{
		{"Example", "tomorrow 9am oil change 1HGCM82633A123456 jane doe", nil, cmdtext.Result{
			When: "tomorrow 9am", VIN: badCheckVIN, VINWarning: warning,
			Services: []mykaarma.Operation{oil}, CustomerQuery: "jane doe"}},
		{"AnyOrder", "Jane Doe " + goodCheckVIN + " Oil Change Tomorrow 9AM", nil, cmdtext.Result{
			When: "Tomorrow 9AM", VIN: goodCheckVIN, Services: []mykaarma.Operation{oil}, CustomerQuery: "Jane Doe"}},
		{"OnlyVIN", "1hgcm82633a004352", nil, cmdtext.Result{VIN: goodCheckVIN}},
		{"VINWithPrefixAndDashes", "vin:1HGCM-82633-A004352,", nil, cmdtext.Result{VIN: goodCheckVIN}},
		{"SeventeenLettersAreNotAVIN", "abcdefghjklmnprst", nil, cmdtext.Result{CustomerQuery: "abcdefghjklmnprst"}},
		{"OnlyDate", "next fri 10:30am", nil, cmdtext.Result{When: "next fri 10:30am"}},
		{"Empty", "   ", nil, cmdtext.Result{}},
		{"Help", "help", nil, cmdtext.Result{Help: true}},
		{"HelpAnyCase", "  HELP ", nil, cmdtext.Result{Help: true}},
		{"HelpQuestionMark", "?", nil, cmdtext.Result{Help: true}},
		{"HelpFlags", "--help", nil, cmdtext.Result{Help: true}},
		{"HelpWordInsideIsNotHelp", "help jane", nil, cmdtext.Result{CustomerQuery: "help jane"}},
		{"PhoneBeatsWords", "jane doe (555) 123-4567 tomorrow 9am", nil, cmdtext.Result{
			When: "tomorrow 9am", CustomerQuery: "5551234567"}},
		{"PhoneWithCountryCode", "+1 555 123 4567 oil", nil, cmdtext.Result{
			Services: []mykaarma.Operation{oil}, CustomerQuery: "5551234567"}},
		{"PhoneOneWord", "15551234567", nil, cmdtext.Result{CustomerQuery: "5551234567"}},
		{"PhoneBeatsEmail", "jane@example.com 555.123.4567", nil, cmdtext.Result{CustomerQuery: "5551234567"}},
		{"Email", "Jane@Example.com tomorrow 9am rot", nil, cmdtext.Result{
			When: "tomorrow 9am", Services: []mykaarma.Operation{rot}, CustomerQuery: "jane@example.com"}},
		{"SlackEscapedEmailAndMention", "<@U0123|bob> <mailto:jane@example.com|jane@example.com> oil change", nil, cmdtext.Result{
			Services: []mykaarma.Operation{oil}, CustomerQuery: "jane@example.com"}},
		{"EmailTooLongFallsBackToWords", "jane doe jane.doe.with.a.long.address@example.com", nil, cmdtext.Result{CustomerQuery: "jane doe"}},
		{"PastDateIsNotPrefilled", "yesterday 9am jane doe", nil, cmdtext.Result{CustomerQuery: "jane doe"}},
		{"UnreadableDateIsNotPrefilled", "dec 32 9am jane", nil, cmdtext.Result{CustomerQuery: "jane"}},
		{"SplitDateIsNotGuessed", "tomorrow jane doe 9am", nil, cmdtext.Result{CustomerQuery: "jane doe"}},
		{"DateAroundAService", "tomorrow oil change at 9", nil, cmdtext.Result{
			When: "tomorrow at 9", Services: []mykaarma.Operation{oil}}},
		{"FillerTrimmed", "oil change for tomorrow 9am for jane", nil, cmdtext.Result{
			When: "tomorrow 9am", Services: []mykaarma.Operation{oil}, CustomerQuery: "jane"}},
		{"LoneNumberIsNotATime", "jane 2", nil, cmdtext.Result{CustomerQuery: "jane"}},
		{"NumericCodeAfterDate", "tomorrow 9am 10", nil, cmdtext.Result{
			When: "tomorrow 9am", Services: []mykaarma.Operation{mpi}}},
		{"AmbiguousNumberIsNotGuessed", "10 tomorrow 9am", nil, cmdtext.Result{ // "10 tomorrow" or "tomorrow 9am"?
			Services: []mykaarma.Operation{mpi}}},
		{"CodePMDoesNotEatTime", "tomorrow 2 pm oil", nil, cmdtext.Result{
			When: "tomorrow 2 pm", Services: []mykaarma.Operation{oil}}},
		{"CodesAnyCaseInOrderTyped", "rot brk1 PM tomorrow 9am", nil, cmdtext.Result{
			When: "tomorrow 9am", Services: []mykaarma.Operation{rot, brake, pm}}},
		{"NamesWithPunctuation", "Oil-Change, tire rotation; tomorrow 9am.", nil, cmdtext.Result{
			When: "tomorrow 9am.", Services: []mykaarma.Operation{oil, rot}}},
		{"DuplicateServiceOnce", "oil change OIL", nil, cmdtext.Result{Services: []mykaarma.Operation{oil}}},
		{"DuplicateAcrossPassesOnce", "preventive maintenance PM", nil, cmdtext.Result{Services: []mykaarma.Operation{pm}}},
		{"NameLongerThanFourWordsByCode", "syn preventive maintenance", nil, cmdtext.Result{
			Services: []mykaarma.Operation{syn, pm}}},
		{"Range", "tomorrow 9-11am brake inspection", nil, cmdtext.Result{
			When: "tomorrow 9-11am", Services: []mykaarma.Operation{brake}}},
		{"Unicode", "Zoë Ångström tomorrow 9am", nil, cmdtext.Result{When: "tomorrow 9am", CustomerQuery: "Zoë Ångström"}},
		{"CutAtWordBoundary", "christopher alexander montgomery-smith", nil, cmdtext.Result{CustomerQuery: "christopher alexander"}},
		{"OneOverlongWord", strings.Repeat("ö", 40), nil, cmdtext.Result{CustomerQuery: strings.Repeat("ö", 30)}},
		{"CustomerNumberKept", "cust 104233 oil", nil, cmdtext.Result{Services: []mykaarma.Operation{oil}, CustomerQuery: "104233"}},
		{"InvalidUTF8", "jane\xffdoe", nil, cmdtext.Result{CustomerQuery: "jane doe"}},
		{"NoLocationNoDate", "tomorrow 9am jane", &dates.Options{}, cmdtext.Result{CustomerQuery: "jane"}},
		{"DayMonthOrder", "15/12 9am", &dates.Options{Location: loc, Order: dates.DMY}, cmdtext.Result{When: "15/12 9am"}},
		{"VeryLongInput", strings.Repeat("jane ", 5000) + "tomorrow 9am", nil, cmdtext.Result{
			CustomerQuery: "jane jane jane jane jane jane"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := opts
			if tt.opts != nil {
				o = *tt.opts
			}
			got := cmdtext.Parse(tt.text, now, o, opcodes)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseNoOpCodes(t *testing.T) {
	loc := chicago(t)
	now := time.Date(2026, 12, 3, 14, 0, 0, 0, loc)
	got := cmdtext.Parse("oil change tomorrow 9am", now, dates.Options{Location: loc}, nil)
	assert.Equal(t, cmdtext.Result{When: "tomorrow 9am", CustomerQuery: "oil change"}, got)
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"tomorrow 9am oil change 1HGCM82633A123456 jane doe",
		"help", "(555) 123-4567", "<mailto:a@b.co|a@b.co>", "dec 32 9am", "next fri 10:30am for 2 hours",
		"vin:1HGCM-82633-A004352", "Zoë Ångström", "jane\xffdoe", "10 tomorrow 9-11am PM rot",
	} {
		f.Add(s)
	}
	loc, err := time.LoadLocation("America/Chicago")
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 14, 0, 0, 0, loc)
	opts := dates.Options{Location: loc}
	f.Fuzz(func(t *testing.T, text string) {
		r := cmdtext.Parse(text, now, opts, opcodes)
		if r.When != "" {
			if _, err := dates.Parse(r.When, now, opts); err != nil {
				t.Fatalf("When %q does not parse: %v", r.When, err)
			}
		}
		if r.VIN != "" && !appointment.ValidVINSyntax(r.VIN) {
			t.Fatalf("VIN %q is not valid", r.VIN)
		}
		if (r.VINWarning != "") != (r.VIN != "" && !appointment.VINCheckDigitOK(r.VIN)) {
			t.Fatalf("VIN %q, warning %q", r.VIN, r.VINWarning)
		}
		if !utf8.ValidString(r.CustomerQuery) || utf8.RuneCountInString(r.CustomerQuery) > mykaarma.MaxSearchTermLength {
			t.Fatalf("CustomerQuery %q", r.CustomerQuery)
		}
		if r.CustomerQuery != strings.TrimSpace(r.CustomerQuery) {
			t.Fatalf("CustomerQuery %q is not trimmed", r.CustomerQuery)
		}
		if r.Help && (r.When != "" || r.VIN != "" || r.CustomerQuery != "" || r.Services != nil) {
			t.Fatalf("help with more: %+v", r)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	loc := chicago(b)
	now := time.Date(2026, 12, 3, 14, 0, 0, 0, loc)
	opts := dates.Options{Location: loc}
	ops := make([]mykaarma.Operation, 0, 300)
	ops = append(ops, opcodes...)
	for i := range 300 - len(opcodes) {
		ops = append(ops, mykaarma.Operation{UUID: "u" + string(rune('a'+i%26)), LaborOpCode: "C" + strings.Repeat("X", i%7) + string(rune('A'+i%26)), Name: "Service number " + string(rune('a'+i%26))})
	}
	const line = "tomorrow 9am oil change tire rotation 1HGCM82633A123456 jane doe"
	b.ReportAllocs()
	for b.Loop() {
		cmdtext.Parse(line, now, opts, ops)
	}
}
