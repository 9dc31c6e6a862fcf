package dates

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Hours are a dealer's business hours, from DEALER_HOURS.
//
// Format: one or more clauses separated by ';'. Each clause is a day list
// followed by one or more time ranges separated by ',' (or the word
// "closed"):
//
//	mon-fri 07:00-18:00; sat 08:00-13:00
//	mon,wed,fri 07:00-12:00, 13:00-18:00; tue-thu 08:00-17:00
//
// Days are mon, tue, wed, thu, fri, sat, sun (full names work too, and
// "daily"), as single days, ranges ("mon-fri"; "fri-mon" wraps over the
// weekend) or comma lists ("mon,wed,fri", "mon-wed,fri"). Times are HH:MM on
// the 24-hour clock, opening before closing; "24:00" closes at midnight.
// Case and spaces do not matter. A day may appear in several clauses (its
// ranges add up). A day not listed is closed. An empty spec means "not
// configured": every time is accepted.
//
// Hours is comparable: two specs meaning the same hours give equal values.
type Hours struct {
	set  bool
	days [7]string // by time.Weekday: merged spans, packed by packSpans
}

type span struct{ open, close int } // minutes of the day; close may be 1440

var hourDays = map[string]time.Weekday{
	"sun": time.Sunday, "sunday": time.Sunday,
	"mon": time.Monday, "monday": time.Monday,
	"tue": time.Tuesday, "tues": time.Tuesday, "tuesday": time.Tuesday,
	"wed": time.Wednesday, "weds": time.Wednesday, "wednesday": time.Wednesday,
	"thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "thursday": time.Thursday,
	"fri": time.Friday, "friday": time.Friday,
	"sat": time.Saturday, "saturday": time.Saturday,
}

var dayNames = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// ParseHours reads a DEALER_HOURS spec. "" gives the zero Hours, meaning not
// configured. Errors name the clause that is wrong.
func ParseHours(spec string) (Hours, error) {
	var h Hours
	var days [7][]span
	for _, clause := range strings.Split(spec, ";") {
		c := strings.ToLower(strings.Join(strings.Fields(clause), ""))
		if c == "" {
			continue
		}
		if err := addClause(&days, c); err != nil {
			return Hours{}, fmt.Errorf("dates: DEALER_HOURS clause %q: %w", strings.TrimSpace(clause), err)
		}
		h.set = true
	}
	for d := range days {
		h.days[d] = packSpans(mergeSpans(days[d]))
	}
	return h, nil
}

// packSpans packs spans into a string (4 bytes each) so Hours stay comparable.
func packSpans(ss []span) string {
	b := make([]byte, 0, 4*len(ss))
	for _, s := range ss {
		b = append(b, byte(s.open>>8), byte(s.open), byte(s.close>>8), byte(s.close))
	}
	return string(b)
}

func unpackSpans(p string) []span {
	ss := make([]span, 0, len(p)/4)
	for i := 0; i+3 < len(p); i += 4 {
		ss = append(ss, span{int(p[i])<<8 | int(p[i+1]), int(p[i+2])<<8 | int(p[i+3])})
	}
	return ss
}

func addClause(h *[7][]span, c string) error {
	cut := strings.IndexAny(c, "0123456789")
	closed := false
	if k := strings.Index(c, "closed"); k >= 0 && (cut < 0 || k < cut) {
		cut, closed = k, true
		if c[k:] != "closed" {
			return fmt.Errorf("nothing may follow \"closed\"")
		}
	}
	if cut <= 0 {
		return fmt.Errorf("want days then times, e.g. \"mon-fri 07:00-18:00\"")
	}
	days, err := parseDays(c[:cut])
	if err != nil {
		return err
	}
	if closed {
		return nil
	}
	var spans []span
	for _, r := range strings.Split(c[cut:], ",") {
		o, cl, ok := strings.Cut(r, "-")
		if !ok {
			return fmt.Errorf("bad time range %q, want HH:MM-HH:MM", r)
		}
		open, err := parseHHMM(o, false)
		if err != nil {
			return err
		}
		close, err := parseHHMM(cl, true)
		if err != nil {
			return err
		}
		if close <= open {
			return fmt.Errorf("time range %q closes before it opens", r)
		}
		spans = append(spans, span{open, close})
	}
	for d, on := range days {
		if on {
			h[d] = append(h[d], spans...)
		}
	}
	return nil
}

