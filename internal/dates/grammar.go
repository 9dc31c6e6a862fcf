package dates

import (
	"fmt"
	"strings"
	"time"

	"github.com/olebedev/when/rules"
	"github.com/olebedev/when/rules/en"
)

// mer is a meridiem: am, pm or not said.
type mer uint8

const (
	merNone mer = iota
	merAM
	merPM
)

// clock is a time of day as typed, before the am/pm rules are applied.
type clock struct {
	h, m, s  int
	mer      mer  // said am/pm
	h24      bool // unambiguous 24-hour reading: 0, 13-23 or a leading zero ("07:00")
	noon     bool
	midnight bool // end of the named day (24:00)
	text     string
}

type dateKind uint8

const (
	dNone    dateKind = iota
	dAbs              // month/day, maybe year
	dRel              // today + rel calendar days
	dWeekday          // wd with mod
	dDOM              // day of month only ("the 15th")
)

// weekday modifiers beyond modThis/modNext/modLast
const (
	modThisWeek = iota + 10
	modLastWeek
)

type dateCand struct {
	dk       dateKind
	y, mo, d int
	rel      int
	wd       time.Weekday
	mod      int
	text     string
}

// spec is what the grammar understood, before it is placed on a calendar.
type spec struct {
	date   dateCand
	checks []dateCand // weekdays that must agree with date

	hasTime bool
	a, b    clock
	rng     bool

	hasDur  bool
	dur     time.Duration
	durText string

	hasRel  bool
	rel     time.Duration
	relText string

	period     mer
	periodText string
	vague      string
}

type parser struct {
	ref      time.Time // now (or the start), in the store's location
	toks     []token
	sp       spec
	order    DateOrder
	err      *Error // first "impossible" problem found
	dates    []dateCand
	times    []int // token index of each time found (for messages)
	timeText []string
}

// monthDateRule is olebedev/when's English month-name date rule ("dec 15",
// "15th of december", "december fifteenth"); it reads the month-name dates the
// grammar has already delimited. Built once: it compiles a regexp.
var monthDateRule = en.ExactMonthDate(rules.Override)

func (p *parser) tok(i int) *token {
	if i < 0 || i >= len(p.toks) || p.toks[i].used {
		return nil
	}
	return &p.toks[i]
}

func (p *parser) isCat(i int, c cat) bool {
	t := p.tok(i)
	return t != nil && t.kind == kWord && t.cat == c
}

func (p *parser) fail(e *Error) {
	if p.err == nil {
		p.err = e
	}
}

// parse runs the grammar over a phrase.
func parsePhrase(phrase string, order DateOrder, ref time.Time) (spec, *Error) {
	p := &parser{toks: lex(phrase), order: order, ref: ref}
	if len(p.toks) == 0 {
		if strings.TrimSpace(phrase) == "" {
			return spec{}, errf("I couldn't read a date or time: the field is empty. Try e.g. 'tomorrow 9am' or 'Dec 15 2:30pm'.")
		}
		return spec{}, errf("I couldn't read a date or time from %q. Try e.g. 'tomorrow 9am' or 'Dec 15 2:30pm'.", strings.TrimSpace(phrase))
	}
	p.patterns()
	p.durations()
	p.datesPass()
	p.timesPass()
	unknown := p.leftovers()
	if len(unknown) > 0 {
		all := true
		for i := range p.toks {
			if p.toks[i].used && !isFillerTok(p.toks[i]) {
				all = false
			}
		}
		if all {
			return spec{}, errf("I couldn't read a date or time from %q. Try e.g. 'tomorrow 9am' or 'Dec 15 2:30pm'.", strings.Join(unknown, " "))
		}
		return spec{}, errf("I couldn't read a date or time from %q in %q. Put only the date and time here, e.g. 'tomorrow 9am'.", strings.Join(unknown, " "), strings.TrimSpace(phrase))
	}
	if p.err != nil {
		return spec{}, p.err
	}
	if e := p.combineDates(); e != nil {
		return spec{}, e
	}
	if len(p.times) > 1 {
		return spec{}, errf("I found more than one time (%s). Give one time, or a range like '9-11am'.", strings.Join(p.timeText, ", "))
	}
	return p.sp, nil
}

