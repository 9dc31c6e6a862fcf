package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/draftappt/draftappt/internal/sandbox"
)

// sandboxVars are the variables `draftappt sandbox` reads; tests set all of
// them so the developer's environment cannot leak in.
var sandboxVars = []string{"SANDBOX_ADDR", "SANDBOX_USERNAME", "SANDBOX_PASSWORD", "SANDBOX_PUBLIC_URL"}

// sandboxRun is a `draftappt sandbox` running in a goroutine, as from the
// command line.
type sandboxRun struct {
	t      *testing.T
	base   string // where it listens, http://127.0.0.1:PORT
	stdout *syncBuffer
	stderr *syncBuffer
	cancel context.CancelFunc
	done   chan int
}

// startSandbox runs `draftappt sandbox --addr 127.0.0.1:PORT` with env and
// waits until /healthz answers. The sandbox is stopped when the test ends.
func startSandbox(t *testing.T, env map[string]string) *sandboxRun {
	t.Helper()
	for _, k := range sandboxVars {
		t.Setenv(k, env[k])
	}
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	s := &sandboxRun{
		t: t, base: "http://" + addr, stdout: &syncBuffer{}, stderr: &syncBuffer{},
		cancel: cancel, done: make(chan int, 1),
	}
	go func() {
		s.done <- run(ctx, []string{"sandbox", "--addr", addr}, strings.NewReader(""), s.stdout, s.stderr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			t.Error("sandbox did not stop within 10s of cancellation")
		}
	})
	require.Eventually(t, func() bool {
		select {
		case code := <-s.done:
			s.done <- code
			return true // exited early: fail below with its output
		default:
		}
		resp, err := http.Get(s.base + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 10*time.Second, 10*time.Millisecond, "sandbox never answered /healthz")
	select {
	case code := <-s.done:
		s.done <- code // for the cleanup
		t.Fatalf("sandbox exited with %d before serving; stderr:\n%s", code, s.stderr.String())
	default:
	}
	return s
}

// stop cancels the run's context and returns its exit status.
func (s *sandboxRun) stop() int {
	s.t.Helper()
	s.cancel()
	select {
	case code := <-s.done:
		s.done <- code // for the cleanup
		return code
	case <-time.After(10 * time.Second):
		s.t.Fatal("sandbox did not stop within 10s of cancellation")
		return -1
	}
}

// draftBody is a minimal valid draft for the seeded customer Jane Doe.
func draftBody(t *testing.T) []byte {
	t.Helper()
	b, err := json.Marshal(sandbox.DraftRequest{
		AppointmentStartDateTime: "2030-01-02T09:00:00",
		AppointmentEndDateTime:   "2030-01-02T10:00:00",
		CustomerDetails: sandbox.CustomerDetails{
			UUID:               sandbox.CustomerUUID,
			VehicleIdentifiers: sandbox.VehicleIdentifiers{VIN: sandbox.SampleVIN},
		},
	})
	require.NoError(t, err)
	return b
}

type draftAnswer struct {
	status   int
	shortURL string
	body     string
}

// postDraft posts a draft for the seeded dealer, with Basic credentials
// unless user is empty.
func (s *sandboxRun) postDraft(user, pass string) draftAnswer {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.base+"/appointment/v2/dealer/"+sandbox.DealerUUID+"/draftAppointment", bytes.NewReader(draftBody(s.t)))
	require.NoError(s.t, err)
	req.Header.Set("Content-Type", "application/json")
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(s.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(s.t, err)
	a := draftAnswer{status: resp.StatusCode, body: string(raw)}
	if resp.StatusCode == http.StatusOK {
		var m struct {
			ShortURL string `json:"shortUrl"`
		}
		require.NoError(s.t, json.Unmarshal(raw, &m), "draft answer %s", raw)
		a.shortURL = m.ShortURL
	}
	return a
}

// page GETs the path of a short URL from the sandbox itself (the public URL
// may name a host that does not exist).
func (s *sandboxRun) page(shortURL string) (int, string, string) {
	s.t.Helper()
	u, err := url.Parse(shortURL)
	require.NoError(s.t, err)
	resp, err := http.Get(s.base + u.Path)
	require.NoError(s.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(s.t, err)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(raw)
}

func TestSandboxCommand(t *testing.T) {
	const (
		user   = "svc-sandbox"
		pass   = "sandbox-secret-pw"
		public = "https://links.sandbox.example"
	)
	s := startSandbox(t, map[string]string{"SANDBOX_USERNAME": user, "SANDBOX_PASSWORD": pass, "SANDBOX_PUBLIC_URL": public})

	t.Run("PrintsWhatToConfigure", func(t *testing.T) {
		out := s.stdout.String()
		for _, want := range []string{
			"DEALER_UUID=" + sandbox.DealerUUID,
			"DEPARTMENT_UUID=" + sandbox.DepartmentUUID,
			"MYKAARMA_BASE_URL=" + public,
			"MYKAARMA_USERNAME=" + user,
		} {
			assert.Contains(t, out, want)
		}
		assert.NotContains(t, out, pass, "the password is never printed")
		assert.Empty(t, s.stderr.String())
	})
	t.Run("DraftWithoutCredentialsIs401", func(t *testing.T) {
		a := s.postDraft("", "")
		assert.Equal(t, http.StatusUnauthorized, a.status, a.body)
		assert.Contains(t, a.body, "invalid auth credentials")
	})
	t.Run("DraftWithWrongPasswordIs401", func(t *testing.T) {
		a := s.postDraft(user, pass+"x")
		assert.Equal(t, http.StatusUnauthorized, a.status, a.body)
	})
	t.Run("DraftWithCredentialsIsCreated", func(t *testing.T) {
		a := s.postDraft(user, pass)
		require.Equal(t, http.StatusOK, a.status, a.body)
		assert.True(t, strings.HasPrefix(a.shortURL, public+"/"), "shortUrl = %q; want it under %q", a.shortURL, public)

		status, ctype, body := s.page(a.shortURL)
		assert.Equal(t, http.StatusOK, status)
		assert.True(t, strings.HasPrefix(ctype, "text/html"), "Content-Type = %q; want text/html", ctype)
		assert.Contains(t, body, "Jane Doe")
	})
	t.Run("UnknownShortURLIs404", func(t *testing.T) {
		status, _, _ := s.page(public + "/d/no-such-draft")
		assert.Equal(t, http.StatusNotFound, status)
	})
	t.Run("CancelledContextExitsZero", func(t *testing.T) {
		assert.Equal(t, exitOK, s.stop())
		_, err := http.Get(s.base + "/healthz")
		assert.Error(t, err, "the listener is closed after shutdown")
	})
}

func TestSandboxCommandDefaultsPublicURLToItsPort(t *testing.T) {
	s := startSandbox(t, map[string]string{"SANDBOX_USERNAME": "u-default", "SANDBOX_PASSWORD": "p-default-pw"})
	_, port, err := net.SplitHostPort(strings.TrimPrefix(s.base, "http://"))
	require.NoError(t, err)
	public := "http://localhost:" + port

	a := s.postDraft("u-default", "p-default-pw")
	require.Equal(t, http.StatusOK, a.status, a.body)
	assert.True(t, strings.HasPrefix(a.shortURL, public+"/d/"), "shortUrl = %q; want it under %q", a.shortURL, public)
	_, _, body := s.page(a.shortURL)
	assert.Contains(t, body, "Jane Doe")
	assert.Contains(t, s.stdout.String(), "MYKAARMA_BASE_URL="+public)
	assert.Equal(t, exitOK, s.stop())
}

func TestSandboxCommandFailsWhenAddressIsTaken(t *testing.T) {
	for _, k := range sandboxVars {
		t.Setenv(k, "")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()

	code, _, errOut := runCmd(t, "sandbox", "--addr", ln.Addr().String())
	assert.Equal(t, exitFail, code)
	assert.Contains(t, errOut, ln.Addr().String())
}
