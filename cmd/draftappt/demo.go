package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/draftappt/draftappt/internal/config"
	"github.com/draftappt/draftappt/internal/fakeslack"
	"github.com/draftappt/draftappt/internal/sandbox"
	"github.com/draftappt/draftappt/internal/slackbot"
	"github.com/draftappt/draftappt/internal/stores"
	"github.com/draftappt/draftappt/internal/telemetry"
)

// The demo runs the real bot wiring (serve) in-process against the in-repo
// fake Slack and the myKaarma sandbox, plays a scripted session and prints
// what a Slack user would see. It needs no credentials and no network.

const (
	demoUser    = "U0JORDAN"
	demoChannel = "C0SERVICE"
	demoTZ      = "America/Chicago"
)

func runDemo(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	verbose := fs.Bool("v", false, "also print the bot's own log lines (to stderr)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitConfig
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	logOut := io.Discard
	if *verbose {
		logOut = stderr
	}
	if err := playDemo(ctx, stdout, logOut); err != nil {
		fmt.Fprintln(stderr, "demo failed:", err)
		return exitFail
	}
	return exitOK
}

func playDemo(ctx context.Context, out io.Writer, logOut io.Writer) error {
	start := time.Now()
	slk := fakeslack.New(fakeslack.WithUser(fakeslack.User{ID: demoUser, Name: "jordan", RealName: "Jordan Advisor", TZ: demoTZ}))
	defer slk.Close()

	mk := sandbox.New(sandbox.Options{Username: "demo", Password: "demo-password"})
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("start the myKaarma sandbox: %w", err)
	}
	mkURL := "http://" + ln.Addr().String()
	mk.SetPublicURL(mkURL)
	mkSrv := telemetry.NewServer(ln.Addr().String(), mk)
	go func() { _ = mkSrv.Serve(ln) }()
	defer mkSrv.Close()

	loc, err := time.LoadLocation(demoTZ)
	if err != nil {
		return err
	}
	dataDir, err := os.MkdirTemp("", "draftappt-demo-")
	if err != nil {
		return fmt.Errorf("a folder for the demo's ledger: %w", err)
	}
	defer os.RemoveAll(dataDir)
	cfg := config.Config{
		SlackAppToken: fakeslack.AppToken, SlackBotToken: fakeslack.BotToken, SlackAPIURL: slk.APIURL(),
		MyKaarmaBaseURL: mkURL, MyKaarmaUsername: "demo", MyKaarmaPassword: "demo-password", MyKaarmaTimeout: 5 * time.Second,
		DealerUUID: sandbox.DealerUUID, DepartmentUUID: sandbox.DepartmentUUID, DealerTimezone: demoTZ, Location: loc,
		HTTPAddr: "127.0.0.1:0", LogFormat: "text", Level: slog.LevelInfo, ShutdownTimeout: 5 * time.Second,
		DataDir: dataDir, Retention: config.Days(90 * 24 * time.Hour), MaxConcurrent: 4, QueueSize: 10,
		Stores: stores.Single(stores.Store{
			Name: "Lakeside Honda", DealerUUID: sandbox.DealerUUID, DepartmentUUID: sandbox.DepartmentUUID,
			Timezone: demoTZ, Location: loc,
			Advisors: []stores.Advisor{{Name: "Sam Rivera", UUID: sandbox.AdvisorUUID}},
		}),
	}
	botCtx, stopBot := context.WithCancel(ctx)
	logs := &lineWatch{out: logOut}
	done := make(chan error, 1)
	go func() { done <- serve(botCtx, cfg, telemetry.NewLogger(logs, "text", slog.LevelInfo)) }()
	defer func() {
		stopBot()
		if err := <-done; err != nil {
			fmt.Fprintln(logOut, "bot stopped with:", err)
		}
	}()

	p := &printer{w: out}
	p.say("draftappt demo: the real bot, a fake Slack workspace and the myKaarma sandbox, all in this process.")
	p.say("")
	if err := slk.WaitConnected(ctx); err != nil {
		return fmt.Errorf("the bot never connected to Slack: %w", err)
	}
	if err := logs.wait(ctx, "lookup lists loaded"); err != nil {
		return fmt.Errorf("the store's lists never loaded: %w", err)
	}
	p.say("✓ bot connected over Socket Mode; the store's services and transport options are loaded")
	p.say("")

	// 1. The advisor types the command with everything they know.
	text := "tomorrow 9am oil change " + sandbox.SampleVIN + " jane doe"
	p.say("#service-desk  @jordan: /draft-appt %s", text)
	ack, err := slk.SlashCommand(ctx, fakeslack.SlashCommand{Command: slackbot.Command, Text: text, UserID: demoUser, UserName: "jordan", ChannelID: demoChannel, ChannelName: "service-desk"})
	if err != nil {
		return fmt.Errorf("slash command: %w", err)
	}
	view, err := slk.WaitViewFunc(ctx, demoUser, func(v fakeslack.View) bool { return strings.Contains(string(v.Raw), slackbot.ActionVehicleSelect) })
	if err != nil {
		return fmt.Errorf("the form did not open with the customer picked: %w", err)
	}
	p.say("  (acked in %s) the form %q opens, prefilled from the text:", ack.Latency.Round(time.Millisecond), view.Title)
	p.say("    When = %q, Vehicle VIN = %q, Services = %s", stateValue(view, slackbot.BlockWhen), stateValue(view, slackbot.BlockVIN), initialOptions(view, slackbot.BlockServices))
	p.say("    Customer = %s (the only match for \"jane doe\"); her vehicles are offered in Vehicle", initialOptions(view, slackbot.BlockCustomer))

	// 2. Typing in When shows how the bot reads it.
	_, err = slk.BlockAction(ctx, demoUser, slackbot.BlockWhen, slackbot.ActionWhen, fakeslack.Text("tomorrow 9-10am"), nil)
	if err != nil {
		return fmt.Errorf("typing in When: %w", err)
	}
	view, err = slk.WaitViewFunc(ctx, demoUser, func(v fakeslack.View) bool {
		return strings.Contains(contextLine(v, slackbot.BlockWhen+"_preview"), "–")
	})
	if err != nil {
		return fmt.Errorf("the preview did not appear: %w", err)
	}
	p.say("  @jordan changes When to \"tomorrow 9-10am\"; under the field: %s", contextLine(view, slackbot.BlockWhen+"_preview"))

	// 3. A mistake, shown next to the field.
	values := fakeslack.Values{
		slackbot.BlockWhen: {slackbot.ActionWhen: fakeslack.Text("tomorrow 9-10am")},
		slackbot.BlockVIN:  {slackbot.ActionVIN: fakeslack.Text("1HGCM82633AO23456")},
		slackbot.BlockNote: {slackbot.ActionNote: fakeslack.Text("Customer will wait; ask about the brake noise.")},
	}
	p.say("  @jordan adds a note, mistypes the VIN (an O for a 0) and presses Create draft")
	if _, err = slk.Submit(ctx, demoUser, values); err != nil {
		return fmt.Errorf("submit: %w", err)
	}
	sub, _ := slk.LastSubmission()
	if sub.ResponseAction != "errors" || sub.Errors[slackbot.BlockVIN] == "" {
		return fmt.Errorf("expected an error next to the VIN, got %+v", sub)
	}
	p.say("  the form stays open; next to Vehicle VIN: %q", sub.Errors[slackbot.BlockVIN])

	// 4. Corrected and submitted.
	values[slackbot.BlockVIN] = map[string]fakeslack.Value{slackbot.ActionVIN: fakeslack.Text(sandbox.SampleVIN)}
	p.say("  @jordan corrects the VIN and presses Create draft")
	if _, err = slk.Submit(ctx, demoUser, values); err != nil {
		return fmt.Errorf("submit: %w", err)
	}
	if sub, _ = slk.LastSubmission(); !sub.Closed {
		return fmt.Errorf("the form did not close: %+v", sub)
	}
	p.say("  the form closes")
	p.say("")

	msgs, err := slk.WaitMessages(ctx, 2)
	if err != nil {
		return fmt.Errorf("no messages in the channel: %w", err)
	}
	parent, reply := msgs[0], msgs[1]
	if parent.Channel != demoChannel || reply.ThreadTS != parent.TS {
		return fmt.Errorf("the link did not land in the parent's thread: %+v / %+v", parent, reply)
	}
	p.say("#service-desk  draftappt:")
	p.block(parent.Blocks, "    ")
	p.say("  └ thread reply, draftappt:")
	p.block(reply.Blocks, "      ")

	drafts := mk.Drafts()
	if len(drafts) != 1 {
		return fmt.Errorf("myKaarma sandbox holds %d drafts, want 1", len(drafts))
	}
	resp, err := http.Get(drafts[0].ShortURL) //nolint:noctx // a local page, bounded by the demo's deadline
	if err == nil {
		resp.Body.Close()
		p.say("")
		p.say("The link opens the sandbox's draft page (HTTP %d).", resp.StatusCode)
	}
	p.say("Finished in %s.", time.Since(start).Round(time.Millisecond))
	p.say("")
	p.say("Short URL: %s", drafts[0].ShortURL)
	return nil
}

