package dates

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/olebedev/when/rules/en"
)

// kind is the lexical class of a token.
type kind uint8

const (
	kWord  kind = iota // letters; see token.cat for what the word means
	kNum               // a plain integer: "9", "15", "2026", "930"
	kOrd               // an ordinal: "15th", "third"
	kClock             // "9:30", "14:00:00"
	kDot               // "9.30", "1.5"
	kDate              // "12/15", "12/15/2026", "2026-12-15", "15.12.2026"
	kDash              // a lone "-"
)

// cat is what a known word means.
type cat uint8

const (
	cUnknown   cat = iota
	cFiller        // ignorable: at, on, the, ...
	cMonth         // val 1..12
	cWeekday       // val = time.Weekday
	cRelDay        // val = days from today (tonight also sets an evening period)
	cMer           // val merAM / merPM
	cUnit          // val unitHour, unitMinute, unitDay, unitWeek
	cNoon          //
	cMidnight      //
	cOclock        //
	cPeriod        // morning / afternoon / evening / night: val merAM / merPM
	cVague         // eod, asap, lunch... (not a clock time)
	cMod           // val modThis / modNext / modLast
	cIn            // "in"
	cNow           // "now"
	cHalf          // "half"
	cArticle       // "a", "an"
	cRangeSep      // to, till, until, thru, through (also "and" after "between")
	cAnd           // "and"
	cFrom          // "from"
	cBetween       // "between"
	cFor           // "for"
	cOf            // "of"
	cThe           // "the"
	cAfter         // "after"
	cWeekend       // "weekend"
	cMonthWord     // "month"
)

const (
	unitHour = iota + 1
	unitMinute
	unitDay
	unitWeek
)

const (
	modThis = iota + 1
	modNext
	modLast
)

type wordInfo struct {
	cat cat
	val int
}

// token is one lexed piece of the phrase.
type token struct {
	kind   kind
	text   string // as typed (lower-cased), for messages
	cat    cat    // for kWord
	val    int    // for kWord: meaning; for kNum/kOrd: the number
	digits int    // kNum: how many digits were typed (leading zeros matter)
	np     int    // number of parts for kClock / kDot / kDate
	p      [3]int // parts
	pd     [3]int // digits per part
	sep    byte   // kDate separator
	word   bool   // kNum/kOrd spelled as a word ("nine", "third")
	used   bool
}

var words = map[string]wordInfo{}

func addWords(c cat, val int, ws ...string) {
	for _, w := range ws {
		words[w] = wordInfo{c, val}
	}
}