func parseDays(s string) ([7]bool, error) {
	var out [7]bool
	if s == "daily" || s == "everyday" {
		for d := range out {
			out[d] = true
		}
		return out, nil
	}
	for _, part := range strings.Split(s, ",") {
		a, b, isRange := strings.Cut(part, "-")
		from, ok := hourDays[a]
		if !ok {
			return out, fmt.Errorf("unknown day %q (use mon, tue, wed, thu, fri, sat, sun)", a)
		}
		to := from
		if isRange {
			if to, ok = hourDays[b]; !ok {
				return out, fmt.Errorf("unknown day %q (use mon, tue, wed, thu, fri, sat, sun)", b)
			}
		}
		for d := from; ; d = (d + 1) % 7 {
			out[d] = true
			if d == to {
				break
			}
		}
	}
	return out, nil
}

func parseHHMM(s string, isClose bool) (int, error) {
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(hh) < 1 || len(hh) > 2 || len(mm) != 2 || !allDigits([]string{hh, mm}) {
		return 0, fmt.Errorf("bad time %q, want HH:MM (24-hour)", s)
	}
	h, m := atoi(hh), atoi(mm)
	if m > 59 || h > 24 || (h == 24 && (m != 0 || !isClose)) {
		return 0, fmt.Errorf("impossible time %q", s)
	}
	return h*60 + m, nil
}

func mergeSpans(in []span) []span {
	if len(in) == 0 {
		return nil
	}
	sort.Slice(in, func(i, j int) bool { return in[i].open < in[j].open })
	out := []span{in[0]}
	for _, s := range in[1:] {
		last := &out[len(out)-1]
		if s.open <= last.close {
			if s.close > last.close {
				last.close = s.close
			}
			continue
		}
		out = append(out, s)
	}
	return out
}

// IsZero reports whether the hours are not configured.
func (h Hours) IsZero() bool { return !h.set }

// Contains reports whether an appointment from start to end lies within one
// opening range of start's day, using the wall time in start's location. A
// zero end checks only that start is within opening hours. Hours that are
// not configured contain everything.
func (h Hours) Contains(start, end time.Time) bool {
	if !h.set {
		return true
	}
	sm := start.Hour()*60 + start.Minute()
	em := -1
	if !end.IsZero() {
		if end.Before(start) {
			return false
		}
		end = end.In(start.Location())
		days := 0
		for sd, ed := civilOf(start), civilOf(end); sd.less(ed) && days < 2; sd = sd.add(1) {
			days++
		}
		em = days*1440 + end.Hour()*60 + end.Minute()
		if end.Second() != 0 || end.Nanosecond() != 0 {
			em++
		}
	}
	for _, s := range unpackSpans(h.days[start.Weekday()]) {
		if sm >= s.open && sm < s.close && em <= s.close {
			return true
		}
	}
	return false
}

// String renders the hours canonically, e.g. "mon-fri 07:00-18:00; sat
// 08:00-13:00". ParseHours(h.String()) gives h back. The zero Hours render as
// "".
func (h Hours) String() string {
	if !h.set {
		return ""
	}
	// group days with identical ranges, Monday first
	order := [7]time.Weekday{1, 2, 3, 4, 5, 6, 0}
	var keys []string
	groups := map[string][]int{} // key -> positions in order
	for pos, d := range order {
		if len(h.days[d]) == 0 {
			continue
		}
		k := spansString(unpackSpans(h.days[d]))
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], pos)
	}
	if len(keys) == 0 {
		return "mon-sun closed"
	}
	clauses := make([]string, 0, len(keys))
	for _, k := range keys {
		var parts []string
		ps := groups[k]
		for i := 0; i < len(ps); {
			j := i
			for j+1 < len(ps) && ps[j+1] == ps[j]+1 {
				j++
			}
			if j == i {
				parts = append(parts, dayNames[order[ps[i]]])
			} else {
				parts = append(parts, dayNames[order[ps[i]]]+"-"+dayNames[order[ps[j]]])
			}
			i = j + 1
		}
		clauses = append(clauses, strings.Join(parts, ",")+" "+k)
	}
	return strings.Join(clauses, "; ")
}

func spansString(ss []span) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = fmt.Sprintf("%02d:%02d-%02d:%02d", s.open/60, s.open%60, s.close/60, s.close%60)
	}
	return strings.Join(parts, ",")
}
