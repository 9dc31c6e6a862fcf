package telemetry_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/draftappt/draftappt/internal/telemetry"
)

const (
	botToken = "xoxb-1111-2222-AbCdEfGhIjKl"
	appToken = "xapp-1-A0001-3333-deadbeefcafe"
	password = "hunter2-correct-horse"
)

// jsonLogger logs through the redacting handler into a JSON handler writing
// to buf, without timestamps so outputs can be compared.
func jsonLogger(buf *bytes.Buffer, secrets ...string) *slog.Logger {
	return slog.New(telemetry.NewRedactingHandler(plainHandler(buf), secrets...))
}

func plainHandler(w io.Writer) slog.Handler {
	return slog.NewJSONHandler(w, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})
}

type stringer struct{ s string }

func (s stringer) String() string { return s.s }

type valuer struct{ user, pass string }

func (v valuer) LogValue() slog.Value {
	return slog.GroupValue(slog.String("user", v.user), slog.String("note", "pass is "+v.pass))
}

type dbConfig struct {
	Host string
	DSN  string
}

type headerList []string

func TestRedactingHandlerRedacts(t *testing.T) {
	mustURL := func(s string) *url.URL {
		u, err := url.Parse(s)
		require.NoError(t, err)
		return u
	}
	tests := []struct {
		name   string
		log    func(l *slog.Logger)
		secret string // must not appear in the output
	}{
		// (a) exact secret values, wherever they appear.
		{"SecretInMessage", func(l *slog.Logger) { l.Info("connecting with " + password) }, password},
		{"SecretInString", func(l *slog.Logger) { l.Info("x", "dsn", "postgres://db?pw="+password) }, password},
		{"SecretInGroup", func(l *slog.Logger) {
			l.Info("x", slog.Group("db", slog.Group("conn", slog.String("dsn", "pw="+password))))
		}, password},
		{"SecretInError", func(l *slog.Logger) {
			l.Error("x", "err", fmt.Errorf("login: %w", errors.New("bad password "+password)))
		}, password},
		{"SecretInStringer", func(l *slog.Logger) { l.Info("x", "v", stringer{"pw " + password}) }, password},
		{"SecretInLogValuer", func(l *slog.Logger) { l.Info("x", "creds", valuer{"svc", password}) }, password},
		{"SecretInStringSlice", func(l *slog.Logger) { l.Info("x", "args", []string{"--user", "svc", password}) }, password},
		{"SecretInNamedStringSlice", func(l *slog.Logger) { l.Info("x", "h", headerList{"X: " + password}) }, password},
		{"SecretInMap", func(l *slog.Logger) { l.Info("x", "env", map[string]string{"PW": password}) }, password},
		{"SecretInBytes", func(l *slog.Logger) { l.Info("x", "body", []byte(`{"pw":"`+password+`"}`)) }, password},
		{"SecretInStruct", func(l *slog.Logger) { l.Info("x", "cfg", dbConfig{"db", "pw=" + password}) }, password},
		{"SecretInStructPointer", func(l *slog.Logger) { l.Info("x", "cfg", &dbConfig{"db", "pw=" + password}) }, password},
		{"SecretInKey", func(l *slog.Logger) { l.Info("x", password, 1) }, password},
		{"SecretAmongOthers", func(l *slog.Logger) {
			l.Info("x", "a", 1, "b", "fine", "c", time.Second, "d", "pw="+password, "e", "after")
		}, password},
		{"WithAttrs", func(l *slog.Logger) { l.With("dsn", "pw="+password).Info("x", "n", 1) }, password},
		{"WithAttrsInGroup", func(l *slog.Logger) {
			l.WithGroup("db").With("dsn", "pw="+password).Info("x")
		}, password},
		{"WithGroupThenRecordAttr", func(l *slog.Logger) { l.WithGroup("req").Info("x", "body", password) }, password},
		{"WithAttrsLogValuer", func(l *slog.Logger) { l.With("creds", valuer{"svc", password}).Info("x") }, password},
		{"WithGroupNamedSecret", func(l *slog.Logger) {
			l.WithGroup("client_secret").Info("x", "value", "opaque-non-matching-value")
		}, "opaque-non-matching-value"},

		// (b) by pattern, without being told the value.
		{"SlackBotTokenInMessage", func(l *slog.Logger) { l.Info("token is " + botToken) }, botToken},
		{"SlackUserToken", func(l *slog.Logger) { l.Info("x", "v", "xoxp-9-8-7-abcdef") }, "xoxp-9-8-7-abcdef"},
		{"SlackAppTokenInError", func(l *slog.Logger) { l.Info("x", "err", errors.New("dial: "+appToken)) }, appToken},
		{"AuthorizationBasic", func(l *slog.Logger) {
			l.Info("request", "dump", "GET / HTTP/1.1\r\nAuthorization: Basic dXNlcjpzM2NyZXQ=\r\n")
		}, "dXNlcjpzM2NyZXQ="},
		{"AuthorizationBearer", func(l *slog.Logger) {
			l.Info("request Authorization: Bearer eyJhbGciOi.eyJzdWIi.sig")
		}, "eyJhbGciOi.eyJzdWIi.sig"},
		{"AuthorizationOtherScheme", func(l *slog.Logger) { l.Info("x", "v", "authorization=opaquevalue9") }, "opaquevalue9"},
		{"HTTPHeaderMap", func(l *slog.Logger) {
			l.Info("x", "headers", http.Header{"Authorization": {"Bearer abc.def.ghi"}})
		}, "abc.def.ghi"},
		{"Bearer", func(l *slog.Logger) { l.Info("x", "v", "sent Bearer abcdefgh12345 upstream") }, "abcdefgh12345"},
		{"Basic", func(l *slog.Logger) { l.Info("x", "v", "using Basic c3ZjOnB3ZDEyMzQ=") }, "c3ZjOnB3ZDEyMzQ="},
		{"URLPassword", func(l *slog.Logger) { l.Info("x", "url", "https://svc:pa55word@api.example.com/v2") }, "pa55word"},
		{"URLPasswordEmptyUser", func(l *slog.Logger) { l.Info("redis at redis://:pa55word@cache:6379") }, "pa55word"},
		{"URLValue", func(l *slog.Logger) { l.Info("x", "url", mustURL("https://svc:pa55word@api.example.com/")) }, "pa55word"},

		// (c) keys that name secrets.
		{"KeyPassword", func(l *slog.Logger) { l.Info("x", "password", "short") }, "short"},
		{"KeySuffix", func(l *slog.Logger) { l.Info("x", "bot_token", "opaque-1") }, "opaque-1"},
		{"KeyCase", func(l *slog.Logger) { l.Info("x", "Authorization", "opaque-2") }, "opaque-2"},
		{"KeyAPIKey", func(l *slog.Logger) { l.Info("x", "X_API_KEY", 123456789) }, "123456789"},
		{"KeySecretGroup", func(l *slog.Logger) {
			l.Info("x", slog.Group("client_secret", slog.String("v", "opaque-3")))
		}, "opaque-3"},
		{"KeyInGroup", func(l *slog.Logger) { l.Info("x", slog.Group("db", slog.String("Password", "opaque-4"))) }, "opaque-4"},
		{"KeyWithAttrs", func(l *slog.Logger) { l.With("app_token", "opaque-5").Info("x") }, "opaque-5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			tt.log(jsonLogger(&buf, password, botToken))
			out := buf.String()
			assert.NotContains(t, out, tt.secret)
			assert.Contains(t, out, telemetry.Redacted)
		})
	}
}