func isFillerTok(t token) bool {
	if t.kind == kDash {
		return true
	}
	if t.kind != kWord {
		return false
	}
	switch t.cat {
	case cFiller, cThe, cOf, cFor, cFrom, cBetween, cAnd, cRangeSep:
		return true
	}
	return false
}

// patterns handles fixed multi-word expressions.
func (p *parser) patterns() {
	n := len(p.toks)
	for i := 0; i < n; i++ {
		t := p.tok(i)
		if t == nil {
			continue
		}
		if t.text == "first" && p.tok(i+1) != nil && p.toks[i+1].text == "thing" {
			p.sp.vague = "first thing"
			p.use(i, i+1)
			continue
		}
		if t.kind != kWord {
			continue
		}
		switch {
		// "day after tomorrow"
		case t.cat == cUnit && t.val == unitDay && t.text == "day" && p.isCat(i+1, cAfter) && p.isCat(i+2, cRelDay) && p.toks[i+2].val == 1:
			p.dates = append(p.dates, dateCand{dk: dRel, rel: 2, text: "day after tomorrow"})
			p.use(i, i+1, i+2)
		// "end of (the) day"
		case t.cat == cVague && t.text == "end" && p.isCat(i+1, cOf):
			j := i + 2
			if p.isCat(j, cThe) {
				j++
			}
			if tj := p.tok(j); tj != nil && (tj.text == "day" || tj.text == "business" || tj.text == "shift") {
				p.sp.vague = "end of day"
				for k := i; k <= j; k++ {
					p.use(k)
				}
			}
		// "this morning", "this afternoon": today
		case t.cat == cMod && t.val == modThis && p.isCat(i+1, cPeriod):
			p.dates = append(p.dates, dateCand{dk: dRel, rel: 0, text: "this " + p.toks[i+1].text})
			p.setPeriod(p.toks[i+1])
			p.use(i, i+1)
		// "in the morning"
		case t.cat == cIn && (p.isCat(i+1, cPeriod) || (p.isCat(i+1, cThe) && p.isCat(i+2, cPeriod))):
			j := i + 1
			if p.isCat(j, cThe) {
				j++
			}
			p.setPeriod(p.toks[j])
			for k := i; k <= j; k++ {
				p.use(k)
			}
		// "next week", "this week", "last week" (used with a weekday)
		case t.cat == cMod && p.isCat(i+1, cUnit) && p.toks[i+1].val == unitWeek && p.toks[i+1].text != "w":
			p.use(i, i+1)
			mod := map[int]int{modThis: modThisWeek, modNext: modNext, modLast: modLastWeek}[t.val]
			p.weekMod(mod, t.text+" "+p.toks[i+1].text)
		case t.cat == cWeekend || t.cat == cMonthWord:
			p.use(i)
			if p.isCat(i-1, cMod) {
				p.use(i - 1)
			}
			p.fail(errf("%q doesn't name a day. Give the day and time, e.g. 'sat 9am' or 'Dec 15 2:30pm'.", t.text))
		}
	}
}

// weekMod attaches "next week" etc. to a weekday in the phrase.
func (p *parser) weekMod(mod int, text string) {
	for i := range p.toks {
		t := p.tok(i)
		if t != nil && t.kind == kWord && t.cat == cWeekday && !p.isCat(i-1, cMod) {
			p.use(i)
			p.dates = append(p.dates, dateCand{dk: dWeekday, wd: time.Weekday(t.val), mod: mod, text: t.text + " " + text})
			return
		}
	}
	p.fail(errf("%q doesn't name a day. Add the day and time, e.g. 'next tue 9am'.", text))
}

func (p *parser) setPeriod(t token) {
	p.sp.period = mer(t.val)
	p.sp.periodText = t.text
	if t.cat == cRelDay {
		p.sp.period = merPM
	}
}

func (p *parser) use(idx ...int) {
	for _, i := range idx {
		if i >= 0 && i < len(p.toks) {
			p.toks[i].used = true
		}
	}
}

