// Package config owns the bot's configuration: one Config struct read from
// environment variables with envconfig, validated as a whole so an operator
// sees every bad variable in a single message. Secrets are held in a Secret
// type that never prints its value. It must not import Slack or HTTP code.
package config

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kelseyhightower/envconfig"

	"github.com/draftappt/draftappt/internal/dates"
	"github.com/draftappt/draftappt/internal/stores"
)

// Secret is a string that never shows its value in logs, errors or fmt output.
type Secret string

// Value returns the secret itself, for the one place that must send it.
func (s Secret) Value() string { return string(s) }

// String hides the value.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// GoString hides the value from %#v.
func (s Secret) GoString() string { return s.String() }

// LogValue hides the value from slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText hides the value from encoders.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Config is everything the bot reads from its environment. The tags are the
// documentation: `draftappt serve -h` prints them, and the README mirrors them.
type Config struct {
	SlackAppToken Secret `envconfig:"SLACK_APP_TOKEN" required:"true" desc:"app-level token (xapp-…) with connections:write, for Socket Mode"`
	SlackBotToken Secret `envconfig:"SLACK_BOT_TOKEN" required:"true" desc:"bot token (xoxb-…) from installing the app"`
	SlackAPIURL   string `envconfig:"SLACK_API_URL" default:"https://slack.com/api/" desc:"Slack Web API base URL (a trailing / is added if missing)"`

	MyKaarmaBaseURL  string        `envconfig:"MYKAARMA_BASE_URL" default:"https://api.mykaarma.com" desc:"myKaarma API base URL"`
	MyKaarmaUsername Secret        `envconfig:"MYKAARMA_USERNAME" required:"true" desc:"myKaarma ServiceSubscriber username"`
	MyKaarmaPassword Secret        `envconfig:"MYKAARMA_PASSWORD" required:"true" desc:"myKaarma ServiceSubscriber password"`
	MyKaarmaTimeout  time.Duration `envconfig:"MYKAARMA_TIMEOUT" default:"10s" desc:"timeout of one myKaarma request"`

	DealerUUID     string `envconfig:"DEALER_UUID" desc:"the store's myKaarma dealer UUID (required without STORES_FILE)"`
	DepartmentUUID string `envconfig:"DEPARTMENT_UUID" desc:"the store's myKaarma service department UUID (customer, vehicle and transport lookups)"`
	DealerTimezone string `envconfig:"DEALER_TIMEZONE" desc:"the store's IANA time zone, e.g. America/Chicago (required without STORES_FILE)"`
	DealerHours    string `envconfig:"DEALER_HOURS" desc:"business hours, e.g. 'mon-fri 07:00-18:00; sat 08:00-13:00' (empty: no check)"`
	DealerAdvisors string `envconfig:"DEALER_ADVISORS" desc:"advisors to offer, 'Jane Smith=uuid-1; Bob Jones=uuid-2' (empty: myKaarma assigns)"`
	StoresFile     string `envconfig:"STORES_FILE" desc:"YAML file listing several stores and their channels (replaces the DEALER_* variables)"`
	DateOrder      string `envconfig:"DATE_ORDER" default:"MDY" desc:"how numeric dates are read: MDY (12/5 = Dec 5) or DMY (12/5 = 12 May)"`

	DataDir         string        `envconfig:"DATA_DIR" default:"./data" desc:"directory of the ledger's SQLite file (draftappt.db)"`
	DatabaseURL     Secret        `envconfig:"DATABASE_URL" desc:"postgres://… to keep the ledger in PostgreSQL instead (several replicas can share it)"`
	Retention       Days          `envconfig:"RETENTION" default:"90d" desc:"how long the ledger keeps submissions (e.g. 90d, 720h)"`
	MaxConcurrent   int           `envconfig:"MAX_CONCURRENT_SUBMISSIONS" default:"8" desc:"submissions sent to myKaarma at once; more wait in the queue"`
	QueueSize       int           `envconfig:"SUBMISSION_QUEUE" default:"100" desc:"submissions that may wait; beyond it users are asked to retry"`
	UserRateLimit   int           `envconfig:"USER_RATE_LIMIT" default:"20" desc:"drafts one user may create per USER_RATE_WINDOW (0: no limit)"`
	UserRateWindow  time.Duration `envconfig:"USER_RATE_WINDOW" default:"10m" desc:"the window of USER_RATE_LIMIT"`
	AllowedChannels []string      `envconfig:"ALLOWED_CHANNELS" desc:"comma-separated channel ids where the bot works (empty: everywhere)"`
	AllowedUsers    []string      `envconfig:"ALLOWED_USERS" desc:"comma-separated user ids who may use the bot (empty: everyone)"`

	HTTPAddr        string        `envconfig:"HTTP_ADDR" default:":8080" desc:"listen address for /healthz, /readyz and /metrics"`
	LogLevel        string        `envconfig:"LOG_LEVEL" default:"info" desc:"debug, info, warn or error"`
	LogFormat       string        `envconfig:"LOG_FORMAT" default:"json" desc:"json or text"`
	ShutdownTimeout time.Duration `envconfig:"SHUTDOWN_TIMEOUT" default:"20s" desc:"how long in-flight submissions may finish after SIGTERM"`

	// Derived by Load; not read from the environment.
	Location *time.Location  `ignored:"true"`
	Hours    dates.Hours     `ignored:"true"`
	Order    dates.DateOrder `ignored:"true"`
	Level    slog.Level      `ignored:"true"`
	Stores   *stores.Set     `ignored:"true"`
}

