package dates

import "time"

type mode uint8

const (
	modeParse mode = iota
	modeExpiry
)

// civil is a calendar day.
type civil struct {
	y int
	m time.Month
	d int
}

func civilOf(t time.Time) civil { return civil{t.Year(), t.Month(), t.Day()} }

func (c civil) add(n int) civil {
	return civilOf(time.Date(c.y, c.m, c.d+n, 12, 0, 0, 0, time.UTC))
}

func (c civil) weekday() time.Weekday {
	return time.Date(c.y, c.m, c.d, 12, 0, 0, 0, time.UTC).Weekday()
}

func (c civil) less(o civil) bool {
	if c.y != o.y {
		return c.y < o.y
	}
	if c.m != o.m {
		return c.m < o.m
	}
	return c.d < o.d
}

func (c civil) String() string {
	return time.Date(c.y, c.m, c.d, 12, 0, 0, 0, time.UTC).Format("Mon, Jan 2")
}

// instant places minutes-of-day (1440 = 24:00, the next day's midnight; more
// is the next day) on a calendar day in loc. A wall time skipped by a
// daylight-saving change is rejected; one that happens twice is its first
// occurrence.
func instant(c civil, min, sec int, loc *time.Location) (time.Time, *Error) {
	if min >= 1440 {
		c = c.add(min / 1440)
		min %= 1440
	}
	h, m := min/60, min%60
	t := time.Date(c.y, c.m, c.d, h, m, sec, 0, loc)
	if t.Year() != c.y || t.Month() != c.m || t.Day() != c.d || t.Hour() != h || t.Minute() != m {
		return t, errf("%s doesn't exist on %s in %s: the clocks jump forward for daylight saving. Pick another time.",
			clockText(min), c, loc)
	}
	for _, back := range [...]time.Duration{2 * time.Hour, time.Hour, 30 * time.Minute} {
		u := t.Add(-back)
		if u.Day() == t.Day() && u.Hour() == h && u.Minute() == m && u.Second() == t.Second() {
			return u, nil
		}
	}
	return t, nil
}

// clockText renders minutes-of-day as "9:00 AM".
func clockText(min int) string {
	min %= 1440
	return time.Date(2000, 1, 1, min/60, min%60, 0, 0, time.UTC).Format("3:04 PM")
}

// ----- clocks -----

// flexible reports whether am/pm is open: a bare 1-12 with no am/pm.
func (c clock) flexible() bool {
	return !c.noon && !c.midnight && c.mer == merNone && !c.h24 && c.h >= 1 && c.h <= 12
}

// minutes is the reading of a clock by the rules: am/pm if said, 24-hour
// clock if unambiguous, else service-department hours (1-6 afternoon, 7-12
// morning/noon).
func (c clock) minutes() int {
	switch {
	case c.noon:
		return 720
	case c.midnight:
		return 1440
	case c.mer != merNone:
		return c.withMer(c.mer)
	case c.h24:
		return c.h*60 + c.m
	case c.h >= 1 && c.h <= 6:
		return (c.h+12)*60 + c.m
	}
	return c.h*60 + c.m
}

func (c clock) withMer(m mer) int {
	if c.h > 12 {
		return c.h*60 + c.m
	}
	h := c.h % 12
	if m == merPM {
		h += 12
	}
	return h*60 + c.m
}

func merOfMin(min int) mer {
	if min%1440 < 720 {
		return merAM
	}
	return merPM
}

// withPeriod applies "morning"/"afternoon" to a bare hour.
func (c clock) withPeriod(p mer) clock {
	if p != merNone && c.flexible() && c.h != 12 {
		c.mer = p
	}
	return c
}

// rangeMinutes reads a range. It reports false when the end is not after the
// start.
func rangeMinutes(a, b clock) (s, e int, ok bool) {
	af, bf := !a.flexible(), !b.flexible()
	switch {
	case !af && bf:
		e = b.minutes()
		m := merOfMin(e)
		if b.midnight {
			m = merPM
		}
		s = a.withMer(m)
		if s >= e {
			s = a.minutes()
		}
	case af && !bf:
		s = a.minutes()
		e = b.withMer(merOfMin(s))
		if e <= s {
			e = b.minutes()
		}
	default:
		s, e = a.minutes(), b.minutes()
	}
	if e <= s && s >= 720 && e < 720 && (b.mer == merAM || b.h24) {
		e += 1440
	}
	return s, e, e > s
}