// durations finds "2 hours", "90 min", "1h30m", "an hour and a half" and
// decides from the words around them whether they are relative ("in 2 hours",
// "2 hours from now") or a length ("for 2 hours").
func (p *parser) durations() {
	for i := 0; i < len(p.toks); i++ {
		if p.tok(i) == nil {
			continue
		}
		d, days, isDays, end, ok := p.readDuration(i)
		if !ok {
			continue
		}
		text := p.textOf(i, end)
		for k := i; k < end; k++ {
			p.use(k)
		}
		relative := false
		relDays := 0
		switch {
		case p.isCat(i-1, cIn):
			p.use(i - 1)
			relative = true
			text = "in " + text
		case p.isCat(end, cFrom) && p.isCat(end+1, cNow):
			p.use(end, end+1)
			relative = true
			text += " from now"
		case p.isCat(end, cFrom) && p.isCat(end+1, cRelDay) && isDays && (p.toks[end+1].val == 0 || p.toks[end+1].val == 1):
			relDays = p.toks[end+1].val
			text += " from " + p.toks[end+1].text
			p.use(end, end+1)
			relative = true
		case p.isCat(i-1, cFor):
			p.use(i - 1)
			text = "for " + text
		}
		switch {
		case relative && isDays:
			p.dates = append(p.dates, dateCand{dk: dRel, rel: days + relDays, text: text})
		case relative:
			if p.sp.hasRel {
				p.fail(errf("I found two relative times (%s, %s). Give just one.", p.sp.relText, text))
			}
			p.sp.hasRel, p.sp.rel, p.sp.relText = true, d, text
		default:
			if p.sp.hasDur {
				p.fail(errf("I found two lengths (%s, %s). Give just one.", p.sp.durText, text))
			}
			if isDays {
				d = time.Duration(days) * 24 * time.Hour
			}
			p.sp.hasDur, p.sp.dur, p.sp.durText = true, d, text
		}
		i = end - 1
	}
}

const maxCount = 100000

// readDuration reads a duration starting at token i. It returns the elapsed
// duration for hour/minute units, or a count of calendar days for day/week
// units (which may not be mixed with hours/minutes), and the index after it.
func (p *parser) readDuration(i int) (d time.Duration, days int, isDays bool, end int, ok bool) {
	var total time.Duration
	var dayCount int
	sawTime, sawDays := false, false
	j := i
	terms := 0
	for {
		amount, unit, next, good := p.readTerm(j)
		if !good {
			// "1h30", "1hr30": a two-digit number right after a compact hour unit is minutes
			if terms > 0 && sawTime && !sawDays && j > 0 && (p.toks[j-1].text == "h" || p.toks[j-1].text == "hr") {
				if t := p.tok(j); t != nil && t.kind == kNum && !t.word && t.digits == 2 && t.val < 60 {
					total += time.Duration(t.val) * time.Minute
					j++
				}
			}
			break
		}
		terms++
		if total > maxCount*time.Hour {
			return 0, 0, false, 0, false
		}
		switch unit {
		case unitHour:
			total += time.Duration(amount * float64(time.Hour))
			sawTime = true
		case unitMinute:
			total += time.Duration(amount * float64(time.Minute))
			sawTime = true
		case unitDay, unitWeek:
			if amount != float64(int(amount)) {
				return 0, 0, false, 0, false
			}
			mult := 1
			if unit == unitWeek {
				mult = 7
			}
			dayCount += int(amount) * mult
			sawDays = true
		}
		j = next
		// "and a half"
		if p.isCat(j, cAnd) && p.tok(j+1) != nil && (p.toks[j+1].text == "a" || p.toks[j+1].cat == cArticle) && p.isCat(j+2, cHalf) {
			switch unit {
			case unitHour:
				total += 30 * time.Minute
			case unitMinute:
				total += 30 * time.Second
			default:
				return 0, 0, false, 0, false
			}
			j += 3
		}
		if p.isCat(j, cAnd) {
			if _, _, _, good := p.readTerm(j + 1); good {
				j++
			}
		}
	}
	if terms == 0 || (sawDays && sawTime) {
		return 0, 0, false, 0, false
	}
	return total, dayCount, sawDays, j, true
}

