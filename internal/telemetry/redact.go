package telemetry

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Redacted replaces every secret the redacting handler finds.
const Redacted = "[REDACTED]"

// minSecretLen is the shortest secret value redacted by exact match; shorter
// values ("admin", "1234") would mangle ordinary log text.
const minSecretLen = 6

// secretKeyNames are attribute keys (or key suffixes, as in bot_token) whose
// values are replaced wholesale, compared case-insensitively.
var secretKeyNames = []string{
	"password", "passwd", "token", "authorization", "secret", "secret_key",
	"api_key", "apikey", "api-key", "private_key",
}

// pattern is a secret shape found in free text. Only the span of the regexp's
// first capturing group is replaced, so the context around it ("Bearer ",
// "https://user:") stays readable. maybe is a cheap pre-check that must be
// true whenever re can match, so most strings never reach the regexp engine.
type pattern struct {
	maybe func(string) bool
	re    *regexp.Regexp
}

func contains(sub string) func(string) bool {
	return func(s string) bool { return strings.Contains(s, sub) }
}

var patterns = []pattern{
	// Slack bot, user, app-config and legacy tokens.
	{contains("xox"), regexp.MustCompile(`(xox[abprs]-[A-Za-z0-9-]+)`)},
	// Slack app-level tokens (Socket Mode).
	{contains("xapp-"), regexp.MustCompile(`(xapp-[A-Za-z0-9-]+)`)},
	// An Authorization header's value in the forms it gets printed: raw
	// header text, key=value, JSON and http.Header's %v (Authorization:[…]).
	{
		containsAuthz,
		regexp.MustCompile(`(?i)\bauthorization["']?\s*[:=][\s\["']*(?:(?:basic|bearer|token|digest|negotiate)\s+)?([^\s"',;\]}]+)`),
	},
	{contains("Bearer"), regexp.MustCompile(`\bBearer\s+([A-Za-z0-9._~+/=-]{8,})`)},
	{contains("Basic"), regexp.MustCompile(`\bBasic\s+([A-Za-z0-9+/=]{8,})`)},
	// The password in a URL's userinfo: scheme://user:password@host.
	{
		func(s string) bool { return strings.Contains(s, "://") && strings.Contains(s, "@") },
		regexp.MustCompile(`\b[A-Za-z][A-Za-z0-9+.-]*://[^\s/?#@:]*:([^\s/?#@]+)@`),
	},
}

// NewRedactingHandler wraps next so that no record it passes on shows a
// secret, even when code logs one by mistake. It replaces with [REDACTED]:
//   - every occurrence of the given secret values (those shorter than six
//     characters are ignored, so they cannot mangle ordinary text);
//   - Slack tokens (xoxb-…, xapp-…), Authorization header values, Bearer and
//     Basic credentials and passwords in URLs (scheme://user:pass@host);
//   - the whole value of attributes whose key names a secret (password,
//     token, authorization, secret, api_key, also as a suffix: bot_token),
//     and of every attribute under a WithGroup so named.
//
// It scans the message, attribute keys and string-ish values: strings,
// errors, fmt.Stringers, slog.LogValuers (resolved), byte and string slices,
// and maps, structs and other composites through their %v text. A value
// that needs redacting is replaced by its redacted text. Records that need
// nothing are passed on unchanged, without allocating.
func NewRedactingHandler(next slog.Handler, secrets ...string) slog.Handler {
	var keep []string
	for _, s := range secrets {
		if utf8.RuneCountInString(s) >= minSecretLen && !slices.Contains(keep, s) {
			keep = append(keep, s)
		}
	}
	r := &redactor{secrets: keep}
	for _, c := range []byte("xzZB:") {
		r.first[c] = true
	}
	for _, s := range keep {
		r.first[s[0]] = true
	}
	return &redactingHandler{next: next, r: r}
}

type redactingHandler struct {
	next slog.Handler
	r    *redactor
	// secretGroup is set under a WithGroup whose name names a secret: every
	// attribute added there is redacted wholesale.
	secretGroup bool
}

