package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/draftappt/draftappt/internal/config"
	"github.com/draftappt/draftappt/internal/dates"
)

// parseResult is the stable JSON contract of `draftappt parse`.
type parseResult struct {
	Input *string `json:"input,omitempty"`
	Start string  `json:"start,omitempty"`
	End   string  `json:"end,omitempty"`
	Error string  `json:"error,omitempty"`
}

func runParse(_ context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("parse", flag.ContinueOnError)
	fs.SetOutput(stderr)
	nowFlag := fs.String("now", "", "the current time, RFC 3339 (default: now)")
	tzFlag := fs.String("tz", "", "IANA time zone of the store (default: $DEALER_TIMEZONE)")
	stdinFlag := fs.Bool("stdin", false, "read one phrase per line and print one JSON object per line")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: draftappt parse [--now RFC3339] [--tz IANA] [--stdin] PHRASE")
		fmt.Fprintln(stderr, "Prints {\"start\":…,\"end\":…} in the store's wall time (yyyy-MM-ddTHH:mm:ss); exits 1 when the phrase is rejected.")
		fs.PrintDefaults()
	}
	words, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitConfig
	}

	settings, err := config.LoadDateSettings()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitConfig
	}
	tz := *tzFlag
	if tz == "" {
		tz = settings.Timezone
	}
	if tz == "" {
		fmt.Fprintln(stderr, "draftappt parse: give --tz or set DEALER_TIMEZONE")
		return exitConfig
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		fmt.Fprintf(stderr, "draftappt parse: unknown time zone %q\n", tz)
		return exitConfig
	}
	now := time.Now()
	if *nowFlag != "" {
		if now, err = time.Parse(time.RFC3339, *nowFlag); err != nil {
			fmt.Fprintf(stderr, "draftappt parse: --now must be RFC 3339, e.g. 2026-12-03T10:00:00-06:00\n")
			return exitConfig
		}
	}
	opts := dates.Options{Location: loc, Order: settings.Order}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)

	if *stdinFlag {
		sc := bufio.NewScanner(stdin)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			line := sc.Text()
			res := readPhrase(line, now, opts)
			res.Input = &line
			if err := enc.Encode(res); err != nil {
				fmt.Fprintln(stderr, "draftappt parse:", err)
				return exitFail
			}
		}
		if err := sc.Err(); err != nil {
			fmt.Fprintln(stderr, "draftappt parse: reading stdin:", err)
			return exitFail
		}
		return exitOK
	}

	phrase := strings.Join(words, " ")
	if strings.TrimSpace(phrase) == "" {
		fs.Usage()
		return exitConfig
	}
	res := readPhrase(phrase, now, opts)
	if res.Error != "" {
		fmt.Fprintln(stderr, res.Error)
		return exitFail
	}
	_ = enc.Encode(res)
	return exitOK
}

func readPhrase(phrase string, now time.Time, opts dates.Options) parseResult {
	r, err := dates.Parse(phrase, now, opts)
	if err != nil {
		var de *dates.Error
		if errors.As(err, &de) {
			return parseResult{Error: de.Message}
		}
		return parseResult{Error: err.Error()}
	}
	res := parseResult{Start: r.Start.Format(dates.Layout)}
	if r.HasEnd() {
		res.End = r.End.Format(dates.Layout)
	}
	return res
}

// parseInterleaved lets flags come before or after the phrase, since people
// type `draftappt parse tomorrow 9am --tz America/Chicago`.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var words []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(words, rest...), nil
		}
		if len(rest) == 0 {
			return words, nil
		}
		words = append(words, rest[0])
		args = rest[1:]
	}
}
