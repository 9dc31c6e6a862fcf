package slackbot_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/draftappt/draftappt/internal/slackbot"
)

// schemaDir finds Slack's manifest schema: MANIFEST_SCHEMA_DIR, or the copy
// in shared/ beside the repository.
func schemaDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("MANIFEST_SCHEMA_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "schemas", "slack-app-manifest")
	}
	if _, err := os.Stat(filepath.Join(dir, "manifest.schema.json")); err != nil {
		t.Skipf("Slack's manifest JSON schema not found in %s; set MANIFEST_SCHEMA_DIR to the folder holding manifest.schema.json to run this test", dir)
	}
	return dir
}

func loadManifest(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "manifest.yaml"))
	require.NoError(t, err)
	var doc any
	require.NoError(t, yaml.Unmarshal(raw, &doc))
	// Round-trip through JSON so the validator sees JSON types.
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

func TestManifestMatchesSlackSchema(t *testing.T) {
	dir := schemaDir(t)
	c := jsonschema.NewCompiler()
	c.UseRegexpEngine(lookaheadRegexp)
	// The top-level schema refers to the versioned ones by URL; serve them
	// from the local copy (tests run offline).
	for _, v := range []string{"1.0.0", "2.0.0"} {
		f, err := os.Open(filepath.Join(dir, "manifest.schema."+v+".json"))
		require.NoError(t, err)
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		require.NoError(t, err)
		require.NoError(t, c.AddResource("https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/manifest.schema."+v+".json", doc))
	}
	sch, err := c.Compile(filepath.Join(dir, "manifest.schema.json"))
	require.NoError(t, err)
	assert.NoError(t, sch.Validate(loadManifest(t)))

	// The schema must be able to fail: a broken copy is refused.
	broken := loadManifest(t)
	broken["settings"].(map[string]any)["socket_mode"] = "yes please"
	assert.Error(t, sch.Validate(broken))
}

// lookaheadRegexp compiles schema patterns with Go's regexp, adding the one
// construct Slack's schema uses that Go lacks: a leading negative lookahead
// "^(?!X)rest", checked as "does not start with X, and matches ^rest".
func lookaheadRegexp(pattern string) (jsonschema.Regexp, error) {
	if re, err := regexp.Compile(pattern); err == nil {
		return re, nil
	}
	const open = "^(?!"
	end := strings.Index(pattern, ")")
	if !strings.HasPrefix(pattern, open) || end < 0 {
		return nil, fmt.Errorf("unsupported pattern %q", pattern)
	}
	// The lookahead body here is a character class, so the first ")" closes it.
	neg, err := regexp.Compile("^(?:" + pattern[len(open):end] + ")")
	if err != nil {
		return nil, err
	}
	rest, err := regexp.Compile("^" + pattern[end+1:])
	if err != nil {
		return nil, err
	}
	return negLookahead{pattern: pattern, neg: neg, rest: rest}, nil
}

type negLookahead struct {
	pattern   string
	neg, rest *regexp.Regexp
}

func (n negLookahead) MatchString(s string) bool {
	return !n.neg.MatchString(s) && n.rest.MatchString(s)
}
func (n negLookahead) String() string { return n.pattern }

func TestLookaheadRegexp(t *testing.T) {
	re, err := lookaheadRegexp(`^(?![\.\-])([-a-z0-9\.])+([a-z0-9])$`)
	require.NoError(t, err)
	for s, want := range map[string]bool{"example.com": true, ".example.com": false, "-a.com": false, "a.com.": false} {
		assert.Equal(t, want, re.MatchString(s), s)
	}
}

func TestManifestDeclaresWhatTheBotUses(t *testing.T) {
	m := loadManifest(t)
	settings := m["settings"].(map[string]any)
	assert.Equal(t, true, settings["socket_mode_enabled"])
	assert.Equal(t, true, settings["interactivity"].(map[string]any)["is_enabled"])

	cmds := m["features"].(map[string]any)["slash_commands"].([]any)
	require.Len(t, cmds, 1)
	cmd := cmds[0].(map[string]any)
	assert.Equal(t, slackbot.Command, cmd["command"])
	assert.NotEmpty(t, cmd["usage_hint"])
	_, hasURL := cmd["url"]
	assert.False(t, hasURL, "socket mode commands need no request URL")

	shortcuts := m["features"].(map[string]any)["shortcuts"].([]any)
	require.Len(t, shortcuts, 1)
	sc := shortcuts[0].(map[string]any)
	assert.Equal(t, "message", sc["type"])
	assert.Equal(t, slackbot.CallbackMessageShortcut, sc["callback_id"])
	assert.Equal(t, "Draft appointment", sc["name"])

	events := settings["event_subscriptions"].(map[string]any)["bot_events"].([]any)
	assert.Equal(t, []any{"app_home_opened"}, events)
	assert.Equal(t, true, m["features"].(map[string]any)["app_home"].(map[string]any)["home_tab_enabled"])

	var scopes []string
	for _, s := range m["oauth_config"].(map[string]any)["scopes"].(map[string]any)["bot"].([]any) {
		scopes = append(scopes, s.(string))
	}
	assert.ElementsMatch(t, []string{"commands", "chat:write", "im:write"}, scopes)
}
