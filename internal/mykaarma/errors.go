package mykaarma

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ErrorKind says what kind of failure an *APIError is, so callers can decide
// what to tell the user and whether to retry without parsing error text.
type ErrorKind int

// The kinds of failure. The zero value, KindUnknown, is never produced by
// this package; it exists so an uninitialised APIError is recognisable.
const (
	KindUnknown ErrorKind = iota
	// KindInvalidInput: the request was not sent because an argument was
	// unusable (an empty dealer id, a search term over 30 characters).
	KindInvalidInput
	// KindAuth: myKaarma rejected the credentials (HTTP 401, or an
	// "invalid auth credentials" error, which wrong dealer or department
	// ids can also cause).
	KindAuth
	// KindScope: the credentials lack the scope the endpoint needs (HTTP 403,
	// "ApiScope does not exist", or an HTML login page instead of JSON).
	KindScope
	// KindRateLimited: HTTP 429. RetryAfter holds the server's hint.
	KindRateLimited
	// KindUnavailable: HTTP 5xx.
	KindUnavailable
	// KindRejected: myKaarma understood the request and refused it (other
	// 4xx, or 2xx carrying an error).
	KindRejected
	// KindBadResponse: the answer could not be used: not JSON, undecodable,
	// too large, or a 2xx without the fields success requires.
	KindBadResponse
	// KindTimeout: no complete answer within Config.Timeout or the caller's
	// deadline.
	KindTimeout
	// KindCanceled: the caller's context was canceled.
	KindCanceled
	// KindNetwork: the transport failed (connection refused, reset, TLS, DNS).
	KindNetwork
)

var kindNames = [...]string{
	KindUnknown:      "unknown",
	KindInvalidInput: "invalid_input",
	KindAuth:         "auth",
	KindScope:        "scope",
	KindRateLimited:  "rate_limited",
	KindUnavailable:  "unavailable",
	KindRejected:     "rejected",
	KindBadResponse:  "bad_response",
	KindTimeout:      "timeout",
	KindCanceled:     "canceled",
	KindNetwork:      "network",
}

