package config_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/draftappt/draftappt/internal/config"
)

var valid = map[string]string{
	"SLACK_APP_TOKEN":   "xapp-1-A1-1-abc",
	"SLACK_BOT_TOKEN":   "xoxb-1-abc",
	"MYKAARMA_USERNAME": "svc",
	"MYKAARMA_PASSWORD": "pw",
	"DEALER_UUID":       "dealer-1",
	"DEALER_TIMEZONE":   "America/Chicago",
}

var every = []string{"SLACK_APP_TOKEN", "SLACK_BOT_TOKEN", "SLACK_API_URL", "MYKAARMA_BASE_URL", "MYKAARMA_USERNAME",
	"MYKAARMA_PASSWORD", "MYKAARMA_TIMEOUT", "DEALER_UUID", "DEPARTMENT_UUID", "DEALER_TIMEZONE", "DEALER_HOURS",
	"DATE_ORDER", "DEALER_ADVISORS", "STORES_FILE", "HTTP_ADDR", "LOG_LEVEL", "LOG_FORMAT", "SHUTDOWN_TIMEOUT",
	"DATA_DIR", "DATABASE_URL", "RETENTION", "MAX_CONCURRENT_SUBMISSIONS", "SUBMISSION_QUEUE", "USER_RATE_LIMIT",
	"USER_RATE_WINDOW", "ALLOWED_CHANNELS", "ALLOWED_USERS"}

func setEnv(t *testing.T, overrides map[string]string) {
	t.Helper()
	for _, k := range every {
		v, ok := overrides[k]
		if !ok {
			v = valid[k]
		}
		t.Setenv(k, v)
	}
}

func TestLoadDefaults(t *testing.T) {
	setEnv(t, nil)
	cfg, err := config.Load()
	require.NoError(t, err)
	assert.Equal(t, "https://slack.com/api/", cfg.SlackAPIURL)
	assert.Equal(t, "https://api.mykaarma.com", cfg.MyKaarmaBaseURL)
	assert.Equal(t, 10*time.Second, cfg.MyKaarmaTimeout)
	assert.Equal(t, ":8080", cfg.HTTPAddr)
	assert.Equal(t, "json", cfg.LogFormat)
	assert.Equal(t, slog.LevelInfo, cfg.Level)
	assert.Equal(t, 20*time.Second, cfg.ShutdownTimeout)
	assert.Equal(t, "America/Chicago", cfg.Location.String())
	assert.True(t, cfg.Hours.IsZero())
}

func TestLoadAddsTrailingSlash(t *testing.T) {
	setEnv(t, map[string]string{"SLACK_API_URL": "http://127.0.0.1:9999/api"})
	cfg, err := config.Load()
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:9999/api/", cfg.SlackAPIURL)
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"ErrAppTokenIsBotToken", map[string]string{"SLACK_APP_TOKEN": "xoxb-x"}, "SLACK_APP_TOKEN must be an app-level token"},
		{"ErrBotTokenIsAppToken", map[string]string{"SLACK_BOT_TOKEN": "xapp-x"}, "looks like the app-level token"},
		{"ErrRequiredEmpty", map[string]string{"DEALER_UUID": "  "}, "DEALER_UUID is required"},
		{"ErrTimezone", map[string]string{"DEALER_TIMEZONE": "Central"}, "DEALER_TIMEZONE"},
		{"ErrTimeout", map[string]string{"MYKAARMA_TIMEOUT": "0s"}, "MYKAARMA_TIMEOUT must be a positive"},
		{"ErrLogLevel", map[string]string{"LOG_LEVEL": "loud"}, "LOG_LEVEL"},
		{"ErrBaseURL", map[string]string{"MYKAARMA_BASE_URL": "api.mykaarma.com"}, "MYKAARMA_BASE_URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setEnv(t, tt.env)
			_, err := config.Load()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestSecretNeverPrints(t *testing.T) {
	s := config.Secret("hunter2")
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "password", s)
	for _, out := range []string{s.String(), fmt.Sprintf("%v %s %#v %+v", s, s, s, s), buf.String()} {
		assert.NotContains(t, out, "hunter2")
	}
	assert.Equal(t, "hunter2", s.Value())
	cfg := config.Config{MyKaarmaPassword: s}
	assert.NotContains(t, fmt.Sprintf("%+v", cfg), "hunter2")
}