// readTerm reads "<amount> <unit>" at i: "2 hours", "1.5 hrs", "an hour",
// "half an hour", "90m", "1 and a half hours".
func (p *parser) readTerm(i int) (amount float64, unit int, next int, ok bool) {
	t := p.tok(i)
	if t == nil {
		return 0, 0, 0, false
	}
	j := i + 1
	switch {
	case t.kind == kNum:
		if t.val > maxCount {
			return 0, 0, 0, false
		}
		amount = float64(t.val)
	case t.kind == kDot:
		if t.pd[0] > 3 || t.pd[1] > 2 {
			return 0, 0, 0, false
		}
		f := float64(t.p[1])
		for k := 0; k < t.pd[1]; k++ {
			f /= 10
		}
		amount = float64(t.p[0]) + f
	case t.kind == kWord && (t.cat == cArticle || t.text == "a"):
		amount = 1
	case t.kind == kWord && t.cat == cHalf:
		amount = 0.5
		if n := p.tok(j); n != nil && (n.cat == cArticle || n.text == "a") && n.kind == kWord {
			j++
		}
	default:
		return 0, 0, 0, false
	}
	// "1 and a half hours"
	if t.kind == kNum && p.isCat(j, cAnd) && p.tok(j+1) != nil && (p.toks[j+1].text == "a" || p.toks[j+1].cat == cArticle) && p.isCat(j+2, cHalf) && p.isCat(j+3, cUnit) {
		amount += 0.5
		j += 3
	}
	u := p.tok(j)
	if u == nil || u.kind != kWord || u.cat != cUnit {
		return 0, 0, 0, false
	}
	if t.kind == kWord && u.text != "hour" && u.text != "minute" && u.text != "day" && u.text != "week" && u.text != "hr" && u.text != "min" && u.text != "wk" {
		// "an h" is not English; keep articles to full words
		return 0, 0, 0, false
	}
	return amount, u.val, j + 1, true
}

func (p *parser) textOf(i, end int) string {
	parts := make([]string, 0, end-i)
	for k := i; k < end && k < len(p.toks); k++ {
		parts = append(parts, p.toks[k].text)
	}
	return strings.Join(parts, " ")
}

// datesPass finds the day: numeric dates, month names, relative days,
// weekdays and lone ordinals.
func (p *parser) datesPass() {
	for i := 0; i < len(p.toks); i++ {
		t := p.tok(i)
		if t == nil {
			continue
		}
		switch {
		case t.kind == kDate:
			p.use(i)
			p.numericDate(i)
		case t.kind == kWord && t.cat == cMonth:
			p.monthDate(i)
		case t.kind == kWord && t.cat == cRelDay:
			p.use(i)
			rel := t.val
			if rel == 100 {
				rel = 0
				p.setPeriod(*t)
			}
			p.dates = append(p.dates, dateCand{dk: dRel, rel: rel, text: t.text})
		case t.kind == kWord && t.cat == cWeekday:
			p.use(i)
			c := dateCand{dk: dWeekday, wd: time.Weekday(t.val), text: t.text}
			if p.isCat(i-1, cMod) {
				c.mod = p.toks[i-1].val
				c.text = p.toks[i-1].text + " " + t.text
				p.use(i - 1)
				if c.mod == modThis && p.isCat(i-2, cMod) { // "this coming friday"
					p.use(i - 2)
				}
			}
			p.dates = append(p.dates, c)
		}
	}
	// lone ordinals: "the 15th"
	for i := range p.toks {
		t := p.tok(i)
		if t != nil && t.kind == kOrd {
			p.use(i)
			if t.val < 1 || t.val > 31 {
				p.fail(errf("%q is an impossible date: no month has a day %d.", t.text, t.val))
				continue
			}
			p.dates = append(p.dates, dateCand{dk: dDOM, d: t.val, text: "the " + t.text})
		}
	}
}

// yearAt reads a 4-digit year (or nothing) at i.
func (p *parser) yearAt(i int) (int, bool) {
	t := p.tok(i)
	if t == nil || t.kind != kNum || t.word || t.digits != 4 {
		return 0, false
	}
	if t.val < 1900 || t.val > 2199 {
		return 0, false
	}
	return t.val, true
}