// lineWatch passes log lines on and lets the demo wait for one.
type lineWatch struct {
	mu   sync.Mutex
	out  io.Writer
	seen strings.Builder
}

func (l *lineWatch) Write(b []byte) (int, error) {
	l.mu.Lock()
	l.seen.Write(b)
	l.mu.Unlock()
	return l.out.Write(b)
}

func (l *lineWatch) wait(ctx context.Context, msg string) error {
	for {
		l.mu.Lock()
		found := strings.Contains(l.seen.String(), msg)
		l.mu.Unlock()
		if found {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// initialOptions lists the texts of a select's initial options.
func initialOptions(v fakeslack.View, block string) string {
	var doc struct {
		Blocks []struct {
			BlockID string `json:"block_id"`
			Element struct {
				InitialOption  *struct{ Text struct{ Text string } }  `json:"initial_option"`
				InitialOptions []struct{ Text struct{ Text string } } `json:"initial_options"`
			} `json:"element"`
		} `json:"blocks"`
	}
	if json.Unmarshal(v.Raw, &doc) != nil {
		return ""
	}
	var out []string
	for _, b := range doc.Blocks {
		if b.BlockID != block {
			continue
		}
		if o := b.Element.InitialOption; o != nil {
			out = append(out, o.Text.Text)
		}
		for _, o := range b.Element.InitialOptions {
			out = append(out, o.Text.Text)
		}
	}
	return strings.Join(out, ", ")
}

type printer struct{ w io.Writer }

func (p *printer) say(format string, args ...any) { fmt.Fprintf(p.w, format+"\n", args...) }

// block prints the text of a Block Kit message, one line per text.
func (p *printer) block(raw json.RawMessage, indent string) {
	var blocks []struct {
		Text     *struct{ Text string }  `json:"text"`
		Fields   []struct{ Text string } `json:"fields"`
		Elements []struct{ Text string } `json:"elements"`
	}
	if json.Unmarshal(raw, &blocks) != nil {
		return
	}
	for _, b := range blocks {
		var parts []string
		if b.Text != nil {
			parts = append(parts, b.Text.Text)
		}
		for _, f := range b.Fields {
			parts = append(parts, f.Text)
		}
		for _, e := range b.Elements {
			parts = append(parts, e.Text)
		}
		for _, part := range parts {
			for _, line := range strings.Split(unescapeMrkdwn(part), "\n") {
				p.say("%s%s", indent, line)
			}
		}
	}
}

func unescapeMrkdwn(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

// stateValue reads an input's current value from a view.
func stateValue(v fakeslack.View, block string) string {
	var doc struct {
		State struct {
			Values map[string]map[string]struct {
				Value *string `json:"value"`
			} `json:"values"`
		} `json:"state"`
		Blocks []struct {
			BlockID string `json:"block_id"`
			Element struct {
				InitialValue string `json:"initial_value"`
			} `json:"element"`
		} `json:"blocks"`
	}
	if json.Unmarshal(v.Raw, &doc) != nil {
		return ""
	}
	for _, a := range doc.State.Values[block] {
		if a.Value != nil {
			return *a.Value
		}
	}
	for _, b := range doc.Blocks {
		if b.BlockID == block {
			return b.Element.InitialValue
		}
	}
	return ""
}

// contextLine reads the text of a context block.
func contextLine(v fakeslack.View, block string) string {
	var doc struct {
		Blocks []struct {
			BlockID  string                  `json:"block_id"`
			Elements []struct{ Text string } `json:"elements"`
		} `json:"blocks"`
	}
	if json.Unmarshal(v.Raw, &doc) != nil {
		return ""
	}
	for _, b := range doc.Blocks {
		if b.BlockID == block && len(b.Elements) > 0 {
			return b.Elements[0].Text
		}
	}
	return ""
}