// Days is a duration that also accepts whole days ("90d"), since
// retention is thought of in days.
type Days time.Duration

// Decode implements envconfig.Decoder.
func (d *Days) Decode(v string) error {
	v = strings.TrimSpace(v)
	if n, ok := strings.CutSuffix(v, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days <= 0 {
			return fmt.Errorf("%q is not a number of days", v)
		}
		*d = Days(time.Duration(days) * 24 * time.Hour)
		return nil
	}
	dur, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("%q is not a duration such as 90d or 720h", v)
	}
	*d = Days(dur)
	return nil
}

// Duration is the value as a time.Duration.
func (d Days) Duration() time.Duration { return time.Duration(d) }

// Error lists every problem found in the environment. Its message never
// contains a secret's value.
type Error struct {
	Problems []string
}

func (e *Error) Error() string {
	return "configuration: " + strings.Join(e.Problems, "; ")
}

// Load reads and validates the environment. It reports every bad variable at
// once in an *Error.
func Load() (Config, error) {
	var cfg Config
	problems, failed := readFields(&cfg)
	problems = append(problems, cfg.validate(failed)...)
	if len(problems) > 0 {
		return cfg, &Error{Problems: problems}
	}
	return cfg, nil
}

// readFields processes each field on its own, because envconfig stops at the
// first error and the operator deserves to see them all.
func readFields(cfg *Config) (problems []string, failed map[string]bool) {
	failed = map[string]bool{}
	v := reflect.ValueOf(cfg).Elem()
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Tag.Get("ignored") == "true" {
			continue
		}
		key := f.Tag.Get("envconfig")
		tag := f.Tag
		if v, ok := os.LookupEnv(key); ok && strings.TrimSpace(v) == "" {
			// An empty variable counts as unset (compose and Kubernetes
			// often pass empties): point envconfig at a name that is never
			// set so defaults and "required" apply.
			tag = reflect.StructTag(strings.Replace(string(tag), `envconfig:"`+key+`"`, `envconfig:"DRAFTAPPT_EMPTY_`+key+`"`, 1))
		}
		one := reflect.New(reflect.StructOf([]reflect.StructField{{Name: f.Name, Type: f.Type, Tag: tag}}))
		if err := envconfig.Process("", one.Interface()); err != nil {
			problems = append(problems, describe(key, f, err))
			failed[key] = true
			continue
		}
		v.Field(i).Set(one.Elem().Field(0))
	}
	return problems, failed
}

// describe turns an envconfig error into a message that names the variable
// but never repeats its value (it may be a secret).
func describe(key string, f reflect.StructField, err error) string {
	var pe *envconfig.ParseError
	if errors.As(err, &pe) {
		want := "a valid value"
		switch f.Type {
		case reflect.TypeOf(time.Duration(0)):
			want = "a duration such as 10s or 1m"
		case reflect.TypeOf(Days(0)):
			want = "a duration such as 90d or 720h"
		case reflect.TypeOf(0):
			want = "a whole number"
		}
		return fmt.Sprintf("%s is not %s", key, want)
	}
	if strings.Contains(err.Error(), "required key") {
		return fmt.Sprintf("%s is required (%s)", key, f.Tag.Get("desc"))
	}
	return fmt.Sprintf("%s: invalid", key)
}

