// Package cmdtext reads the free text typed after the /draft-appt slash
// command ("/draft-appt tomorrow 9am oil change 1HGCM82633A123456 jane doe")
// into prefills for the draft modal: the date phrase, the VIN, the services
// and a customer search term.
//
// It only suggests: everything it finds is shown in the modal for the
// advisor to check, and whatever it cannot read with confidence is left
// out, never guessed (a date phrase that is in the past or partly
// unreadable is not prefilled; the advisor types it). It owns no rules of
// its own about dates or VINs: those are package dates' and package
// appointment's. No Slack types, no network.
package cmdtext

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/draftappt/draftappt/internal/appointment"
	"github.com/draftappt/draftappt/internal/dates"
	"github.com/draftappt/draftappt/internal/mykaarma"
)

// Result is what the text suggests for the modal.
type Result struct {
	When          string               // the date phrase as typed ("tomorrow 9am"), "" if none
	VIN           string               // normalised 17-character VIN, "" if none
	VINWarning    string               // set when the VIN fails the check digit (a warning, never a refusal)
	Services      []mykaarma.Operation // matched by name or labor opcode, in the order typed
	CustomerQuery string               // ≤ mykaarma.MaxSearchTermLength characters, "" if nothing
	Help          bool                 // the text asks for help; nothing else is set
}

const (
	// maxInput bounds the text read; Slack's own limit is a few thousand
	// characters.
	maxInput = 4000
	// maxTokens bounds the words read (the date search is quadratic).
	maxTokens = 40
	// maxDateSpan is the longest date phrase tried, in words ("between 2
	// and 3pm next friday dec 11 2026" is 8).
	maxDateSpan = 12
	// maxDateToken is the longest word that can be part of a date phrase
	// ("2026-12-15T09:00" is 16); longer words end a span.
	maxDateToken = 24
	// maxServiceSpan is the most words one opcode name is matched over.
	maxServiceSpan = 4
)

type token struct {
	text string // as typed
	used bool   // taken by the VIN, a service, the date, a phone or an email
}

// Parse reads text typed after the command. now and opts are those the
// modal will use to read the date phrase (opts.Location is the store's time
// zone; without it no date is prefilled); opcodes are the dealer's cached
// operations.
//
// The order of the words does not matter. The VIN is a 17-character word
// of the VIN alphabet. Services are runs of up to four words equal to an
// opcode's name or labor opcode, ignoring case, spaces and punctuation
// ("oil change", "Oil-Change", "OILCHG"); all-digit codes and codes that are
// date words ("PM") are matched only after the date, so "at 10" and "2 pm"
// stay times. The date phrase is the longest run of the remaining words
// that dates.Parse accepts and that is not a lone number; it is dropped when
// other date words are left over ("tomorrow jane 9am", "dec 32 9am": which
// day was meant is unclear). The customer search term is a 10-digit phone number if
// there is one (punctuation and a leading 1 dropped), else an email
// address, else the remaining words without date words and filler, cut at a
// word boundary to myKaarma's 30 characters.
func Parse(text string, now time.Time, opts dates.Options, opcodes []mykaarma.Operation) Result {
	text = clean(text)
	if isHelp(text) {
		return Result{Help: true}
	}
	fields := strings.Fields(text)
	if len(fields) > maxTokens {
		fields = fields[:maxTokens]
	}
	toks := make([]token, len(fields))
	for i, f := range fields {
		toks[i] = token{text: f}
	}

	var r Result
	r.VIN = takeVIN(toks)
	if r.VIN != "" && !appointment.VINCheckDigitOK(r.VIN) {
		r.VINWarning = "VIN " + r.VIN + " fails the check digit; double-check it with the customer."
	}
	phone := takePhone(toks)
	email := takeEmail(toks)

	names, codes := indexOpCodes(opcodes)
	seen := map[string]bool{}
	matched := takeServices(toks, names, codes, seen, false)
	r.When = takeWhen(toks, now, opts)
	matched = append(matched, takeServices(toks, names, codes, seen, true)...)
	slices.SortFunc(matched, func(a, b serviceMatch) int { return a.at - b.at })
	for _, m := range matched {
		r.Services = append(r.Services, m.op)
	}

	switch {
	case phone != "":
		r.CustomerQuery = phone
	case email != "":
		r.CustomerQuery = email
	default:
		r.CustomerQuery = words(toks)
	}
	return r
}

