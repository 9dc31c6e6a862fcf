package mykaarma_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/draftappt/draftappt/internal/mykaarma"
)

var update = flag.Bool("update", false, "rewrite golden files")

const (
	testUser = "svc-draftappt"
	testPass = "s3cr3t-Pa55word!"
	dealer   = "b5a2c1e0-dealer"
)

// captured is one request the test server saw.
type captured struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   []byte
}

// recorder is an httptest server answering with a fixed handler and
// remembering what it was sent.
type recorder struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []captured
}

func (r *recorder) last(t *testing.T) captured {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	require.NotEmpty(t, r.reqs, "no request reached the server")
	return r.reqs[len(r.reqs)-1]
}

func (r *recorder) all() []captured {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]captured(nil), r.reqs...)
}

func newRecorder(t *testing.T, h http.HandlerFunc) *recorder {
	t.Helper()
	rec := &recorder{}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, captured{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone(), body})
		rec.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		h(w, r)
	}))
	t.Cleanup(rec.Close)
	return rec
}

// respond returns a handler answering status, content type and body.
func respond(status int, contentType, body string, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func newClient(t *testing.T, baseURL string, timeout time.Duration) *mykaarma.Client {
	t.Helper()
	c, err := mykaarma.New(mykaarma.Config{BaseURL: baseURL, Username: testUser, Password: testPass, Timeout: timeout})
	require.NoError(t, err)
	return c
}

func minimalRequest() mykaarma.DraftRequest {
	return mykaarma.DraftRequest{
		AppointmentStartDateTime: "2024-01-01T09:00:00",
		CustomerDetails: mykaarma.CustomerDetails{
			UUID:               "cust-1",
			VehicleIdentifiers: mykaarma.VehicleIdentifiers{VIN: "1HGCM82633A123456"},
		},
	}
}

// fullRequest is the documentation's first sample, every field set.
func fullRequest() mykaarma.DraftRequest {
	return mykaarma.DraftRequest{
		AppointmentCommunicationPreference: &mykaarma.CommunicationPreference{
			EmailConfirmation: true, EmailReminder: true, NotifyCustomer: true,
			SendCommunicationToDA: true, TextConfirmation: true, TextReminder: false,
		},
		AppointmentEndDateTime:   "2024-01-01T10:00:00",
		AppointmentStartDateTime: "2024-01-01T09:00:00",
		AssignedAdvisorUUID:      "advisor-1",
		OpCodes: []mykaarma.OpCode{
			{LaborOpCode: "OIL_CHANGE", Description: "Oil Change Service", OpCodeName: "Oil Change", OperationUUID: "op-1"},
			{LaborOpCode: "ROTATE"},
		},
		CustomerDetails: mykaarma.CustomerDetails{
			UUID:               "cust-1",
			VehicleIdentifiers: mykaarma.VehicleIdentifiers{UUID: "veh-1", VIN: "1HGCM82633A123456"},
		},
		TransportOption: "transport-1",
		Note:            "Regular maintenance service",
		Expiry:          "2024-02-01T00:00:00",
	}
}

const okBody = `{"statusCode":0,"draftAppointmentUuid":"draft-123","shortUrl":"https://mkr.io/abc","error":null,"warnings":[]}`

func TestNew(t *testing.T) {
	tests := []struct {
		name string
		cfg  mykaarma.Config
		want string // substring of the error, "" for success
	}{
		{"OK", mykaarma.Config{BaseURL: "https://api.mykaarma.com/", Username: "u", Password: "p"}, ""},
		{"OKHTTPWithPath", mykaarma.Config{BaseURL: "http://localhost:8090/mk", Username: "u", Password: "p"}, ""},
		{"ErrRelative", mykaarma.Config{BaseURL: "api.mykaarma.com", Username: "u", Password: "p"}, "absolute"},
		{"ErrEmpty", mykaarma.Config{Username: "u", Password: "p"}, "absolute"},
		{"ErrScheme", mykaarma.Config{BaseURL: "ftp://api.mykaarma.com", Username: "u", Password: "p"}, "absolute"},
		{"ErrUnparseable", mykaarma.Config{BaseURL: "http://[::1", Username: "u", Password: "p"}, "not a URL"},
		{"ErrCredentialsInURL", mykaarma.Config{BaseURL: "https://u:pw@api.mykaarma.com", Username: "u", Password: "p"}, "credentials"},
		{"ErrQuery", mykaarma.Config{BaseURL: "https://api.mykaarma.com?x=1", Username: "u", Password: "p"}, "query"},
		{"ErrNoUsername", mykaarma.Config{BaseURL: "https://api.mykaarma.com", Password: "p"}, "Username and Password"},
		{"ErrNoPassword", mykaarma.Config{BaseURL: "https://api.mykaarma.com", Username: "u"}, "Username and Password"},
		{"ErrNegativeTimeout", mykaarma.Config{BaseURL: "https://api.mykaarma.com", Username: "u", Password: "p", Timeout: -time.Second}, "negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := mykaarma.New(tt.cfg)
			if tt.want == "" {
				require.NoError(t, err)
				assert.NotNil(t, c)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "pw@", "credentials are not echoed")
		})
	}
}

