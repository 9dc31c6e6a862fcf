package mykaarma

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultTimeout bounds each request when Config.Timeout is zero. A Slack
// interaction has to be answered within seconds, so waiting longer than this
// for myKaarma is not useful.
const DefaultTimeout = 10 * time.Second

// DefaultUserAgent is sent when Config.UserAgent is empty.
const DefaultUserAgent = "draftappt (+https://github.com/draftappt/draftappt)"

// maxBodyBytes bounds how much of a response is read: myKaarma's answers are
// small, and a runaway body must not exhaust memory.
const maxBodyBytes = 1 << 20

// Operation names used in errors.
const (
	opCreateDraft      = "create draft"
	opSearchCustomers  = "search customers"
	opGetCustomer      = "get customer"
	opListOpCodes      = "list opcodes"
	opListTransport    = "list transport options"
	opDealerInfo       = "dealer info"
	requestIDHeader    = "X-Request-Id"
	maxRequestIDLength = 128
)

// Scopes each endpoint needs, per docs/mykaarma-api.md.
const (
	scopeDraftCreate      = "appointment.draft.create"
	scopeCustomerSearch   = "customer.search"
	scopeOpCodeRead       = "kopcode.operation.read"
	scopeTransportOptions = "appointment.transportOptions"
	scopeDealerRead       = "manage.dealer.read"
)

// Config configures a Client.
type Config struct {
	// BaseURL is the API root, e.g. https://api.mykaarma.com. It must be an
	// absolute http or https URL without credentials; a trailing slash is
	// ignored.
	BaseURL string
	// Username and Password are the ServiceSubscriber credentials, sent as
	// HTTP Basic auth. They never appear in errors.
	Username string
	Password string
	// Timeout bounds each request (on top of the caller's context);
	// DefaultTimeout when zero.
	Timeout time.Duration
	// HTTPClient is used when set (tests, custom transports); otherwise a
	// client with its own copy of http.DefaultTransport.
	HTTPClient *http.Client
	// UserAgent is sent as User-Agent; DefaultUserAgent when empty.
	UserAgent string
}

// Client talks to one myKaarma API host with one set of credentials. It is
// safe for concurrent use.
type Client struct {
	baseURL   string
	authz     string // the whole Authorization header value
	secrets   []string
	timeout   time.Duration
	hc        *http.Client
	userAgent string
	now       func() time.Time
}

// New checks cfg and returns a Client. It does not contact myKaarma.
func New(cfg Config) (*Client, error) {
	base := strings.TrimSpace(cfg.BaseURL)
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("mykaarma: config: BaseURL is not a URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("mykaarma: config: BaseURL %q must be an absolute http or https URL", base)
	}
	if u.User != nil {
		// Credentials in the URL would end up in error texts and logs.
		return nil, errors.New("mykaarma: config: BaseURL must not contain credentials; use Username and Password")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("mykaarma: config: BaseURL %q must not have a query or fragment", u.Redacted())
	}
	if cfg.Username == "" || cfg.Password == "" {
		return nil, errors.New("mykaarma: config: Username and Password are required")
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("mykaarma: config: Timeout %v is negative", cfg.Timeout)
	}
	c := &Client{
		baseURL:   strings.TrimRight(u.String(), "/"),
		timeout:   cfg.Timeout,
		hc:        cfg.HTTPClient,
		userAgent: cfg.UserAgent,
		now:       time.Now,
	}
	token := base64.StdEncoding.EncodeToString([]byte(cfg.Username + ":" + cfg.Password))
	c.authz = "Basic " + token
	c.secrets = []string{token, cfg.Password, cfg.Username}
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	if c.hc == nil {
		c.hc = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	return c, nil
}

type requestIDKey struct{}

// WithRequestID returns a context that makes the client send id as the
// X-Request-Id header, so one Slack interaction can be followed through
// myKaarma's logs (and the sandbox's request record).
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestIDFrom returns the request id set by WithRequestID, or "".
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// validRequestID reports whether id can be sent as a header value as is:
// printable ASCII, bounded length. Anything else is dropped rather than
// failing the call, because the id only serves correlation.
func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return false
		}
	}
	return true
}

// call describes one request.
type call struct {
	op, scope string
	method    string
	path      string // already escaped
	query     url.Values
	body      any // marshalled to JSON when non-nil
}

