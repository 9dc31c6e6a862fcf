package fakeslack

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// args is a decoded Web API request: every parameter as raw JSON.
type args map[string]json.RawMessage

func argsOf(raw json.RawMessage) args {
	var a args
	_ = json.Unmarshal(raw, &a)
	return a
}

// str returns a parameter as a string; non-string JSON values as their JSON text.
func (a args) str(name string) string {
	raw, ok := a[name]
	if !ok || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// json returns a parameter as JSON, decoding JSON text carried in a string (form bodies).
func (a args) json(name string) json.RawMessage {
	raw, ok := a[name]
	if !ok || string(raw) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if s == "" {
			return nil
		}
		return json.RawMessage(s)
	}
	return raw
}

type apiResp map[string]any

func okResp(kv ...any) apiResp {
	r := apiResp{"ok": true}
	for i := 0; i+1 < len(kv); i += 2 {
		r[kv[i].(string)] = kv[i+1]
	}
	return r
}

func errResp(code string, messages ...string) apiResp {
	r := apiResp{"ok": false, "error": code}
	if len(messages) > 0 {
		r["response_metadata"] = map[string]any{"messages": messages}
	}
	return r
}

type apiHandler func(s *Server, r *http.Request, a args) apiResp

var apiMethods = map[string]apiHandler{
	"apps.connections.open": (*Server).apiConnectionsOpen,
	"auth.test":             (*Server).apiAuthTest,
	"views.open":            (*Server).apiViewsOpen,
	"views.push":            (*Server).apiViewsPush,
	"views.update":          (*Server).apiViewsUpdate,
	"views.publish":         (*Server).apiViewsPublish,
	"chat.postMessage":      (*Server).apiPostMessage,
	"chat.postEphemeral":    (*Server).apiPostEphemeral,
	"chat.update":           (*Server).apiChatUpdate,
	"conversations.open":    (*Server).apiConversationsOpen,
	"users.info":            (*Server).apiUsersInfo,
}

// parseRequest extracts the token and the parameters (as a JSON object) of a Web API request.
func parseRequest(r *http.Request) (token string, params json.RawMessage, err error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		return "", nil, err
	}
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		token = strings.TrimPrefix(h, "Bearer ")
	}
	obj := map[string]json.RawMessage{}
	for k, v := range r.URL.Query() {
		obj[k], _ = json.Marshal(v[0])
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case ct == "application/json":
		if len(bytes.TrimSpace(body)) > 0 {
			var m map[string]json.RawMessage
			if err := json.Unmarshal(body, &m); err != nil {
				return token, nil, err
			}
			for k, v := range m {
				obj[k] = v
			}
		}
	case len(body) > 0:
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return token, nil, err
		}
		for k, v := range vals {
			obj[k], _ = json.Marshal(v[0])
		}
	}
	if t, ok := obj["token"]; ok {
		var s string
		if json.Unmarshal(t, &s) == nil && s != "" {
			if token == "" {
				token = s
			}
		}
		delete(obj, "token")
	}
	params, _ = json.Marshal(obj)
	return token, params, nil
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	token, params, perr := parseRequest(r)
	call := Call{Method: method, Token: token, Params: params, Time: time.Now()}
	if params == nil {
		call.Params = json.RawMessage("{}")
	}

	s.mu.Lock()
	var resp apiResp
	retryAfter := -1
	handler, known := apiMethods[method]
	switch {
	case s.closed:
		resp = errResp("service_unavailable")
	case !known:
		resp = errResp("unknown_method")
	case perr != nil:
		resp = errResp("invalid_form_data")
	default:
		if code := s.authLocked(method, token); code != "" {
			resp = errResp(code)
		} else if f := takeFault(s.rateLimits, method); f != nil {
			resp, retryAfter = errResp("ratelimited"), f.retryAfter
		} else if f := takeFault(s.fails, method); f != nil {
			resp = errResp(f.err)
		} else {
			resp = handler(s, r, argsOf(call.Params))
		}
	}
	body, _ := json.Marshal(resp)
	call.Response = body
	if ok, _ := resp["ok"].(bool); !ok {
		call.Error, _ = resp["error"].(string)
	}
	s.calls = append(s.calls, call)
	s.notifyLocked()
	s.mu.Unlock()
	s.logf("%s → %s", method, body)

	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if retryAfter >= 0 {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
		w.WriteHeader(http.StatusTooManyRequests)
	}
	_, _ = w.Write(body)
}

