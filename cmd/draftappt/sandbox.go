package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/draftappt/draftappt/internal/config"
	"github.com/draftappt/draftappt/internal/sandbox"
	"github.com/draftappt/draftappt/internal/telemetry"
)

func runSandbox(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "", "listen address (default: $SANDBOX_ADDR or :8090)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: draftappt sandbox [--addr HOST:PORT]")
		fmt.Fprintln(stderr, "A local stand-in for the myKaarma API with seeded data, for trying the bot before production credentials.")
		fmt.Fprintln(stderr, "Environment: SANDBOX_ADDR (:8090), SANDBOX_USERNAME (sandbox), SANDBOX_PASSWORD (sandbox), SANDBOX_PUBLIC_URL.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitConfig
	}
	cfg, err := config.LoadSandbox()
	if err != nil {
		fmt.Fprintln(stderr, "draftappt:", err)
		return exitConfig
	}
	if *addr != "" {
		cfg.Addr = *addr
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", cfg.Addr)
	if err != nil {
		fmt.Fprintf(stderr, "draftappt sandbox: listen on %s: %v\n", cfg.Addr, err)
		return exitFail
	}
	public := cfg.PublicURL
	if public == "" {
		public = "http://localhost:" + portOf(ln.Addr())
	}
	sb := sandbox.New(sandbox.Options{Username: cfg.Username, Password: cfg.Password.Value(), PublicURL: public})
	srv := telemetry.NewServer(cfg.Addr, sb)

	fmt.Fprintf(stdout, "myKaarma sandbox listening on %s (links: %s)\n\n", ln.Addr(), public)
	fmt.Fprintln(stdout, "Point the bot at it with:")
	for _, kv := range [][2]string{
		{"MYKAARMA_BASE_URL", public},
		{"MYKAARMA_USERNAME", cfg.Username},
		{"MYKAARMA_PASSWORD", "(SANDBOX_PASSWORD; default sandbox)"},
		{"DEALER_UUID", sandbox.DealerUUID},
		{"DEPARTMENT_UUID", sandbox.DepartmentUUID},
		{"DEALER_TIMEZONE", "America/Chicago"},
	} {
		fmt.Fprintf(stdout, "  %s=%s\n", kv[0], kv[1])
	}
	fmt.Fprintf(stdout, "\nSeeded customer Jane Doe: %s (VIN %s)\n", sandbox.CustomerUUID, sandbox.SampleVIN)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(stderr, "draftappt sandbox:", err)
			return exitFail
		}
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}
	return exitOK
}

func portOf(a net.Addr) string {
	s := a.String()
	return s[strings.LastIndex(s, ":")+1:]
}
