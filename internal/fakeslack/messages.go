package fakeslack

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Message kinds.
const (
	KindPost        = "post"         // chat.postMessage
	KindEphemeral   = "ephemeral"    // chat.postEphemeral (To is the only user who sees it)
	KindResponseURL = "response_url" // a POST to a response_url
	KindUpdate      = "update"       // chat.update (TS is the updated message)
	KindAck         = "ack"          // a slash command ack carrying text/blocks, shown to the user like a response_url post
)

// Message is something the app made visible in Slack, in the order it happened.
type Message struct {
	Kind     string
	Channel  string
	User     string // author: BotUserID for everything the app posts
	TS       string
	ThreadTS string
	Text     string
	Blocks   json.RawMessage
	// To is the recipient of an ephemeral message, or the user whose command/interaction
	// minted the response_url.
	To string
	// ResponseType is "ephemeral" or "in_channel" for response_url posts and acks.
	ResponseType    string
	ReplaceOriginal bool
	DeleteOriginal  bool
}

// Visible reports whether everyone in the channel sees the message.
func (m Message) Visible() bool {
	switch m.Kind {
	case KindPost, KindUpdate:
		return true
	case KindResponseURL, KindAck:
		return m.ResponseType == "in_channel"
	}
	return false
}

// Messages returns every message in order: posts, ephemerals, response_url posts, updates, acks.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// WaitMessages waits until at least n messages were recorded and returns all of them.
func (s *Server) WaitMessages(ctx context.Context, n int) ([]Message, error) {
	var out []Message
	err := s.waitFor(ctx, func() bool {
		if len(s.messages) >= n {
			out = append([]Message(nil), s.messages...)
			return true
		}
		return false
	})
	if err != nil {
		return s.Messages(), fmt.Errorf("waiting for %d messages (have %d): %w", n, len(s.Messages()), err)
	}
	return out, nil
}

// WaitMessage waits for the first message (already recorded or future) matching match.
func (s *Server) WaitMessage(ctx context.Context, match func(Message) bool) (Message, error) {
	var out Message
	err := s.waitFor(ctx, func() bool {
		for _, m := range s.messages {
			if match(m) {
				out = m
				return true
			}
		}
		return false
	})
	if err != nil {
		return Message{}, fmt.Errorf("waiting for a matching message (have %d): %w", len(s.Messages()), err)
	}
	return out, nil
}

// Thread returns the current content (chat.update applied) of the channel message ts and
// of the replies posted with thread_ts = ts, in order.
func (s *Server) Thread(channelID, ts string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages {
		if m.Kind != KindPost || m.Channel != channelID || (m.TS != ts && m.ThreadTS != ts) {
			continue
		}
		if cur, ok := s.byTS[msgKey(m.Channel, m.TS)]; ok {
			m = *cur
		}
		out = append(out, m)
	}
	return out
}

type responseURL struct {
	channel, user string
	minted        time.Time
	uses          int
}

// ResponseURL mints a response_url for channelID and userID, as Slack puts in slash
// command and shortcut payloads. Up to 5 posts within 30 minutes are accepted; each is
// recorded as a Message of kind KindResponseURL.
func (s *Server) ResponseURL(channelID, userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.responseURLLocked(channelID, userID)
}

func (s *Server) responseURLLocked(channelID, userID string) string {
	tok := fmt.Sprintf("%s/%s/%s", TeamID, strings.TrimPrefix(s.nextIDLocked(""), "0FAKE"), randHex(12))
	s.responseURLs[tok] = &responseURL{channel: channelID, user: userID, minted: time.Now()}
	return s.hs.URL + "/response/" + tok
}

func (s *Server) serveResponseURL(w http.ResponseWriter, r *http.Request) {
	tok := strings.TrimPrefix(r.URL.Path, "/response/")
	body, _ := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	var req struct {
		Text            string          `json:"text"`
		Blocks          json.RawMessage `json:"blocks"`
		ResponseType    string          `json:"response_type"`
		ReplaceOriginal bool            `json:"replace_original"`
		DeleteOriginal  bool            `json:"delete_original"`
		ThreadTS        string          `json:"thread_ts"`
	}
	params := json.RawMessage(body)
	if !json.Valid(params) {
		params = json.RawMessage("{}")
	}
	call := Call{Method: "response_url", Params: params, Time: time.Now()}

	status, out := http.StatusOK, `{"ok":true}`
	s.mu.Lock()
	ru, ok := s.responseURLs[tok]
	switch {
	case r.Method != http.MethodPost:
		status, out = http.StatusMethodNotAllowed, "invalid_method"
	case !ok:
		status, out = http.StatusNotFound, "invalid_url"
	case time.Since(ru.minted) > 30*time.Minute:
		status, out = http.StatusNotFound, "expired_url"
	case ru.uses >= 5:
		status, out = http.StatusNotFound, "used_url"
	case json.Unmarshal(body, &req) != nil:
		out = `{"ok":false,"error":"invalid_payload"}`
	default:
		blocks := req.Blocks
		if string(blocks) == "null" {
			blocks = nil
		}
		code, msgs := "", []string(nil)
		if !req.DeleteOriginal {
			code, msgs = validateMessage(req.Text, blocks)
		}
		if code != "" {
			b, _ := json.Marshal(errResp(code, msgs...))
			out = string(b)
			break
		}
		ru.uses++
		rt := req.ResponseType
		if rt == "" {
			rt = "ephemeral"
		}
		m := Message{Kind: KindResponseURL, Channel: ru.channel, User: BotUserID, To: ru.user, TS: s.nextTSLocked(),
			ThreadTS: req.ThreadTS, Text: req.Text, Blocks: compactJSON(blocks), ResponseType: rt,
			ReplaceOriginal: req.ReplaceOriginal, DeleteOriginal: req.DeleteOriginal}
		s.appendMessageLocked(m)
	}
	if status != http.StatusOK {
		call.Error = out
	} else if strings.Contains(out, `"ok":false`) {
		var e struct{ Error string }
		_ = json.Unmarshal([]byte(out), &e)
		call.Error = e.Error
	}
	call.Response = json.RawMessage(out)
	if !json.Valid(call.Response) {
		call.Response, _ = json.Marshal(out)
	}
	s.calls = append(s.calls, call)
	s.notifyLocked()
	s.mu.Unlock()

	if status == http.StatusOK {
		w.Header().Set("Content-Type", "application/json")
	} else {
		w.Header().Set("Content-Type", "text/plain")
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, out)
}
