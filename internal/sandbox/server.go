package sandbox

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Default credentials, used when Options leaves them empty, so that
// `draftappt sandbox` works without configuration.
const (
	DefaultUsername = "sandbox"
	DefaultPassword = "sandbox-password"
)

// maxRequests bounds the request record, so a long-running sandbox does not
// grow without limit; the oldest entries are dropped first.
const maxRequests = 10000

// maxBodyBytes bounds request bodies, as a real API gateway would.
const maxBodyBytes = 1 << 20

// Options configures a Server.
type Options struct {
	// Username and Password are the credentials every API call must present
	// with HTTP Basic auth; otherwise the answer is 401 with a JSON error.
	// Empty means DefaultUsername/DefaultPassword.
	Username, Password string
	// PublicURL is the base of the short URLs, e.g. http://localhost:8090.
	// Empty means the Host the request came to, over http.
	PublicURL string
	// Now gives the time drafts are stamped with; time.Now when nil.
	Now func() time.Time
}

// Fault is an injected answer. With Status 0 the request is only delayed
// and then handled normally.
type Fault struct {
	Status      int
	ContentType string // sniffed from Body when empty: JSON if it starts with { or [, else text/plain
	Body        string
	Delay       time.Duration // waited before answering (cut short if the client goes away)
	RetryAfter  string        // sent as Retry-After when non-empty
}

// Warning is a warning the sandbox attached to a draft.
type Warning struct {
	Code        string `json:"warningCode"`
	Description string `json:"warningDescription"`
}

// RecordedDraft is a draft the sandbox created.
type RecordedDraft struct {
	DealerUUID string
	Request    DraftRequest // the body, as the sandbox decoded it
	UUID       string
	ShortID    string
	ShortURL   string
	Created    time.Time
	RequestID  string // the X-Request-Id header, if any
	Warnings   []Warning
}

// RecordedRequest is one request the sandbox answered.
type RecordedRequest struct {
	Time      time.Time
	Method    string
	Path      string
	Endpoint  string // one of the Endpoint constants
	RequestID string // the X-Request-Id header, if any
	Status    int
}

// Server is the stand-in. Create it with New; it is an http.Handler.
type Server struct {
	mux      *http.ServeMux
	now      func() time.Time
	user     string
	password string
	data     *seed

	mu           sync.Mutex
	publicURL    string
	drafts       []RecordedDraft
	byShortID    map[string]int
	requests     []RecordedRequest
	faults       map[string][]Fault
	delays       map[string]time.Duration
	missingScope map[string]bool
}

// New returns a sandbox seeded with two dealers (DealerUUID, with
// DepartmentUUID, and SecondDealerUUID), nine customers with vehicles
// (valid VINs and VINs failing the check digit, including SampleVIN), 120
// opcodes at DealerUUID (so paging over 50 at a time matters), four
// transport options and dealer info with time zone US/Central.
func New(opts Options) *Server {
	s := &Server{
		mux:          http.NewServeMux(),
		now:          opts.Now,
		user:         opts.Username,
		password:     opts.Password,
		data:         newSeed(),
		publicURL:    strings.TrimRight(opts.PublicURL, "/"),
		byShortID:    map[string]int{},
		faults:       map[string][]Fault{},
		delays:       map[string]time.Duration{},
		missingScope: map[string]bool{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.user == "" {
		s.user = DefaultUsername
	}
	if s.password == "" {
		s.password = DefaultPassword
	}
	s.route("POST /appointment/v2/dealer/{dealerUuid}/draftAppointment", EndpointDraft, true, s.handleDraft)
	s.route("GET /customer/v2/department/{deptUuid}/customer/list", EndpointCustomerSearch, true, s.handleCustomerSearch)
	s.route("GET /customer/v2/department/{deptUuid}/customer/{customerUuid}", EndpointCustomer, true, s.handleCustomer)
	s.route("POST /opcodes/v1/dealers/{dealerUuid}/operations/searches", EndpointOpCodes, true, s.handleOpCodes)
	s.route("GET /appointment/v2/department/{deptUuid}/transportOption/list", EndpointTransportOptions, true, s.handleTransportOptions)
	s.route("POST /manage/v2/dealer/list", EndpointDealers, true, s.handleDealers)
	s.route("GET /d/{id}", EndpointDraftPage, false, s.handleDraftPage)
	s.route("GET /healthz", EndpointHealth, false, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	s.route("/", EndpointUnknown, false, func(w http.ResponseWriter, r *http.Request) {
		writeAppointmentError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("no endpoint %s %s", r.Method, r.URL.Path))
	})
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// SetPublicURL sets the base of short URLs; tests learn it only after
// httptest has started the server.
func (s *Server) SetPublicURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.publicURL = strings.TrimRight(u, "/")
}

// FailNext makes the next n draft calls answer with f.
func (s *Server) FailNext(n int, f Fault) { s.FailNextOn(EndpointDraft, n, f) }

// FailNextOn makes the next n calls to endpoint answer with f. It panics on
// an unknown endpoint name: that is a mistake in the test.
func (s *Server) FailNextOn(endpoint string, n int, f Fault) {
	mustAPIEndpoint(endpoint)
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[endpoint] = append(s.faults[endpoint], f)
	}
}

// SetDelay slows every answer of endpoint by d (0 removes the delay). A
// draft whose client gave up during the delay is still created, as it would
// be by myKaarma: that is the case a client timeout cannot rule out.
func (s *Server) SetDelay(endpoint string, d time.Duration) {
	mustAPIEndpoint(endpoint)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delays[endpoint] = d
}

// SetMissingScope makes endpoint behave as if the credentials lacked its
// scope in the way seen on some myKaarma routes: HTTP 200 with an HTML login
// page.
func (s *Server) SetMissingScope(endpoint string, missing bool) {
	mustAPIEndpoint(endpoint)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.missingScope[endpoint] = missing
}

// Drafts returns every draft created so far, oldest first.
func (s *Server) Drafts() []RecordedDraft {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]RecordedDraft, len(s.drafts))
	for i, d := range s.drafts {
		out[i] = d.clone()
	}
	return out
}

