package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const parseNow = "2026-12-03T10:00:00-06:00" // a Thursday morning in Chicago

func runParseCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"parse"}, args...), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestParseCommand(t *testing.T) {
	t.Setenv("DEALER_TIMEZONE", "")
	t.Setenv("DATE_ORDER", "")
	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   string
		stderrIn string
	}{
		{"StartOnly", []string{"--now", parseNow, "--tz", "America/Chicago", "tomorrow at 9am"}, 0,
			`{"start":"2026-12-04T09:00:00"}` + "\n", ""},
		{"Range", []string{"--now", parseNow, "--tz", "America/Chicago", "tomorrow", "9-10am"}, 0,
			`{"start":"2026-12-04T09:00:00","end":"2026-12-04T10:00:00"}` + "\n", ""},
		{"FlagsAfterPhrase", []string{"dec", "15", "10am", "--tz", "America/Chicago", "--now", parseNow}, 0,
			`{"start":"2026-12-15T10:00:00"}` + "\n", ""},
		{"OtherZone", []string{"--now", parseNow, "--tz", "America/New_York", "in 3 days at 8am"}, 0,
			`{"start":"2026-12-06T08:00:00"}` + "\n", ""},
		{"Rejected", []string{"--now", parseNow, "--tz", "America/Chicago", "call me back"}, 1, "", ""},
		{"Past", []string{"--now", parseNow, "--tz", "America/Chicago", "yesterday at 9am"}, 1, "", "past"},
		{"NoTimezone", []string{"--now", parseNow, "tomorrow 9am"}, 2, "", "DEALER_TIMEZONE"},
		{"BadTimezone", []string{"--tz", "Mars/Base", "tomorrow 9am"}, 2, "", "Mars/Base"},
		{"BadNow", []string{"--now", "yesterday", "--tz", "UTC", "tomorrow 9am"}, 2, "", "RFC 3339"},
		{"NoPhrase", []string{"--tz", "UTC"}, 2, "", "Usage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runParseCmd(t, "", tt.args...)
			assert.Equal(t, tt.code, code, "stderr: %s", errOut)
			assert.Equal(t, tt.stdout, out)
			if tt.code != 0 {
				assert.NotEmpty(t, errOut, "a rejection says why on stderr")
			}
			assert.Contains(t, errOut, tt.stderrIn)
		})
	}
}

func TestParseCommandTimezoneFromEnvironment(t *testing.T) {
	t.Setenv("DEALER_TIMEZONE", "America/Chicago")
	code, out, _ := runParseCmd(t, "", "--now", parseNow, "tomorrow 9am")
	assert.Equal(t, 0, code)
	assert.JSONEq(t, `{"start":"2026-12-04T09:00:00"}`, out)
}

func TestParseCommandDateOrder(t *testing.T) {
	t.Setenv("DATE_ORDER", "DMY")
	code, out, _ := runParseCmd(t, "", "--now", parseNow, "--tz", "Europe/London", "5/1 at 9am")
	assert.Equal(t, 0, code)
	assert.JSONEq(t, `{"start":"2027-01-05T09:00:00"}`, out)
}

func TestParseCommandStdin(t *testing.T) {
	t.Setenv("DATE_ORDER", "")
	code, out, _ := runParseCmd(t, "tomorrow 9am\ncall me back\n\nfri 2-3pm\n", "--stdin", "--now", parseNow, "--tz", "America/Chicago")
	require.Equal(t, 0, code)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 4, "one object per input line")
	type row struct {
		Input *string `json:"input"`
		Start string  `json:"start"`
		End   string  `json:"end"`
		Error string  `json:"error"`
	}
	var rows []row
	for _, l := range lines {
		var r row
		require.NoError(t, json.Unmarshal([]byte(l), &r), l)
		rows = append(rows, r)
	}
	assert.Equal(t, "tomorrow 9am", *rows[0].Input)
	assert.Equal(t, "2026-12-04T09:00:00", rows[0].Start)
	assert.Empty(t, rows[0].Error)
	assert.Equal(t, "call me back", *rows[1].Input)
	assert.NotEmpty(t, rows[1].Error)
	assert.Empty(t, rows[1].Start)
	assert.Empty(t, *rows[2].Input, "an empty line still gets its object")
	assert.NotEmpty(t, rows[2].Error)
	assert.Equal(t, "2026-12-04T14:00:00", rows[3].Start)
	assert.Equal(t, "2026-12-04T15:00:00", rows[3].End)
}
