package dates_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/draftappt/draftappt/internal/dates"
)

func TestParseEndTable(t *testing.T) {
	cases := []struct {
		tz, start, phrase, want, wantErr string
	}{
		// start Fri Dec 4, 9:00 AM
		{chi, "2026-12-04 09:00", "11am", "2026-12-04 11:00", ""},
		{chi, "2026-12-04 09:00", "10:30", "2026-12-04 10:30", ""},
		{chi, "2026-12-04 09:00", "1", "2026-12-04 13:00", ""},
		{chi, "2026-12-04 09:00", "11", "2026-12-04 11:00", ""},
		{chi, "2026-12-04 09:00", "noon", "2026-12-04 12:00", ""},
		{chi, "2026-12-04 09:00", "12", "2026-12-04 12:00", ""},
		{chi, "2026-12-04 09:00", "2pm", "2026-12-04 14:00", ""},
		{chi, "2026-12-04 09:00", "14:00", "2026-12-04 14:00", ""},
		{chi, "2026-12-04 09:00", "until 11", "2026-12-04 11:00", ""},
		{chi, "2026-12-04 09:00", "to 11:30am", "2026-12-04 11:30", ""},
		{chi, "2026-12-04 09:00", "- 10am", "2026-12-04 10:00", ""},
		{chi, "2026-12-04 09:00", "11 o'clock", "2026-12-04 11:00", ""},
		{chi, "2026-12-04 09:00", "midnight", "2026-12-05 00:00", ""},
		{chi, "2026-12-04 09:00", "1h", "2026-12-04 10:00", ""},
		{chi, "2026-12-04 09:00", "90 min", "2026-12-04 10:30", ""},
		{chi, "2026-12-04 09:00", "1.5 hours", "2026-12-04 10:30", ""},
		{chi, "2026-12-04 09:00", "for 2 hrs", "2026-12-04 11:00", ""},
		{chi, "2026-12-04 09:00", "1h30m", "2026-12-04 10:30", ""},
		{chi, "2026-12-04 09:00", "1h30", "2026-12-04 10:30", ""},
		{chi, "2026-12-04 09:00", "an hour", "2026-12-04 10:00", ""},
		{chi, "2026-12-04 09:00", "45 mins", "2026-12-04 09:45", ""},
		{chi, "2026-12-04 09:00", "2 hours 15 minutes", "2026-12-04 11:15", ""},
		{chi, "2026-12-04 09:00", "half an hour", "2026-12-04 09:30", ""},
		{chi, "2026-12-04 09:00", "8am", "", "before the start"},
		{chi, "2026-12-04 09:00", "9am", "", "after the start"},
		{chi, "2026-12-04 09:00", "9", "", "after the start"},
		{chi, "2026-12-04 09:00", "8", "", "before the start"},
		{chi, "2026-12-04 09:00", "tomorrow 11am", "", "End field"},
		{chi, "2026-12-04 09:00", "10-11", "", "End field"},
		{chi, "2026-12-04 09:00", "30 hours", "", "more than 24 hours"},
		{chi, "2026-12-04 09:00", "soon", "", "isn't a clock time"},
		{chi, "2026-12-04 09:00", "", "", "couldn't read a date"},
		{chi, "2026-12-04 09:00", "blah", "", "couldn't read a date"},
		{chi, "2026-12-04 09:00", "25:00", "", "impossible time"},
		{chi, "2026-12-04 09:00", "0 min", "", "after the start"},
		// start Fri Dec 4, 6:00 PM
		{chi, "2026-12-04 18:00", "7", "2026-12-04 19:00", ""},
		{chi, "2026-12-04 18:00", "7pm", "2026-12-04 19:00", ""},
		{chi, "2026-12-04 18:00", "8:30", "2026-12-04 20:30", ""},
		{chi, "2026-12-04 18:00", "midnight", "2026-12-05 00:00", ""},
		{chi, "2026-12-04 18:00", "1am", "2026-12-05 01:00", ""},
		{chi, "2026-12-04 18:00", "6", "", "after the start"},
		{chi, "2026-12-04 18:00", "5pm", "", "before the start"},
		// start 11 PM
		{chi, "2026-12-04 23:00", "1am", "2026-12-05 01:00", ""},
		{chi, "2026-12-04 23:00", "1", "", "before the start"},
		{chi, "2026-12-04 23:00", "2h", "2026-12-05 01:00", ""},
		// across spring forward: elapsed lengths, wall-clock times
		{nyc, "2026-03-08 01:00", "2h", "2026-03-08 04:00 EDT", ""},
		{nyc, "2026-03-08 01:00", "3am", "2026-03-08 03:00 EDT", ""},
		{nyc, "2026-03-08 01:00", "2:30am", "", "doesn't exist"},
		{nyc, "2026-03-07 23:00", "3am", "2026-03-08 03:00 EDT", ""},
	}
	for _, tc := range cases {
		t.Run(tc.tz+"/"+tc.start+"/"+tc.phrase, func(t *testing.T) {
			loc := loadLoc(t, tc.tz)
			start := wall(t, loc, tc.start)
			got, err := dates.ParseEnd(tc.phrase, start, dates.Options{Location: loc})
			if tc.wantErr != "" {
				require.Error(t, err, "got %v", got)
				var de *dates.Error
				require.ErrorAs(t, err, &de)
				assert.Contains(t, de.Message, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, fmtWant(got, tc.want))
			assert.Equal(t, loc, got.Location())
		})
	}
}

func TestParseExpiryTable(t *testing.T) {
	const now = "2026-12-03 10:00" // Thursday
	cases := []struct {
		phrase, want, wantErr string
	}{
		{"tomorrow", "2026-12-04 23:59:59", ""},
		{"fri", "2026-12-04 23:59:59", ""},
		{"thu", "2026-12-03 23:59:59", ""},
		{"today", "2026-12-03 23:59:59", ""},
		{"tonight", "2026-12-03 23:59:59", ""},
		{"dec 15", "2026-12-15 23:59:59", ""},
		{"12/15", "2026-12-15 23:59:59", ""},
		{"Dec 15th", "2026-12-15 23:59:59", ""},
		{"the 15th", "2026-12-15 23:59:59", ""},
		{"in 3 days", "2026-12-06 23:59:59", ""},
		{"in 2 weeks", "2026-12-17 23:59:59", ""},
		{"next fri", "2026-12-11 23:59:59", ""},
		{"dec 3", "2026-12-03 23:59:59", ""},
		{"dec 1", "2027-12-01 23:59:59", ""},
		{"5pm", "2026-12-03 17:00:00", ""},
		{"9am", "2026-12-04 09:00:00", ""},
		{"tomorrow 5pm", "2026-12-04 17:00:00", ""},
		{"in 2 hours", "2026-12-03 12:00:00", ""},
		{"fri midnight", "2026-12-05 00:00:00", ""},
		{"yesterday", "", "Wed, Dec 2 · 11:59 PM CST is in the past"},
		{"today 8am", "", "is in the past"},
		{"tomorrow 9-10am", "", "single moment"},
		{"tomorrow 9am for 1h", "", "single moment"},
		{"next week", "", "doesn't name a day"},
		{"blah", "", "couldn't read a date"},
		{"", "", "couldn't read a date"},
		{"tomorrow morning", "", "isn't a clock time"},
		{"eod", "", "isn't a clock time"},
		{"feb 30", "", "impossible date"},
	}
	loc := loadLoc(t, chi)
	for _, tc := range cases {
		t.Run(tc.phrase, func(t *testing.T) {
			got, err := dates.ParseExpiry(tc.phrase, wall(t, loc, now), dates.Options{Location: loc})
			if tc.wantErr != "" {
				require.Error(t, err, "got %v", got)
				var de *dates.Error
				require.ErrorAs(t, err, &de)
				assert.Contains(t, de.Message, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.Format("2006-01-02 15:04:05"))
			assert.Equal(t, loc, got.Location())
		})
	}
}

func TestPreviewTable(t *testing.T) {
	c := loadLoc(t, chi)
	n := loadLoc(t, nyc)
	s := loadLoc(t, syd)
	l := loadLoc(t, lon)
	cases := []struct {
		start, end time.Time
		want       string
	}{
		{wall(t, c, "2026-12-04 09:00"), wall(t, c, "2026-12-04 10:00"), "Fri, Dec 4 · 9:00–10:00 AM CST"},
		{wall(t, c, "2026-12-04 09:00"), time.Time{}, "Fri, Dec 4 · 9:00 AM CST"},
		{wall(t, c, "2026-12-04 11:00"), wall(t, c, "2026-12-04 13:00"), "Fri, Dec 4 · 11:00 AM – 1:00 PM CST"},
		{wall(t, c, "2026-12-04 23:00"), wall(t, c, "2026-12-05 01:00"), "Fri, Dec 4 · 11:00 PM – Sat, Dec 5 · 1:00 AM CST"},
		{wall(t, c, "2026-12-04 14:30"), wall(t, c, "2026-12-04 15:45"), "Fri, Dec 4 · 2:30–3:45 PM CST"},
		{wall(t, c, "2026-12-04 12:00"), time.Time{}, "Fri, Dec 4 · 12:00 PM CST"},
		{wall(t, c, "2026-12-05 00:00"), time.Time{}, "Sat, Dec 5 · 12:00 AM CST"},
		{wall(t, c, "2026-07-04 09:00"), time.Time{}, "Sat, Jul 4 · 9:00 AM CDT"},
		{wall(t, s, "2026-12-04 09:00"), time.Time{}, "Fri, Dec 4 · 9:00 AM AEDT"},
		{wall(t, l, "2026-12-04 09:00"), wall(t, l, "2026-12-04 09:30"), "Fri, Dec 4 · 9:00–9:30 AM GMT"},
		// the start's zone abbreviation, even when the end is after a change
		{time.Date(2026, 3, 8, 1, 0, 0, 0, n), time.Date(2026, 3, 8, 3, 0, 0, 0, n), "Sun, Mar 8 · 1:00–3:00 AM EST"},
		// an end in another location is shown in the start's
		{wall(t, c, "2026-12-04 09:00"), wall(t, c, "2026-12-04 10:00").UTC(), "Fri, Dec 4 · 9:00–10:00 AM CST"},
		{time.Time{}, time.Time{}, ""},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, dates.Preview(dates.Reading{Start: tc.start, End: tc.end}))
	}
}

// TestPreviewOfParse checks the documented examples end to end.
func TestPreviewOfParse(t *testing.T) {
	loc := loadLoc(t, chi)
	now := wall(t, loc, "2026-12-03 10:00")
	for phrase, want := range map[string]string{
		"fri 9-10am":        "Fri, Dec 4 · 9:00–10:00 AM CST",
		"fri 9am":           "Fri, Dec 4 · 9:00 AM CST",
		"fri 11-1":          "Fri, Dec 4 · 11:00 AM – 1:00 PM CST",
		"fri 11pm for 2hrs": "Fri, Dec 4 · 11:00 PM – Sat, Dec 5 · 1:00 AM CST",
	} {
		r, err := dates.Parse(phrase, now, dates.Options{Location: loc})
		require.NoError(t, err, phrase)
		assert.Equal(t, want, dates.Preview(r), phrase)
	}
}

func TestHoursTable(t *testing.T) {
	c := loadLoc(t, chi)
	at := func(s string) time.Time { return wall(t, c, s) }
	// 2026-12-04 is a Friday, 12-05 Saturday, 12-06 Sunday, 12-08 Tuesday, 12-09 Wednesday.
	type check struct {
		start, end string
		want       bool
	}
	cases := []struct {
		spec    string
		canon   string
		wantErr string
		checks  []check
	}{
		{"", "", "", []check{{"2026-12-06 03:00", "", true}, {"2026-12-04 09:00", "2026-12-04 10:00", true}}},
		{"mon-fri 07:00-18:00; sat 08:00-13:00", "mon-fri 07:00-18:00; sat 08:00-13:00", "", []check{
			{"2026-12-04 09:00", "2026-12-04 10:00", true},
			{"2026-12-04 17:00", "2026-12-04 18:00", true},
			{"2026-12-04 17:30", "2026-12-04 18:30", false},
			{"2026-12-04 07:00", "", true},
			{"2026-12-04 06:59", "", false},
			{"2026-12-04 18:00", "", false},
			{"2026-12-04 23:00", "2026-12-05 01:00", false},
			{"2026-12-05 12:00", "2026-12-05 13:00", true},
			{"2026-12-05 13:00", "", false},
			{"2026-12-06 10:00", "", false},
		}},
		{"MON,WED,FRI 07:00-12:00, 13:00-18:00", "mon,wed,fri 07:00-12:00,13:00-18:00", "", []check{
			{"2026-12-09 12:30", "", false},
			{"2026-12-09 11:00", "2026-12-09 12:00", true},
			{"2026-12-09 11:00", "2026-12-09 13:30", false},
			{"2026-12-08 09:00", "", false},
		}},
		{"fri-mon 09:00-17:00", "mon,fri-sun 09:00-17:00", "", []check{
			{"2026-12-06 10:00", "", true},
			{"2026-12-08 10:00", "", false},
		}},
		{"mon-fri 7:00-18:00", "mon-fri 07:00-18:00", "", nil},
		{"Monday - Friday 07:00 - 18:00 ; Saturday 08:00-13:00;", "mon-fri 07:00-18:00; sat 08:00-13:00", "", nil},
		{"daily 08:00-20:00", "mon-sun 08:00-20:00", "", nil},
		{"mon-sun 00:00-24:00", "mon-sun 00:00-24:00", "", []check{
			{"2026-12-04 23:00", "2026-12-05 00:00", true},
			{"2026-12-04 23:00", "2026-12-05 00:30", false},
		}},
		{"sun closed", "mon-sun closed", "", []check{{"2026-12-04 09:00", "", false}}},
		{"mon-fri 07:00-12:00; mon-fri 11:00-18:00", "mon-fri 07:00-18:00", "", nil},
		{"mon-fri 08:00-17:00; sat 08:00-17:00; sun 10:00-14:00", "mon-sat 08:00-17:00; sun 10:00-14:00", "", nil},
		{"mon-fri", "", `clause "mon-fri"`, nil},
		{"funday 09:00-17:00", "", "funday", nil},
		{"mon 9-5", "", `clause "mon 9-5"`, nil},
		{"mon 18:00-07:00", "", "closes before it opens", nil},
		{"mon 25:00-26:00", "", "impossible time", nil},
		{"mon 09:00-17:00; xyz", "", `clause "xyz"`, nil},
		{"mon 24:00-24:00", "", "impossible time", nil},
	}
	for _, tc := range cases {
		t.Run(tc.spec, func(t *testing.T) {
			h, err := dates.ParseHours(tc.spec)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.spec == "", h.IsZero())
			assert.Equal(t, tc.canon, h.String())
			again, err := dates.ParseHours(h.String())
			require.NoError(t, err)
			assert.Equal(t, h.String(), again.String())
			for _, ck := range tc.checks {
				var end time.Time
				if ck.end != "" {
					end = at(ck.end)
				}
				assert.Equal(t, ck.want, h.Contains(at(ck.start), end), "%s - %s", ck.start, ck.end)
			}
		})
	}
}

func TestHoursUseStartLocation(t *testing.T) {
	h, err := dates.ParseHours("mon-fri 07:00-18:00")
	require.NoError(t, err)
	c := loadLoc(t, chi)
	start := time.Date(2026, 12, 4, 17, 0, 0, 0, c) // 17:00 CST = 23:00 UTC
	assert.True(t, h.Contains(start, time.Time{}))
	assert.False(t, h.Contains(start.UTC(), time.Time{}))
}

func TestHoursComparable(t *testing.T) {
	a, err := dates.ParseHours("mon-fri 07:00-18:00; sat 08:00-13:00")
	require.NoError(t, err)
	b, err := dates.ParseHours("Sat 08:00-13:00; mon,tue,wed 07:00-12:00; mon-wed 12:00-18:00; thu-fri 07:00-18:00")
	require.NoError(t, err)
	assert.Equal(t, a, b, "same hours should compare equal")
	z, err := dates.ParseHours("")
	require.NoError(t, err)
	assert.Equal(t, dates.Hours{}, z)
}
