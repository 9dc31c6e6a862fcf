package telemetry

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is the bot's Prometheus registry and collectors. It uses a
// registry of its own (never the global one) so tests and several bots in
// one process do not collide. Labels carry only bounded, non-personal values:
// envelope types, Slack method names and error codes, myKaarma endpoint
// templates and error codes; never ids, names, phrases or tokens.
//
// Every method is safe on a nil *Metrics, so packages can record
// unconditionally.
type Metrics struct {
	reg        *prometheus.Registry
	envelopes  *prometheus.CounterVec
	ackLatency *prometheus.HistogramVec
	commands   *prometheus.CounterVec
	submits    *prometheus.CounterVec
	drafts     *prometheus.CounterVec
	mkLatency  *prometheus.HistogramVec
	slackErrs  *prometheus.CounterVec
	reconnects prometheus.Counter
}

// NewMetrics registers every collector on a fresh registry.
func NewMetrics() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		reg: reg,
		envelopes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "draftappt_envelopes_total", Help: "Socket Mode envelopes received, by type.",
		}, []string{"type"}),
		ackLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "draftappt_ack_latency_seconds", Help: "Time from receiving an envelope to acking it (Slack allows 3 s).",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2, 3, 5},
		}, []string{"type"}),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "draftappt_commands_total", Help: "Slash commands handled, by what they asked for.",
		}, []string{"action"}),
		submits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "draftappt_submissions_total", Help: "Modal submissions, by outcome.",
		}, []string{"outcome"}),
		drafts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "draftappt_drafts_total", Help: "Draft creations, by result and myKaarma error code.",
		}, []string{"result", "code"}),
		mkLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "draftappt_mykaarma_request_duration_seconds", Help: "myKaarma API request latency, by endpoint and HTTP status.",
			Buckets: prometheus.DefBuckets,
		}, []string{"endpoint", "status"}),
		slackErrs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "draftappt_slack_api_errors_total", Help: "Slack Web API calls that failed, by method and error.",
		}, []string{"method", "error"}),
		reconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "draftappt_socket_reconnects_total", Help: "Socket Mode connections made after the first.",
		}),
	}
	reg.MustRegister(m.envelopes, m.ackLatency, m.commands, m.submits, m.drafts, m.mkLatency, m.slackErrs, m.reconnects,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves /metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Envelope counts one envelope and how long its ack took.
func (m *Metrics) Envelope(typ string, ackLatency time.Duration) {
	if m == nil {
		return
	}
	m.envelopes.WithLabelValues(label(typ)).Inc()
	if ackLatency > 0 {
		m.ackLatency.WithLabelValues(label(typ)).Observe(ackLatency.Seconds())
	}
}

// Command counts a slash command by action ("open", "help", …).
func (m *Metrics) Command(action string) {
	if m != nil {
		m.commands.WithLabelValues(label(action)).Inc()
	}
}

// Submission counts a modal submission by outcome ("accepted", "invalid", …).
func (m *Metrics) Submission(outcome string) {
	if m != nil {
		m.submits.WithLabelValues(label(outcome)).Inc()
	}
}

// Draft counts a draft creation: result "created" or "failed", with
// myKaarma's error code (or the failure kind) when it failed.
func (m *Metrics) Draft(result, code string) {
	if m != nil {
		m.drafts.WithLabelValues(label(result), label(code)).Inc()
	}
}

// SlackError counts a failed Slack Web API call.
func (m *Metrics) SlackError(method, slackError string) {
	if m != nil {
		m.slackErrs.WithLabelValues(label(method), label(slackError)).Inc()
	}
}

// Reconnect counts a Socket Mode connection after the first.
func (m *Metrics) Reconnect() {
	if m != nil {
		m.reconnects.Inc()
	}
}

// labelRe keeps label values to a small, safe alphabet.
var labelRe = regexp.MustCompile(`[^a-zA-Z0-9_.:-]`)

// label bounds a label value: short, and only characters codes use, so a
// strange error string cannot explode the series count or smuggle data.
func label(s string) string {
	if s == "" {
		return "none"
	}
	s = labelRe.ReplaceAllString(s, "_")
	if len(s) > 48 {
		s = s[:48]
	}
	return s
}

// endpointOf turns a request path into a template without ids, e.g.
// /appointment/v2/dealer/{id}/draftAppointment, so a label never carries a
// dealer's or customer's id.
func endpointOf(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i := 2; i < len(parts); i++ { // parts[0] is the service name, never an id
		switch parts[i-1] {
		case "dealer", "dealers", "department", "customer":
			if parts[i] != "list" {
				parts[i] = "{id}"
			}
		}
	}
	if len(parts) > 8 {
		parts = append(parts[:8], "…")
	}
	return "/" + strings.Join(parts, "/")
}

// InstrumentMyKaarma wraps a transport so every myKaarma request is timed
// by endpoint template and status.
func (m *Metrics) InstrumentMyKaarma(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	if m == nil {
		return next
	}
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		start := time.Now()
		resp, err := next.RoundTrip(r)
		status := "error"
		if err == nil {
			status = strconv.Itoa(resp.StatusCode)
		}
		m.mkLatency.WithLabelValues(endpointOf(r.URL.Path), status).Observe(time.Since(start).Seconds())
		return resp, err
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
