package dates_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/draftappt/draftappt/internal/dates"
)

var fuzzSeeds = []string{
	"tomorrow at 9am", "tmrw 8", "thurs 2pm", "next mon at 10", "12/15 9:30", "dec 15th @ 3",
	"mon 9-11", "friday 10am for 1 hr", "today 4:30pm", "in 2 hrs", "sat morning", "11pm-1am",
	"2026-12-15T14:00:00", "15.12.2026 14:00", "in 1h30m", "the 31st at 9", "fri midnight",
	"between 2 and 3pm", "call me back", "123456", "", "dec 32", "99pm", "13/45", "an hour and a half",
	"1 and a half hours", "twenty first of december 9am", "9-", "-9", "in", "for", "a", "9:", "1h30",
}

// checkReading asserts the invariants every successful reading must meet.
func checkReading(t *testing.T, phrase string, now time.Time, loc *time.Location, r dates.Reading, err error) {
	t.Helper()
	if err != nil {
		var de *dates.Error
		if !errors.As(err, &de) || de.Message == "" {
			t.Fatalf("%q: error %T %v is not a *dates.Error with a message", phrase, err, err)
		}
		return
	}
	if !r.Start.After(now) {
		t.Fatalf("%q: start %v not after now %v", phrase, r.Start, now)
	}
	if r.Start.Location() != loc {
		t.Fatalf("%q: start in %v, want %v", phrase, r.Start.Location(), loc)
	}
	if r.Start.After(now.AddDate(5, 0, 1)) {
		t.Fatalf("%q: start %v more than 5 years ahead", phrase, r.Start)
	}
	if r.HasEnd() {
		if !r.End.After(r.Start) || r.End.Sub(r.Start) > 24*time.Hour {
			t.Fatalf("%q: end %v not within (start, start+24h], start %v", phrase, r.End, r.Start)
		}
		if r.End.Location() != loc {
			t.Fatalf("%q: end in %v, want %v", phrase, r.End.Location(), loc)
		}
	}
	if dates.Preview(r) == "" {
		t.Fatalf("%q: empty preview", phrase)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, int64(0), false)
	}
	f.Add("tomorrow 2:30am", int64(-1), true)
	nyc, _ := time.LoadLocation("America/New_York")
	syd, _ := time.LoadLocation("Australia/Sydney")
	base := time.Date(2026, 12, 3, 10, 0, 0, 0, nyc)
	f.Fuzz(func(t *testing.T, phrase string, offsetMin int64, dmy bool) {
		// now anywhere within about 3 years of the base date, to cross DST changes
		now := base.Add(time.Duration(offsetMin%(3*366*24*60)) * time.Minute)
		order := dates.MDY
		loc := nyc
		if dmy {
			order, loc = dates.DMY, syd
		}
		r, err := dates.Parse(phrase, now, dates.Options{Location: loc, Order: order})
		checkReading(t, phrase, now.In(loc), loc, r, err)

		if err == nil {
			// never guess: an unknown word anywhere makes the phrase rejected
			if _, err2 := dates.Parse(phrase+" zebra", now, dates.Options{Location: loc, Order: order}); err2 == nil {
				t.Fatalf("%q + unknown word was accepted", phrase)
			}
			// casing does not matter
			if isASCII(phrase) {
				r2, err2 := dates.Parse(strings.ToUpper(phrase), now, dates.Options{Location: loc, Order: order})
				if err2 != nil || !r2.Start.Equal(r.Start) || !r2.End.Equal(r.End) {
					t.Fatalf("%q: upper case reads differently: %v %v", phrase, dates.Preview(r2), err2)
				}
			}
		}

		exp, err := dates.ParseExpiry(phrase, now, dates.Options{Location: loc, Order: order})
		if err == nil {
			if !exp.After(now) || exp.Location() != loc {
				t.Fatalf("%q: expiry %v not after now %v in %v", phrase, exp, now, loc)
			}
		} else {
			var de *dates.Error
			if !errors.As(err, &de) {
				t.Fatalf("%q: expiry error %T", phrase, err)
			}
		}
	})
}

func FuzzParseEnd(f *testing.F) {
	for _, s := range append(fuzzSeeds, "11am", "10:30", "1", "1h", "90 min", "1.5 hours", "for 2 hrs", "1h30m", "midnight") {
		f.Add(s, int64(0))
	}
	chi, _ := time.LoadLocation("America/Chicago")
	base := time.Date(2026, 12, 4, 9, 0, 0, 0, chi)
	f.Fuzz(func(t *testing.T, phrase string, offsetMin int64) {
		start := base.Add(time.Duration(offsetMin%(2*366*24*60)) * time.Minute)
		end, err := dates.ParseEnd(phrase, start, dates.Options{Location: chi})
		if err != nil {
			var de *dates.Error
			if !errors.As(err, &de) || de.Message == "" {
				t.Fatalf("%q: error %T %v", phrase, err, err)
			}
			return
		}
		if !end.After(start) || end.Sub(start) > 24*time.Hour || end.Location() != chi {
			t.Fatalf("%q: end %v for start %v", phrase, end, start)
		}
	})
}

func FuzzParseHours(f *testing.F) {
	for _, s := range []string{"", "mon-fri 07:00-18:00; sat 08:00-13:00", "mon,wed,fri 07:00-12:00,13:00-18:00",
		"fri-mon 09:00-17:00", "sun closed", "daily 00:00-24:00", "mon 9-5", ";;", "mon-fri"} {
		f.Add(s)
	}
	chi, _ := time.LoadLocation("America/Chicago")
	f.Fuzz(func(t *testing.T, spec string) {
		h, err := dates.ParseHours(spec)
		if err != nil {
			return
		}
		canon := h.String()
		again, err := dates.ParseHours(canon)
		if err != nil {
			t.Fatalf("%q: canonical %q does not parse: %v", spec, canon, err)
		}
		if again.String() != canon || again.IsZero() != h.IsZero() {
			t.Fatalf("%q: canonical %q round-trips to %q", spec, canon, again.String())
		}
		start := time.Date(2026, 12, 4, 9, 0, 0, 0, chi)
		_ = h.Contains(start, start.Add(time.Hour))
		_ = h.Contains(start, time.Time{})
	})
}

var benchPhrases = []string{
	"tomorrow at 9am", "tmrw 8", "thurs 2pm", "next mon at 10", "12/15 9:30", "dec 15th @ 3",
	"mon 9-11", "friday 10am for 1 hr", "today 4:30pm", "in 2 hrs", "Tomorrow, 9am!", "fri 9-11am",
	"12/15 at 9:30am", "in 3 days at 8am", "tomorrow 9-10am", "between 2 and 3pm", "December 15th 2pm",
	"sat morning", "tomorrow 9am oil change", "next tuesday 2:30pm",
}

func BenchmarkParse(b *testing.B) {
	chi, _ := time.LoadLocation("America/Chicago")
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, chi)
	opts := dates.Options{Location: chi}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_, _ = dates.Parse(benchPhrases[i%len(benchPhrases)], now, opts)
		i++
	}
}

// BenchmarkParseEach reports each phrase separately, to see the median.
func BenchmarkParseEach(b *testing.B) {
	chi, _ := time.LoadLocation("America/Chicago")
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, chi)
	opts := dates.Options{Location: chi}
	for _, p := range benchPhrases {
		b.Run(p, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = dates.Parse(p, now, opts)
			}
		})
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