func TestCreateDraftSendsDocumentedRequest(t *testing.T) {
	srv := newRecorder(t, respond(http.StatusOK, "application/json", okBody))
	// A trailing slash on the base URL must not double the path's slash.
	c := newClient(t, srv.URL+"/", 0)
	ctx := mykaarma.WithRequestID(context.Background(), "req-42")

	_, err := c.CreateDraft(ctx, "dealer/with space", fullRequest())
	require.NoError(t, err)

	got := srv.last(t)
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "/appointment/v2/dealer/dealer%2Fwith%20space/draftAppointment", got.Path)
	assert.Equal(t, "application/json", got.Header.Get("Content-Type"))
	assert.Equal(t, "application/json", got.Header.Get("Accept"))
	assert.Equal(t, "Basic "+base64.StdEncoding.EncodeToString([]byte(testUser+":"+testPass)), got.Header.Get("Authorization"))
	assert.Equal(t, "req-42", got.Header.Get("X-Request-Id"))
	assert.Equal(t, mykaarma.DefaultUserAgent, got.Header.Get("User-Agent"))
}

func TestCreateDraftBodyGolden(t *testing.T) {
	tests := []struct {
		name string
		req  mykaarma.DraftRequest
	}{
		{"full", fullRequest()},
		// Optional fields are omitted, not sent empty: myKaarma then
		// applies its defaults (auto-assigned advisor, no messages).
		{"minimal", minimalRequest()},
		{"comms_all_off", func() mykaarma.DraftRequest {
			r := minimalRequest()
			r.AppointmentCommunicationPreference = &mykaarma.CommunicationPreference{}
			return r
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newRecorder(t, respond(http.StatusOK, "application/json", okBody))
			c := newClient(t, srv.URL, 0)
			_, err := c.CreateDraft(context.Background(), dealer, tt.req)
			require.NoError(t, err)
			got := srv.last(t).Body

			golden := filepath.Join("testdata", "draft_"+tt.name+".golden.json")
			if *update {
				var pretty bytes.Buffer
				require.NoError(t, json.Indent(&pretty, got, "", "  "))
				pretty.WriteByte('\n')
				require.NoError(t, os.WriteFile(golden, pretty.Bytes(), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test -update to create %s", golden)
			var compact bytes.Buffer
			require.NoError(t, json.Compact(&compact, want))
			// Byte equality after compaction also pins the field order.
			assert.Equal(t, compact.String(), string(got))
		})
	}
}

func TestCreateDraftOmitsInvalidRequestID(t *testing.T) {
	srv := newRecorder(t, respond(http.StatusOK, "application/json", okBody))
	c := newClient(t, srv.URL, 0)
	ctx := mykaarma.WithRequestID(context.Background(), "bad\r\nX-Injected: 1")
	_, err := c.CreateDraft(ctx, dealer, minimalRequest())
	require.NoError(t, err)
	assert.Empty(t, srv.last(t).Header.Get("X-Request-Id"))
	assert.Empty(t, srv.last(t).Header.Get("X-Injected"))
	assert.Empty(t, mykaarma.RequestIDFrom(context.Background()))
}

func TestCreateDraftResponses(t *testing.T) {
	tests := []struct {
		name        string
		handler     http.HandlerFunc
		wantDraft   mykaarma.Draft
		kind        mykaarma.ErrorKind
		status      int
		code, uid   string
		desc        string
		retryAfter  time.Duration
		retryable   bool
		errContains []string
	}{
		{
			name:      "Success",
			handler:   respond(http.StatusOK, "application/json", okBody),
			wantDraft: mykaarma.Draft{UUID: "draft-123", ShortURL: "https://mkr.io/abc"},
		},
		{
			name: "SuccessWithWarnings",
			handler: respond(http.StatusOK, "application/json;charset=UTF-8", `{"statusCode":200,"draftAppointmentUuid":"d-1","shortUrl":"https://mkr.io/x",
				"warnings":[{"warningCode":"VIN_CHECK_DIGIT","warningDescription":"VIN fails its check digit"},{"warningCode":"ADVISOR_AUTO_ASSIGNED"}]}`),
			wantDraft: mykaarma.Draft{UUID: "d-1", ShortURL: "https://mkr.io/x", Warnings: []mykaarma.Warning{
				{Code: "VIN_CHECK_DIGIT", Description: "VIN fails its check digit"}, {Code: "ADVISOR_AUTO_ASSIGNED"},
			}},
		},
		{
			name:      "SuccessEmptyErrorObject",
			handler:   respond(http.StatusCreated, "application/json", `{"draftAppointmentUuid":"d-2","shortUrl":"u","error":{"errorCode":null,"errorDescription":""},"warnings":null}`),
			wantDraft: mykaarma.Draft{UUID: "d-2", ShortURL: "u"},
		},
		{
			name:    "ErrorObject",
			handler: respond(http.StatusBadRequest, "application/json", `{"statusCode":400,"error":{"errorCode":"NO_TIME_INTERVAL_EXISTS","errorDescription":"No time interval exists for the given time","errorUID":"uid-1"}}`),
			kind:    mykaarma.KindRejected, status: 400, code: "NO_TIME_INTERVAL_EXISTS", uid: "uid-1",
			desc:        "No time interval exists for the given time",
			errContains: []string{"mykaarma: create draft: 400 bad request: request rejected: NO_TIME_INTERVAL_EXISTS (No time interval exists for the given time) [errorUID=uid-1]"},
		},
		{
			name:    "ErrorArray",
			handler: respond(http.StatusBadRequest, "application/json", `{"error":[{"errorCode":"INVALID_CUSTOMER","errorDescription":"Customer is not active","errorUID":"uid-2"},{"errorCode":"SECOND"}]}`),
			kind:    mykaarma.KindRejected, status: 400, code: "INVALID_CUSTOMER", uid: "uid-2", desc: "Customer is not active",
		},
		{
			name:    "ErrorWith2xx",
			handler: respond(http.StatusOK, "application/json", `{"statusCode":500,"draftAppointmentUuid":"d-3","shortUrl":"u","error":{"errorCode":"INTERNAL","errorDescription":"could not save","errorUID":"uid-3"}}`),
			kind:    mykaarma.KindRejected, status: 200, code: "INTERNAL", uid: "uid-3", desc: "could not save",
		},
		{
			name:    "EmptyUUID",
			handler: respond(http.StatusOK, "application/json", `{"draftAppointmentUuid":"","shortUrl":"https://mkr.io/x"}`),
			kind:    mykaarma.KindBadResponse, status: 200,
			errContains: []string{"no draftAppointmentUuid"},
		},
		{
			name:    "EmptyShortURL",
			handler: respond(http.StatusOK, "application/json", `{"draftAppointmentUuid":"d-4","shortUrl":null}`),
			kind:    mykaarma.KindBadResponse, status: 200,
			errContains: []string{"no shortUrl"},
		},
		{
			name:    "EmptyBody",
			handler: respond(http.StatusOK, "application/json", ""),
			kind:    mykaarma.KindBadResponse, status: 200,
			errContains: []string{"empty body"},
		},
		{
			name:    "MalformedJSON",
			handler: respond(http.StatusOK, "application/json", `{"draftAppointmentUuid":"d-5","shortUrl":"u`),
			kind:    mykaarma.KindBadResponse, status: 200,
			errContains: []string{"not valid JSON"},
		},
		{
			name:    "JSONNotAnObject",
			handler: respond(http.StatusOK, "application/json", `["d-6"]`),
			kind:    mykaarma.KindBadResponse, status: 200,
			errContains: []string{"cannot decode"},
		},
		{
			name:    "HTMLLoginPageWith200",
			handler: respond(http.StatusOK, "text/html; charset=utf-8", "<!DOCTYPE html>\n<html><body><form>Sign in</form></body></html>"),
			kind:    mykaarma.KindScope, status: 200,
			errContains: []string{"HTML page (probably a login page)", "appointment.draft.create"},
		},
		{
			name:    "HTMLWithoutContentType",
			handler: respond(http.StatusOK, "", "<html><body>Login</body></html>"),
			kind:    mykaarma.KindScope, status: 200,
			errContains: []string{"HTML page"},
		},
		{
			name:    "PlainText200",
			handler: respond(http.StatusOK, "text/plain", "OK\nall good"),
			kind:    mykaarma.KindBadResponse, status: 200,
			errContains: []string{`body is not JSON (content-type text/plain): "OK all good"`},
		},
		{
			name:    "Unauthorized",
			handler: respond(http.StatusUnauthorized, "application/json", `{"error":{"errorCode":"UNAUTHORIZED","errorDescription":"invalid auth credentials","errorUID":"uid-4"}}`),
			kind:    mykaarma.KindAuth, status: 401, code: "UNAUTHORIZED", uid: "uid-4", desc: "invalid auth credentials",
			errContains: []string{"401 unauthorized: credentials rejected"},
		},
		{
			name:    "UnauthorizedEmptyBody",
			handler: respond(http.StatusUnauthorized, "", ""),
			kind:    mykaarma.KindAuth, status: 401,
			errContains: []string{"mykaarma: create draft: 401 unauthorized: credentials rejected"},
		},
		{
			name:    "ForbiddenApiScope",
			handler: respond(http.StatusForbidden, "application/json", `{"error":{"errorCode":"FORBIDDEN","errorDescription":"ApiScope does not exist","errorUID":"uid-5"}}`),
			kind:    mykaarma.KindScope, status: 403, code: "FORBIDDEN", uid: "uid-5", desc: "ApiScope does not exist",
			errContains: []string{"mykaarma: create draft: 403 forbidden: credentials lack the scope appointment.draft.create: FORBIDDEN (ApiScope does not exist) [errorUID=uid-5]"},
		},
		{
			name:    "ForbiddenApiScopePlainText",
			handler: respond(http.StatusForbidden, "text/plain", "ApiScope does not exist"),
			kind:    mykaarma.KindScope, status: 403,
			errContains: []string{"credentials lack the scope appointment.draft.create"},
		},
		{
			name:    "ForbiddenInvalidAuth",
			handler: respond(http.StatusForbidden, "application/json", `{"error":{"errorCode":"FORBIDDEN","errorDescription":"invalid auth credentials"}}`),
			kind:    mykaarma.KindAuth, status: 403, code: "FORBIDDEN", desc: "invalid auth credentials",
		},
		{
			name:    "BadRequestInvalidAuthText",
			handler: respond(http.StatusBadRequest, "application/json", `{"errors":[{"errorCode":"AUTH","errorTitle":"Bad","errorMessage":"Invalid Auth Credentials"}]}`),
			kind:    mykaarma.KindAuth, status: 400, code: "AUTH", desc: "Invalid Auth Credentials",
		},
		{
			name:    "RateLimited",
			handler: respond(http.StatusTooManyRequests, "application/json", `{"error":{"errorCode":"TOO_MANY_REQUESTS"}}`, "Retry-After", "30"),
			kind:    mykaarma.KindRateLimited, status: 429, code: "TOO_MANY_REQUESTS",
			retryAfter: 30 * time.Second, retryable: true,
			errContains: []string{"rate limited, retry after 30s"},
		},
		{
			name:    "RateLimitedNoHint",
			handler: respond(http.StatusTooManyRequests, "", ""),
			kind:    mykaarma.KindRateLimited, status: 429, retryable: true,
		},
		{
			name:    "InternalServerError",
			handler: respond(http.StatusInternalServerError, "application/json", `{"error":{"errorCode":"INTERNAL_ERROR","errorDescription":"Something went wrong","errorUID":"uid-6"}}`),
			kind:    mykaarma.KindUnavailable, status: 500, code: "INTERNAL_ERROR", uid: "uid-6", desc: "Something went wrong",
			errContains: []string{"500 internal server error: service unavailable"},
		},
		{
			name:    "ServiceUnavailableRetryAfter",
			handler: respond(http.StatusServiceUnavailable, "text/html", "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>", "Retry-After", "120"),
			kind:    mykaarma.KindUnavailable, status: 503, retryAfter: 2 * time.Minute, retryable: true,
		},
		{
			name:    "ServiceUnavailableNoRetryAfter",
			handler: respond(http.StatusServiceUnavailable, "", ""),
			kind:    mykaarma.KindUnavailable, status: 503,
		},
		{
			name:    "BadGatewayText",
			handler: respond(http.StatusBadGateway, "text/plain", strings.Repeat("upstream connect error ", 40)),
			kind:    mykaarma.KindUnavailable, status: 502,
			errContains: []string{"non-JSON body (content-type text/plain)"},
		},
		{
			name:    "NotFound",
			handler: respond(http.StatusNotFound, "application/json", `{"timestamp":"2024-01-01T00:00:00Z","status":404,"error":"Not Found","message":"No dealer found","path":"/x"}`),
			kind:    mykaarma.KindRejected, status: 404, desc: "No dealer found",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newRecorder(t, tt.handler)
			c := newClient(t, srv.URL, 0)
			got, err := c.CreateDraft(context.Background(), dealer, minimalRequest())
			if tt.kind == mykaarma.KindUnknown {
				require.NoError(t, err)
				assert.Equal(t, tt.wantDraft, got)
				return
			}
			require.Error(t, err)
			assert.Equal(t, mykaarma.Draft{}, got, "no partial draft on failure")
			var apiErr *mykaarma.APIError
			require.ErrorAs(t, err, &apiErr, "error is *APIError: %T", err)
			assert.Equal(t, tt.kind, apiErr.Kind, "kind; error: %v", err)
			assert.Equal(t, "create draft", apiErr.Op)
			assert.Equal(t, tt.status, apiErr.StatusCode)
			assert.Equal(t, tt.code, apiErr.ErrorCode)
			assert.Equal(t, tt.uid, apiErr.ErrorUID)
			if tt.desc != "" {
				assert.Equal(t, tt.desc, apiErr.ErrorDescription)
			}
			assert.Equal(t, tt.retryAfter, apiErr.RetryAfter)
			assert.Equal(t, tt.retryable, apiErr.Retryable())
			for _, s := range tt.errContains {
				assert.Contains(t, err.Error(), s)
			}
			assert.NotContains(t, err.Error(), "\n", "error text is one line")
			assert.NotEmpty(t, apiErr.UserMessage())
		})
	}
}

func TestCreateDraftBodySnippetIsBounded(t *testing.T) {
	body := "<" + strings.Repeat("x", 5000) + "\nline two"
	srv := newRecorder(t, respond(http.StatusOK, "text/plain", body))
	_, err := newClient(t, srv.URL, 0).CreateDraft(context.Background(), dealer, minimalRequest())
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 300, "at most a short snippet of the body: %s", err)
	assert.NotContains(t, err.Error(), "line two")
}

func TestCreateDraftLargeBody(t *testing.T) {
	big := `{"draftAppointmentUuid":"d","shortUrl":"u","note":"` + strings.Repeat("x", 2<<20) + `"}`
	srv := newRecorder(t, respond(http.StatusOK, "application/json", big))
	_, err := newClient(t, srv.URL, 0).CreateDraft(context.Background(), dealer, minimalRequest())
	var apiErr *mykaarma.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, mykaarma.KindBadResponse, apiErr.Kind)
	assert.Contains(t, err.Error(), "larger than")
}