// Requests returns the requests answered so far (at most the last 10,000),
// oldest first.
func (s *Server) Requests() []RecordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]RecordedRequest(nil), s.requests...)
}

func (d RecordedDraft) clone() RecordedDraft {
	d.Request.OpCodes = append([]OpCode(nil), d.Request.OpCodes...)
	if p := d.Request.AppointmentCommunicationPreference; p != nil {
		cp := *p
		d.Request.AppointmentCommunicationPreference = &cp
	}
	d.Warnings = append([]Warning(nil), d.Warnings...)
	return d
}

func mustAPIEndpoint(endpoint string) {
	if !apiEndpoints[endpoint] {
		panic(fmt.Sprintf("sandbox: unknown endpoint %q", endpoint))
	}
}

// statusWriter remembers the status for the request record.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// route registers h behind the behaviour every endpoint shares: the request
// record, Basic auth, missing-scope mode, injected faults and delays.
func (s *Server) route(pattern, endpoint string, auth bool, h http.HandlerFunc) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		defer s.record(r, endpoint, sw)
		if auth && !s.authorized(r) {
			sw.Header().Set("WWW-Authenticate", `Basic realm="myKaarma sandbox"`)
			writeAppointmentError(sw, http.StatusUnauthorized, "UNAUTHORIZED", "invalid auth credentials")
			return
		}
		if !auth {
			h(sw, r)
			return
		}
		s.mu.Lock()
		missing := s.missingScope[endpoint]
		delay := s.delays[endpoint]
		var fault *Fault
		if q := s.faults[endpoint]; len(q) > 0 {
			f := q[0]
			fault = &f
			s.faults[endpoint] = q[1:]
		}
		s.mu.Unlock()

		if missing {
			sw.Header().Set("Content-Type", "text/html; charset=utf-8")
			sw.WriteHeader(http.StatusOK)
			_, _ = sw.Write([]byte(loginPage))
			return
		}
		if fault != nil {
			delay += fault.Delay
		}
		wait(r, delay)
		if fault != nil && fault.Status != 0 {
			writeFault(sw, *fault)
			return
		}
		r.Body = http.MaxBytesReader(sw, r.Body, maxBodyBytes)
		h(sw, r)
	})
}

// wait sleeps d, or less if the client goes away first.
func wait(r *http.Request, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}

func writeFault(w http.ResponseWriter, f Fault) {
	ct := f.ContentType
	if ct == "" {
		ct = "text/plain; charset=utf-8"
		if b := strings.TrimSpace(f.Body); strings.HasPrefix(b, "{") || strings.HasPrefix(b, "[") {
			ct = "application/json"
		}
	}
	w.Header().Set("Content-Type", ct)
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(f.Body))
}

func (s *Server) authorized(r *http.Request) bool {
	u, p, ok := r.BasicAuth()
	if !ok {
		return false
	}
	uOK := subtle.ConstantTimeCompare([]byte(u), []byte(s.user)) == 1
	pOK := subtle.ConstantTimeCompare([]byte(p), []byte(s.password)) == 1
	return uOK && pOK
}

func (s *Server) record(r *http.Request, endpoint string, sw *statusWriter) {
	status := sw.status
	if status == 0 {
		status = http.StatusOK
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.requests) >= maxRequests {
		s.requests = append(s.requests[:0], s.requests[len(s.requests)-maxRequests+1:]...)
	}
	s.requests = append(s.requests, RecordedRequest{
		Time: s.now(), Method: r.Method, Path: r.URL.Path, Endpoint: endpoint,
		RequestID: r.Header.Get("X-Request-Id"), Status: status,
	})
}

// baseURL is the base of short URLs for a request.
func (s *Server) baseURL(r *http.Request) string {
	s.mu.Lock()
	u := s.publicURL
	s.mu.Unlock()
	if u != "" {
		return u
	}
	return "http://" + r.Host
}

const loginPage = `<!DOCTYPE html>
<html><head><title>myKaarma - Sign in</title></head>
<body><form method="post" action="/login"><h1>Sign in to myKaarma</h1>
<input name="username"><input name="password" type="password"><button>Sign in</button></form></body></html>
`

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// writeAppointmentError answers with the appointment/v2 envelope, "error"
// as an object (as the draft endpoint documents it).
func writeAppointmentError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]any{
		"statusCode": status,
		"error":      map[string]string{"errorCode": code, "errorDescription": desc, "errorUID": newID(8)},
		"warnings":   []Warning{},
	})
}

// writeAppointmentErrorArray answers with "error" as an array, as other
// appointment endpoints do.
func writeAppointmentErrorArray(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]any{
		"statusCode": status,
		"error":      []map[string]string{{"errorCode": code, "errorDescription": desc, "errorUID": newID(8)}},
		"warnings":   []Warning{},
	})
}

// writeCustomerError answers with the customer/v2 envelope.
func writeCustomerError(w http.ResponseWriter, status int, code, title, msg string) {
	writeJSON(w, status, map[string]any{
		"errors":       []map[string]string{{"errorCode": code, "errorTitle": title, "errorMessage": msg}},
		"warnings":     []any{},
		"apiRequestId": newID(12),
	})
}

// newID returns n random bytes in hex.
func newID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return hex.EncodeToString(b)
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// newShortID returns 8 random base-62 characters.
func newShortID() string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