func init() {
	// Month and weekday vocabulary comes from olebedev/when's English rules,
	// plus the chat spellings service advisors actually type.
	for k, v := range en.MONTH_OFFSET {
		if !strings.HasSuffix(k, ".") {
			addWords(cMonth, v, k)
		}
	}
	for k, v := range en.WEEKDAY_OFFSET {
		addWords(cWeekday, v, k)
	}
	addWords(cWeekday, 2, "tues", "tu", "tus")
	addWords(cWeekday, 3, "weds", "wednes", "wensday", "wendsday", "wednsday")
	addWords(cWeekday, 4, "thurs", "thursady", "thrs", "thr", "thurday", "thursd")
	addWords(cWeekday, 5, "fr", "frid", "fridy")
	addWords(cWeekday, 6, "satur", "saturdy")
	addWords(cWeekday, 1, "mondy")
	addWords(cWeekday, 4, "thrusday", "thrus", "thursay")
	addWords(cWeekday, 3, "wedensday", "wendesday", "wednesay", "wednsday")
	addWords(cWeekday, 2, "tuesay", "tusday", "tuseday")
	addWords(cWeekday, 5, "firday", "fridya")
	addWords(cWeekday, 6, "saterday", "satruday")
	addWords(cMonth, 2, "febuary", "feburary", "febrary")
	addWords(cMonth, 1, "janurary", "januray")
	addWords(cMonth, 9, "septmber")
	addWords(cMonth, 11, "novmber")
	addWords(cMonth, 12, "decmber", "decemeber")
	addWords(cRelDay, 0, "today", "tdy", "tday", "todays")
	addWords(cRelDay, 100, "tonight", "tonite", "tonigh") // 100 = today, evening
	addWords(cRelDay, 1, "tomorrow", "tmrw", "tmr", "tmw", "tmrow", "tomorow", "tommorow", "tommorrow",
		"tomorrrow", "tmorrow", "tomm", "tomo", "tomoz", "tmro", "tmrrw", "tomrw", "tomorrows", "morrow")
	addWords(cRelDay, -1, "yesterday", "yday", "yest", "yesterdy")
	addWords(cMer, int(merAM), "am", "a")
	addWords(cMer, int(merPM), "pm", "p")
	addWords(cUnit, unitHour, "h", "hr", "hrs", "hour", "hours", "hrz")
	addWords(cUnit, unitMinute, "m", "min", "mins", "minute", "minutes", "mn", "mnts", "minits")
	addWords(cUnit, unitDay, "d", "day", "days", "dys")
	addWords(cUnit, unitWeek, "w", "wk", "wks", "week", "weeks")
	addWords(cNoon, 0, "noon", "midday", "noonish")
	addWords(cMidnight, 0, "midnight", "midnite")
	addWords(cOclock, 0, "oclock", "oclok")
	addWords(cPeriod, int(merAM), "morning", "mornin", "morn")
	addWords(cPeriod, int(merPM), "afternoon", "arvo", "evening", "eve", "night", "nite")
	addWords(cVague, 0, "eod", "cob", "eob", "lunch", "lunchtime", "asap", "soon", "later", "sometime",
		"anytime", "whenever", "early", "late", "first", "thing", "end", "close", "closing", "opening", "open", "dinner", "breakfast", "tbd")
	addWords(cMod, modThis, "this", "coming", "upcoming")
	addWords(cMod, modNext, "next", "nxt")
	addWords(cMod, modLast, "last", "previous")
	addWords(cIn, 0, "in")
	addWords(cNow, 0, "now")
	addWords(cHalf, 0, "half")
	addWords(cArticle, 0, "an")
	addWords(cRangeSep, 0, "to", "till", "til", "until", "untill", "thru", "through")
	addWords(cAnd, 0, "and")
	addWords(cFrom, 0, "from")
	addWords(cBetween, 0, "between", "btw", "btwn")
	addWords(cFor, 0, "for")
	addWords(cOf, 0, "of")
	addWords(cThe, 0, "the")
	addWords(cAfter, 0, "after")
	addWords(cWeekend, 0, "weekend", "wknd")
	addWords(cMonthWord, 0, "month", "months")
	addWords(cFiller, 0, "at", "on", "around", "please", "pls", "plz", "appt", "appointment", "by",
		"about", "approx", "approximately", "ish", "sharp", "say", "is")
}

// numberWords are spelled-out numbers read as numbers.
var numberWords = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
	"forty": 40, "fortyfive": 45, "fifty": 50, "sixty": 60, "ninety": 90,
}

var normReplacer = strings.NewReplacer(
	"a.m.", "am", "p.m.", "pm", "a.m", "am", "p.m", "pm",
	"@", " at ", "&", " and ", "+", " ",
	"\u2013", "-", "\u2014", "-", "\u2012", "-", "\u2212", "-", "\u2010", "-", "\u2011", "-",
	"\u00b7", " ", "\u2019", "", "'", "", "`", "", "\u00a0", " ",
	"2morrow", "tomorrow", "2moro", "tomorrow", "2morow", "tomorrow", "2mrw", "tomorrow", "2mrow", "tomorrow",
	"2day", "today", "2nite", "tonight", "2night", "tonight",
	" o clock", " oclock",
)

// lex lower-cases and tokenises a phrase. Punctuation other than ':' '.' '/'
// '-' between digits is dropped.
func lex(phrase string) []token {
	s := normReplacer.Replace(strings.ToLower(phrase))
	toks := make([]token, 0, 8)
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) {
				if isDigit(s[j]) {
					j++
					continue
				}
				if (s[j] == ':' || s[j] == '/' || s[j] == '.' || s[j] == '-') && j+1 < len(s) && isDigit(s[j+1]) && isDigit(s[j-1]) {
					j++
					continue
				}
				break
			}
			toks = appendNumeric(toks, s[i:j])
			i = j
			// ordinal suffix: 15th, 1st, 2nd, 3rd
			if n := len(toks); n > 0 && toks[n-1].kind == kNum && i+2 <= len(s) {
				suf := s[i : i+2]
				if (suf == "st" || suf == "nd" || suf == "rd" || suf == "th") && (i+2 == len(s) || !isLetter(s[i+2:])) {
					toks[n-1].kind = kOrd
					toks[n-1].text += suf
					i += 2
				}
			}
			// ISO "2026-12-15T09:00": drop the T
			if i+1 < len(s) && s[i] == 't' && isDigit(s[i+1]) && len(toks) > 0 && toks[len(toks)-1].kind == kDate {
				i++
			}
		case c == '-':
			toks = append(toks, token{kind: kDash, text: "-"})
			i++
		case c < utf8.RuneSelf && !isLetterByte(c):
			i++ // punctuation and spaces
		default:
			j := i
			for j < len(s) {
				r, size := utf8.DecodeRuneInString(s[j:])
				if r < utf8.RuneSelf {
					if !isLetterByte(byte(r)) {
						break
					}
				} else if !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)) {
					if j == i {
						j += size // a symbol (emoji...): skip it
						i = j
						continue
					}
					break
				}
				j += size
			}
			if j > i {
				toks = append(toks, wordToken(s[i:j]))
			}
			i = j
		}
	}
	return mergeWords(toks)
}