// slackMarkup is Slack's escaping of links, emails, phone numbers and
// mentions in command text: <mailto:a@b.com|a@b.com>, <tel:…|…>, <@U1|bob>.
var slackMarkup = regexp.MustCompile(`<([^<>|]*)(?:\|([^<>]*))?>`)

var entities = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// clean bounds the text, makes it valid UTF-8 and undoes Slack's markup.
func clean(text string) string {
	if len(text) > maxInput {
		text = text[:maxInput]
	}
	text = strings.ToValidUTF8(text, " ")
	text = slackMarkup.ReplaceAllStringFunc(text, func(m string) string {
		sub := slackMarkup.FindStringSubmatch(m)
		if sub[2] != "" {
			return " " + sub[2] + " "
		}
		inner := sub[1]
		if strings.HasPrefix(inner, "@") || strings.HasPrefix(inner, "#") || strings.HasPrefix(inner, "!") {
			return " " // a mention says nothing about the appointment
		}
		inner = strings.TrimPrefix(strings.TrimPrefix(inner, "mailto:"), "tel:")
		return " " + inner + " "
	})
	return entities.Replace(text)
}

func isHelp(text string) bool {
	switch strings.ToLower(strings.TrimSpace(text)) {
	case "help", "?", "-h", "--help":
		return true
	}
	return false
}

// trimPunct drops punctuation and symbols around a word ("(jane", "doe,").
func trimPunct(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// takeVIN takes the first word that is a VIN (also written "VIN:…" or
// with dashes). A VIN has letters and digits, which keeps 17-letter words
// and long numbers out.
func takeVIN(toks []token) string {
	for i, t := range toks {
		s := appointment.NormalizeVIN(trimPunct(t.text))
		if len(s) > 17 && strings.HasPrefix(s, "VIN") {
			s = strings.TrimLeft(s[3:], ":#=")
		}
		if appointment.ValidVINSyntax(s) && strings.ContainsFunc(s, unicode.IsDigit) && strings.ContainsFunc(s, unicode.IsLetter) {
			toks[i].used = true
			return s
		}
	}
	return ""
}

// takePhone takes the first phone number written as one to four words:
// "5551234567", "555-123-4567", "(555) 123-4567", "+1 555 123 4567". It
// returns the 10 digits myKaarma searches by.
func takePhone(toks []token) string {
	for i := range toks {
		for n := 1; n <= 4 && i+n <= len(toks); n++ {
			span := toks[i : i+n]
			if slices.ContainsFunc(span, func(t token) bool { return t.used }) {
				break
			}
			if digits, ok := phoneDigits(span); ok {
				for k := range span {
					span[k].used = true
				}
				return digits
			}
		}
	}
	return ""
}

// phoneGroups are the digit groupings accepted over several words, so a
// time next to a number ("9 5551234") is not read as a phone.
var phoneGroups = [][]int{{3, 7}, {6, 4}, {3, 3, 4}}

func phoneDigits(span []token) (string, bool) {
	var groups []string
	for _, t := range span {
		s := strings.TrimRight(t.text, ",;")
		if s == "" || strings.Trim(s, "0123456789()-.+") != "" {
			return "", false
		}
		d := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, s)
		if d == "" {
			return "", false
		}
		groups = append(groups, d)
	}
	if len(groups) == 1 {
		d := groups[0]
		if len(d) == 11 && d[0] == '1' {
			d = d[1:]
		}
		return d, len(d) == 10
	}
	if groups[0] == "1" { // country code
		groups = groups[1:]
	}
	lens := make([]int, len(groups))
	for i, g := range groups {
		lens[i] = len(g)
	}
	for _, want := range phoneGroups {
		if slices.Equal(lens, want) {
			return strings.Join(groups, ""), true
		}
	}
	return "", false
}

// takeEmail takes the first word that looks like an email address and fits
// a search term; longer ones cannot be searched and are left out.
func takeEmail(toks []token) string {
	for i, t := range toks {
		if t.used {
			continue
		}
		s := strings.Trim(t.text, `<>()[]{}"',;:!?`)
		s = strings.TrimRight(s, ".")
		local, domain, ok := strings.Cut(s, "@")
		if !ok || local == "" || strings.Contains(domain, "@") || strings.ContainsFunc(s, unicode.IsSpace) {
			continue
		}
		dot := strings.LastIndex(domain, ".")
		if dot <= 0 || dot == len(domain)-1 {
			continue
		}
		toks[i].used = true
		if utf8.RuneCountInString(s) > mykaarma.MaxSearchTermLength {
			return ""
		}
		return strings.ToLower(s)
	}
	return ""
}

