package fakeslack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// SlashCommand is a slash command as a user types it. Empty fields get defaults
// (DefaultCommand, DefaultUserID, DefaultUserName, DefaultChannelID, DefaultChannelName).
type SlashCommand struct {
	Command, Text, UserID, UserName, ChannelID, ChannelName string
}

// MessageShortcut is a message shortcut (message_action) used on a message.
type MessageShortcut struct {
	CallbackID             string // required: the shortcut's callback_id from the app manifest
	UserID, UserName       string // who used it (defaults as for SlashCommand)
	ChannelID, ChannelName string
	MessageTS              string // the message's ts (a fresh one when empty)
	ThreadTS               string // set when the message is in a thread (a reply or a parent with replies)
	MessageText            string
	MessageUser            string // the message's author (DefaultUserID when empty)
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func userObj(id, name string) obj {
	return obj{"id": id, "username": name, "name": name, "team_id": TeamID}
}

func teamObj() obj { return obj{"id": TeamID, "domain": TeamDomain} }

func actionTS() string {
	now := time.Now()
	return fmt.Sprintf("%d.%06d", now.Unix(), now.Nanosecond()/1000)
}

func (s *Server) userName(id string) string {
	if u, ok := s.users[id]; ok && u.Name != "" {
		return u.Name
	}
	if id == DefaultUserID {
		return DefaultUserName
	}
	return strings.ToLower(id)
}

// SlashCommand sends a slash_commands envelope with a fresh trigger_id and response_url
// and waits for the ack. An ack payload with text or blocks is recorded as a KindAck
// message (Slack shows it to the user).
func (s *Server) SlashCommand(ctx context.Context, cmd SlashCommand) (Ack, error) {
	cmd.Command = or(cmd.Command, DefaultCommand)
	cmd.UserID = or(cmd.UserID, DefaultUserID)
	cmd.ChannelID = or(cmd.ChannelID, DefaultChannelID)
	cmd.ChannelName = or(cmd.ChannelName, DefaultChannelName)
	s.mu.Lock()
	cmd.UserName = or(cmd.UserName, s.userName(cmd.UserID))
	payload := map[string]string{
		"token": VerificationToken, "team_id": TeamID, "team_domain": TeamDomain,
		"channel_id": cmd.ChannelID, "channel_name": cmd.ChannelName,
		"user_id": cmd.UserID, "user_name": cmd.UserName,
		"command": cmd.Command, "text": cmd.Text, "api_app_id": AppID,
		"is_enterprise_install": "false",
		"response_url":          s.responseURLLocked(cmd.ChannelID, cmd.UserID),
		"trigger_id":            s.newTriggerLocked(cmd.UserID),
	}
	s.mu.Unlock()
	ack, err := s.deliver(ctx, "slash_commands", payload)
	if err != nil || ack.Empty() {
		return ack, err
	}
	var resp struct {
		Text         string          `json:"text"`
		Blocks       json.RawMessage `json:"blocks"`
		ResponseType string          `json:"response_type"`
	}
	if json.Unmarshal(ack.Payload, &resp) == nil && (resp.Text != "" || len(resp.Blocks) > 0 && string(resp.Blocks) != "null") {
		s.mu.Lock()
		m := Message{Kind: KindAck, Channel: cmd.ChannelID, User: BotUserID, To: cmd.UserID, TS: s.nextTSLocked(),
			Text: resp.Text, Blocks: compactJSON(resp.Blocks), ResponseType: or(resp.ResponseType, "ephemeral")}
		if string(m.Blocks) == "null" {
			m.Blocks = nil
		}
		s.appendMessageLocked(m)
		s.notifyLocked()
		s.mu.Unlock()
	}
	return ack, nil
}

// MessageShortcut sends a message_action interaction for a message and waits for the ack.
func (s *Server) MessageShortcut(ctx context.Context, sc MessageShortcut) (Ack, error) {
	if sc.CallbackID == "" {
		return Ack{}, errors.New("fakeslack: MessageShortcut needs the shortcut's CallbackID")
	}
	sc.UserID = or(sc.UserID, DefaultUserID)
	sc.ChannelID = or(sc.ChannelID, DefaultChannelID)
	sc.ChannelName = or(sc.ChannelName, DefaultChannelName)
	sc.MessageUser = or(sc.MessageUser, DefaultUserID)
	s.mu.Lock()
	sc.UserName = or(sc.UserName, s.userName(sc.UserID))
	sc.MessageTS = or(sc.MessageTS, s.nextTSLocked())
	msg := obj{"type": "message", "user": sc.MessageUser, "text": sc.MessageText, "ts": sc.MessageTS, "team": TeamID}
	if sc.ThreadTS != "" {
		msg["thread_ts"] = sc.ThreadTS
	}
	payload := obj{
		"type": "message_action", "token": VerificationToken, "action_ts": actionTS(),
		"team": teamObj(), "user": userObj(sc.UserID, sc.UserName),
		"channel":               obj{"id": sc.ChannelID, "name": sc.ChannelName},
		"is_enterprise_install": false, "enterprise": nil,
		"callback_id": sc.CallbackID, "trigger_id": s.newTriggerLocked(sc.UserID),
		"response_url": s.responseURLLocked(sc.ChannelID, sc.UserID),
		"message_ts":   sc.MessageTS, "message": msg, "api_app_id": AppID,
	}
	s.mu.Unlock()
	return s.deliver(ctx, "interactive", payload)
}

// Shortcut sends a global shortcut (type "shortcut": no channel, no message) and waits for the ack.
func (s *Server) Shortcut(ctx context.Context, callbackID, userID string) (Ack, error) {
	if callbackID == "" {
		return Ack{}, errors.New("fakeslack: Shortcut needs the shortcut's callback_id")
	}
	userID = or(userID, DefaultUserID)
	s.mu.Lock()
	payload := obj{
		"type": "shortcut", "token": VerificationToken, "action_ts": actionTS(),
		"team": teamObj(), "user": userObj(userID, s.userName(userID)),
		"is_enterprise_install": false, "enterprise": nil,
		"callback_id": callbackID, "trigger_id": s.newTriggerLocked(userID), "api_app_id": AppID,
	}
	s.mu.Unlock()
	return s.deliver(ctx, "interactive", payload)
}

// Event sends an events_api envelope wrapping event (e.g. {"type":"app_mention",…})
// in an event_callback and waits for the ack.
func (s *Server) Event(ctx context.Context, event any) (Ack, error) {
	s.mu.Lock()
	id := s.nextIDLocked("Ev")
	s.mu.Unlock()
	payload := obj{
		"token": VerificationToken, "team_id": TeamID, "api_app_id": AppID, "event": event,
		"type": "event_callback", "event_id": id, "event_time": time.Now().Unix(),
		"authorizations":        []any{obj{"team_id": TeamID, "user_id": BotUserID, "is_bot": true, "is_enterprise_install": false}},
		"is_ext_shared_channel": false,
	}
	return s.deliver(ctx, "events_api", payload)
}

func (s *Server) viewPayloadLocked(typ, userID string, v *viewRec, state map[string]map[string]obj) obj {
	return obj{
		"type": typ, "team": teamObj(), "user": userObj(userID, s.userName(userID)),
		"api_app_id": AppID, "token": VerificationToken, "is_enterprise_install": false, "enterprise": nil,
		"view": s.renderLocked(v, state),
	}
}

// BlockAction sends block_actions for an element of the user's top view: typing in an
// input with dispatch_action, pressing a button, picking in a select of an actions block
// or section accessory. current is the rest of what the user entered so far; it and v
// become the view's state, as in the Slack client.
func (s *Server) BlockAction(ctx context.Context, userID, blockID, actionID string, v Value, current Values) (Ack, error) {
	userID = or(userID, DefaultUserID)
	s.mu.Lock()
	view, b, e, err := s.topElementLocked(userID, blockID, actionID)
	if err != nil {
		s.mu.Unlock()
		return Ack{}, err
	}
	if getStr(b, "type") == "input" && b["dispatch_action"] != true {
		s.mu.Unlock()
		return Ack{}, fmt.Errorf("%w: input block %q has no dispatch_action, so Slack sends no block_actions for it", ErrUserCannotAct, blockID)
	}
	all := Values{}
	for bid, acts := range current {
		all[bid] = acts
	}
	aid := getStr(e, "action_id")
	all[blockID] = map[string]Value{}
	for k, x := range current[blockID] {
		all[blockID][k] = x
	}
	delete(all[blockID], "")
	all[blockID][aid] = v
	state, touched, err := s.stateLocked(view, all)
	if err != nil {
		s.mu.Unlock()
		return Ack{}, err
	}
	action := obj{"block_id": blockID, "action_id": aid, "type": getStr(e, "type"), "action_ts": actionTS()}
	if getStr(e, "type") == "button" {
		action["text"] = e["text"]
		action["value"] = getStr(e, "value")
		if st := getStr(e, "style"); st != "" {
			action["style"] = st
		}
	} else {
		for k, x := range state[blockID][aid] {
			action[k] = x
		}
	}
	view.remember(touched)
	payload := s.viewPayloadLocked("block_actions", userID, view, state)
	payload["container"] = obj{"type": "view", "view_id": view.id}
	payload["trigger_id"] = s.newTriggerLocked(userID)
	payload["actions"] = []any{action}
	s.notifyLocked()
	s.mu.Unlock()
	return s.deliver(ctx, "interactive", payload)
}

// topElementLocked finds the user's top view and one of its elements, as
// the user would see them; ErrNoView when no view is open.
func (s *Server) topElementLocked(userID, blockID, actionID string) (*viewRec, obj, obj, error) {
	view := s.topLocked(userID)
	if view == nil {
		return nil, nil, nil, ErrNoView
	}
	b, e, err := findElement(viewBlocks(view), blockID, actionID)
	return view, b, e, err
}

// BlockSuggestion sends block_suggestion for an external_select of the user's top view
// (the user typed query) and waits for the ack, whose options are remembered so that a
// later Selected(value) carries the option's text.
func (s *Server) BlockSuggestion(ctx context.Context, userID, blockID, actionID, query string) (Ack, error) {
	userID = or(userID, DefaultUserID)
	s.mu.Lock()
	view, _, e, err := s.topElementLocked(userID, blockID, actionID)
	if err != nil {
		s.mu.Unlock()
		return Ack{}, err
	}
	if typ := getStr(e, "type"); typ != "external_select" && typ != "multi_external_select" {
		s.mu.Unlock()
		return Ack{}, fmt.Errorf("%w: %s %q does not load external options", ErrUserCannotAct, typ, actionID)
	}
	minLen := 3
	if n, ok := getNum(e, "min_query_length"); ok {
		minLen = int(n)
	}
	if len([]rune(query)) < minLen {
		s.mu.Unlock()
		return Ack{}, fmt.Errorf("%w: query %q is shorter than min_query_length %d", ErrUserCannotAct, query, minLen)
	}
	aid := getStr(e, "action_id")
	payload := s.viewPayloadLocked("block_suggestion", userID, view, nil)
	payload["container"] = obj{"type": "view", "view_id": view.id}
	payload["action_id"], payload["block_id"], payload["value"] = aid, blockID, query
	s.mu.Unlock()

	ack, err := s.deliver(ctx, "interactive", payload)
	if err != nil {
		return ack, err
	}
	opts, err := ack.Options()
	if err == nil && len(opts) > 0 {
		var list []any
		for _, o := range opts {
			b, _ := json.Marshal(o)
			om, _ := decodeObj(b)
			list = append(list, om)
		}
		s.mu.Lock()
		if view.suggestions == nil {
			view.suggestions = map[string][]any{}
		}
		view.suggestions[blockID+"/"+aid] = list
		s.mu.Unlock()
	}
	return ack, nil
}

// Options decodes a block_suggestion ack: its options, or the options of its option_groups.
func (a Ack) Options() ([]slack.OptionBlockObject, error) {
	var resp struct {
		Options      []slack.OptionBlockObject `json:"options"`
		OptionGroups []struct {
			Options []slack.OptionBlockObject `json:"options"`
		} `json:"option_groups"`
	}
	if err := a.Decode(&resp); err != nil {
		return nil, err
	}
	out := resp.Options
	for _, g := range resp.OptionGroups {
		out = append(out, g.Options...)
	}
	return out, nil
}

// Submission is the outcome of the last Submit, as Slack applied the ack.
type Submission struct {
	ViewID string
	Ack    Ack
	// ResponseAction is the ack's response_action ("" for an empty ack, which closes the view).
	ResponseAction string
	// Errors are the ack's input errors (response_action "errors").
	Errors map[string]string
	// Closed reports whether the submitted view closed.
	Closed bool
	// Err is why Slack would have rejected the ack (the user then sees a generic
	// error and the view stays as it was), or nil.
	Err error
}

// LastSubmission returns the outcome of the last Submit, if any.
func (s *Server) LastSubmission() (Submission, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lastSubmit == nil {
		return Submission{}, false
	}
	return *s.lastSubmit, true
}

// Submit presses the submit button of the user's top view with values entered (merged
// over what earlier BlockActions entered and the elements' initial values), sends the
// view_submission and applies the ack like Slack: empty → the view closes; "errors" →
// it stays open showing View.Errors; "update" → replaced; "push" → a view is pushed;
// "clear" → every view closes. It fails without sending anything if a required input
// is empty, as the Slack client would not submit. A rejected ack (see Submission.Err) is
// returned as an error too.
func (s *Server) Submit(ctx context.Context, userID string, values Values) (Ack, error) {
	userID = or(userID, DefaultUserID)
	s.mu.Lock()
	view := s.topLocked(userID)
	if view == nil {
		s.mu.Unlock()
		return Ack{}, ErrNoView
	}
	state, touched, err := s.stateLocked(view, values)
	if err != nil {
		s.mu.Unlock()
		return Ack{}, err
	}
	for _, b := range viewBlocks(view) {
		if getStr(b, "type") != "input" || b["optional"] == true {
			continue
		}
		bid := getStr(b, "block_id")
		for aid, st := range state[bid] {
			if stateEmpty(st) {
				s.mu.Unlock()
				return Ack{}, fmt.Errorf("%w: required input %s/%s is empty", ErrUserCannotAct, bid, aid)
			}
		}
	}
	view.remember(touched)
	payload := s.viewPayloadLocked("view_submission", userID, view, state)
	payload["trigger_id"] = s.newTriggerLocked(userID)
	payload["response_urls"] = []any{}
	s.notifyLocked()
	s.mu.Unlock()

	ack, err := s.deliver(ctx, "interactive", payload)
	if err != nil {
		return ack, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sub := s.applySubmissionLocked(userID, view, ack)
	s.lastSubmit = &sub
	s.notifyLocked()
	return ack, sub.Err
}

func (s *Server) applySubmissionLocked(userID string, v *viewRec, ack Ack) Submission {
	sub := Submission{ViewID: v.id, Ack: ack}
	var resp struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
		View           json.RawMessage   `json:"view"`
	}
	if !ack.Empty() {
		if err := json.Unmarshal(ack.Payload, &resp); err != nil {
			sub.Err = fmt.Errorf("fakeslack: view_submission ack payload is not a response: %w", err)
			return sub
		}
	}
	sub.ResponseAction, sub.Errors = resp.ResponseAction, resp.Errors
	if !v.open {
		sub.Closed = true
		return sub
	}
	st := s.stacks[userID]
	idx := -1
	for i, x := range st {
		if x == v {
			idx = i
		}
	}
	switch resp.ResponseAction {
	case "":
		// Slack closes the submitted view (and those pushed above it).
		if idx >= 0 {
			s.closeStackLocked(userID, len(st)-idx)
		}
		sub.Closed = true
	case "clear":
		s.closeStackLocked(userID, len(st))
		sub.Closed = true
	case "errors":
		inputs := map[string]bool{}
		for _, b := range viewBlocks(v) {
			if getStr(b, "type") == "input" {
				inputs[getStr(b, "block_id")] = true
			}
		}
		for k := range resp.Errors {
			if !inputs[k] {
				sub.Err = fmt.Errorf("fakeslack: response_action errors names %q, which is not an input block of the view (Slack rejects the response)", k)
				return sub
			}
		}
		if len(resp.Errors) == 0 {
			sub.Err = errors.New("fakeslack: response_action errors without errors")
			return sub
		}
		v.errors = resp.Errors
	case "update", "push":
		body, msgs := validateView(resp.View)
		if len(msgs) > 0 {
			sub.Err = fmt.Errorf("fakeslack: response_action %s with an invalid view: %s", resp.ResponseAction, strings.Join(msgs, "; "))
			return sub
		}
		if resp.ResponseAction == "update" {
			s.setBodyLocked(v, body)
			break
		}
		if len(st) >= 3 {
			sub.Err = errors.New("fakeslack: response_action push beyond 3 stacked views")
			return sub
		}
		s.pushLocked(userID, body)
	default:
		sub.Err = fmt.Errorf("fakeslack: unknown response_action %q", resp.ResponseAction)
	}
	return sub
}

// CloseView presses the close button of the user's top view. If the view has
// notify_on_close it sends view_closed and waits for the ack; otherwise it returns a zero Ack.
func (s *Server) CloseView(ctx context.Context, userID string) (Ack, error) {
	userID = or(userID, DefaultUserID)
	s.mu.Lock()
	v := s.topLocked(userID)
	if v == nil {
		s.mu.Unlock()
		return Ack{}, ErrNoView
	}
	cleared := v.body["clear_on_close"] == true
	n := 1
	if cleared {
		n = len(s.stacks[userID])
	}
	notify := v.body["notify_on_close"] == true
	payload := s.viewPayloadLocked("view_closed", userID, v, nil)
	payload["is_cleared"] = cleared
	s.closeStackLocked(userID, n)
	s.mu.Unlock()
	if !notify {
		return Ack{}, nil
	}
	return s.deliver(ctx, "interactive", payload)
}

// MessageBlockAction presses a button (or picks in a select) of a message the app
// posted, identified by channel and ts, and waits for the ack.
func (s *Server) MessageBlockAction(ctx context.Context, userID, channelID, ts, blockID, actionID string, v Value) (Ack, error) {
	userID = or(userID, DefaultUserID)
	s.mu.Lock()
	m, ok := s.byTS[msgKey(channelID, ts)]
	if !ok {
		s.mu.Unlock()
		return Ack{}, fmt.Errorf("fakeslack: no message %s in %s", ts, channelID)
	}
	arr, _ := decodeArr(m.Blocks)
	var blocks []obj
	for _, b := range arr {
		if bm, ok := b.(map[string]any); ok {
			blocks = append(blocks, bm)
		}
	}
	_, e, err := findElement(blocks, blockID, actionID)
	if err != nil {
		s.mu.Unlock()
		return Ack{}, err
	}
	aid := getStr(e, "action_id")
	action := obj{"block_id": blockID, "action_id": aid, "type": getStr(e, "type"), "action_ts": actionTS()}
	if getStr(e, "type") == "button" {
		action["text"], action["value"] = e["text"], getStr(e, "value")
	} else {
		st, err := valueState(e, v, nil)
		if err != nil {
			s.mu.Unlock()
			return Ack{}, err
		}
		for k, x := range st {
			action[k] = x
		}
	}
	msg := messageObject(*m)
	payload := obj{
		"type": "block_actions", "team": teamObj(), "user": userObj(userID, s.userName(userID)),
		"api_app_id": AppID, "token": VerificationToken, "is_enterprise_install": false, "enterprise": nil,
		"container":  obj{"type": "message", "message_ts": ts, "channel_id": channelID, "is_ephemeral": false},
		"trigger_id": s.newTriggerLocked(userID), "channel": obj{"id": channelID, "name": DefaultChannelName},
		"message": msg, "state": obj{"values": obj{}}, "response_url": s.responseURLLocked(channelID, userID),
		"actions": []any{action},
	}
	s.mu.Unlock()
	return s.deliver(ctx, "interactive", payload)
}