func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isLetterByte(c byte) bool { return c >= 'a' && c <= 'z' }
func isLetter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
}

func wordToken(w string) token {
	if n, ok := numberWords[w]; ok {
		return token{kind: kNum, text: w, val: n, digits: 1, word: true}
	}
	if n, ok := en.ORDINAL_WORDS[w]; ok {
		return token{kind: kOrd, text: w, val: n, word: true}
	}
	wi := words[w]
	return token{kind: kWord, text: w, cat: wi.cat, val: wi.val}
}

// mergeWords joins two-word ordinals ("twenty first") and drops dashes next
// to a month name ("15-Dec-2026", "Dec-15").
func mergeWords(toks []token) []token {
	out := toks[:0]
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind == kDash && ((i > 0 && toks[i-1].kind == kWord && toks[i-1].cat == cMonth) ||
			(i+1 < len(toks) && toks[i+1].kind == kWord && toks[i+1].cat == cMonth)) {
			continue
		}
		if t.kind == kNum && t.word && (t.val == 20 || t.val == 30 || t.val == 40) && i+1 < len(toks) {
			nx := toks[i+1]
			j := i + 1
			if nx.kind == kDash && i+2 < len(toks) {
				nx = toks[i+2]
				j = i + 2
			}
			if nx.word && nx.val < 10 && (nx.kind == kOrd || nx.kind == kNum) {
				t.val += nx.val
				t.kind = nx.kind
				t.text += " " + nx.text
				i = j
			}
		}
		out = append(out, t)
	}
	return out
}

// appendNumeric classifies a run of digits and separators.
func appendNumeric(toks []token, chunk string) []token {
	if strings.IndexByte(chunk, '-') >= 0 {
		parts := strings.Split(chunk, "-")
		if len(parts) == 3 && allDigits(parts) {
			return append(toks, dateToken(chunk, parts, '-'))
		}
		for k, part := range parts {
			if k > 0 {
				toks = append(toks, token{kind: kDash, text: "-"})
			}
			toks = appendNumeric(toks, part)
		}
		return toks
	}
	bad := token{kind: kWord, text: chunk}
	var sep byte
	for k := 0; k < len(chunk); k++ {
		if !isDigit(chunk[k]) {
			if sep != 0 && sep != chunk[k] {
				return append(toks, bad)
			}
			sep = chunk[k]
		}
	}
	if sep == 0 {
		if len(chunk) > 9 {
			return append(toks, bad)
		}
		return append(toks, token{kind: kNum, text: chunk, val: atoi(chunk), digits: len(chunk)})
	}
	parts := strings.Split(chunk, string(sep))
	for _, p := range parts {
		if len(p) > 4 {
			return append(toks, bad)
		}
	}
	switch {
	case sep == ':' && (len(parts) == 2 || len(parts) == 3):
		return append(toks, partsToken(kClock, chunk, parts))
	case sep == '/' && (len(parts) == 2 || len(parts) == 3):
		return append(toks, dateToken(chunk, parts, '/'))
	case sep == '.' && len(parts) == 2:
		return append(toks, partsToken(kDot, chunk, parts))
	case sep == '.' && len(parts) == 3:
		return append(toks, dateToken(chunk, parts, '.'))
	}
	return append(toks, bad)
}

func allDigits(parts []string) bool {
	for _, p := range parts {
		if p == "" || len(p) > 4 {
			return false
		}
		for k := 0; k < len(p); k++ {
			if !isDigit(p[k]) {
				return false
			}
		}
	}
	return true
}

func partsToken(k kind, chunk string, parts []string) token {
	t := token{kind: k, text: chunk, np: len(parts)}
	for i, p := range parts {
		t.p[i] = atoi(p)
		t.pd[i] = len(p)
	}
	return t
}

func dateToken(chunk string, parts []string, sep byte) token {
	t := partsToken(kDate, chunk, parts)
	t.sep = sep
	return t
}

func atoi(s string) int {
	n := 0
	for k := 0; k < len(s); k++ {
		n = n*10 + int(s[k]-'0')
	}
	return n
}