func endBeforeStart(s, e string) *Error {
	if s == e {
		return errf("The end (%s) is the same as the start: the end must be after the start.", e)
	}
	return errf("The end (%s) is before the start (%s): the end must be after the start.", e, s)
}

// ----- resolving a spec on the calendar -----

func (sp *spec) dateText() string {
	if sp.date.dk != dNone {
		return sp.date.text
	}
	return ""
}

func resolve(sp spec, now time.Time, loc *time.Location, md mode) (Reading, *Error) {
	var r Reading
	if md == modeExpiry && (sp.rng || sp.hasDur) {
		return r, errf("An expiry is a single moment: give one date and time, e.g. 'Dec 15 5pm' or 'fri'.")
	}
	if sp.hasRel {
		if sp.date.dk != dNone || sp.hasTime {
			other := sp.dateText()
			if sp.hasTime {
				other = sp.a.text
			}
			return r, errf("%q already says when, so it can't be combined with %q. Use one or the other.", sp.relText, other)
		}
		if sp.rel > maxAheadYears*366*24*time.Hour {
			return r, errf("%q is too far ahead: pick a time within %d years.", sp.relText, maxAheadYears)
		}
		r.Start = now.Add(sp.rel)
		if !r.Start.After(now) {
			return r, errf("%q is not after now: pick a time after now.", sp.relText)
		}
		if sp.hasDur {
			r.End = r.Start.Add(sp.dur)
		}
		return r, checkEnd(r)
	}

	if sp.period != merNone && sp.hasTime && ((sp.a.flexible() && sp.a.h == 12) || (sp.rng && sp.b.flexible() && sp.b.h == 12)) {
		return r, errf("%q with 12 is unclear: say '12pm' (noon) or 'midnight'.", sp.periodText)
	}
	var sMin, eMin, sec int
	noTime := false
	switch {
	case sp.hasTime && sp.rng:
		a, b := sp.a.withPeriod(sp.period), sp.b.withPeriod(sp.period)
		var ok bool
		sMin, eMin, ok = rangeMinutes(a, b)
		if !ok {
			return r, endBeforeStart(clockText(sMin), clockText(eMin))
		}
		sec = a.s
	case sp.hasTime:
		a := sp.a.withPeriod(sp.period)
		sMin, sec = a.minutes(), a.s
	case sp.vague != "":
		return r, errf("%q isn't a clock time. Add a time, e.g. 'tomorrow 9am'.", sp.vague)
	case sp.periodText != "" && (md != modeExpiry || sp.date.text != "tonight"):
		return r, errf("%q isn't a clock time. Add a time, e.g. 'tomorrow 9am'.", sp.periodText)
	case md == modeExpiry && sp.date.dk != dNone:
		sMin, sec = 23*60+59, 59
	case sp.date.dk != dNone && !sp.hasDur && sp.periodText == "":
		// A day with no time: resolve the day (with the day's last second)
		// first, so a day already gone ("yesterday", "last friday") is
		// reported as past, naming it, rather than as merely missing a time.
		noTime = true
		sMin, sec = 23*60+59, 59
	case sp.date.dk != dNone || sp.hasDur || sp.periodText != "":
		what := sp.dateText()
		if what == "" {
			what = sp.durText
		}
		return r, errf("%q has no time of day. Add a time, e.g. 'tomorrow 9am'.", what)
	default:
		return r, errf("I couldn't read a date or time. Try e.g. 'tomorrow 9am' or 'Dec 15 2:30pm'.")
	}

	today := civilOf(now)
	ahead := func(c civil) bool {
		t, _ := instant(c, sMin, sec, loc)
		return t.After(now)
	}
	var day civil
	d := sp.date
	switch d.dk {
	case dNone:
		day = today
		if !ahead(day) {
			day = today.add(1)
		}
	case dRel:
		if d.rel > maxAheadYears*366 {
			return r, errf("%q is too far ahead: pick a time within %d years.", d.text, maxAheadYears)
		}
		day = today.add(d.rel)
	case dAbs:
		y := d.y
		if y == 0 {
			y = today.y
			if (civil{y, time.Month(d.mo), d.d}).less(today) {
				y++
			}
		}
		if d.d > daysIn(time.Month(d.mo), y) {
			return r, errf("%q is an impossible date: Feb 29 doesn't exist in %d (not a leap year).", d.text, y)
		}
		day = civil{y, time.Month(d.mo), d.d}
	case dWeekday:
		tw := int(today.weekday())
		wd := int(d.wd)
		monday := today.add(-((tw + 6) % 7))
		switch d.mod {
		case modNext:
			day = monday.add(7 + (wd+6)%7)
		case modLast:
			n := (tw - wd + 7) % 7
			if n == 0 {
				n = 7
			}
			day = today.add(-n)
		case modThisWeek:
			day = monday.add((wd + 6) % 7)
		case modLastWeek:
			day = monday.add(-7 + (wd+6)%7)
		default:
			n := (wd - tw + 7) % 7
			day = today.add(n)
			if n == 0 && !ahead(day) {
				day = today.add(7)
			}
		}
	case dDOM:
		found := false
		for k := 0; k < 14 && !found; k++ {
			first := civilOf(time.Date(today.y, today.m+time.Month(k), 1, 12, 0, 0, 0, time.UTC))
			if d.d > daysIn(first.m, first.y) {
				continue
			}
			c := civil{first.y, first.m, d.d}
			if !c.less(today) { // today with a past time is rejected as past, like an explicit date
				day, found = c, true
			}
		}
	}
	for _, c := range sp.checks {
		if day.weekday() != c.wd {
			return r, errf("%s is a %s, not a %s. Check the day and the date.", day, day.weekday(), c.wd)
		}
	}
	start, e := instant(day, sMin, sec, loc)
	if e != nil {
		return r, e
	}
	if noTime {
		if !start.After(now) {
			return Reading{}, errf("%s is in the past. Pick a day and time after now.", start.Format("Mon, Jan 2"))
		}
		return r, errf("%q has no time of day. Add a time, e.g. 'tomorrow 9am'.", sp.dateText())
	}
	r.Start = start
	switch {
	case sp.rng && sp.hasDur:
		return r, errf("I found both a range (%s-%s) and a length (%s). Give just one.", sp.a.text, sp.b.text, sp.durText)
	case sp.rng:
		end, e := instant(day, eMin, sp.b.s, loc)
		if e != nil {
			return r, e
		}
		r.End = end
	case sp.hasDur:
		r.End = start.Add(sp.dur)
	}
	if !r.Start.After(now) {
		return Reading{}, errf("%s is in the past. Pick a time after now.", previewStart(r.Start))
	}
	if r.Start.After(now.AddDate(maxAheadYears, 0, 0)) {
		return Reading{}, errf("%s is too far ahead: pick a time within %d years.", previewStart(r.Start), maxAheadYears)
	}
	return r, checkEnd(r)
}