func (p *parser) numericDate(i int) {
	t := &p.toks[i]
	var y, mo, d int
	yd := 0
	switch {
	case t.pd[0] == 4 && t.np == 3: // 2026-12-15, 2026/12/15
		y, mo, d, yd = t.p[0], t.p[1], t.p[2], 4
	case t.sep == '-' && t.np == 3 && t.pd[2] != 4 && t.pd[2] != 2:
		p.fail(errf("I couldn't read %q as a date. Try e.g. '12/15' or 'Dec 15'.", t.text))
		return
	default:
		mo, d = t.p[0], t.p[1]
		if p.order == DMY {
			mo, d = d, mo
		}
		if t.np == 3 {
			y, yd = t.p[2], t.pd[2]
		} else if yy, ok := p.yearAt(i + 1); ok {
			y, yd = yy, 4
			p.use(i + 1)
		}
	}
	if t.np == 3 {
		switch yd {
		case 2:
			y += 2000
		case 4:
		default:
			p.fail(errf("I couldn't read the year in %q. Try e.g. '12/15/2026'.", t.text))
			return
		}
	}
	if e := checkMonthDay(t.text, mo, d, p.order); e != nil {
		p.fail(e)
		return
	}
	p.dates = append(p.dates, dateCand{dk: dAbs, y: y, mo: mo, d: d, text: t.text})
}

func checkMonthDay(text string, mo, d int, order DateOrder) *Error {
	if mo < 1 || mo > 12 {
		how := "month/day"
		if order == DMY {
			how = "day/month"
		}
		return errf("%q is an impossible date: there is no month %d (dates are read as %s).", text, mo, how)
	}
	if d < 1 {
		return errf("%q is an impossible date: there is no day %d.", text, d)
	}
	maxd := daysIn(time.Month(mo), 2028) // leap year: Feb 29 is checked once the year is known
	if d > maxd {
		if mo == 2 {
			return errf("%q is an impossible date: February has at most 29 days.", text)
		}
		return errf("%q is an impossible date: %s has only %d days.", text, time.Month(mo), maxd)
	}
	return nil
}

func daysIn(m time.Month, y int) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// dayCandidate reports whether token i can be the day of a month-name date.
func (p *parser) dayCandidate(i int, after bool) bool {
	t := p.tok(i)
	if t == nil {
		return false
	}
	if t.kind == kOrd {
		return true
	}
	if t.kind != kNum || t.digits > 2 || (t.word && after) {
		return false
	}
	if !after {
		return true
	}
	// "dec 10am", "dec 9-11": the number is a time, not a day
	if n := p.tok(i + 1); n != nil {
		if n.kind == kDash || (n.kind == kWord && (n.cat == cMer || n.cat == cOclock || n.cat == cRangeSep || n.cat == cNoon || n.cat == cMidnight)) {
			return false
		}
	}
	return true
}

func (p *parser) monthDate(i int) {
	mt := &p.toks[i]
	p.use(i)
	var dayIdx, yearFrom int
	var src string
	switch {
	case p.dayCandidate(i+1, true):
		dayIdx, yearFrom = i+1, i+2
		src = mt.text + " " + p.toks[i+1].text
	case p.isCat(i+1, cThe) && p.dayCandidate(i+2, true) && p.toks[i+2].kind == kOrd:
		p.use(i + 1)
		dayIdx, yearFrom = i+2, i+3
		src = mt.text + " " + p.toks[i+2].text
	case p.dayCandidate(i-1, false):
		dayIdx, yearFrom = i-1, i+1
		src = p.toks[i-1].text + " " + mt.text
	case p.isCat(i-1, cOf) && p.dayCandidate(i-2, false) && p.toks[i-2].kind == kOrd:
		p.use(i - 1)
		dayIdx, yearFrom = i-2, i+1
		src = p.toks[i-2].text + " of " + mt.text
	default:
		p.fail(errf("%q needs a day, e.g. '%s 15 9am'.", mt.text, shortMonth(mt.val)))
		return
	}
	dt := &p.toks[dayIdx]
	p.use(dayIdx)
	mo, d := mt.val, dt.val
	// olebedev/when reads the delimited month-name date
	if m := monthDateRule.Find(src); m != nil && m.Text == src {
		ctx := &rules.Context{}
		if ok, err := m.Apply(ctx, nil, time.Time{}); ok && err == nil && ctx.Month != nil && ctx.Day != nil {
			mo, d = *ctx.Month, *ctx.Day
		}
	}
	text := src
	y := 0
	if yy, ok := p.yearAt(yearFrom); ok {
		y = yy
		p.use(yearFrom)
		text += " " + p.toks[yearFrom].text
	}
	if e := checkMonthDay(text, mo, d, MDY); e != nil {
		p.fail(e)
		return
	}
	p.dates = append(p.dates, dateCand{dk: dAbs, y: y, mo: mo, d: d, text: text})
}

