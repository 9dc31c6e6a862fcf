package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The demo is a user-facing command: it must complete and end with the link.
func TestDemoCompletes(t *testing.T) {
	code, out, errOut := runCmd(t, "demo")
	assert.Equal(t, 0, code, "stderr: %s", errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	assert.True(t, strings.HasPrefix(lines[len(lines)-1], "Short URL: http://127.0.0.1:"), "ends with the short URL: %q", lines[len(lines)-1])
	assert.Contains(t, out, "next to Vehicle VIN")
	assert.Contains(t, out, "thread reply")
}
