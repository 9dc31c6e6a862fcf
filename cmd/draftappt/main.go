// Command draftappt is the Slack bot that turns /draft-appt into a myKaarma
// draft appointment. This file only wires packages together; each concern
// lives in its own package under internal/.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // DEALER_TIMEZONE must load in a bare container
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK     = 0
	exitFail   = 1
	exitConfig = 2
)

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"serve", "run the bot (the default)", runServe},
		{"parse", "show how a date phrase is read: draftappt parse [--now T] [--tz Z] PHRASE", runParse},
		{"sandbox", "run a local myKaarma stand-in with seeded data", runSandbox},
		{"demo", "play a whole Slack session offline and print what a user would see", runDemo},
		{"version", "print the version", runVersion},
	}
}

// run dispatches a subcommand and returns the exit status. It takes its
// environment as arguments so tests drive the real wiring.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	name := "serve"
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	switch name {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, args, stdin, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "draftappt: unknown command %q\n\n", name)
	usage(stderr)
	return exitConfig
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: draftappt [command] [flags]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'draftappt COMMAND -h' for a command's flags; 'draftappt serve -h' lists every environment variable.")
}

func runVersion(_ context.Context, _ []string, _ io.Reader, stdout, _ io.Writer) int {
	fmt.Fprintf(stdout, "draftappt %s\n", version)
	return exitOK
}
