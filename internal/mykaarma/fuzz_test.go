package mykaarma

import (
	"net/http"
	"testing"
	"time"
)

// FuzzDecodeDraftResponse feeds arbitrary answers to the draft response
// decoder: it must never panic, must report success only with a uuid and a
// short URL, and must always return a classified error otherwise.
func FuzzDecodeDraftResponse(f *testing.F) {
	seeds := []struct {
		status int
		ct     string
		body   string
	}{
		{200, "application/json", `{"statusCode":0,"draftAppointmentUuid":"d","shortUrl":"u","error":null,"warnings":[]}`},
		{200, "application/json", `{"draftAppointmentUuid":"d","shortUrl":"u","warnings":[{"warningCode":"W","warningDescription":"x"}]}`},
		{200, "application/json", `{"draftAppointmentUuid":"d","shortUrl":"u","error":{"errorCode":"E"}}`},
		{400, "application/json", `{"error":[{"errorCode":"E","errorDescription":"d","errorUID":"u"}]}`},
		{403, "application/json", `{"error":{"errorDescription":"ApiScope does not exist"}}`},
		{200, "text/html", `<html>login</html>`},
		{429, "", ``},
		{503, "text/plain", `down`},
		{200, "application/json", `{"draftAppointmentUuid":12,"shortUrl":true}`},
		{200, "application/json", `[1,2,3]`},
		{200, "", `{"draftAppointmentUuid":"d","shortUrl":"u"`},
		{302, "text/html; charset=utf-8", `<!doctype html>`},
	}
	for _, s := range seeds {
		f.Add(s.status, s.ct, []byte(s.body), "30")
	}
	now := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte, retry string) {
		h := http.Header{}
		h.Set("Retry-After", retry)
		r := &response{status: status, header: h, mediaType: contentType, body: body}
		d, err := decodeDraftResponse(r, now)
		if err == nil {
			if d.UUID == "" || d.ShortURL == "" {
				t.Fatalf("success without uuid/url: %+v", d)
			}
			if status < 200 || status > 299 {
				t.Fatalf("success with HTTP %d", status)
			}
			return
		}
		if d.UUID != "" || d.ShortURL != "" || d.Warnings != nil {
			t.Fatalf("partial draft with error: %+v", d)
		}
		if err.Kind == KindUnknown {
			t.Fatalf("unclassified error: %v", err)
		}
		if err.RetryAfter < 0 || err.RetryAfter > maxRetryAfter {
			t.Fatalf("RetryAfter out of range: %v", err.RetryAfter)
		}
		_ = err.Error()
		_ = err.UserMessage()
		_ = err.Retryable()
	})
}