// authLocked returns the Slack error for a token used with method, or "".
func (s *Server) authLocked(method, token string) string {
	if token == "" {
		return "not_authed"
	}
	want, other := s.cfg.botTokens, s.cfg.appTokens
	if method == "apps.connections.open" {
		want, other = s.cfg.appTokens, s.cfg.botTokens
	}
	switch {
	case want[token]:
		return ""
	case other[token]:
		return "not_allowed_token_type"
	default:
		return "invalid_auth"
	}
}

func (s *Server) apiConnectionsOpen(r *http.Request, _ args) apiResp {
	ticket := randHex(16)
	s.tickets[ticket] = true
	wsURL := "ws://" + s.hs.Listener.Addr().String() + "/link/?ticket=" + ticket + "&app_id=" + AppID
	return okResp("url", wsURL)
}

func (s *Server) apiAuthTest(*http.Request, args) apiResp {
	return okResp("url", "https://"+TeamDomain+".slack.com/", "team", "Fake Team", "user", "draftappt",
		"team_id", TeamID, "user_id", BotUserID, "bot_id", BotID, "is_enterprise_install", false)
}

var tsPattern = regexp.MustCompile(`^[0-9]{1,12}\.[0-9]{1,6}$`)

// resolveChannelLocked maps a chat.* channel argument to the channel the message lands in.
func (s *Server) resolveChannelLocked(ch string) (string, string) {
	switch {
	case ch == "" || s.channelNotFound[ch]:
		return "", "channel_not_found"
	case s.notInChannel[ch]:
		return "", "not_in_channel"
	case strings.HasPrefix(ch, "U") || strings.HasPrefix(ch, "W"):
		return s.dmLocked(ch), "" // posting to a user id lands in the app's DM with them
	}
	return ch, ""
}

func (s *Server) dmLocked(userID string) string {
	if d, ok := s.dms[userID]; ok {
		return d
	}
	d := s.nextIDLocked("D")
	s.dms[userID] = d
	return d
}

func msgKey(channel, ts string) string { return channel + "/" + ts }

func (s *Server) appendMessageLocked(m Message) {
	s.messages = append(s.messages, m)
	if m.Kind == KindPost {
		c := m
		s.byTS[msgKey(m.Channel, m.TS)] = &c
	}
}

func messageObject(m Message) map[string]any {
	o := map[string]any{"type": "message", "text": m.Text, "user": m.User, "ts": m.TS, "team": TeamID}
	if m.User == BotUserID {
		o["bot_id"] = BotID
		o["app_id"] = AppID
	}
	if m.ThreadTS != "" {
		o["thread_ts"] = m.ThreadTS
	}
	if len(m.Blocks) > 0 {
		o["blocks"] = m.Blocks
	}
	return o
}

func (s *Server) apiPostMessage(_ *http.Request, a args) apiResp {
	ch, code := s.resolveChannelLocked(a.str("channel"))
	if code != "" {
		return errResp(code)
	}
	text, blocks := a.str("text"), a.json("blocks")
	if code, msgs := validateMessage(text, blocks); code != "" {
		return errResp(code, msgs...)
	}
	thread := a.str("thread_ts")
	if thread != "" && !tsPattern.MatchString(thread) {
		return errResp("invalid_thread_ts")
	}
	m := Message{Kind: KindPost, Channel: ch, User: BotUserID, TS: s.nextTSLocked(), ThreadTS: thread, Text: text, Blocks: compactJSON(blocks)}
	s.appendMessageLocked(m)
	return okResp("channel", ch, "ts", m.TS, "message", messageObject(m))
}