// String returns a short snake_case name, suitable as a metrics label.
func (k ErrorKind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// APIError is the only error type this package returns from API calls. Every
// string field taken from a response has been sanitised (one line, bounded
// length, credentials redacted), so it is safe to log.
type APIError struct {
	Op         string    // what the client was doing, e.g. "create draft"
	Scope      string    // the myKaarma scope the endpoint needs, e.g. "appointment.draft.create"
	Kind       ErrorKind // what went wrong
	StatusCode int       // HTTP status, 0 when no response arrived

	ErrorCode        string // myKaarma's errorCode, when it sent one
	ErrorDescription string // errorDescription (appointment/v2) or errorMessage (customer/v2)
	ErrorUID         string // errorUID, quoted to myKaarma support to trace a failure

	// RetryAfter is the server's Retry-After hint (429 and 503), 0 if none.
	RetryAfter time.Duration

	// Err is the underlying transport or context error, if any.
	Err error

	reason  string        // sanitised detail for kinds without an errorCode
	html    bool          // the answer was an HTML page rather than JSON
	timeout time.Duration // the per-request timeout in force, for messages
	errText string        // sanitised Err.Error()
}

// Error describes the failure for logs: lowercase, with the operation, the
// HTTP status and myKaarma's own code, description and errorUID.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("mykaarma: ")
	b.WriteString(e.Op)
	b.WriteString(": ")
	if e.StatusCode != 0 {
		b.WriteString(strconv.Itoa(e.StatusCode))
		if t := http.StatusText(e.StatusCode); t != "" {
			b.WriteString(" ")
			b.WriteString(strings.ToLower(t))
		}
		b.WriteString(": ")
	}
	b.WriteString(e.summary())
	if e.ErrorDescription != "" && e.ErrorDescription != e.ErrorCode {
		b.WriteString(" (")
		b.WriteString(e.ErrorDescription)
		b.WriteString(")")
	}
	if e.ErrorUID != "" {
		b.WriteString(" [errorUID=")
		b.WriteString(e.ErrorUID)
		b.WriteString("]")
	}
	if t := e.errText; t != "" {
		b.WriteString(": ")
		b.WriteString(t)
	} else if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// summary is the kind-specific middle of Error.
func (e *APIError) summary() string {
	withCode := func(s string) string {
		if e.ErrorCode != "" {
			return s + ": " + e.ErrorCode
		}
		return s
	}
	switch e.Kind {
	case KindInvalidInput:
		return "invalid input: " + e.reason
	case KindAuth:
		if e.html {
			return "answered with an HTML page (probably a login page): the credentials are wrong or lack a scope"
		}
		return withCode("credentials rejected")
	case KindScope:
		if e.html {
			s := "answered with an HTML page (probably a login page): the credentials lack a scope or are wrong"
			if e.Scope != "" {
				s += " (needs " + e.Scope + ")"
			}
			return s
		}
		if e.Scope != "" {
			return withCode("credentials lack the scope " + e.Scope)
		}
		return withCode("credentials lack a scope")
	case KindRateLimited:
		if e.RetryAfter > 0 {
			return withCode("rate limited, retry after " + e.RetryAfter.String())
		}
		return withCode("rate limited")
	case KindUnavailable:
		if e.reason != "" {
			return withCode("service unavailable: " + e.reason)
		}
		return withCode("service unavailable")
	case KindRejected:
		if e.reason != "" && e.ErrorCode == "" && e.ErrorDescription == "" {
			return "request rejected: " + e.reason
		}
		return withCode("request rejected")
	case KindBadResponse:
		return "unusable response: " + e.reason
	case KindTimeout:
		if e.timeout > 0 {
			return "no answer within " + e.timeout.String()
		}
		return "no answer before the deadline"
	case KindCanceled:
		return "request canceled"
	case KindNetwork:
		return "cannot reach myKaarma"
	}
	return withCode("failed")
}

// Unwrap returns the underlying transport or context error, so that
// errors.Is(err, context.DeadlineExceeded) works.
func (e *APIError) Unwrap() error { return e.Err }

// Retryable reports whether repeating the request is certainly safe: only
// where myKaarma cannot have acted on it. That is a connection that was never
// made (dial error, e.g. connection refused), HTTP 429, or HTTP 503 that came
// with a Retry-After. A timeout, a reset connection or a 500 may hide a draft
// that was created, and a second attempt would create a second draft.
func (e *APIError) Retryable() bool {
	switch {
	case e.Kind == KindRateLimited:
		return true
	case e.StatusCode == http.StatusServiceUnavailable && e.RetryAfter > 0:
		return true
	case e.StatusCode == 0 && isDialError(e.Err):
		return true
	}
	return false
}

// isDialError reports whether err happened while connecting, before any byte
// of the request was written.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// scopeActions names, in a service advisor's words, what each scope allows.
var scopeActions = map[string]string{
	scopeDraftCreate:      "create draft appointments",
	scopeCustomerSearch:   "look up customers",
	scopeOpCodeRead:       "read the list of services (opcodes)",
	scopeTransportOptions: "read the transport options",
	scopeDealerRead:       "read the store's details",
}

// UserMessage says in plain words what went wrong and what to do next, for a
// service advisor rather than an engineer. It never contains credentials,
// ids or internals; myKaarma's own errorDescription is used when the request
// was refused, because it is usually the most specific explanation there is.
func (e *APIError) UserMessage() string {
	draft := e.Op == opCreateDraft
	maybeCreated := ""
	if draft {
		maybeCreated = " The draft may or may not have been created: check myKaarma before trying again."
	}
	status := ""
	if e.StatusCode != 0 {
		status = " (HTTP " + strconv.Itoa(e.StatusCode) + ")"
	}
	switch e.Kind {
	case KindInvalidInput:
		return upperFirst(e.reason) + "."
	case KindAuth:
		msg := "myKaarma rejected the bot's credentials" + status + ". Ask your administrator to check MYKAARMA_USERNAME/PASSWORD"
		if e.StatusCode != http.StatusUnauthorized {
			msg += " and this store's myKaarma dealer and department ids"
		}
		return msg + "."
	case KindScope:
		action := scopeActions[e.Scope]
		if action == "" {
			action = "do this"
		}
		if e.html {
			return "myKaarma answered with a login page instead of data: the bot's account probably lacks the scope" +
				scopeName(e.Scope) + " (permission to " + action + "), or its credentials are wrong. Ask your administrator to check both."
		}
		return "The bot's myKaarma account is not allowed to " + action + " for this store" + status +
			": it lacks the scope" + scopeName(e.Scope) + ". Ask your administrator to have myKaarma grant it."
	case KindRateLimited:
		when := "in a minute"
		if e.RetryAfter > 0 {
			when = "in " + humanDuration(e.RetryAfter)
		}
		return "myKaarma is receiving too many requests right now" + status + ". Try again " + when + "."
	case KindUnavailable:
		if e.ErrorDescription != "" {
			return "myKaarma is having trouble right now" + status + ": " + strings.TrimSuffix(e.ErrorDescription, ".") + ". Try again in a few minutes." + maybeCreated
		}
		return "myKaarma is having trouble right now" + status + ". Try again in a few minutes." + maybeCreated
	case KindRejected:
		if e.ErrorDescription != "" {
			return e.ErrorDescription
		}
		if e.StatusCode == http.StatusNotFound {
			return "myKaarma could not find what the bot asked for" + status +
				". Ask your administrator to check this store's myKaarma dealer and department ids."
		}
		if e.ErrorCode != "" {
			return "myKaarma refused the request" + status + " with code " + e.ErrorCode + ". Check the details and try again."
		}
		return "myKaarma refused the request" + status + ". Check the details and try again; if it keeps happening, tell your administrator."
	case KindBadResponse:
		if draft {
			return "myKaarma sent an answer the bot could not read" + status + "." + maybeCreated
		}
		return "myKaarma sent an answer the bot could not read" + status + ". Try again in a few minutes; if it keeps happening, tell your administrator."
	case KindTimeout:
		within := "in time"
		if e.timeout > 0 {
			within = "within " + humanDuration(e.timeout)
		}
		if draft {
			return "myKaarma did not answer " + within + "." + maybeCreated
		}
		return "myKaarma did not answer " + within + ". Try again in a few minutes."
	case KindCanceled:
		return "The request to myKaarma was cancelled before it finished." + maybeCreated
	case KindNetwork:
		if isDialError(e.Err) || !draft {
			return "The bot could not reach myKaarma. Try again in a few minutes; if it keeps happening, tell your administrator."
		}
		return "The connection to myKaarma broke." + maybeCreated
	}
	return "Something went wrong talking to myKaarma. Try again; if it keeps happening, tell your administrator."
}

func scopeName(scope string) string {
	if scope == "" {
		return ""
	}
	return " " + scope
}

// humanDuration renders whole seconds or minutes: "30 seconds", "2 minutes".
func humanDuration(d time.Duration) string {
	switch {
	case d < 2*time.Second:
		return "a second"
	case d < 2*time.Minute:
		return strconv.Itoa(int(d.Round(time.Second)/time.Second)) + " seconds"
	default:
		return strconv.Itoa(int(d.Round(time.Minute)/time.Minute)) + " minutes"
	}
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// transportError classifies a failure to get a complete response. ctx is the
// per-request context (caller's context plus Config.Timeout) and parent the
// caller's own, so a caller's cancellation is told apart from our timeout.
func transportError(parent, ctx context.Context, op, scope string, timeout time.Duration, err error) *APIError {
	e := &APIError{Op: op, Scope: scope, Err: err, timeout: timeout}
	var netErr net.Error
	switch {
	case errors.Is(parent.Err(), context.Canceled):
		e.Kind = KindCanceled
		if !errors.Is(err, context.Canceled) {
			e.Err = fmt.Errorf("%w: %w", context.Canceled, err)
		}
	case ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()):
		e.Kind = KindTimeout
		if !errors.Is(err, context.DeadlineExceeded) {
			e.Err = fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
		}
		if parent.Err() != nil {
			// The caller's deadline, not ours, ran out: don't quote ours.
			e.timeout = 0
		}
	default:
		e.Kind = KindNetwork
	}
	return e
}

// maxRetryAfter bounds a Retry-After hint: beyond a day it is not a hint a
// chat bot can act on, and capping avoids overflowing time.Duration.
const maxRetryAfter = 24 * time.Hour

// retryAfter parses a Retry-After header: delay-seconds or an HTTP date.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if secs, err := strconv.Atoi(h); err == nil {
		switch {
		case secs < 0:
			return 0
		case secs > int(maxRetryAfter/time.Second):
			return maxRetryAfter
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		if d := t.Sub(now); d > 0 {
			return min(d.Round(time.Second), maxRetryAfter)
		}
	}
	return 0
}