// validate checks meaning, on top of the types envconfig checked; failed
// names variables already reported, so each gets one message.
func (c *Config) validate(failed map[string]bool) []string {
	var p []string
	if c.SlackAppToken != "" && !strings.HasPrefix(c.SlackAppToken.Value(), "xapp-") {
		hint := ""
		if strings.HasPrefix(c.SlackAppToken.Value(), "xoxb-") {
			hint = " (it looks like the bot token)"
		}
		p = append(p, "SLACK_APP_TOKEN must be an app-level token starting with xapp-"+hint)
	}
	if c.SlackBotToken != "" && !strings.HasPrefix(c.SlackBotToken.Value(), "xoxb-") {
		hint := ""
		if strings.HasPrefix(c.SlackBotToken.Value(), "xapp-") {
			hint = " (it looks like the app-level token)"
		}
		p = append(p, "SLACK_BOT_TOKEN must be a bot token starting with xoxb-"+hint)
	}
	if c.SlackAPIURL != "" {
		if err := checkURL(c.SlackAPIURL); err != nil {
			p = append(p, "SLACK_API_URL "+err.Error())
		} else if !strings.HasSuffix(c.SlackAPIURL, "/") {
			// slack-go joins method names onto this URL, so the slash matters.
			c.SlackAPIURL += "/"
		}
	}
	if c.MyKaarmaBaseURL != "" {
		if err := checkURL(c.MyKaarmaBaseURL); err != nil {
			p = append(p, "MYKAARMA_BASE_URL "+err.Error())
		}
	}
	if !failed["MYKAARMA_TIMEOUT"] && c.MyKaarmaTimeout <= 0 {
		p = append(p, "MYKAARMA_TIMEOUT must be a positive duration such as 10s")
	}
	if !failed["MAX_CONCURRENT_SUBMISSIONS"] && (c.MaxConcurrent < 1 || c.MaxConcurrent > 256) {
		p = append(p, "MAX_CONCURRENT_SUBMISSIONS must be between 1 and 256")
	}
	if !failed["SUBMISSION_QUEUE"] && (c.QueueSize < 0 || c.QueueSize > 100000) {
		p = append(p, "SUBMISSION_QUEUE must be between 0 and 100000")
	}
	if !failed["USER_RATE_LIMIT"] && c.UserRateLimit < 0 {
		p = append(p, "USER_RATE_LIMIT must not be negative")
	}
	if !failed["USER_RATE_WINDOW"] && c.UserRateWindow <= 0 {
		p = append(p, "USER_RATE_WINDOW must be a positive duration such as 10m")
	}
	if !failed["RETENTION"] && c.Retention <= 0 {
		p = append(p, "RETENTION must be positive, e.g. 90d")
	}
	if u := c.DatabaseURL.Value(); u != "" && !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		p = append(p, "DATABASE_URL must start with postgres:// or postgresql://")
	}
	if !failed["SHUTDOWN_TIMEOUT"] && c.ShutdownTimeout < 0 {
		p = append(p, "SHUTDOWN_TIMEOUT must not be negative")
	}
	if c.DealerUUID != "" && strings.TrimSpace(c.DealerUUID) != c.DealerUUID || strings.ContainsAny(c.DealerUUID, "/?# ") {
		p = append(p, "DEALER_UUID must be a bare id without spaces or slashes")
	}
	if c.DealerTimezone != "" {
		loc, err := time.LoadLocation(c.DealerTimezone)
		if err != nil || c.DealerTimezone == "Local" {
			p = append(p, fmt.Sprintf("DEALER_TIMEZONE %q is not an IANA time zone name such as America/Chicago", c.DealerTimezone))
		} else {
			c.Location = loc
		}
	}
	if h, err := dates.ParseHours(c.DealerHours); err != nil {
		p = append(p, "DEALER_HOURS: "+err.Error())
	} else {
		c.Hours = h
	}
	p = append(p, c.loadStores()...)
	if o, err := dates.ParseDateOrder(c.DateOrder); err != nil {
		p = append(p, "DATE_ORDER must be MDY or DMY")
	} else {
		c.Order = o
	}
	if err := c.Level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		p = append(p, "LOG_LEVEL must be debug, info, warn or error")
	}
	switch strings.ToLower(c.LogFormat) {
	case "json", "text":
		c.LogFormat = strings.ToLower(c.LogFormat)
	default:
		p = append(p, "LOG_FORMAT must be json or text")
	}
	return p
}

