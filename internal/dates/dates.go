// Package dates reads the natural-language "When" field of the draft
// appointment modal (and its optional End and link-expiry fields) into wall
// times in the store's time zone, renders readings back for people, and
// checks them against the dealer's business hours (DEALER_HOURS).
//
// It owns every rule about what a service advisor's phrase means. The
// guiding rule is: never guess. Every word of the phrase must be understood
// (apart from filler such as "at", "on", "the", "for", "from", "between",
// "and", "to", "around", "@", "please", "appt", "appointment"), and every
// missing part that cannot be filled by a rule below is an error. Rejections
// are *Error values whose Message can be shown to the advisor as is.
//
// # Phrases understood
//
// The phrase is lower-cased; punctuation is dropped except ':' '.' '/' '-'
// inside numbers ("Tomorrow, 9am!", "tomorrow @ 9am" are fine). Chat
// spellings are understood: tmrw, tmr, tues, thurs, weds, hrs, mins, wks...
//
//   - Explicit dates: "Dec 15", "December 15th", "15 Dec", "15th of December",
//     "dec 15 2026", "12/15", "12/15/2026", "12/15/26", "12-15-2026",
//     "2026-12-15". Numeric month/day dates follow Options.Order: MDY (12/15)
//     by default, DMY (15/12) when configured; "2026-12-15" is always
//     year-month-day. A 4-digit number (1900-2199) right after a date is
//     its year. A dash between two plain numbers ("12-15") is a time range,
//     never a date; dashes next to a month name are ignored ("15-Dec-2026").
//   - A month and day without a year is this year, or next year when that
//     day is already past. A date that is today keeps today: "dec 3 8am" said
//     on Dec 3 at 2pm is in the past and rejected (not moved a year ahead).
//     Feb 29 in a year that is not a leap year is rejected.
//   - A lone ordinal ("the 15th") is this month's 15th, or the next month
//     that has that day once this month's is past. Like an explicit date,
//     today's ("the 3rd at 9am" said on the 3rd at 10am) is rejected as past.
//   - Relative days: "today", "tonight" (today, with pm for bare hours),
//     "tomorrow", "day after tomorrow", "yesterday", "in 3 days", "in 2
//     weeks", "3 days from now". These are calendar days: the stated wall
//     time is kept across a daylight-saving change.
//   - Weekdays: a bare weekday, "this <weekday>" or "this coming <weekday>"
//     is its next occurrence, today only when the time is still ahead.
//     "next <weekday>" is that weekday in the following calendar week (weeks
//     run Monday to Sunday): said on Thursday Dec 3, "next mon" is Dec 7,
//     "next fri" is Dec 11 and "next sun" is Dec 13. This keeps "this fri"
//     (tomorrow) and "next fri" (a week later) distinct, the way advisors use
//     them; "<weekday> next week" means the same. "last <weekday>" is its
//     previous occurrence before today (and so is rejected as past). A
//     weekday next to another date ("Fri, Dec 4") must agree with it.
//   - Times: "9am", "9:30 am", "9.30am", "930am", "14:00", "1400", "noon",
//     "9 o'clock", a bare "9". With am/pm the hour is 1-12 ("12am" is 00:00,
//     "12pm" is noon). Without am/pm, service-department hours apply: 7-11
//     are morning, 12 is noon, 1-6 are afternoon (bare "9" = 09:00, "2" =
//     14:00, "6:30" = 18:30). Hours 0 and 13-23, and hours written with a
//     leading zero ("07:00", "06:30"), are 24-hour clock. "morning" before
//     or after a bare hour makes it am; "afternoon", "evening", "night",
//     "tonight" make it pm; a bare 12 with such a word ("tonight 12") is
//     rejected as unclear. An explicit am/pm always wins.
//   - "midnight" is the end of the named day (24:00): "fri midnight" is
//     Saturday 00:00, a bare "midnight" is the coming one. "12am" is the
//     start of the named day: "fri 12am" is Friday 00:00.
//   - A time with no day ("9am", "at 4:30pm") is its next occurrence: today
//     if still ahead, else tomorrow.
//   - Ranges: "9-11am", "9 to 10:30", "from 2 to 3pm", "between 2 and 3pm",
//     "9am-11am" give a start and an end on the same day. An am/pm on one side
//     is applied to the other side when that gives an ordered range ("9-11am"
//     is 9-11 AM, "2-3pm" is 2-3 PM); otherwise the unmarked side follows
//     the bare-hour rule ("11-1pm" is 11 AM-1 PM, "9am-5" is 9 AM-5 PM). Two
//     bare hours follow the bare-hour rule ("11-1" is 11:00-13:00, "10-2" is
//     10:00-14:00). A range from the afternoon to an explicit morning time
//     ("11pm-1am", "22:00-02:00") ends the next day. Any other end that is
//     not after the start is rejected.
//   - Lengths: "at 9 for 2 hours", "9am for 90 min", "for 1.5 hrs", "1h30m",
//     "for an hour and a half" give an end. An end may be at most 24 hours
//     after the start.
//   - Relative times: "in 2 hours", "in 30 mins", "2 hours from now" are
//     elapsed time from now and supply their own day and time; they cannot
//     be combined with another day or time.
//
// A zone abbreviation is accepted only when it is the store's own ("CST"
// or "CT" for America/Chicago, as pasted from a Preview); any other zone is
// rejected rather than converted.
//
// Vague times of day ("sat morning", "tomorrow afternoon", "eod", "lunch",
// "asap") are not clock times and are rejected with "Add a time, e.g.
// 'tomorrow 9am'". "next week" or "weekend" without a day are rejected.
//
// # Results and rejections
//
// All readings are wall times in Options.Location; now is converted to it
// first. A Parse start must be strictly after now. Rejections:
//
//   - no time of day: "Add a time, e.g. 'tomorrow 9am'";
//   - in the past: names the reading, "Mon, Nov 30 · 9:00 AM EST is in the
//     past";
//   - impossible dates and times ("dec 32", "feb 30", "25:00", "99pm",
//     "13/45"): "... is an impossible date: December has only 31 days";
//   - anything not understood ("call me back", "123456", "oil change"):
//     "I couldn't read a date or time from ..." naming the words;
//   - a local time skipped by a daylight-saving change (2:30 AM on the
//     spring-forward day in America/New_York): "... doesn't exist ...". A
//     time that happens twice (1:30 AM on the fall-back day) is its first
//     occurrence, the earlier instant (EDT);
//   - an end not after the start: "The end (...) is before the start (...)";
//   - more than five years ahead.
//
// Layout is myKaarma's wall-clock format for sending readings on.
package dates

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Layout is myKaarma's wall-clock format, with no offset.
const Layout = "2006-01-02T15:04:05"