func (s *Server) apiPostEphemeral(_ *http.Request, a args) apiResp {
	ch, code := s.resolveChannelLocked(a.str("channel"))
	if code != "" {
		return errResp(code)
	}
	user := a.str("user")
	if user == "" {
		return errResp("user_not_found")
	}
	text, blocks := a.str("text"), a.json("blocks")
	if code, msgs := validateMessage(text, blocks); code != "" {
		return errResp(code, msgs...)
	}
	m := Message{Kind: KindEphemeral, Channel: ch, User: BotUserID, To: user, TS: s.nextTSLocked(), ThreadTS: a.str("thread_ts"), Text: text, Blocks: compactJSON(blocks)}
	s.appendMessageLocked(m)
	return okResp("message_ts", m.TS)
}

func (s *Server) apiChatUpdate(_ *http.Request, a args) apiResp {
	ch, code := s.resolveChannelLocked(a.str("channel"))
	if code != "" {
		return errResp(code)
	}
	ts := a.str("ts")
	orig, ok := s.byTS[msgKey(ch, ts)]
	if !ok {
		return errResp("message_not_found")
	}
	if orig.User != BotUserID {
		return errResp("cant_update_message")
	}
	text, blocks := a.str("text"), a.json("blocks")
	if code, msgs := validateMessage(text, blocks); code != "" {
		return errResp(code, msgs...)
	}
	orig.Text = text
	if _, sent := a["blocks"]; sent {
		orig.Blocks = compactJSON(blocks)
	}
	m := *orig
	m.Kind = KindUpdate
	s.messages = append(s.messages, m)
	return okResp("channel", ch, "ts", ts, "text", text, "message", messageObject(*orig))
}

func (s *Server) apiConversationsOpen(_ *http.Request, a args) apiResp {
	if ch := a.str("channel"); ch != "" {
		return okResp("no_op", true, "already_open", true, "channel", map[string]any{"id": ch})
	}
	users := strings.Split(a.str("users"), ",")
	if len(users) == 0 || users[0] == "" {
		return errResp("users_list_not_supplied")
	}
	if len(users) > 1 {
		return okResp("no_op", false, "already_open", false, "channel", map[string]any{"id": s.nextIDLocked("G"), "is_mpim": true})
	}
	_, existed := s.dms[users[0]]
	d := s.dmLocked(users[0])
	return okResp("no_op", existed, "already_open", existed, "channel", map[string]any{"id": d, "is_im": true, "user": users[0]})
}

func (s *Server) apiUsersInfo(_ *http.Request, a args) apiResp {
	id := a.str("user")
	u, ok := s.users[id]
	if !ok {
		if !strings.HasPrefix(id, "U") && !strings.HasPrefix(id, "W") {
			return errResp("user_not_found")
		}
		u = User{ID: id, Name: strings.ToLower(id)}
		if id == DefaultUserID {
			u.Name = DefaultUserName
		}
	}
	if u.TZ == "" {
		u.TZ = DefaultTZ
	}
	if u.RealName == "" {
		u.RealName = u.Name
	}
	label, offset := u.TZ, 0
	if loc, err := time.LoadLocation(u.TZ); err == nil {
		label, offset = time.Now().In(loc).Zone()
	}
	return okResp("user", map[string]any{
		"id": u.ID, "team_id": TeamID, "name": u.Name, "deleted": false, "real_name": u.RealName,
		"tz": u.TZ, "tz_label": label, "tz_offset": offset, "is_bot": u.IsBot, "is_app_user": false,
		"locale":  "en-US",
		"profile": map[string]any{"real_name": u.RealName, "display_name": u.Name, "email": u.Email, "team": TeamID},
	})
}

func compactJSON(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return nil
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return raw
	}
	return b.Bytes()
}