// loadStores builds the stores the bot serves: the stores file when given,
// else one store from the DEALER_* variables.
func (c *Config) loadStores() []string {
	if c.StoresFile != "" {
		set, err := stores.Load(c.StoresFile)
		if err != nil {
			return []string{"STORES_FILE: " + err.Error()}
		}
		c.Stores = set
		return nil
	}
	var p []string
	if c.DealerUUID == "" {
		p = append(p, "DEALER_UUID is required (or STORES_FILE)")
	}
	if c.DealerTimezone == "" {
		p = append(p, "DEALER_TIMEZONE is required (or STORES_FILE), e.g. America/Chicago")
	}
	advisors, err := stores.ParseAdvisors(c.DealerAdvisors)
	if err != nil {
		p = append(p, "DEALER_ADVISORS: "+err.Error())
	}
	if len(p) == 0 && c.Location != nil {
		c.Stores = stores.Single(stores.Store{
			Name: "default", DealerUUID: c.DealerUUID, DepartmentUUID: c.DepartmentUUID,
			Timezone: c.DealerTimezone, Location: c.Location, Hours: c.Hours, Advisors: advisors,
		})
	}
	return p
}

func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("must be an absolute http(s) URL")
	}
	return nil
}

// Usage writes every variable with its default, for `draftappt serve -h`.
func Usage(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIABLE\tDEFAULT\tREQUIRED\tDESCRIPTION")
	t := reflect.TypeOf(Config{})
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Tag.Get("ignored") == "true" {
			continue
		}
		def := f.Tag.Get("default")
		if def == "" {
			def = "-"
		}
		req := ""
		if f.Tag.Get("required") == "true" {
			req = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.Tag.Get("envconfig"), def, req, f.Tag.Get("desc"))
	}
	return tw.Flush()
}

// DateSettings is the part of the configuration `draftappt parse` needs; it
// loads without the tokens and credentials the bot requires.
type DateSettings struct {
	Timezone string          `envconfig:"DEALER_TIMEZONE"`
	RawOrder string          `envconfig:"DATE_ORDER" default:"MDY"`
	Order    dates.DateOrder `ignored:"true"`
}

// LoadDateSettings reads DEALER_TIMEZONE and DATE_ORDER.
func LoadDateSettings() (DateSettings, error) {
	var s DateSettings
	if err := envconfig.Process("", &s); err != nil {
		return s, fmt.Errorf("configuration: %w", err)
	}
	o, err := dates.ParseDateOrder(s.RawOrder)
	if err != nil {
		return s, &Error{Problems: []string{"DATE_ORDER must be MDY or DMY"}}
	}
	s.Order = o
	return s, nil
}

// SandboxConfig configures `draftappt sandbox`, the local myKaarma stand-in.
type SandboxConfig struct {
	Addr      string `envconfig:"SANDBOX_ADDR" default:":8090" desc:"listen address of the sandbox"`
	Username  string `envconfig:"SANDBOX_USERNAME" default:"sandbox" desc:"Basic-auth username the sandbox accepts"`
	Password  Secret `envconfig:"SANDBOX_PASSWORD" default:"sandbox" desc:"Basic-auth password the sandbox accepts"`
	PublicURL string `envconfig:"SANDBOX_PUBLIC_URL" desc:"base URL of the short links it returns (default: http://localhost:PORT)"`
}

// LoadSandbox reads the sandbox's variables.
func LoadSandbox() (SandboxConfig, error) {
	var s SandboxConfig
	if err := envconfig.Process("", &s); err != nil {
		return s, &Error{Problems: []string{"sandbox: " + err.Error()}}
	}
	if s.PublicURL != "" {
		if err := checkURL(s.PublicURL); err != nil {
			return s, &Error{Problems: []string{"SANDBOX_PUBLIC_URL " + err.Error()}}
		}
	}
	return s, nil
}
