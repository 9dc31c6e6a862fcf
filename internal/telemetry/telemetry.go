// Package telemetry owns what operators see of the running bot: structured
// logs (log/slog) and the HTTP listener with /healthz and /readyz. It holds no
// business logic and imports no Slack code; callers hand it a readiness
// function.
package telemetry

import (
	"io"
	"log/slog"
	"net/http"
	"time"
)

// NewLogger builds the process logger: JSON by default, text for people.
// Every record goes through NewRedactingHandler, which hides the given
// secrets (tokens, passwords) and anything shaped like a credential.
func NewLogger(w io.Writer, format string, level slog.Leveler, secrets ...string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewJSONHandler(w, opts)
	if format == "text" {
		h = slog.NewTextHandler(w, opts)
	}
	return slog.New(NewRedactingHandler(h, secrets...))
}

// Handler serves /healthz (the process is alive) and /readyz (200 only
// while ready reports true, i.e. the Socket Mode connection is up).
func Handler(ready func() bool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if ready == nil || !ready() {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, "not ready: slack socket mode is not connected\n")
			return
		}
		_, _ = io.WriteString(w, "ready\n")
	})
	return mux
}

// NewServer wraps h with timeouts, so a slow or hostile client cannot hold
// connections open.
func NewServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
}
