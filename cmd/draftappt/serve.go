package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/draftappt/draftappt/internal/appointment"
	"github.com/draftappt/draftappt/internal/catalog"
	"github.com/draftappt/draftappt/internal/config"
	"github.com/draftappt/draftappt/internal/ledger"
	"github.com/draftappt/draftappt/internal/mykaarma"
	"github.com/draftappt/draftappt/internal/slackbot"
	"github.com/draftappt/draftappt/internal/telemetry"
)

func runServe(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stdout, "Usage: draftappt serve")
		fmt.Fprintln(stdout, "Runs the bot over Slack Socket Mode. It is configured only by environment variables:")
		fmt.Fprintln(stdout)
		_ = config.Usage(stdout)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitConfig
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "draftappt serve: unexpected argument %q (configuration comes from the environment; see 'draftappt serve -h')\n", fs.Arg(0))
		return exitConfig
	}

	cfg, err := config.Load()
	if err != nil {
		fmt.Fprintf(stderr, "draftappt: %v\nRun 'draftappt serve -h' for the list of variables.\n", err)
		return exitConfig
	}
	// The logger knows the secrets, so they are redacted even if some code
	// logs them by mistake.
	log := telemetry.NewLogger(stderr, cfg.LogFormat, cfg.Level, cfg.SlackAppToken.Value(), cfg.SlackBotToken.Value(),
		cfg.MyKaarmaUsername.Value(), cfg.MyKaarmaPassword.Value(), cfg.DatabaseURL.Value())
	if err := serve(ctx, cfg, log); err != nil {
		log.Error("draftappt stopped", "err", err)
		return exitFail
	}
	return exitOK
}

// serve wires the bot from a loaded configuration and runs it until ctx
// ends (SIGTERM/SIGINT) or Slack refuses the credentials.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	metrics := telemetry.NewMetrics()
	mk, err := mykaarma.New(mykaarma.Config{
		BaseURL:    cfg.MyKaarmaBaseURL,
		Username:   cfg.MyKaarmaUsername.Value(),
		Password:   cfg.MyKaarmaPassword.Value(),
		Timeout:    cfg.MyKaarmaTimeout,
		UserAgent:  "draftappt/" + version,
		HTTPClient: &http.Client{Transport: metrics.InstrumentMyKaarma(nil)},
	})
	if err != nil {
		return fmt.Errorf("mykaarma client: %w", err)
	}
	// A store without a time zone in the stores file gets myKaarma's.
	if err := cfg.Stores.ResolveTimezones(ctx, func(ctx context.Context, dealer string) (string, error) {
		d, err := mk.DealerInfo(ctx, dealer)
		return d.TimeZone, err
	}); err != nil {
		return fmt.Errorf("store time zones: %w", err)
	}
	var dealers, depts []string
	lookups := false
	for _, st := range cfg.Stores.All() {
		dealers = append(dealers, st.DealerUUID)
		if st.DepartmentUUID != "" {
			depts = append(depts, st.DepartmentUUID)
			lookups = true
		}
	}
	cat := catalog.New(mk, catalog.Options{Log: log.With("component", "catalog")})
	defer cat.Close()
	// Warm in the background: the bot connects at once, and a modal opened
	// before the lists arrive degrades to text fields.
	go func() {
		cat.Warm(ctx, dealers, depts)
		log.Info("lookup lists loaded", "dealers", len(dealers), "departments", len(depts))
	}()
	go cat.Run(ctx)
	var customers slackbot.CustomerDirectory
	if lookups {
		customers = mk
	}
	slackOpts := slackbot.Options{
		AppToken:      cfg.SlackAppToken.Value(),
		BotToken:      cfg.SlackBotToken.Value(),
		APIURL:        cfg.SlackAPIURL,
		Debug:         cfg.Level <= slog.LevelDebug,
		MaxConcurrent: cfg.MaxConcurrent,
		QueueSize:     cfg.QueueSize,
		RateLimit:     cfg.UserRateLimit,
		RateWindow:    cfg.UserRateWindow,
		Access:        slackbot.Access{Channels: cfg.AllowedChannels, Users: cfg.AllowedUsers},
	}
	book, err := ledger.Open(ctx, ledger.Config{DatabaseURL: cfg.DatabaseURL.Value(), DataDir: cfg.DataDir})
	if err != nil {
		return fmt.Errorf("open the ledger: %w", err)
	}
	defer book.Close()

	api := slackbot.NewAPI(slackOpts, log)
	announcer := slackbot.NewAnnouncer(api, nil, metrics, log)
	pipeline := appointment.NewPipeline(appointment.PipelineConfig{
		Creator: mykaarma.NewDraftCreator(mk), Announcer: announcer, Ledger: book, Log: log, Observer: metrics,
		Location: func(dealer string) *time.Location {
			if st, ok := cfg.Stores.ByDealer(dealer); ok && st.Location != nil {
				return st.Location
			}
			return time.UTC
		},
	})
	bot := slackbot.New(slackOpts, slackbot.Deps{
		API: api, Pipeline: pipeline, Stores: cfg.Stores, Order: cfg.Order, Catalog: cat, Customers: customers,
		Announcer: announcer, Metrics: metrics, Log: log,
	})

	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", metrics.Handler())
	mux.Handle("/", telemetry.Handler(bot.Ready))
	srv := telemetry.NewServer(cfg.HTTPAddr, mux)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("health server stopped", "err", err)
		}
	}()
	log.Info("draftappt starting", "version", version, "http_addr", ln.Addr().String(),
		"stores", cfg.Stores.Len(), "mykaarma", cfg.MyKaarmaBaseURL)

	// Finish what a previous process left, then keep the ledger trimmed.
	go func() {
		if n, err := pipeline.Recover(ctx); err != nil {
			log.Error("recovery after restart failed", "err", err)
		} else if n > 0 {
			log.Info("recovered unfinished submissions", "count", n)
		}
	}()
	go purgeLoop(ctx, pipeline, cfg.Retention.Duration(), log)

	runErr := bot.Run(ctx)

	// Stop taking work, let in-flight submissions finish, then close.
	drainCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	if err := bot.Drain(drainCtx); err != nil {
		log.Warn("shutdown before every submission finished", "err", err)
	}
	shutCtx, cancel2 := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel2()
	_ = srv.Shutdown(shutCtx)
	if runErr != nil {
		return runErr
	}
	log.Info("draftappt stopped cleanly")
	return nil
}

// purgeLoop deletes ledger records past the retention, now and hourly.
func purgeLoop(ctx context.Context, p *appointment.Pipeline, retention time.Duration, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := p.Purge(ctx, retention); err != nil {
			log.Warn("ledger purge failed", "err", err)
		} else if n > 0 {
			log.Info("ledger purged", "records", n, "retention", retention)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