func (h *redactingHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h *redactingHandler) Handle(ctx context.Context, rec slog.Record) error {
	msg, msgChanged := h.r.redactString(rec.Message)

	// Find the first attribute that needs redacting; most records have none
	// and go through as they are.
	first, i := -1, 0
	var firstAttr slog.Attr
	rec.Attrs(func(a slog.Attr) bool {
		if ra, changed := h.r.redactAttr(a, h.secretGroup); changed {
			first, firstAttr = i, ra
			return false
		}
		i++
		return true
	})
	if !msgChanged && first < 0 {
		return h.next.Handle(ctx, rec)
	}

	out := slog.NewRecord(rec.Time, rec.Level, msg, rec.PC)
	attrs := make([]slog.Attr, 0, rec.NumAttrs())
	i = 0
	rec.Attrs(func(a slog.Attr) bool {
		switch {
		case first < 0 || i < first:
			attrs = append(attrs, a)
		case i == first:
			attrs = append(attrs, firstAttr)
		default:
			ra, _ := h.r.redactAttr(a, h.secretGroup)
			attrs = append(attrs, ra)
		}
		i++
		return true
	})
	out.AddAttrs(attrs...)
	return h.next.Handle(ctx, out)
}

func (h *redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i], _ = h.r.redactAttr(a, h.secretGroup)
	}
	return &redactingHandler{next: h.next.WithAttrs(clean), r: h.r, secretGroup: h.secretGroup}
}

func (h *redactingHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return &redactingHandler{
		next:        h.next.WithGroup(name),
		r:           h.r,
		secretGroup: h.secretGroup || isSecretKey(name),
	}
}

// redactor holds what to look for; it is shared, read-only, by a handler and
// the handlers derived from it.
type redactor struct {
	secrets []string
	// first marks the bytes that can start something to redact: the
	// secrets' first bytes and the patterns' triggers (see suspicious).
	first [256]bool
}

// redactAttr returns a with its secrets replaced and whether anything
// changed. wholesale replaces the value whatever it is (the attribute sits in
// a group named after a secret).
func (r *redactor) redactAttr(a slog.Attr, wholesale bool) (slog.Attr, bool) {
	key, keyChanged := r.redactString(a.Key)
	if wholesale || isSecretKey(a.Key) {
		if a.Value.Kind() == slog.KindString && a.Value.String() == "" {
			return slog.Attr{Key: key, Value: a.Value}, keyChanged
		}
		return slog.String(key, Redacted), true
	}
	v, changed := r.redactValue(a.Value)
	if !changed && !keyChanged {
		return a, false
	}
	return slog.Attr{Key: key, Value: v}, true
}

func (r *redactor) redactValue(v slog.Value) (slog.Value, bool) {
	switch v.Kind() {
	case slog.KindString:
		if s, ok := r.redactString(v.String()); ok {
			return slog.StringValue(s), true
		}
	case slog.KindGroup:
		group := v.Group()
		var out []slog.Attr
		for i, a := range group {
			ra, changed := r.redactAttr(a, false)
			if changed && out == nil {
				out = make([]slog.Attr, len(group))
				copy(out, group[:i])
			}
			if out != nil {
				out[i] = ra
			}
		}
		if out != nil {
			return slog.GroupValue(out...), true
		}
	case slog.KindLogValuer:
		// Resolve recovers from a panicking LogValue. An unchanged value is
		// passed on unresolved, and the next handler resolves it again.
		if rv, changed := r.redactValue(v.Resolve()); changed {
			return rv, true
		}
	case slog.KindAny:
		return r.redactAny(v)
	}
	return v, false
}

// redactAny scans the text a handler would print for an Any value.
func (r *redactor) redactAny(v slog.Value) (slog.Value, bool) {
	var text string
	switch x := v.Any().(type) {
	case nil:
		return v, false
	case error:
		text = safeText(x.Error)
	case fmt.Stringer:
		text = safeText(x.String)
	case []string:
		return r.redactStrings(v, x)
	case []byte:
		text = string(x)
	default:
		rv := reflect.ValueOf(x)
		switch rv.Kind() {
		case reflect.String:
			text = rv.String()
		case reflect.Slice:
			switch rv.Type().Elem().Kind() {
			case reflect.Uint8:
				text = string(rv.Bytes())
			case reflect.String:
				return r.redactStrings(v, rv.Convert(reflect.TypeFor[[]string]()).Interface().([]string))
			default:
				text = safeText(func() string { return fmt.Sprint(x) })
			}
		case reflect.Map, reflect.Struct, reflect.Array, reflect.Pointer, reflect.Interface:
			text = safeText(func() string { return fmt.Sprint(x) })
		default:
			// Numbers, booleans, channels, funcs: nothing to read.
			return v, false
		}
	}
	if s, ok := r.redactString(text); ok {
		return slog.StringValue(s), true
	}
	return v, false
}