// slow answers after d, or when the client goes away.
func slow(d time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
		respond(http.StatusOK, "application/json", okBody)(w, r)
	}
}

func TestCreateDraftTimeout(t *testing.T) {
	srv := newRecorder(t, slow(5*time.Second))
	c := newClient(t, srv.URL, 100*time.Millisecond)
	start := time.Now()
	_, err := c.CreateDraft(context.Background(), dealer, minimalRequest())
	assert.Less(t, time.Since(start), 2*time.Second, "Config.Timeout bounds the call")

	var apiErr *mykaarma.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, mykaarma.KindTimeout, apiErr.Kind)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.False(t, apiErr.Retryable(), "the draft may have been created")
	assert.Contains(t, err.Error(), "no answer within 100ms")
	assert.Contains(t, apiErr.UserMessage(), "may or may not have been created")
}

func TestCreateDraftCallerDeadline(t *testing.T) {
	srv := newRecorder(t, slow(5*time.Second))
	c := newClient(t, srv.URL, time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.CreateDraft(ctx, dealer, minimalRequest())
	var apiErr *mykaarma.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, mykaarma.KindTimeout, apiErr.Kind)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.NotContains(t, err.Error(), "1m0s", "the caller's deadline, not Config.Timeout, ran out")
}

func TestCreateDraftCanceled(t *testing.T) {
	srv := newRecorder(t, slow(5*time.Second))
	c := newClient(t, srv.URL, 0)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := c.CreateDraft(ctx, dealer, minimalRequest())
	var apiErr *mykaarma.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, mykaarma.KindCanceled, apiErr.Kind)
	require.ErrorIs(t, err, context.Canceled)
	assert.False(t, apiErr.Retryable())
}

func TestCreateDraftConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	_, err = newClient(t, "http://"+addr, 0).CreateDraft(context.Background(), dealer, minimalRequest())
	var apiErr *mykaarma.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, mykaarma.KindNetwork, apiErr.Kind)
	assert.Equal(t, 0, apiErr.StatusCode)
	assert.True(t, apiErr.Retryable(), "nothing was sent, so nothing was created")
	var opErr *net.OpError
	require.ErrorAs(t, err, &opErr, "Unwrap exposes the transport error")
	assert.Contains(t, apiErr.UserMessage(), "could not reach myKaarma")
}

func TestCreateDraftConnectionDropped(t *testing.T) {
	srv := newRecorder(t, func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close() // the request arrived; the answer never does
		}
	})
	_, err := newClient(t, srv.URL, 0).CreateDraft(context.Background(), dealer, minimalRequest())
	var apiErr *mykaarma.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, mykaarma.KindNetwork, apiErr.Kind)
	assert.False(t, apiErr.Retryable(), "the request was sent: a draft may exist")
}

func TestCreateDraftInvalidInput(t *testing.T) {
	c := newClient(t, "http://127.0.0.1:1", 0)
	_, err := c.CreateDraft(context.Background(), "  ", minimalRequest())
	var apiErr *mykaarma.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, mykaarma.KindInvalidInput, apiErr.Kind)
	assert.Contains(t, apiErr.UserMessage(), "dealer id is not configured")
}