func checkEnd(r Reading) *Error {
	if !r.HasEnd() {
		return nil
	}
	if !r.End.After(r.Start) {
		return endBeforeStart(r.Start.Format("3:04 PM"), r.End.Format("3:04 PM"))
	}
	if r.End.Sub(r.Start) > maxLength {
		return errf("The end (%s) is more than 24 hours after the start. Give an end within a day.", previewStart(r.End))
	}
	return nil
}

// resolveEnd reads the End field against a start.
func resolveEnd(sp spec, start time.Time, loc *time.Location) (time.Time, *Error) {
	if sp.date.dk != dNone || len(sp.checks) > 0 || sp.rng || sp.hasRel || (sp.hasTime && sp.hasDur) {
		return time.Time{}, errf("The End field takes one time or a length, e.g. '11am' or '1h'.")
	}
	var end time.Time
	switch {
	case sp.hasDur:
		end = start.Add(sp.dur)
	case sp.hasTime:
		a := clock{h: start.Hour(), m: start.Minute(), h24: true}
		b := sp.a.withPeriod(sp.period)
		sMin, eMin, ok := rangeMinutes(a, b)
		if !ok {
			return time.Time{}, endBeforeStart(start.Format("3:04 PM"), clockText(eMin))
		}
		_ = sMin
		t, e := instant(civilOf(start), eMin, b.s, loc)
		if e != nil {
			return time.Time{}, e
		}
		end = t
	case sp.vague != "" || sp.periodText != "":
		w := sp.vague
		if w == "" {
			w = sp.periodText
		}
		return time.Time{}, errf("%q isn't a clock time. Give an end time or a length, e.g. '11am' or '1h'.", w)
	default:
		return time.Time{}, errf("I couldn't read an end time. Give a time or a length, e.g. '11am' or '1h'.")
	}
	if e := checkEnd(Reading{Start: start, End: end}); e != nil {
		return time.Time{}, e
	}
	return end, nil
}