func shortMonth(m int) string {
	return time.Month(m).String()[:3]
}

// combineDates keeps one date; weekdays next to another date become checks.
func (p *parser) combineDates() *Error {
	var primary []dateCand
	var wds []dateCand
	for _, c := range p.dates {
		if c.dk == dWeekday {
			wds = append(wds, c)
		} else {
			primary = append(primary, c)
		}
	}
	switch {
	case len(primary) > 1:
		return errf("I found more than one day (%s, %s). Give just one.", primary[0].text, primary[1].text)
	case len(primary) == 1:
		p.sp.date = primary[0]
		p.sp.checks = wds
	case len(wds) > 1:
		return errf("I found more than one day (%s, %s). Give just one.", wds[0].text, wds[1].text)
	case len(wds) == 1:
		p.sp.date = wds[0]
	}
	return nil
}

// timesPass finds the time of day or time range.
func (p *parser) timesPass() {
	for i := 0; i < len(p.toks); i++ {
		a, next, ok := p.readAtom(i)
		if !ok {
			continue
		}
		start := i
		// range: "9-11am", "9 to 10:30", "between 2 and 3pm"
		j := next
		if t := p.tok(j); t != nil && (t.kind == kDash || (t.kind == kWord && (t.cat == cRangeSep || (t.cat == cAnd && p.isCat(start-1, cBetween))))) {
			if b, next2, ok := p.readAtom(j + 1); ok {
				for k := start; k < next2; k++ {
					p.use(k)
				}
				p.addTime(a, b, true, p.textOf(start, next2))
				i = next2 - 1
				continue
			}
		}
		for k := start; k < next; k++ {
			p.use(k)
		}
		p.addTime(a, clock{}, false, a.text)
		i = next - 1
	}
}

func (p *parser) addTime(a, b clock, rng bool, text string) {
	p.times = append(p.times, 0)
	p.timeText = append(p.timeText, text)
	if e := a.validate(); e != nil {
		p.fail(e)
	}
	if rng {
		if e := b.validate(); e != nil {
			p.fail(e)
		}
	}
	p.sp.hasTime, p.sp.a, p.sp.b, p.sp.rng = true, a, b, rng
}

// readAtom reads one time of day at i.
func (p *parser) readAtom(i int) (c clock, next int, ok bool) {
	t := p.tok(i)
	if t == nil {
		return c, 0, false
	}
	j := i + 1
	switch {
	case t.kind == kClock:
		c = clock{h: t.p[0], m: t.p[1], s: t.p[2]}
		c.h24 = (t.pd[0] == 2 && t.p[0] < 10) || c.h == 0 || c.h >= 13
		if t.pd[1] != 2 || (t.np == 3 && t.pd[2] != 2) {
			c.m = 99 // "9:5" is not a time: reported as impossible
		}
	case t.kind == kDot && t.pd[1] == 2 && t.pd[0] <= 2:
		c = clock{h: t.p[0], m: t.p[1]}
		c.h24 = (t.pd[0] == 2 && t.p[0] < 10) || c.h == 0 || c.h >= 13
	case t.kind == kNum && t.digits <= 2:
		c = clock{h: t.val}
		c.h24 = (t.digits == 2 && t.text[0] == '0') || c.h == 0 || c.h >= 13
		if n := p.tok(j); n != nil && n.kind == kWord && t.val == 12 && (n.cat == cNoon || n.cat == cMidnight) {
			c = clock{noon: n.cat == cNoon, midnight: n.cat == cMidnight, h: 12}
			c.text = t.text + " " + n.text
			return c, j + 1, true
		}
	case t.kind == kNum && !t.word && (t.digits == 3 || t.digits == 4):
		c = clock{h: t.val / 100, m: t.val % 100}
		c.h24 = t.text[0] == '0' || c.h == 0 || c.h >= 13
	case t.kind == kWord && t.cat == cNoon:
		return clock{h: 12, noon: true, text: t.text}, j, true
	case t.kind == kWord && t.cat == cMidnight:
		return clock{h: 24, midnight: true, text: t.text}, j, true
	default:
		return c, 0, false
	}
	c.text = t.text
	if n := p.tok(j); n != nil && n.kind == kWord {
		switch n.cat {
		case cMer:
			c.mer = mer(n.val)
			c.text += n.text
			j++
			if o := p.tok(j); o != nil && o.kind == kWord && o.cat == cOclock {
				j++
			}
		case cOclock:
			c.text += " " + n.text
			j++
			if o := p.tok(j); o != nil && o.kind == kWord && o.cat == cMer {
				c.mer = mer(o.val)
				c.text += " " + o.text
				j++
			}
		}
	}
	return c, j, true
}