// TestCredentialsNeverInErrors makes a hostile server echo the request's
// credentials back in every place an error text draws from.
func TestCredentialsNeverInErrors(t *testing.T) {
	token := base64.StdEncoding.EncodeToString([]byte(testUser + ":" + testPass))
	echo := func(status int, contentType string, shape string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			authz := r.Header.Get("Authorization")
			body := strings.NewReplacer("AUTHZ", authz, "PASS", testPass, "USER", testUser).Replace(shape)
			w.Header().Set("Content-Type", contentType)
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
		}
	}
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"ErrorDescription", echo(400, "application/json", `{"error":{"errorCode":"USER","errorDescription":"bad header AUTHZ for USER/PASS","errorUID":"PASS"}}`)},
		{"CustomerErrors", echo(401, "application/json", `{"errors":[{"errorCode":"E","errorTitle":"t","errorMessage":"user USER password PASS"}]}`)},
		{"PlainText", echo(500, "text/plain", `AUTHZ PASS USER`)},
		{"PlainText200", echo(200, "text/plain", `AUTHZ PASS USER`)},
		{"SpringMessage", echo(404, "application/json", `{"error":"Not Found","message":"AUTHZ PASS"}`)},
		{"Warnings", echo(200, "application/json", `{"draftAppointmentUuid":"d","shortUrl":"u","warnings":[{"warningCode":"USER","warningDescription":"PASS AUTHZ"}]}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newRecorder(t, tt.handler)
			c := newClient(t, srv.URL, 0)
			d, err := c.CreateDraft(context.Background(), dealer, minimalRequest())
			texts := []string{}
			if err != nil {
				var apiErr *mykaarma.APIError
				require.ErrorAs(t, err, &apiErr)
				texts = append(texts, err.Error(), apiErr.UserMessage(), apiErr.ErrorCode, apiErr.ErrorDescription, apiErr.ErrorUID)
			}
			for _, w := range d.Warnings {
				texts = append(texts, w.Code, w.Description)
			}
			require.NotEmpty(t, texts)
			for _, s := range texts {
				for _, secret := range []string{testPass, token, testUser} {
					assert.NotContains(t, s, secret)
				}
			}
		})
	}
	t.Run("TransportError", func(t *testing.T) {
		_, err := newClient(t, "http://127.0.0.1:1", 0).CreateDraft(context.Background(), dealer, minimalRequest())
		require.Error(t, err)
		for _, secret := range []string{testPass, token, testUser} {
			assert.NotContains(t, err.Error(), secret)
		}
	})
}

func TestUserMessage(t *testing.T) {
	tests := []struct {
		name string
		err  *mykaarma.APIError
		want string
	}{
		{"AuthUnauthorized", &mykaarma.APIError{Op: "create draft", Kind: mykaarma.KindAuth, StatusCode: 401},
			"myKaarma rejected the bot's credentials (HTTP 401). Ask your administrator to check MYKAARMA_USERNAME/PASSWORD."},
		{"AuthForbidden", &mykaarma.APIError{Op: "create draft", Kind: mykaarma.KindAuth, StatusCode: 403},
			"myKaarma rejected the bot's credentials (HTTP 403). Ask your administrator to check MYKAARMA_USERNAME/PASSWORD and this store's myKaarma dealer and department ids."},
		{"Scope", &mykaarma.APIError{Op: "create draft", Scope: "appointment.draft.create", Kind: mykaarma.KindScope, StatusCode: 403, ErrorDescription: "ApiScope does not exist"},
			"The bot's myKaarma account is not allowed to create draft appointments for this store (HTTP 403): it lacks the scope appointment.draft.create. Ask your administrator to have myKaarma grant it."},
		{"Unavailable", &mykaarma.APIError{Op: "list opcodes", Kind: mykaarma.KindUnavailable, StatusCode: 503},
			"myKaarma is having trouble right now (HTTP 503). Try again in a few minutes."},
		{"UnavailableDraft", &mykaarma.APIError{Op: "create draft", Kind: mykaarma.KindUnavailable, StatusCode: 500},
			"myKaarma is having trouble right now (HTTP 500). Try again in a few minutes. The draft may or may not have been created: check myKaarma before trying again."},
		{"RateLimited", &mykaarma.APIError{Op: "create draft", Kind: mykaarma.KindRateLimited, StatusCode: 429, RetryAfter: 30 * time.Second},
			"myKaarma is receiving too many requests right now (HTTP 429). Try again in 30 seconds."},
		{"RejectedWithDescription", &mykaarma.APIError{Op: "create draft", Kind: mykaarma.KindRejected, StatusCode: 400, ErrorCode: "X", ErrorDescription: "Customer is not active at this dealer"},
			"Customer is not active at this dealer"},
		{"RejectedWithoutDescription", &mykaarma.APIError{Op: "create draft", Kind: mykaarma.KindRejected, StatusCode: 400},
			"myKaarma refused the request (HTTP 400). Check the details and try again; if it keeps happening, tell your administrator."},
		{"NotFound", &mykaarma.APIError{Op: "create draft", Kind: mykaarma.KindRejected, StatusCode: 404},
			"myKaarma could not find what the bot asked for (HTTP 404). Ask your administrator to check this store's myKaarma dealer and department ids."},
		{"BadResponseDraft", &mykaarma.APIError{Op: "create draft", Kind: mykaarma.KindBadResponse, StatusCode: 200},
			"myKaarma sent an answer the bot could not read (HTTP 200). The draft may or may not have been created: check myKaarma before trying again."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.err.UserMessage())
		})
	}
}

func TestErrorKindString(t *testing.T) {
	assert.Equal(t, "scope", mykaarma.KindScope.String())
	assert.Equal(t, "rate_limited", mykaarma.KindRateLimited.String())
	assert.Equal(t, "kind(99)", mykaarma.ErrorKind(99).String())
}
