package telemetry

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEndpointOf(t *testing.T) {
	tests := map[string]string{
		"/appointment/v2/dealer/8f1c-22/draftAppointment":   "/appointment/v2/dealer/{id}/draftAppointment",
		"/customer/v2/department/d-1/customer/list":         "/customer/v2/department/{id}/customer/list",
		"/customer/v2/department/d-1/customer/c-9":          "/customer/v2/department/{id}/customer/{id}",
		"/opcodes/v1/dealers/abc/operations/searches":       "/opcodes/v1/dealers/{id}/operations/searches",
		"/appointment/v2/department/d/transportOption/list": "/appointment/v2/department/{id}/transportOption/list",
		"/manage/v2/dealer/list":                            "/manage/v2/dealer/list",
	}
	for in, want := range tests {
		assert.Equal(t, want, endpointOf(in), in)
	}
}

func TestLabelIsBounded(t *testing.T) {
	assert.Equal(t, "none", label(""))
	assert.Equal(t, "not_in_channel", label("not_in_channel"))
	assert.Equal(t, "a_b_c", label("a b\nc"))
	assert.Len(t, label(strings.Repeat("x", 500)), 48)
}

func TestHealthAndMetricsHandlers(t *testing.T) {
	ready := false
	m := NewMetrics()
	m.Envelope("slash_commands", 5*time.Millisecond)
	m.SlackError("chat.postMessage", "not_in_channel")
	m.Draft("failed", "INVALID_CUSTOMER")
	mux := http.NewServeMux()
	mux.Handle("/", Handler(func() bool { return ready }))
	mux.Handle("/metrics", m.Handler())
	srv := httptest.NewServer(mux)
	defer srv.Close()

	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, _ := get("/healthz")
	assert.Equal(t, 200, code)
	code, _ = get("/readyz")
	assert.Equal(t, 503, code)
	ready = true
	code, _ = get("/readyz")
	assert.Equal(t, 200, code)
	code, body := get("/metrics")
	assert.Equal(t, 200, code)
	assert.Contains(t, body, `draftappt_envelopes_total{type="slash_commands"} 1`)
	assert.Contains(t, body, `draftappt_slack_api_errors_total{error="not_in_channel",method="chat.postMessage"} 1`)
	assert.Contains(t, body, `draftappt_drafts_total{code="INVALID_CUSTOMER",result="failed"} 1`)
	assert.Contains(t, body, "draftappt_ack_latency_seconds_bucket")
}

func TestNilMetricsIsSafe(t *testing.T) {
	var m *Metrics
	m.Envelope("x", time.Second)
	m.Command("open")
	m.Submission("accepted")
	m.Draft("created", "")
	m.SlackError("m", "e")
	m.Reconnect()
	assert.NotNil(t, m.InstrumentMyKaarma(nil))
}

func TestInstrumentMyKaarma(t *testing.T) {
	m := NewMetrics()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusCreated) }))
	defer srv.Close()
	c := &http.Client{Transport: m.InstrumentMyKaarma(nil)}
	resp, err := c.Post(srv.URL+"/appointment/v2/dealer/secret-dealer/draftAppointment", "application/json", nil)
	require.NoError(t, err)
	resp.Body.Close()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	assert.Contains(t, rec.Body.String(), `endpoint="/appointment/v2/dealer/{id}/draftAppointment",status="201"`)
	assert.NotContains(t, rec.Body.String(), "secret-dealer")
}