// redactStrings redacts each element of ss, copying only when one changes.
func (r *redactor) redactStrings(v slog.Value, ss []string) (slog.Value, bool) {
	var out []string
	for i, s := range ss {
		rs, changed := r.redactString(s)
		if changed && out == nil {
			out = make([]string, len(ss))
			copy(out, ss[:i])
		}
		if out != nil {
			out[i] = rs
		}
	}
	if out == nil {
		return v, false
	}
	return slog.AnyValue(out), true
}

// safeText calls f, turning a panic (a nil pointer's String, say) into no
// text: the handler downstream reports such panics itself.
func safeText(f func() string) (s string) {
	defer func() {
		if recover() != nil {
			s = ""
		}
	}()
	return f()
}

type span struct{ start, end int }

// redactString replaces every secret in s and reports whether it found any.
// It allocates only when it finds something.
func (r *redactor) redactString(s string) (string, bool) {
	if !r.suspicious(s) {
		return s, false
	}
	var spans []span
	for _, secret := range r.secrets {
		for off := 0; ; {
			i := strings.Index(s[off:], secret)
			if i < 0 {
				break
			}
			spans = append(spans, span{off + i, off + i + len(secret)})
			off += i + 1
		}
	}
	for _, p := range patterns {
		if !p.maybe(s) {
			continue
		}
		for _, m := range p.re.FindAllStringSubmatchIndex(s, -1) {
			if m[2] >= 0 && m[3] > m[2] {
				spans = append(spans, span{m[2], m[3]})
			}
		}
	}
	if len(spans) == 0 {
		return s, false
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	var b strings.Builder
	b.Grow(len(s))
	pos := 0
	for i := 0; i < len(spans); {
		start, end := spans[i].start, spans[i].end
		// Merge overlapping and touching spans into one placeholder.
		for i++; i < len(spans) && spans[i].start <= end; i++ {
			end = max(end, spans[i].end)
		}
		b.WriteString(s[pos:start])
		b.WriteString(Redacted)
		pos = end
	}
	b.WriteString(s[pos:])
	return b.String(), true
}

// authzAt is where the rare letter z sits in "authorization": the
// Authorization pattern is tried only around a z.
const (
	authz   = "authorization"
	authzAt = 7
)

// suspicious is a one-pass pre-check of s: false means redactString has
// nothing to replace; true means it may have. It costs a table look-up per
// byte, far less than running every search over every string.
func (r *redactor) suspicious(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !r.first[c] {
			continue
		}
		rest := s[i:]
		switch c {
		case 'x':
			if strings.HasPrefix(rest, "xox") || strings.HasPrefix(rest, "xapp-") {
				return true
			}
		case 'z', 'Z':
			if i >= authzAt && equalFoldASCII(s[i-authzAt:min(len(s), i-authzAt+len(authz))], authz) {
				return true
			}
		case 'B':
			if strings.HasPrefix(rest, "Bearer") || strings.HasPrefix(rest, "Basic") {
				return true
			}
		case ':':
			if strings.HasPrefix(rest, "://") {
				return true
			}
		}
		for _, secret := range r.secrets {
			if secret[0] == c && strings.HasPrefix(rest, secret) {
				return true
			}
		}
	}
	return false
}

// isSecretKey reports whether an attribute key names a secret: it is, or
// ends with, one of secretKeyNames, in any case.
func isSecretKey(key string) bool {
	if key == "" {
		return false
	}
	// Every name ends in d, n, t or y: most keys are rejected right here.
	switch key[len(key)-1] | 0x20 {
	case 'd', 'n', 't', 'y':
	default:
		return false
	}
	for _, name := range secretKeyNames {
		if len(key) >= len(name) && strings.EqualFold(key[len(key)-len(name):], name) {
			return true
		}
	}
	return false
}

// containsAuthz reports whether s contains "authorization" in any case. It
// looks only around the letter z, which ordinary text seldom has.
func containsAuthz(s string) bool {
	for i := authzAt; i < len(s); i++ {
		if c := s[i]; (c == 'z' || c == 'Z') && equalFoldASCII(s[i-authzAt:min(len(s), i-authzAt+len(authz))], authz) {
			return true
		}
	}
	return false
}

// equalFoldASCII reports whether s equals sub, an ASCII lower-case word, in
// any case.
func equalFoldASCII(s, sub string) bool {
	if len(s) != len(sub) {
		return false
	}
	for j := 0; j < len(sub); j++ {
		c := s[j]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != sub[j] {
			return false
		}
	}
	return true
}