type serviceMatch struct {
	at int // index of the first word, to keep the order typed
	op mykaarma.Operation
}

// compact is the matching key: lower-case letters and digits only, so
// "Oil-Change", "oil change" and "OILCHANGE" meet.
func compact(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

func allDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// indexOpCodes maps the compact names and codes to operations; the first
// of equal keys wins, as listed.
func indexOpCodes(ops []mykaarma.Operation) (names, codes map[string]mykaarma.Operation) {
	names = make(map[string]mykaarma.Operation, len(ops))
	codes = make(map[string]mykaarma.Operation, len(ops))
	for _, op := range ops {
		if k := compact(op.Name); k != "" {
			if _, dup := names[k]; !dup {
				names[k] = op
			}
		}
		if k := compact(op.LaborOpCode); k != "" {
			if _, dup := codes[k]; !dup {
				codes[k] = op
			}
		}
	}
	return names, codes
}

// takeServices matches runs of unused words, longest first, to opcode
// names, then codes, each operation once (seen). afterDate selects the
// pass: before the date phrase is taken, or after it for keys that could be
// part of one.
func takeServices(toks []token, names, codes map[string]mykaarma.Operation, seen map[string]bool, afterDate bool) []serviceMatch {
	if len(names) == 0 && len(codes) == 0 {
		return nil
	}
	var out []serviceMatch
	for i := 0; i < len(toks); i++ {
		if toks[i].used {
			continue
		}
		for n := min(maxServiceSpan, len(toks)-i); n >= 1; n-- {
			span := toks[i : i+n]
			if slices.ContainsFunc(span, func(t token) bool { return t.used }) {
				continue
			}
			var b strings.Builder
			for _, t := range span {
				b.WriteString(compact(t.text))
			}
			key := b.String()
			// All-digit keys and single date or filler words ("10",
			// "PM") wait until the date is taken, so they cannot eat
			// "at 10" or "2 pm".
			late := allDigits(key) || (n == 1 && isReserved(span[0].text))
			if key == "" || late != afterDate {
				continue
			}
			op, ok := names[key]
			if !ok {
				op, ok = codes[key]
			}
			if !ok {
				continue
			}
			for k := range span {
				span[k].used = true
			}
			if id := op.UUID + "\x00" + op.LaborOpCode; !seen[id] {
				seen[id] = true
				out = append(out, serviceMatch{at: i, op: op})
			}
			i += n - 1
			break
		}
	}
	return out
}

// takeWhen finds the longest run of unused words (skipping taken ones, so
// "tomorrow oil change 9am" still reads) that dates.Parse accepts.
func takeWhen(toks []token, now time.Time, opts dates.Options) string {
	if opts.Location == nil {
		return ""
	}
	var idx []int
	for i, t := range toks {
		if !t.used {
			idx = append(idx, i)
		}
	}
	accepts := func(span []int) bool {
		if !slices.ContainsFunc(span, func(i int) bool { return !allDigits(toks[i].text) }) {
			// A lone number ("2", "2026") is as likely a count or a
			// customer number as a time: not enough to prefill.
			return false
		}
		_, err := dates.Parse(join(toks, span), now, opts)
		return err == nil
	}
	for n := min(maxDateSpan, len(idx)); n >= 1; n-- {
	starts:
		for s := 0; s+n <= len(idx); s++ {
			span := idx[s : s+n]
			for _, i := range span {
				if len(toks[i].text) > maxDateToken {
					continue starts
				}
			}
			if !accepts(span) {
				continue
			}
			// Filler at the ends ("for tomorrow 9am", "9am for") is not
			// part of the phrase when it reads without it.
			for len(span) > 1 && isFiller(toks[span[0]].text) && accepts(span[1:]) {
				span = span[1:]
			}
			for len(span) > 1 && isFiller(toks[span[len(span)-1]].text) && accepts(span[:len(span)-1]) {
				span = span[:len(span)-1]
			}
			for k, i := range idx {
				if !slices.Contains(span, i) && leftoverDate(toks, idx, k) {
					// More date words are left over: the phrase was
					// bigger and partly unreadable, or split, so which
					// day was meant is unclear.
					return ""
				}
			}
			for _, i := range span {
				toks[i].used = true
			}
			return join(toks, span)
		}
	}
	return ""
}

func join(toks []token, span []int) string {
	parts := make([]string, len(span))
	for k, i := range span {
		parts[k] = toks[i].text
	}
	return strings.Join(parts, " ")
}

// filler are the words dates ignores, and a few more that only join the
// parts of a command ("for jane", "vin …").
var filler = set("at", "on", "the", "for", "from", "between", "and", "to", "around", "@", "please",
	"appt", "appointment", "in", "a", "an", "of", "by", "with", "w", "vin", "customer", "cust",
	"service", "services", "svc", "&", "+", "-", "new", "draft", "book", "schedule")

// dayWords are unmistakable date words: when one is left over after the
// date phrase, the phrase is not trusted.
var dayWords = set("today", "tonight", "tomorrow", "tmrw", "tmr", "tmw", "tomorow", "yesterday",
	"mon", "monday", "tue", "tues", "tuesday", "wed", "weds", "wednesday", "thu", "thur", "thurs",
	"thursday", "fri", "friday", "sat", "saturday", "sun", "sunday", "noon", "midnight")

// months may be names ("May"), so alone they do not make a date phrase
// untrusted.
var months = set("jan", "january", "feb", "february", "mar", "march", "apr", "april", "may",
	"jun", "june", "jul", "july", "aug", "august", "sep", "sept", "september", "oct", "october",
	"nov", "november", "dec", "december")

// otherDateWords never go into a customer search.
var otherDateWords = set("am", "pm", "next", "this", "last", "morning", "afternoon",
	"evening", "night", "week", "weeks", "day", "days", "hour", "hours", "hr", "hrs", "min", "mins",
	"minute", "minutes", "o'clock", "oclock", "asap", "eod", "lunch", "weekend", "coming", "after", "now")

// timeLike matches times, dates and ordinals written with digits: 9am,
// 9:30, 10.30pm, 12/15, 2026-12-15, 15th, 9-11am.
var timeLike = regexp.MustCompile(`^(\d{1,4}([:.]\d{2})?(am|pm|a|p)?(-\d{1,2}([:.]\d{2})?(am|pm|a|p)?)?|\d{1,4}[/-]\d{1,2}([/-]\d{1,4})?|\d{1,2}(st|nd|rd|th))$`)

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

func isFiller(s string) bool { return filler[dateKey(s)] }

// isReserved reports whether a word is filler or a date word, which
// matches a service on its own only when the date phrase did not use it.
func isReserved(s string) bool {
	s = dateKey(s)
	return filler[s] || dayWords[s] || months[s] || otherDateWords[s]
}

func dateKey(s string) string { return strings.ToLower(strings.Trim(s, ",.;:!?()")) }

// leftoverDate reports whether the unused word idx[k] shows that a date
// phrase was meant: a day word, a time or date written with digits, or a
// month next to a number ("dec 32").
func leftoverDate(toks []token, idx []int, k int) bool {
	s := dateKey(toks[idx[k]].text)
	switch {
	case dayWords[s], timeLike.MatchString(s) && !allDigits(s):
		return true
	case !months[s]:
		return false
	}
	for _, n := range []int{k - 1, k + 1} {
		if n >= 0 && n < len(idx) && strings.ContainsFunc(toks[idx[n]].text, unicode.IsDigit) {
			return true
		}
	}
	return false
}

// words builds the customer search from the unused words: filler, date
// words and short numbers (times, counts) are left out; the rest is cut at
// a word boundary to fit myKaarma's limit.
func words(toks []token) string {
	var b strings.Builder
	for _, t := range toks {
		if t.used {
			continue
		}
		w := strings.Map(func(r rune) rune {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
				return -1
			}
			return r
		}, trimPunct(t.text))
		lw := strings.ToLower(w)
		switch {
		case w == "", filler[lw], dayWords[lw], months[lw], otherDateWords[lw], timeLike.MatchString(lw),
			allDigits(w) && len(w) < 5, strings.Contains(w, "@"):
			continue
		}
		n := utf8.RuneCountInString(b.String())
		wn := utf8.RuneCountInString(w)
		switch {
		case n == 0 && wn > mykaarma.MaxSearchTermLength:
			// One word longer than the limit: its start is the best
			// search left.
			return string([]rune(w)[:mykaarma.MaxSearchTermLength])
		case n == 0:
			b.WriteString(w)
		case n+1+wn <= mykaarma.MaxSearchTermLength:
			b.WriteString(" " + w)
		default:
			return b.String()
		}
	}
	return b.String()
}
