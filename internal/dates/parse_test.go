package dates_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/draftappt/draftappt/internal/dates"
)

// Expected answers below were written by hand from the rules in the package
// comment. Calendar facts used: 2026-12-03 is a Thursday; 2026-11-30 a
// Monday; 2027-01-01 a Friday; 2028-02-29 a Tuesday; America/New_York
// springs forward 2026-03-08 02:00 and falls back 2026-11-01 02:00;
// Australia/Sydney falls back 2026-04-05 03:00 and springs forward 2026-10-04
// 02:00; Europe/London springs forward 2027-03-28 01:00.

// parseCase is one row: now (wall time in tz), the phrase, and either the
// expected start/end (wall time in tz, "2006-01-02 15:04", optionally with a
// zone abbreviation to pin the offset) or an expected error substring.
type parseCase struct {
	now       string
	tz        string
	order     dates.DateOrder
	phrase    string
	wantStart string
	wantEnd   string
	wantErr   string
}

// block groups rows that share now, tz and order, to keep the table readable.
type block struct {
	now   string
	tz    string
	order dates.DateOrder
	rows  []row
}

// row is {phrase, wantStart, wantEnd, wantErr}.
type row [4]string

const (
	chi = "America/Chicago"
	nyc = "America/New_York"
	phx = "America/Phoenix"
	syd = "Australia/Sydney"
	lon = "Europe/London"
)

