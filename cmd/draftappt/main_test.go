package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// allVars are every variable the bot reads; tests clear them so the
// developer's own environment cannot leak in.
var allVars = []string{
	"SLACK_APP_TOKEN", "SLACK_BOT_TOKEN", "SLACK_API_URL", "MYKAARMA_BASE_URL", "MYKAARMA_USERNAME",
	"MYKAARMA_PASSWORD", "MYKAARMA_TIMEOUT", "DEALER_UUID", "DEPARTMENT_UUID", "DEALER_TIMEZONE", "DEALER_HOURS",
	"DATE_ORDER", "DEALER_ADVISORS", "STORES_FILE", "HTTP_ADDR", "LOG_LEVEL", "LOG_FORMAT", "SHUTDOWN_TIMEOUT",
	"DATA_DIR", "DATABASE_URL", "RETENTION", "MAX_CONCURRENT_SUBMISSIONS", "SUBMISSION_QUEUE", "USER_RATE_LIMIT",
	"USER_RATE_WINDOW", "ALLOWED_CHANNELS", "ALLOWED_USERS",
}

func setEnv(t *testing.T, kv map[string]string) {
	t.Helper()
	for _, k := range allVars {
		t.Setenv(k, kv[k]) // unset variables are empty, which counts as unset
	}
}

func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestHelpListsSubcommands(t *testing.T) {
	code, out, _ := runCmd(t, "-h")
	assert.Equal(t, 0, code)
	for _, c := range []string{"serve", "parse", "version"} {
		assert.Contains(t, out, c)
	}
}

func TestServeHelpListsEveryVariableWithDefault(t *testing.T) {
	code, out, _ := runCmd(t, "serve", "-h")
	assert.Equal(t, 0, code)
	for _, k := range allVars {
		assert.Contains(t, out, k)
	}
	assert.Contains(t, out, "https://slack.com/api/")
	assert.Contains(t, out, "10s")
	assert.Contains(t, out, ":8080")
}

func TestVersion(t *testing.T) {
	code, out, _ := runCmd(t, "version")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "draftappt")
}

func TestUnknownCommand(t *testing.T) {
	code, _, errOut := runCmd(t, "frobnicate")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "frobnicate")
}

func TestConfigErrorsNameEveryVariableWithoutSecrets(t *testing.T) {
	setEnv(t, map[string]string{
		"SLACK_APP_TOKEN":   "xoxb-this-is-the-bot-token-secret",
		"SLACK_BOT_TOKEN":   "not-a-token-secret",
		"MYKAARMA_PASSWORD": "hunter2-secret",
		"MYKAARMA_TIMEOUT":  "ten seconds",
		"DEALER_TIMEZONE":   "Mars/Olympus",
		"LOG_FORMAT":        "xml",
		"DEALER_HOURS":      "sometimes",
		"DATE_ORDER":        "YMD",
		"SLACK_API_URL":     "not a url",
	})
	code, _, errOut := runCmd(t, "serve")
	assert.Equal(t, 2, code)
	for _, k := range []string{"SLACK_APP_TOKEN", "SLACK_BOT_TOKEN", "MYKAARMA_USERNAME", "MYKAARMA_TIMEOUT",
		"DEALER_UUID", "DEALER_TIMEZONE", "LOG_FORMAT", "DEALER_HOURS", "DATE_ORDER", "SLACK_API_URL"} {
		assert.Contains(t, errOut, k)
	}
	assert.Contains(t, errOut, "looks like the bot token")
	assert.NotContains(t, errOut, "secret")
	assert.NotContains(t, errOut, "hunter2")
	assert.Equal(t, 1, strings.Count(errOut, "configuration:"), "one message")
}