// response is a fully read answer.
type response struct {
	status    int
	header    http.Header
	mediaType string // lowercased, without parameters
	body      []byte
	truncated bool // the body was larger than maxBodyBytes
}

// do sends the request and reads the whole (bounded) answer. Any failure to
// get an answer is returned as an *APIError.
func (c *Client) do(ctx context.Context, cl call) (*response, *APIError) {
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()

	var body io.Reader
	if cl.body != nil {
		b, err := json.Marshal(cl.body)
		if err != nil {
			return nil, &APIError{Op: cl.op, Scope: cl.scope, Kind: KindInvalidInput, reason: "cannot encode the request", Err: err}
		}
		body = bytes.NewReader(b)
	}
	u := c.baseURL + cl.path
	if len(cl.query) > 0 {
		u += "?" + cl.query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, u, body)
	if err != nil {
		return nil, &APIError{Op: cl.op, Scope: cl.scope, Kind: KindInvalidInput, reason: "cannot build the request", Err: err}
	}
	req.Header.Set("Authorization", c.authz)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if cl.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if id := RequestIDFrom(parent); validRequestID(id) {
		req.Header.Set(requestIDHeader, id)
	}

	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, c.sanitise(transportError(parent, ctx, cl.op, cl.scope, c.timeout, err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if err != nil {
		e := transportError(parent, ctx, cl.op, cl.scope, c.timeout, fmt.Errorf("reading the response: %w", err))
		e.StatusCode = resp.StatusCode
		return nil, c.sanitise(e)
	}
	r := &response{status: resp.StatusCode, header: resp.Header, body: data}
	if len(data) > maxBodyBytes {
		r.body, r.truncated = data[:maxBodyBytes], true
	}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err == nil {
		r.mediaType = strings.ToLower(mt)
	}
	return r, nil
}

// sanitise redacts credentials from every text an error may show, and makes
// those texts single-line and bounded. Texts that came from myKaarma can echo
// anything, including the request's Authorization header.
func (c *Client) sanitise(e *APIError) *APIError {
	if e == nil {
		return nil
	}
	clean := func(s string, max int) string { return c.redact(oneLine(s, max)) }
	e.ErrorCode = clean(e.ErrorCode, 80)
	e.ErrorDescription = clean(e.ErrorDescription, 300)
	e.ErrorUID = clean(e.ErrorUID, 80)
	e.reason = clean(e.reason, 400)
	if e.Err != nil {
		e.errText = clean(e.Err.Error(), 400)
	}
	return e
}

// redact replaces the credentials, in any form the client sends them, with
// a placeholder.
func (c *Client) redact(s string) string {
	for _, secret := range c.secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	return s
}

// oneLine collapses whitespace (including newlines) and cuts s to at most
// max runes, so remote text cannot forge log lines or flood them.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
	var n int
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// roundTrip sends cl and decodes a successful JSON answer into out (when
// non-nil); env receives the envelope. Every failure is a sanitised
// *APIError.
func (c *Client) roundTrip(ctx context.Context, cl call, out any) (envelope, error) {
	r, apiErr := c.do(ctx, cl)
	if apiErr != nil {
		return envelope{}, apiErr
	}
	env, apiErr := interpret(cl.op, cl.scope, r, c.now(), out)
	if apiErr != nil {
		return env, c.sanitise(apiErr)
	}
	return env, nil
}

// interpret judges a complete answer: it classifies HTTP status, content
// type and myKaarma's error envelope, and on success unmarshals the body
// into out (when out is non-nil). It is pure, so it can be fuzzed.
func interpret(op, scope string, r *response, now time.Time, out any) (envelope, *APIError) {
	fail := func(kind ErrorKind, reason string) *APIError {
		return &APIError{Op: op, Scope: scope, Kind: kind, StatusCode: r.status, reason: reason}
	}
	ok2xx := r.status >= 200 && r.status <= 299
	html := looksHTML(r.mediaType, r.body)
	isJSON := !html && looksJSON(r.mediaType, r.body)

	var env envelope
	if isJSON && !r.truncated {
		_ = json.Unmarshal(r.body, &env) // lenient types: fails only for non-objects, which carry no envelope
	}
	item, hasError := env.firstError()

	if !ok2xx {
		e := fail(statusKind(r.status), "")
		if hasError || env.Message != "" {
			e.ErrorCode = string(item.ErrorCode)
			e.ErrorDescription = describe(item, env)
			e.ErrorUID = string(item.ErrorUID)
		}
		switch e.Kind {
		case KindRateLimited, KindUnavailable:
			e.RetryAfter = retryAfter(r.header.Get("Retry-After"), now)
		case KindAuth, KindScope, KindRejected:
			if k, ok := textKind(r.body); ok {
				e.Kind = k
			}
		}
		switch {
		case html:
			e.html = true
			e.reason = "answered with an HTML page"
		case !isJSON && len(bytes.TrimSpace(r.body)) > 0:
			e.reason = "non-JSON body " + describeBody(r)
		}
		return env, e
	}

	switch {
	case html:
		e := fail(KindScope, "")
		e.html = true
		return env, e
	case len(bytes.TrimSpace(r.body)) == 0:
		return env, fail(KindBadResponse, "empty body")
	case r.truncated:
		return env, fail(KindBadResponse, fmt.Sprintf("body larger than %d bytes", maxBodyBytes))
	case !isJSON:
		return env, fail(KindBadResponse, "body is not JSON "+describeBody(r))
	case !json.Valid(r.body):
		return env, fail(KindBadResponse, "body is not valid JSON "+describeBody(r))
	}
	if hasError {
		e := fail(KindRejected, "")
		e.ErrorCode = string(item.ErrorCode)
		e.ErrorDescription = describe(item, env)
		e.ErrorUID = string(item.ErrorUID)
		if k, ok := textKind(r.body); ok {
			e.Kind = k
		}
		return env, e
	}
	if out != nil {
		if err := json.Unmarshal(r.body, out); err != nil {
			e := fail(KindBadResponse, "cannot decode the body")
			e.Err = err
			return env, e
		}
	}
	return env, nil
}

// describe picks the most specific description an error body offers.
func describe(item errorItem, env envelope) string {
	for _, s := range []flexString{item.ErrorDescription, item.ErrorMessage, env.Message, item.ErrorTitle} {
		if s != "" {
			return string(s)
		}
	}
	return ""
}

// statusKind maps a non-2xx HTTP status to the kind of failure.
func statusKind(status int) ErrorKind {
	switch {
	case status == http.StatusUnauthorized:
		return KindAuth
	case status == http.StatusForbidden:
		return KindScope
	case status == http.StatusTooManyRequests:
		return KindRateLimited
	case status >= 500:
		return KindUnavailable
	case status >= 400:
		return KindRejected
	}
	return KindBadResponse // 1xx/3xx: nothing this client can use
}

// textKind recognises the two error texts myKaarma is known to use for
// credential problems, whatever status they come with.
func textKind(body []byte) (ErrorKind, bool) {
	head := body
	if len(head) > 64<<10 {
		head = head[:64<<10]
	}
	lower := bytes.ToLower(head)
	switch {
	case bytes.Contains(lower, []byte("apiscope does not exist")):
		return KindScope, true
	case bytes.Contains(lower, []byte("invalid auth credentials")):
		return KindAuth, true
	}
	return 0, false
}

// looksHTML reports whether the answer is an HTML page: by Content-Type, or
// by its first bytes when the type is missing or generic.
func looksHTML(mediaType string, body []byte) bool {
	switch mediaType {
	case "text/html", "application/xhtml+xml":
		return true
	case "", "text/plain", "application/octet-stream":
		head := bytes.ToLower(bytes.TrimSpace(body))
		return bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html"))
	}
	return false
}

// looksJSON reports whether the answer should be decoded as JSON: a JSON
// media type, or a missing/generic one with a body that starts like JSON.
func looksJSON(mediaType string, body []byte) bool {
	if mediaType == "application/json" || strings.HasSuffix(mediaType, "+json") || mediaType == "text/json" {
		return true
	}
	switch mediaType {
	case "", "text/plain", "application/octet-stream":
		t := bytes.TrimSpace(body)
		return len(t) > 0 && (t[0] == '{' || t[0] == '[')
	}
	return false
}

// describeBody gives the content type and a short, single-line start of a
// body that is not what was expected; never more than ~120 characters.
func describeBody(r *response) string {
	mt := r.mediaType
	if mt == "" {
		mt = "none"
	}
	snippet := oneLine(string(r.body), 120)
	if snippet == "" {
		return "(content-type " + mt + ", empty)"
	}
	return fmt.Sprintf("(content-type %s): %q", mt, snippet)
}