var parseBlocks = []block{
	// Thursday morning, the usual case.
	{"2026-12-03 10:00", chi, dates.MDY, []row{
		{"tomorrow at 9am", "2026-12-04 09:00", "", ""},
		{"tomorrow 9am", "2026-12-04 09:00", "", ""},
		{"Tomorrow, 9am!", "2026-12-04 09:00", "", ""},
		{"tomorrow @ 9am", "2026-12-04 09:00", "", ""},
		{"TOMORROW AT 9AM", "2026-12-04 09:00", "", ""},
		{"tmrw 9am", "2026-12-04 09:00", "", ""},
		{"tmr 9am", "2026-12-04 09:00", "", ""},
		{"tmrw 8", "2026-12-04 08:00", "", ""},
		{"tomorrow at 9", "2026-12-04 09:00", "", ""},
		{"tomorrow 2", "2026-12-04 14:00", "", ""},
		{"tomorrow 12", "2026-12-04 12:00", "", ""},
		{"tomorrow 6:30", "2026-12-04 18:30", "", ""},
		{"tomorrow 7", "2026-12-04 07:00", "", ""},
		{"tomorrow 06:30", "2026-12-04 06:30", "", ""},
		{"tomorrow 0800", "2026-12-04 08:00", "", ""},
		{"tomorrow 1400", "2026-12-04 14:00", "", ""},
		{"tomorrow 9:30 am", "2026-12-04 09:30", "", ""},
		{"tomorrow 9.30am", "2026-12-04 09:30", "", ""},
		{"tomorrow 930am", "2026-12-04 09:30", "", ""},
		{"tomorrow 14:00", "2026-12-04 14:00", "", ""},
		{"tomorrow noon", "2026-12-04 12:00", "", ""},
		{"noon tomorrow", "2026-12-04 12:00", "", ""},
		{"tomorrow 12 noon", "2026-12-04 12:00", "", ""},
		{"tomorrow 9 o'clock", "2026-12-04 09:00", "", ""},
		{"tomorrow 3 oclock", "2026-12-04 15:00", "", ""},
		{"tomorrow 8 pm", "2026-12-04 20:00", "", ""},
		{"tomorrow 8p", "2026-12-04 20:00", "", ""},
		{"tomorrow 8:30a", "2026-12-04 08:30", "", ""},
		{"tomorrow 9 a.m.", "2026-12-04 09:00", "", ""},
		{"tomorrow 12am", "2026-12-04 00:00", "", ""},
		{"tomorrow 12pm", "2026-12-04 12:00", "", ""},
		{"tomorrow 12:30am", "2026-12-04 00:30", "", ""},
		{"tomorrow midnight", "2026-12-05 00:00", "", ""},
		{"midnight", "2026-12-04 00:00", "", ""},
		{"12am", "2026-12-04 00:00", "", ""},
		{"tomorrow 0:30", "2026-12-04 00:30", "", ""},
		{"tomorrow 15", "2026-12-04 15:00", "", ""},
		{"tomorrow 23:59", "2026-12-04 23:59", "", ""},
		{"2morrow 10am", "2026-12-04 10:00", "", ""},
		{"tomorrow morning at 9", "2026-12-04 09:00", "", ""},
		{"tomorrow afternoon at 2", "2026-12-04 14:00", "", ""},
		{"tomorrow evening 6", "2026-12-04 18:00", "", ""},
		{"at 9 in the morning tomorrow", "2026-12-04 09:00", "", ""},
		{"tomorrow 9ish", "2026-12-04 09:00", "", ""},
		{"tomorrow around 10", "2026-12-04 10:00", "", ""},
		{"appt tomorrow at 10am please", "2026-12-04 10:00", "", ""},
		{"tomorrow - 9am", "2026-12-04 09:00", "", ""},
		{"tomorrow...9am", "2026-12-04 09:00", "", ""},
		{"tomorrow 9am CST", "2026-12-04 09:00", "", ""},
		{"tomorrow friday 9am", "2026-12-04 09:00", "", ""},
		{"tomorrow (fri) 9am", "2026-12-04 09:00", "", ""},
		{"tomorow 9am", "2026-12-04 09:00", "", ""},
		{"tommorow 9am", "2026-12-04 09:00", "", ""},

		// today
		{"today 4:30pm", "2026-12-03 16:30", "", ""},
		{"today at 3", "2026-12-03 15:00", "", ""},
		{"today noon", "2026-12-03 12:00", "", ""},
		{"today 11", "2026-12-03 11:00", "", ""},
		{"2day 1pm", "2026-12-03 13:00", "", ""},
		{"this afternoon at 3", "2026-12-03 15:00", "", ""},
		{"3 this afternoon", "2026-12-03 15:00", "", ""},
		{"tonight 7", "2026-12-03 19:00", "", ""},
		{"tonight at 6:30", "2026-12-03 18:30", "", ""},
		{"today 10:30am", "2026-12-03 10:30", "", ""},

		// a time with no day: next occurrence
		{"9am", "2026-12-04 09:00", "", ""},
		{"9", "2026-12-04 09:00", "", ""},
		{"10:30", "2026-12-03 10:30", "", ""},
		{"10am", "2026-12-04 10:00", "", ""},
		{"11", "2026-12-03 11:00", "", ""},
		{"2", "2026-12-03 14:00", "", ""},
		{"4:30pm", "2026-12-03 16:30", "", ""},
		{"at 4:30pm", "2026-12-03 16:30", "", ""},
		{"noon", "2026-12-03 12:00", "", ""},
		{"12", "2026-12-03 12:00", "", ""},
		{"6", "2026-12-03 18:00", "", ""},
		{"7", "2026-12-04 07:00", "", ""},
		{"8:15", "2026-12-04 08:15", "", ""},
		{"1:45", "2026-12-03 13:45", "", ""},
		{"13:00", "2026-12-03 13:00", "", ""},
		{"0:00", "2026-12-04 00:00", "", ""},
		{"9 o'clock", "2026-12-04 09:00", "", ""},
		{"at nine", "2026-12-04 09:00", "", ""},
		{"15", "2026-12-03 15:00", "", ""},

		// weekdays
		{"fri 9am", "2026-12-04 09:00", "", ""},
		{"friday 9am", "2026-12-04 09:00", "", ""},
		{"this friday 9am", "2026-12-04 09:00", "", ""},
		{"this coming friday at 9", "2026-12-04 09:00", "", ""},
		{"next fri 9am", "2026-12-11 09:00", "", ""},
		{"next friday 9am", "2026-12-11 09:00", "", ""},
		{"fri next week 9am", "2026-12-11 09:00", "", ""},
		{"next week friday at 9", "2026-12-11 09:00", "", ""},
		{"next mon at 10", "2026-12-07 10:00", "", ""},
		{"mon at 10", "2026-12-07 10:00", "", ""},
		{"next tuesday 2:30pm", "2026-12-08 14:30", "", ""},
		{"tues 2:30pm", "2026-12-08 14:30", "", ""},
		{"tue 8", "2026-12-08 08:00", "", ""},
		{"wed 3pm", "2026-12-09 15:00", "", ""},
		{"weds 3pm", "2026-12-09 15:00", "", ""},
		{"wednesday at 3", "2026-12-09 15:00", "", ""},
		{"thurs 2pm", "2026-12-03 14:00", "", ""},
		{"thu 2pm", "2026-12-03 14:00", "", ""},
		{"thursday 9am", "2026-12-10 09:00", "", ""},
		{"thu 10am", "2026-12-10 10:00", "", ""},
		{"thu 10:01am", "2026-12-03 10:01", "", ""},
		{"next thu 2pm", "2026-12-10 14:00", "", ""},
		{"next thursday 9", "2026-12-10 09:00", "", ""},
		{"sat 9", "2026-12-05 09:00", "", ""},
		{"saturday 8am", "2026-12-05 08:00", "", ""},
		{"next sat 8am", "2026-12-12 08:00", "", ""},
		{"sun 10am", "2026-12-06 10:00", "", ""},
		{"next sunday 10am", "2026-12-13 10:00", "", ""},
		{"mon 9-11", "2026-12-07 09:00", "2026-12-07 11:00", ""},
		{"fri 9-11am", "2026-12-04 09:00", "2026-12-04 11:00", ""},
		{"friday 10am for 1 hr", "2026-12-04 10:00", "2026-12-04 11:00", ""},
		{"Fri, Dec 4 9am", "2026-12-04 09:00", "", ""},
		{"fri dec 4 at 9", "2026-12-04 09:00", "", ""},
		{"Fri, Dec 4 · 9:00 AM CST", "2026-12-04 09:00", "", ""},
		{"Fri, Dec 4 · 9:00–10:00 AM CST", "2026-12-04 09:00", "2026-12-04 10:00", ""},
		{"mon dec 4 9am", "", "", "is a Friday, not a Monday"},
		{"tomorrow mon 9am", "", "", "not a Monday"},

		// explicit dates
		{"dec 15 10am", "2026-12-15 10:00", "", ""},
		{"Dec 15 at 10am", "2026-12-15 10:00", "", ""},
		{"december 15th 10am", "2026-12-15 10:00", "", ""},
		{"December 15th, 10am", "2026-12-15 10:00", "", ""},
		{"15 dec 10am", "2026-12-15 10:00", "", ""},
		{"15th december 10am", "2026-12-15 10:00", "", ""},
		{"15th of december at 10", "2026-12-15 10:00", "", ""},
		{"december the 15th at 10", "2026-12-15 10:00", "", ""},
		{"dec. 15 10am", "2026-12-15 10:00", "", ""},
		{"dec 15th @ 3", "2026-12-15 15:00", "", ""},
		{"dec 15 3pm", "2026-12-15 15:00", "", ""},
		{"dec 15 10", "2026-12-15 10:00", "", ""},
		{"dec 15, 2026 10am", "2026-12-15 10:00", "", ""},
		{"dec 15 2027 10am", "2027-12-15 10:00", "", ""},
		{"december fifteenth at 10am", "2026-12-15 10:00", "", ""},
		{"dec twenty-first 9am", "2026-12-21 09:00", "", ""},
		{"12/15 9:30", "2026-12-15 09:30", "", ""},
		{"12/15 at 9:30am", "2026-12-15 09:30", "", ""},
		{"12/15/2026 9am", "2026-12-15 09:00", "", ""},
		{"12/15/26 9am", "2026-12-15 09:00", "", ""},
		{"12-15-2026 9am", "2026-12-15 09:00", "", ""},
		{"2026-12-15 9am", "2026-12-15 09:00", "", ""},
		{"2026-12-15 14:00", "2026-12-15 14:00", "", ""},
		{"2026-12-15T14:00:00", "2026-12-15 14:00", "", ""},
		{"2026/12/15 2pm", "2026-12-15 14:00", "", ""},
		{"12/4 9am", "2026-12-04 09:00", "", ""},
		{"12/3 2pm", "2026-12-03 14:00", "", ""},
		{"dec 3 2pm", "2026-12-03 14:00", "", ""},
		{"dec 3 9am", "", "", "Thu, Dec 3 · 9:00 AM CST is in the past"},
		{"12/1 9am", "2027-12-01 09:00", "", ""},
		{"jan 5 9am", "2027-01-05 09:00", "", ""},
		{"1/5 9am", "2027-01-05 09:00", "", ""},
		{"jan 5th at 2", "2027-01-05 14:00", "", ""},
		{"march 3 10am", "2027-03-03 10:00", "", ""},
		{"sept 9 9am", "2027-09-09 09:00", "", ""},
		{"nov 30 9am", "2027-11-30 09:00", "", ""},
		{"the 15th at 9", "2026-12-15 09:00", "", ""},
		{"on the 4th at 9am", "2026-12-04 09:00", "", ""},
		{"the 3rd at 2pm", "2026-12-03 14:00", "", ""},
		{"the 3rd at 9am", "", "", "Thu, Dec 3 · 9:00 AM CST is in the past"},
		{"the 1st at 9", "2027-01-01 09:00", "", ""},
		{"the 31st at 9", "2026-12-31 09:00", "", ""},

		// relative days and times
		{"in 3 days at 8am", "2026-12-06 08:00", "", ""},
		{"in 2 weeks at 9", "2026-12-17 09:00", "", ""},
		{"in 1 week at 10am", "2026-12-10 10:00", "", ""},
		{"in a week at 10am", "2026-12-10 10:00", "", ""},
		{"in 2 wks at 10am", "2026-12-17 10:00", "", ""},
		{"day after tomorrow 10", "2026-12-05 10:00", "", ""},
		{"the day after tomorrow at 2pm", "2026-12-05 14:00", "", ""},
		{"3 days from now at 9", "2026-12-06 09:00", "", ""},
		{"in 1 day at 9am", "2026-12-04 09:00", "", ""},
		{"in 2 hours", "2026-12-03 12:00", "", ""},
		{"in 2 hrs", "2026-12-03 12:00", "", ""},
		{"in 30 mins", "2026-12-03 10:30", "", ""},
		{"in 45 minutes", "2026-12-03 10:45", "", ""},
		{"in an hour", "2026-12-03 11:00", "", ""},
		{"in half an hour", "2026-12-03 10:30", "", ""},
		{"in 1.5 hours", "2026-12-03 11:30", "", ""},
		{"in 1h30m", "2026-12-03 11:30", "", ""},
		{"2 hours from now", "2026-12-03 12:00", "", ""},
		{"in 90 min", "2026-12-03 11:30", "", ""},
		{"in 2 hours for 1 hour", "2026-12-03 12:00", "2026-12-03 13:00", ""},

		// ranges
		{"tomorrow 9-10am", "2026-12-04 09:00", "2026-12-04 10:00", ""},
		{"tomorrow 9-11am", "2026-12-04 09:00", "2026-12-04 11:00", ""},
		{"tomorrow 11-1", "2026-12-04 11:00", "2026-12-04 13:00", ""},
		{"tomorrow 11-1pm", "2026-12-04 11:00", "2026-12-04 13:00", ""},
		{"tomorrow 10-2", "2026-12-04 10:00", "2026-12-04 14:00", ""},
		{"tomorrow from 2 to 3pm", "2026-12-04 14:00", "2026-12-04 15:00", ""},
		{"tomorrow between 2 and 3pm", "2026-12-04 14:00", "2026-12-04 15:00", ""},
		{"tomorrow 9 to 10:30", "2026-12-04 09:00", "2026-12-04 10:30", ""},
		{"tomorrow 9am-11am", "2026-12-04 09:00", "2026-12-04 11:00", ""},
		{"tomorrow 9am - 11am", "2026-12-04 09:00", "2026-12-04 11:00", ""},
		{"tomorrow 9 am to 11 am", "2026-12-04 09:00", "2026-12-04 11:00", ""},
		{"tomorrow 9am-5", "2026-12-04 09:00", "2026-12-04 17:00", ""},
		{"tomorrow 2pm-4", "2026-12-04 14:00", "2026-12-04 16:00", ""},
		{"tomorrow 8-9pm", "2026-12-04 20:00", "2026-12-04 21:00", ""},
		{"tomorrow 12-1", "2026-12-04 12:00", "2026-12-04 13:00", ""},
		{"tomorrow 12-1pm", "2026-12-04 12:00", "2026-12-04 13:00", ""},
		{"tomorrow 9:30-10:30am", "2026-12-04 09:30", "2026-12-04 10:30", ""},
		{"tomorrow 2:30-3:30", "2026-12-04 14:30", "2026-12-04 15:30", ""},
		{"tomorrow 1-3pm", "2026-12-04 13:00", "2026-12-04 15:00", ""},
		{"tomorrow 3-5", "2026-12-04 15:00", "2026-12-04 17:00", ""},
		{"tomorrow 7-9", "2026-12-04 07:00", "2026-12-04 09:00", ""},
		{"tomorrow 10am-noon", "2026-12-04 10:00", "2026-12-04 12:00", ""},
		{"tomorrow noon-2", "2026-12-04 12:00", "2026-12-04 14:00", ""},
		{"tomorrow 11 till 1", "2026-12-04 11:00", "2026-12-04 13:00", ""},
		{"tomorrow 9 until 11", "2026-12-04 09:00", "2026-12-04 11:00", ""},
		{"tomorrow 11pm-1am", "2026-12-04 23:00", "2026-12-05 01:00", ""},
		{"tomorrow 22:00-02:00", "2026-12-04 22:00", "2026-12-05 02:00", ""},
		{"tomorrow 10pm-midnight", "2026-12-04 22:00", "2026-12-05 00:00", ""},
		{"tomorrow 10:00-11:30", "2026-12-04 10:00", "2026-12-04 11:30", ""},
		{"tomorrow 14:00-15:00", "2026-12-04 14:00", "2026-12-04 15:00", ""},
		{"tomorrow 9–10am", "2026-12-04 09:00", "2026-12-04 10:00", ""},
		{"9-10am", "2026-12-04 09:00", "2026-12-04 10:00", ""},
		{"11-1", "2026-12-03 11:00", "2026-12-03 13:00", ""},

		// lengths
		{"at 9 for 2 hours", "2026-12-04 09:00", "2026-12-04 11:00", ""},
		{"9am for 90 min", "2026-12-04 09:00", "2026-12-04 10:30", ""},
		{"tomorrow 9am for 1.5 hours", "2026-12-04 09:00", "2026-12-04 10:30", ""},
		{"tomorrow 9am for 2 hrs", "2026-12-04 09:00", "2026-12-04 11:00", ""},
		{"tomorrow 9am for an hour", "2026-12-04 09:00", "2026-12-04 10:00", ""},
		{"tomorrow 9am for half an hour", "2026-12-04 09:00", "2026-12-04 09:30", ""},
		{"tomorrow 9am for an hour and a half", "2026-12-04 09:00", "2026-12-04 10:30", ""},
		{"tomorrow 9am for 1 and a half hours", "2026-12-04 09:00", "2026-12-04 10:30", ""},
		{"tomorrow 9 for 45 mins", "2026-12-04 09:00", "2026-12-04 09:45", ""},
		{"tomorrow 9am 1h30m", "2026-12-04 09:00", "2026-12-04 10:30", ""},
		{"tomorrow 9am for 1h 30m", "2026-12-04 09:00", "2026-12-04 10:30", ""},
		{"tomorrow 9am for 1 hr 30 min", "2026-12-04 09:00", "2026-12-04 10:30", ""},
		{"tomorrow 9am 2h", "2026-12-04 09:00", "2026-12-04 11:00", ""},
		{"tomorrow 11pm for 2 hours", "2026-12-04 23:00", "2026-12-05 01:00", ""},
		{"tmrw 8 for 2hrs", "2026-12-04 08:00", "2026-12-04 10:00", ""},

		// no time of day
		{"sat morning", "", "", "Add a time, e.g. 'tomorrow 9am'"},
		{"tomorrow", "", "", "Add a time, e.g. 'tomorrow 9am'"},
		{"tomorrow morning", "", "", "Add a time, e.g. 'tomorrow 9am'"},
		{"monday", "", "", "Add a time, e.g. 'tomorrow 9am'"},
		{"next monday", "", "", "Add a time, e.g. 'tomorrow 9am'"},
		{"dec 15", "", "", "Add a time, e.g. 'tomorrow 9am'"},
		{"12/15", "", "", "Add a time, e.g. 'tomorrow 9am'"},
		{"in 3 days", "", "", "Add a time, e.g. 'tomorrow 9am'"},
		{"in 2 weeks", "", "", "Add a time, e.g. 'tomorrow 9am'"},
		{"eod", "", "", "Add a time, e.g. 'tomorrow 9am'"},
		{"tomorrow eod", "", "", "Add a time, e.g. 'tomorrow 9am'"},
		{"end of day", "", "", "Add a time, e.g. 'tomorrow 9am'"},
		{"asap", "", "", "Add a time, e.g. 'tomorrow 9am'"},
		{"now", "", "", "Add a time, e.g. 'tomorrow 9am'"},
		{"tomorrow afternoon", "", "", "Add a time, e.g. 'tomorrow 9am'"},
		{"tonight", "", "", "Add a time, e.g. 'tomorrow 9am'"},
		{"fri lunch", "", "", "Add a time, e.g. 'tomorrow 9am'"},
		{"tomorrow for 2 hours", "", "", "Add a time, e.g. 'tomorrow 9am'"},
		{"first thing tomorrow", "", "", "Add a time, e.g. 'tomorrow 9am'"},

		// in the past
		{"yesterday at 9am", "", "", "Wed, Dec 2 · 9:00 AM CST is in the past"},
		{"9am yesterday", "", "", "Wed, Dec 2 · 9:00 AM CST is in the past"},
		{"last friday 9am", "", "", "Fri, Nov 27 · 9:00 AM CST is in the past"},
		{"last thursday 2pm", "", "", "Thu, Nov 26 · 2:00 PM CST is in the past"},
		{"last friday", "", "", "Fri, Nov 27 is in the past"},
		{"yesterday", "", "", "Wed, Dec 2 is in the past"},
		{"12/1/2026", "", "", "Tue, Dec 1 is in the past"},
		{"today 8am", "", "", "Thu, Dec 3 · 8:00 AM CST is in the past"},
		{"today 10am", "", "", "Thu, Dec 3 · 10:00 AM CST is in the past"},
		{"12/15/2025 9am", "", "", "Mon, Dec 15 · 9:00 AM CST is in the past"},

		// impossible
		{"dec 32", "", "", "impossible date"},
		{"dec 32 9am", "", "", "December has only 31 days"},
		{"feb 30 9am", "", "", "February has at most 29 days"},
		{"feb 29 9am", "", "", "Feb 29 doesn't exist in 2027"},
		{"25:00", "", "", "impossible time"},
		{"tomorrow 25:00", "", "", "hours go from 0 to 23"},
		{"99pm", "", "", "impossible time"},
		{"tomorrow 13am", "", "", "impossible time"},
		{"tomorrow 9:75", "", "", "minutes go from 00 to 59"},
		{"13/45", "", "", "there is no month 13"},
		{"4/31 9am", "", "", "April has only 30 days"},
		{"0/5 9am", "", "", "there is no month 0"},
		{"15/12 9am", "", "", "there is no month 15"},

		// not a date, or not all of it understood
		{"call me back", "", "", `couldn't read a date or time from "call me back"`},
		{"123456", "", "", `couldn't read a date or time from "123456"`},
		{"", "", "", "couldn't read a date"},
		{"   ", "", "", "couldn't read a date"},
		{"!!!", "", "", "couldn't read a date"},
		{"at the", "", "", "couldn't read a date"},
		{"tomorrow 9am oil change", "", "", `"oil change"`},
		{"oil change tomorrow at 9", "", "", `"oil change"`},
		{"tomorrow 9am or 10am", "", "", `"or"`},
		{"half past 9", "", "", `"half past"`},
		{"quarter to 10", "", "", `"quarter"`},
		{"in 5", "", "", `"in"`},
		{"next", "", "", `couldn't read a date`},
		{"pm", "", "", `couldn't read a date`},
		{"1.5", "", "", `couldn't read a date`},
		{"xmas 10am", "", "", `"xmas"`},

		// other rejections
		{"9am EST", "", "", "different zone"},
		{"next week", "", "", "doesn't name a day"},
		{"next week 10am", "", "", "doesn't name a day"},
		{"this weekend 10am", "", "", "doesn't name a day"},
		{"dec", "", "", "needs a day"},
		{"december 10am", "", "", "needs a day"},
		{"tomorrow 9am-8am", "", "", "before the start"},
		{"tomorrow 3pm-2pm", "", "", "before the start"},
		{"tomorrow 6-7", "", "", "before the start"},
		{"tomorrow 9am for 30 hours", "", "", "more than 24 hours"},
		{"tomorrow in 2 hours", "", "", "can't be combined"},
		{"in 2 hours at 5pm", "", "", "can't be combined"},
		{"tomorrow 9am 10am", "", "", "more than one time"},
		{"tomorrow 9 9:30", "", "", "more than one time"},
		{"dec 15 12/16 9am", "", "", "more than one day"},
		{"mon tue 9am", "", "", "more than one day"},
		{"tomorrow 9-11 for 1 hour", "", "", "both a range"},
		{"2040-12-15 9am", "", "", "too far ahead"},
		{"in 10000 days at 9am", "", "", "too far ahead"},
	}},

	// Thursday afternoon.
	{"2026-12-03 15:00", chi, dates.MDY, []row{
		{"today 8am", "", "", "Thu, Dec 3 · 8:00 AM CST is in the past"},
		{"today 3pm", "", "", "Thu, Dec 3 · 3:00 PM CST is in the past"},
		{"9am", "2026-12-04 09:00", "", ""},
		{"4pm", "2026-12-03 16:00", "", ""},
		{"3pm", "2026-12-04 15:00", "", ""},
		{"thu 2pm", "2026-12-10 14:00", "", ""},
		{"thurs 4pm", "2026-12-03 16:00", "", ""},
		{"2", "2026-12-04 14:00", "", ""},
		{"6", "2026-12-03 18:00", "", ""},
		{"5-6", "2026-12-03 17:00", "2026-12-03 18:00", ""},
		{"2-3pm", "2026-12-04 14:00", "2026-12-04 15:00", ""},
		{"noon", "2026-12-04 12:00", "", ""},
		{"tonight 7", "2026-12-03 19:00", "", ""},
		{"in 2 hrs", "2026-12-03 17:00", "", ""},
		{"in 30 mins", "2026-12-03 15:30", "", ""},
		{"today 4:30pm", "2026-12-03 16:30", "", ""},
		{"the 3rd at 4pm", "2026-12-03 16:00", "", ""},
		{"dec 3 4pm", "2026-12-03 16:00", "", ""},
		{"dec 3 2pm", "", "", "Thu, Dec 3 · 2:00 PM CST is in the past"},
		{"midnight", "2026-12-04 00:00", "", ""},
		{"tomorrow 9", "2026-12-04 09:00", "", ""},
		{"this afternoon at 4", "2026-12-03 16:00", "", ""},
		{"this afternoon at 2", "", "", "is in the past"},
	}},

	// Month end, New York.
	{"2026-12-01 10:00", nyc, dates.MDY, []row{
		{"yesterday at 9am", "", "", "Mon, Nov 30 · 9:00 AM EST is in the past"},
		{"tomorrow 9am", "2026-12-02 09:00", "", ""},
		{"nov 30 9am", "2027-11-30 09:00", "", ""},
		{"12/31 5pm", "2026-12-31 17:00", "", ""},
	}},
	{"2026-11-30 16:00", nyc, dates.MDY, []row{
		{"tomorrow 9am", "2026-12-01 09:00", "", ""},
		{"in 3 days at 8am", "2026-12-03 08:00", "", ""},
		{"dec 1 9am", "2026-12-01 09:00", "", ""},
		{"12/1 9", "2026-12-01 09:00", "", ""},
		{"wed 10", "2026-12-02 10:00", "", ""},
		{"next mon 9", "2026-12-07 09:00", "", ""},
		{"mon 9", "2026-12-07 09:00", "", ""},
		{"mon 5pm", "2026-11-30 17:00", "", ""},
		{"the 1st at 9", "2026-12-01 09:00", "", ""},
		{"the 31st at 9", "2026-12-31 09:00", "", ""},
		{"the 30th at 5pm", "2026-11-30 17:00", "", ""},
		{"the 30th at 9am", "", "", "Mon, Nov 30 · 9:00 AM EST is in the past"},
		{"in 2 days at 9", "2026-12-02 09:00", "", ""},
		{"nov 31 9am", "", "", "November has only 30 days"},
		{"9am", "2026-12-01 09:00", "", ""},
		{"5", "2026-11-30 17:00", "", ""},
		{"4", "2026-12-01 16:00", "", ""},
	}},
	{"2027-01-31 12:00", chi, dates.MDY, []row{
		{"tomorrow 9am", "2027-02-01 09:00", "", ""},
		{"the 31st at 9", "", "", "Sun, Jan 31 · 9:00 AM CST is in the past"},
		{"the 31st at 1pm", "2027-01-31 13:00", "", ""},
		{"the 30th at 9", "2027-03-30 09:00", "", ""},
		{"the 29th at 9", "2027-03-29 09:00", "", ""},
		{"feb 28 9am", "2027-02-28 09:00", "", ""},
		{"in 1 week at 10", "2027-02-07 10:00", "", ""},
		{"2/29 9am", "", "", "Feb 29 doesn't exist in 2027"},
	}},

	// Year end.
	{"2026-12-31 15:00", chi, dates.MDY, []row{
		{"tomorrow 9am", "2027-01-01 09:00", "", ""},
		{"tmrw 9", "2027-01-01 09:00", "", ""},
		{"fri 9", "2027-01-01 09:00", "", ""},
		{"jan 2 10am", "2027-01-02 10:00", "", ""},
		{"1/4 9am", "2027-01-04 09:00", "", ""},
		{"next mon 9", "2027-01-04 09:00", "", ""},
		{"mon 9", "2027-01-04 09:00", "", ""},
		{"next thu 9", "2027-01-07 09:00", "", ""},
		{"thu 4pm", "2026-12-31 16:00", "", ""},
		{"today 5pm", "2026-12-31 17:00", "", ""},
		{"dec 31 5pm", "2026-12-31 17:00", "", ""},
		{"dec 31 9am", "", "", "Thu, Dec 31 · 9:00 AM CST is in the past"},
		{"12/30 9am", "2027-12-30 09:00", "", ""},
		{"in 2 weeks at 9", "2027-01-14 09:00", "", ""},
		{"in 3 days at 8am", "2027-01-03 08:00", "", ""},
		{"11pm-1am", "2026-12-31 23:00", "2027-01-01 01:00", ""},
		{"9am", "2027-01-01 09:00", "", ""},
		{"midnight", "2027-01-01 00:00", "", ""},
		{"the 2nd at 10", "2027-01-02 10:00", "", ""},
		{"12/31/2026 4pm", "2026-12-31 16:00", "", ""},
		{"1/1/2027 10am", "2027-01-01 10:00", "", ""},
		{"in 2 hours", "2026-12-31 17:00", "", ""},
	}},

	// Leap day, Phoenix (no daylight saving).
	{"2028-02-28 15:00", phx, dates.MDY, []row{
		{"tomorrow 9am", "2028-02-29 09:00 MST", "", ""},
		{"feb 29 10am", "2028-02-29 10:00", "", ""},
		{"2/29 10am", "2028-02-29 10:00", "", ""},
		{"29 feb 10am", "2028-02-29 10:00", "", ""},
		{"2028-02-29 9:00", "2028-02-29 09:00", "", ""},
		{"tue 9", "2028-02-29 09:00", "", ""},
		{"in 2 days at 9", "2028-03-01 09:00", "", ""},
		{"the 29th at 9", "2028-02-29 09:00", "", ""},
		{"the 30th at 9", "2028-03-30 09:00", "", ""},
		{"the 31st at 8am", "2028-03-31 08:00", "", ""},
		{"feb 28 4pm", "2028-02-28 16:00", "", ""},
		{"feb 28 9am", "", "", "Mon, Feb 28 · 9:00 AM MST is in the past"},
		{"mar 1 2pm", "2028-03-01 14:00", "", ""},
		{"2/30 9am", "", "", "impossible date"},
		{"next tue 9", "2028-03-07 09:00", "", ""},
		{"in 24 hours", "2028-02-29 15:00", "", ""},
	}},
	{"2026-03-07 12:00", phx, dates.MDY, []row{
		{"tomorrow 2:30am", "2026-03-08 02:30 MST", "", ""},
		{"in 24 hours", "2026-03-08 12:00 MST", "", ""},
	}},
	{"2026-10-31 12:00", phx, dates.MDY, []row{
		{"tomorrow 1:30am", "2026-11-01 01:30 MST", "", ""},
	}},

	// Spring forward, New York.
	{"2026-03-07 12:00", nyc, dates.MDY, []row{
		{"tomorrow 2:30am", "", "", "doesn't exist"},
		{"tomorrow 2am", "", "", "doesn't exist"},
		{"2:30am", "", "", "doesn't exist"},
		{"tomorrow 1:30am", "2026-03-08 01:30 EST", "", ""},
		{"tomorrow 3am", "2026-03-08 03:00 EDT", "", ""},
		{"tomorrow 3:30am", "2026-03-08 03:30 EDT", "", ""},
		{"tomorrow 10am", "2026-03-08 10:00 EDT", "", ""},
		{"in 1 day at 12pm", "2026-03-08 12:00 EDT", "", ""},
		{"in 24 hours", "2026-03-08 13:00 EDT", "", ""},
		{"in 1 week at 9am", "2026-03-14 09:00 EDT", "", ""},
		{"tomorrow 1-3am", "2026-03-08 01:00 EST", "2026-03-08 03:00 EDT", ""},
		{"sun 9am", "2026-03-08 09:00 EDT", "", ""},
		{"tomorrow 1am for 2 hours", "2026-03-08 01:00 EST", "2026-03-08 04:00 EDT", ""},
	}},

	// Fall back, New York.
	{"2026-10-31 12:00", nyc, dates.MDY, []row{
		{"tomorrow 1:30am", "2026-11-01 01:30 EDT", "", ""},
		{"1:30am", "2026-11-01 01:30 EDT", "", ""},
		{"tomorrow 1am", "2026-11-01 01:00 EDT", "", ""},
		{"tomorrow 2am", "2026-11-01 02:00 EST", "", ""},
		{"tomorrow 12:30am", "2026-11-01 00:30 EDT", "", ""},
		{"in 24 hours", "2026-11-01 11:00 EST", "", ""},
		{"tomorrow noon", "2026-11-01 12:00 EST", "", ""},
		{"in 1 day at 9am", "2026-11-01 09:00 EST", "", ""},
		{"tomorrow 1am for 2 hours", "2026-11-01 01:00 EDT", "2026-11-01 02:00 EST", ""},
		{"sun 1:30am-2:30am", "2026-11-01 01:30 EDT", "2026-11-01 02:30 EST", ""},
		{"next sun 10am", "2026-11-08 10:00 EST", "", ""},
	}},

	// Sydney, day/month.
	{"2026-12-03 10:00", syd, dates.DMY, []row{
		{"tmrw 9am", "2026-12-04 09:00 AEDT", "", ""},
		{"15/12 9am", "2026-12-15 09:00", "", ""},
		{"15/12/2026 2pm", "2026-12-15 14:00", "", ""},
		{"15.12.2026 14:00", "2026-12-15 14:00", "", ""},
		{"4/1 10am", "2027-01-04 10:00", "", ""},
		{"12/15 9am", "", "", "there is no month 15 (dates are read as day/month)"},
		{"15 dec 10am", "2026-12-15 10:00", "", ""},
		{"dec 15 10am", "2026-12-15 10:00", "", ""},
		{"2026-12-15 9:00", "2026-12-15 09:00", "", ""},
		{"31/12 5pm", "2026-12-31 17:00", "", ""},
		{"next fri 10", "2026-12-11 10:00", "", ""},
		{"3/12 9am", "", "", "Thu, Dec 3 · 9:00 AM AEDT is in the past"},
		{"3/12 11am", "2026-12-03 11:00", "", ""},
		{"13/45", "", "", "there is no month 45"},
		{"in 2 hours", "2026-12-03 12:00", "", ""},
		{"tomorrow arvo at 3", "2026-12-04 15:00", "", ""},
	}},
	{"2026-04-04 12:00", syd, dates.DMY, []row{
		{"tomorrow 2:30am", "2026-04-05 02:30 AEDT", "", ""},
		{"tomorrow 3:30am", "2026-04-05 03:30 AEST", "", ""},
	}},
	{"2026-10-03 12:00", syd, dates.DMY, []row{
		{"tomorrow 2:30am", "", "", "doesn't exist"},
		{"tomorrow 3:30am", "2026-10-04 03:30 AEDT", "", ""},
	}},

	// London, day/month.
	{"2026-12-03 10:00", lon, dates.DMY, []row{
		{"15/12 9am", "2026-12-15 09:00 GMT", "", ""},
		{"tomorrow 9", "2026-12-04 09:00", "", ""},
		{"25/12 10am", "2026-12-25 10:00", "", ""},
		{"25/12/26 10am", "2026-12-25 10:00", "", ""},
		{"friday 2pm", "2026-12-04 14:00", "", ""},
	}},
	{"2027-03-27 12:00", lon, dates.DMY, []row{
		{"tomorrow 1:30am", "", "", "doesn't exist"},
		{"tomorrow 2:30am", "2027-03-28 02:30 BST", "", ""},
	}},
}

func loadLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

// wall parses "2006-01-02 15:04" in loc.
func wall(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	require.NoError(t, err)
	return v
}

// fmtWant formats got like want: with a zone abbreviation when want has one.
func fmtWant(got time.Time, want string) string {
	if got.IsZero() {
		return ""
	}
	if strings.Count(want, " ") == 2 {
		return got.Format("2006-01-02 15:04 MST")
	}
	if strings.Count(want, ":") == 2 {
		return got.Format("2006-01-02 15:04:05")
	}
	return got.Format("2006-01-02 15:04")
}

func allParseCases() []parseCase {
	var out []parseCase
	for _, b := range parseBlocks {
		for _, r := range b.rows {
			out = append(out, parseCase{b.now, b.tz, b.order, r[0], r[1], r[2], r[3]})
		}
	}
	return out
}

func TestParseTable(t *testing.T) {
	cases := allParseCases()
	require.GreaterOrEqual(t, len(cases), 300)
	for _, tc := range cases {
		name := fmt.Sprintf("%s/%s/%s/%s", tc.tz, tc.now, tc.order, tc.phrase)
		t.Run(name, func(t *testing.T) {
			loc := loadLoc(t, tc.tz)
			now := wall(t, loc, tc.now)
			got, err := dates.Parse(tc.phrase, now, dates.Options{Location: loc, Order: tc.order})
			if tc.wantErr != "" {
				require.Error(t, err, "got %s", dates.Preview(got))
				var de *dates.Error
				require.ErrorAs(t, err, &de, "want *dates.Error, got %T", err)
				assert.Contains(t, de.Message, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.wantStart, fmtWant(got.Start, tc.wantStart), "start")
			assert.Equal(t, tc.wantEnd, fmtWant(got.End, tc.wantEnd), "end")
			assert.Equal(t, loc, got.Start.Location())
			assert.Equal(t, tc.wantEnd != "", got.HasEnd())
		})
	}
}

func TestParseNeedsLocation(t *testing.T) {
	_, err := dates.Parse("tomorrow 9am", time.Now(), dates.Options{})
	require.Error(t, err)
	var de *dates.Error
	assert.NotErrorAs(t, err, &de, "a missing location is a programming error, not an advisor message")
	_, err = dates.ParseEnd("1h", time.Now(), dates.Options{})
	require.Error(t, err)
	_, err = dates.ParseExpiry("tomorrow", time.Now(), dates.Options{})
	require.Error(t, err)
}

func TestParseConvertsNow(t *testing.T) {
	chicago := loadLoc(t, chi)
	// 2026-12-03 16:00 UTC is 10:00 in Chicago.
	now := time.Date(2026, 12, 3, 16, 0, 0, 0, time.UTC)
	got, err := dates.Parse("11am", now, dates.Options{Location: chicago})
	require.NoError(t, err)
	assert.Equal(t, "2026-12-03T11:00:00", got.Start.Format(dates.Layout))
	assert.Equal(t, chicago, got.Start.Location())
}

func TestParseDateOrder(t *testing.T) {
	for in, want := range map[string]dates.DateOrder{"": dates.MDY, "MDY": dates.MDY, "mdy": dates.MDY, "DMY": dates.DMY, "dmy": dates.DMY, " Dmy ": dates.DMY} {
		got, err := dates.ParseDateOrder(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"YMD", "m/d/y", "x"} {
		_, err := dates.ParseDateOrder(in)
		require.Error(t, err, in)
	}
	assert.Equal(t, "DMY", dates.DMY.String())
	assert.Equal(t, "MDY", dates.MDY.String())
}

func TestErrorMessage(t *testing.T) {
	e := &dates.Error{Message: "hello"}
	assert.Equal(t, "hello", e.Error())
}