// TestRedactingHandlerKeepsContext checks what stays around a redaction, so
// logs remain useful.
func TestRedactingHandlerKeepsContext(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"Secret", "login " + password + " ok", "login [REDACTED] ok"},
		{"SecretTwice", password + password, "[REDACTED]"},
		{"SlackToken", "bot=" + botToken + ".", "bot=[REDACTED]."},
		{"Bearer", "Bearer abcdefgh12345", "Bearer [REDACTED]"},
		{"Header", "Authorization: Basic dXNlcjpzM2NyZXQ=, next", "Authorization: Basic [REDACTED], next"},
		{"URL", "https://svc:pa55word@host/x", "https://svc:[REDACTED]@host/x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			jsonLogger(&buf, password).Info("m", "v", tt.in)
			var want bytes.Buffer
			plainHandlerLogger(&want).Info("m", "v", tt.want)
			assert.Equal(t, want.String(), buf.String())
		})
	}
}

func plainHandlerLogger(w io.Writer) *slog.Logger { return slog.New(plainHandler(w)) }

// TestRedactingHandlerLeavesNormalTextAlone logs ordinary records through the
// redacting handler and through the bare JSON handler: outputs must be equal.
func TestRedactingHandlerLeavesNormalTextAlone(t *testing.T) {
	logs := map[string]func(l *slog.Logger){
		"Plain": func(l *slog.Logger) { l.Info("draft created", "dealer", "d-1", "draft_id", 42) },
		"Words": func(l *slog.Logger) {
			l.Info("Basic checks passed; bearer of news; authorization pending", "token_count", 3, "tokens", "none")
		},
		"URLWithoutPassword": func(l *slog.Logger) {
			l.Info("x", "url", "https://api.example.com:8443/v2/x?a=b@c", "mail", "jane@example.com")
		},
		"ShortSecretIgnored": func(l *slog.Logger) { l.Info("abc", "v", "abcabc") },
		"EmptySecretValue":   func(l *slog.Logger) { l.Info("x", "password", "") },
		"Kinds": func(l *slog.Logger) {
			l.Info("x", "n", 1, "f", 1.5, "b", true, "d", time.Second, "u", uint64(7),
				"t", time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC), "nil", nil, "err", errors.New("timeout"),
				"ss", []string{"a", "b"}, "m", map[string]int{"a": 1}, "s", dbConfig{"h", "d"})
		},
		"Groups": func(l *slog.Logger) {
			l.WithGroup("req").With("id", "r-1").Info("x", slog.Group("g", "k", "v"), slog.Group("empty"))
		},
		"NilStringer": func(l *slog.Logger) { l.Info("x", "v", (*url.URL)(nil)) },
	}
	for name, log := range logs {
		t.Run(name, func(t *testing.T) {
			var got, want bytes.Buffer
			log(jsonLogger(&got, password, "abc"))
			log(plainHandlerLogger(&want))
			assert.Equal(t, want.String(), got.String())
			assert.NotContains(t, got.String(), telemetry.Redacted)
		})
	}
}

