package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/draftappt/draftappt/internal/config"
)

// The README is the integrator's manual: these tests keep every command,
// variable, file and target it names true.

func readRepoFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", name))
	require.NoError(t, err)
	return string(b)
}

func configVariables() []string {
	var out []string
	t := reflect.TypeOf(config.Config{})
	for i := range t.NumField() {
		if k := t.Field(i).Tag.Get("envconfig"); k != "" {
			out = append(out, k)
		}
	}
	return out
}

func TestReadmeDocumentsEveryVariable(t *testing.T) {
	readme := readRepoFile(t, "README.md")
	example := readRepoFile(t, "deploy/draftappt.env.example")
	for _, k := range configVariables() {
		assert.Contains(t, readme, "| `"+k+"` |", "README's variable table lacks %s", k)
		assert.Regexp(t, `(?m)^#?`+k+`=`, example, "draftappt.env.example lacks %s", k)
	}
	for _, k := range []string{"SANDBOX_ADDR", "SANDBOX_USERNAME", "SANDBOX_PASSWORD", "SANDBOX_PUBLIC_URL"} {
		assert.Contains(t, readme, k)
	}
}

func TestReadmeMakeTargetsExist(t *testing.T) {
	readme := readRepoFile(t, "README.md")
	makefile := readRepoFile(t, "Makefile")
	targets := regexp.MustCompile("make ([a-z][a-z-]*)").FindAllStringSubmatch(readme, -1)
	require.NotEmpty(t, targets)
	for _, m := range targets {
		assert.Regexp(t, `(?m)^`+regexp.QuoteMeta(m[1])+`:`, makefile, "README names make %s", m[1])
	}
	// The first section gives exactly the two commands a newcomer runs.
	first := readme[strings.Index(readme, "## Try it"):]
	first = first[:strings.Index(first[3:], "\n## ")+3]
	assert.Contains(t, first, "make demo")
	assert.Contains(t, first, "make test")
	ci := readRepoFile(t, ".ci/run")
	assert.Contains(t, ci, "make test", ".ci/run runs the README's test command")
}

func TestReadmeFilesExist(t *testing.T) {
	readme := readRepoFile(t, "README.md")
	for _, f := range regexp.MustCompile(`(deploy/[a-zA-Z0-9_./-]+|manifest\.yaml|internal/[a-z]+/[a-z]+\.go)`).FindAllString(readme, -1) {
		f = strings.TrimRight(f, ".")
		if f == "deploy/draftappt.env" { // the copy the reader makes
			continue
		}
		_, err := os.Stat(filepath.Join("..", "..", f))
		assert.False(t, os.IsNotExist(err), "README refers to %s, which does not exist", f)
	}
	secret := readRepoFile(t, "deploy/kubernetes/base/secret.yaml")
	assert.Contains(t, secret, "name: draftappt-secrets", "the secret the README creates is the one the Deployment reads")
}

// TestReadmeParseExamples runs every `$ draftappt parse …` example in the
// README and compares its output with the lines shown under it.
func TestReadmeParseExamples(t *testing.T) {
	t.Setenv("DATE_ORDER", "")
	t.Setenv("DEALER_TIMEZONE", "")
	readme := readRepoFile(t, "README.md")
	lines := strings.Split(readme, "\n")
	examples := 0
	for i, line := range lines {
		if !strings.HasPrefix(line, "$ ") || !strings.Contains(line, "draftappt parse") {
			continue
		}
		var want []string
		for _, l := range lines[i+1:] {
			if strings.HasPrefix(l, "$ ") || strings.HasPrefix(l, "```") {
				break
			}
			want = append(want, l)
		}
		stdin := ""
		cmdline := strings.TrimPrefix(line, "$ ")
		if pre, post, ok := strings.Cut(cmdline, " | "); ok {
			m := regexp.MustCompile(`^printf '(.*)'$`).FindStringSubmatch(pre)
			require.NotNil(t, m, "unsupported pipe in %q", line)
			stdin = strings.ReplaceAll(m[1], `\n`, "\n")
			cmdline = post
		}
		args := shellWords(t, cmdline)
		require.Equal(t, "draftappt", args[0])
		var out, errb bytes.Buffer
		code := run(context.Background(), args[1:], strings.NewReader(stdin), &out, &errb)
		assert.Equal(t, 0, code, "%s: %s", line, errb.String())
		assert.Equal(t, strings.Join(want, "\n"), strings.TrimSuffix(out.String(), "\n"), line)
		examples++
	}
	assert.GreaterOrEqual(t, examples, 3)
}

// shellWords splits a command line with single or double quotes.
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	var cur strings.Builder
	var quote rune
	inWord := false
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == ' ':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out
}

func TestReadmeDemoAndVersionCommands(t *testing.T) {
	readme := readRepoFile(t, "README.md")
	for _, c := range commands() {
		assert.Contains(t, readme, "`"+c.name+"`", "README mentions the %s command", c.name)
	}
}