// validate reports impossible clock values.
func (c clock) validate() *Error {
	if c.noon || c.midnight {
		return nil
	}
	switch {
	case c.mer != merNone && (c.h == 0 || (c.h > 12 && (c.mer == merAM || c.h > 23))):
		return errf("%q is an impossible time: with am/pm the hour must be 1 to 12.", c.text)
	case c.h > 23:
		return errf("%q is an impossible time: hours go from 0 to 23.", c.text)
	case c.m > 59:
		return errf("%q is an impossible time: minutes go from 00 to 59.", c.text)
	case c.s > 59:
		return errf("%q is an impossible time: seconds go from 00 to 59.", c.text)
	}
	return nil
}

// leftovers records period and vague words and returns what was not understood.
func (p *parser) leftovers() []string {
	var unknown []string
	prevUnknown := false
	for i := range p.toks {
		t := &p.toks[i]
		if t.used {
			prevUnknown = false
			continue
		}
		if isFillerTok(*t) {
			prevUnknown = false
			continue
		}
		if t.kind == kWord && t.cat == cUnknown && zoneAbbrevs[t.text] {
			// "CST" pasted from a preview: fine when it is the store's zone
			if p.isStoreZone(t.text) {
				t.used = true
				continue
			}
			p.fail(errf("Times here are in the store's time zone (%s); %q is a different zone. Give the store's time.", p.ref.Format("MST"), strings.ToUpper(t.text)))
			t.used = true
			continue
		}
		if t.kind == kWord {
			switch t.cat {
			case cPeriod:
				p.setPeriod(*t)
				t.used = true
				prevUnknown = false
				continue
			case cVague, cNow:
				if p.sp.vague == "" {
					p.sp.vague = t.text
				}
				t.used = true
				prevUnknown = false
				continue
			}
		}
		if prevUnknown {
			unknown[len(unknown)-1] += " " + t.text
		} else {
			unknown = append(unknown, t.text)
		}
		prevUnknown = true
	}
	if len(unknown) > 1 {
		return []string{strings.Join(unknown, `", "`)}
	}
	return unknown
}

func errf(format string, args ...any) *Error {
	return &Error{Message: fmt.Sprintf(format, args...)}
}

var zoneAbbrevs = map[string]bool{
	"est": true, "edt": true, "cst": true, "cdt": true, "mst": true, "mdt": true, "pst": true, "pdt": true,
	"akst": true, "akdt": true, "hst": true, "ast": true, "adt": true, "utc": true, "gmt": true, "bst": true,
	"cet": true, "cest": true, "aest": true, "aedt": true, "acst": true, "acdt": true, "awst": true,
	"nzst": true, "nzdt": true, "et": true, "ct": true, "mt": true, "pt": true,
}

// isStoreZone reports whether abbr names the store's zone ("cst" or "ct" for
// America/Chicago, in winter or summer).
func (p *parser) isStoreZone(abbr string) bool {
	loc := p.ref.Location()
	for _, m := range [...]time.Month{time.January, time.July} {
		z, _ := time.Date(p.ref.Year(), m, 1, 12, 0, 0, 0, loc).Zone()
		z = strings.ToLower(z)
		if z == abbr || (len(abbr) == 2 && len(z) == 3 && z[0] == abbr[0] && z[2] == 't') {
			return true
		}
	}
	return false
}