func TestNewLoggerRedacts(t *testing.T) {
	for _, format := range []string{"json", "text"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			l := telemetry.NewLogger(&buf, format, slog.LevelInfo, password, "")
			l.Info("start", "dsn", "pw="+password, "bot", botToken)
			assert.NotContains(t, buf.String(), password)
			assert.NotContains(t, buf.String(), botToken)
			assert.Contains(t, buf.String(), telemetry.Redacted)
		})
	}
}

// devNull swallows output, so benchmarks measure encoding but not I/O.
type devNull struct{}

func (devNull) Write(p []byte) (int, error) { return len(p), nil }

func cleanRecord() slog.Record {
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "draft created for customer", 0)
	r.AddAttrs(
		slog.String("dealer", "8f1c-22-aa"), slog.Int("status", 200), slog.Duration("took", time.Millisecond),
		slog.String("url", "https://api.example.com/appointment/v2/dealer/8f1c-22/draftAppointment"),
		slog.Any("err", errors.New("myKaarma: 503 Service Unavailable")),
		slog.Group("req", slog.String("id", "req-123"), slog.String("user", "U012345")),
	)
	return r
}

func TestRedactingHandlerDoesNotAllocateWhenClean(t *testing.T) {
	h := telemetry.NewRedactingHandler(slog.DiscardHandler, password, botToken, appToken)
	r := cleanRecord()
	ctx := context.Background()
	allocs := testing.AllocsPerRun(100, func() { _ = h.Handle(ctx, r) })
	assert.Zero(t, allocs)
}

func BenchmarkRedactingHandler(b *testing.B) {
	ctx := context.Background()
	secretRecord := cleanRecord()
	secretRecord.AddAttrs(slog.String("header", "Authorization: Bearer "+botToken))
	cases := []struct {
		name string
		h    slog.Handler
		r    slog.Record
	}{
		{"Bare/Clean", slog.DiscardHandler, cleanRecord()},
		{"Redacting/Clean", telemetry.NewRedactingHandler(slog.DiscardHandler, password, botToken, appToken), cleanRecord()},
		{"Redacting/Secret", telemetry.NewRedactingHandler(slog.DiscardHandler, password, botToken, appToken), secretRecord},
		{"BareJSON/Clean", slog.NewJSONHandler(devNull{}, nil), cleanRecord()},
		{"RedactingJSON/Clean", telemetry.NewRedactingHandler(slog.NewJSONHandler(devNull{}, nil), password), cleanRecord()},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = c.h.Handle(ctx, c.r)
			}
		})
	}
}