// DateOrder says how numeric dates such as 12/11 are read.
type DateOrder int

const (
	// MDY reads 12/11 as December 11 (the default).
	MDY DateOrder = iota
	// DMY reads 12/11 as 12 November.
	DMY
)

// String returns "MDY" or "DMY".
func (o DateOrder) String() string {
	if o == DMY {
		return "DMY"
	}
	return "MDY"
}

// ParseDateOrder reads "", "MDY" or "DMY" (any case); "" means MDY.
func ParseDateOrder(s string) (DateOrder, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "", "MDY":
		return MDY, nil
	case "DMY":
		return DMY, nil
	}
	return MDY, fmt.Errorf("dates: unknown date order %q (want MDY or DMY)", s)
}

// Options configure a reading.
type Options struct {
	// Location is the store's time zone. Required.
	Location *time.Location
	// Order is how numeric dates are read.
	Order DateOrder
}

// errNoLocation is a programming error, not something to show an advisor.
var errNoLocation = errors.New("dates: Options.Location is required")

// Reading is how a phrase was understood, in Options.Location.
type Reading struct {
	Start time.Time
	End   time.Time // zero when the phrase gave no end
}

// HasEnd reports whether the phrase gave an end.
func (r Reading) HasEnd() bool { return !r.End.IsZero() }

// Error is a rejection whose Message is safe and friendly to show a service
// advisor in Slack.
type Error struct{ Message string }

func (e *Error) Error() string { return e.Message }

// maxAhead bounds how far ahead a reading may be.
const maxAheadYears = 5

// maxLength bounds an end after its start.
const maxLength = 24 * time.Hour

// Parse reads the When phrase relative to now (converted to opts.Location).
// The start is strictly after now. See the package comment for the rules.
func Parse(phrase string, now time.Time, opts Options) (Reading, error) {
	if opts.Location == nil {
		return Reading{}, errNoLocation
	}
	now = now.In(opts.Location)
	sp, e := parsePhrase(phrase, opts.Order, now)
	if e != nil {
		return Reading{}, e
	}
	r, e := resolve(sp, now, opts.Location, modeParse)
	if e != nil {
		return Reading{}, e
	}
	return r, nil
}

// ParseEnd reads the optional separate End field given the start: a time of
// day on the start's day ("11am", "10:30", "1" by the bare-hour rule; an
// unmarked hour takes the start's am/pm when that is later, e.g. "7" after a
// 6 PM start is 7 PM; "midnight" is the end of the start's day; an explicit
// morning time after an afternoon start is the next day), or a length ("1h",
// "90 min", "1.5 hours", "for 2 hrs", "1h30m"). The end must be after the
// start and at most 24 hours later, else *Error.
func ParseEnd(phrase string, start time.Time, opts Options) (time.Time, error) {
	if opts.Location == nil {
		return time.Time{}, errNoLocation
	}
	start = start.In(opts.Location)
	sp, e := parsePhrase(phrase, opts.Order, start)
	if e != nil {
		return time.Time{}, e
	}
	end, e := resolveEnd(sp, start, opts.Location)
	if e != nil {
		return time.Time{}, e
	}
	return end, nil
}

// ParseExpiry reads the optional draft-link expiry: the same phrases as
// Parse, but a day with no time of day is allowed and means the end of that
// day (23:59:59); a time with no day follows Parse's rule. Ranges and lengths
// are rejected. The result is after now, else *Error.
func ParseExpiry(phrase string, now time.Time, opts Options) (time.Time, error) {
	if opts.Location == nil {
		return time.Time{}, errNoLocation
	}
	now = now.In(opts.Location)
	sp, e := parsePhrase(phrase, opts.Order, now)
	if e != nil {
		return time.Time{}, e
	}
	r, e := resolve(sp, now, opts.Location, modeExpiry)
	if e != nil {
		return time.Time{}, e
	}
	return r.Start, nil
}
