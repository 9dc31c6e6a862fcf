package fakeslack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// View is a modal as the user currently sees it. Everywhere a userID is taken, ""
// means DefaultUserID.
type View struct {
	ID, Hash, CallbackID, PrivateMetadata, ExternalID string
	Title                                             string
	Blocks                                            slack.Blocks
	// Raw is the view object as Slack renders it (views.open response shape, with the
	// state values the user has entered so far).
	Raw json.RawMessage
	// Version is 1 when opened and bumps on every views.update or response_action update.
	Version int
	// Errors are the input errors shown after a response_action "errors" ack
	// (cleared when the view is updated).
	Errors map[string]string
	// Depth is the view's position in the modal stack (1 = root).
	Depth int
}

type trigger struct {
	userID string
	issued time.Time
	used   bool
}

type viewRec struct {
	id, userID     string
	hash           string
	version        int
	body           obj // the app's view object, with block_id/action_id filled in
	state          map[string]map[string]obj
	open           bool
	rootID, prevID string
	errors         map[string]string
	suggestions    map[string][]any // block_id+"/"+action_id → options from the last block_suggestion ack
}

func (s *Server) newTriggerLocked(userID string) string {
	s.idSeq++
	id := fmt.Sprintf("%d.%d.%s", 1_000_000_000+s.idSeq, time.Now().Unix(), randHex(16))
	s.triggers[id] = &trigger{userID: userID, issued: time.Now()}
	return id
}

// useTriggerLocked checks a trigger_id like Slack: unknown, used or older than 3 s fail.
func (s *Server) checkTriggerLocked(id string) (*trigger, string) {
	t, ok := s.triggers[id]
	switch {
	case id == "" || !ok:
		return nil, "invalid_trigger_id"
	case t.used:
		return nil, "exchanged_trigger_id"
	case time.Since(t.issued) > s.cfg.triggerTTL:
		return nil, "expired_trigger_id"
	}
	return t, ""
}

func newHash() string { return fmt.Sprintf("%d.%s", time.Now().Unix(), randAlnum(8)) }

var interactiveTypes = map[string]bool{
	"button": true, "checkboxes": true, "datepicker": true, "datetimepicker": true, "timepicker": true,
	"email_text_input": true, "url_text_input": true, "number_input": true, "plain_text_input": true,
	"rich_text_input": true, "file_input": true, "overflow": true, "radio_buttons": true,
	"static_select": true, "external_select": true, "users_select": true, "conversations_select": true,
	"channels_select": true, "multi_static_select": true, "multi_external_select": true,
	"multi_users_select": true, "multi_conversations_select": true, "multi_channels_select": true,
}

// blockElements returns the interactive elements of a block.
func blockElements(b obj) []obj {
	var out []obj
	add := func(e obj) {
		if e != nil && interactiveTypes[getStr(e, "type")] {
			out = append(out, e)
		}
	}
	switch getStr(b, "type") {
	case "input":
		add(getObj(b, "element"))
	case "section":
		add(getObj(b, "accessory"))
	case "actions":
		for _, e := range getArr(b, "elements") {
			em, _ := e.(map[string]any)
			add(em)
		}
	}
	return out
}

// fillIDs gives blocks and interactive elements without ids random ones, as Slack does.
func fillIDs(blocks []any) {
	for _, b := range blocks {
		bm, _ := b.(map[string]any)
		if bm == nil {
			continue
		}
		if getStr(bm, "block_id") == "" {
			bm["block_id"] = randAlnum(5)
		}
		for _, e := range blockElements(bm) {
			if getStr(e, "action_id") == "" {
				e["action_id"] = randAlnum(5)
			}
		}
	}
}

func viewBlocks(v *viewRec) []obj {
	var out []obj
	for _, b := range getArr(v.body, "blocks") {
		if bm, ok := b.(map[string]any); ok {
			out = append(out, bm)
		}
	}
	return out
}

// findElement finds the block and element for blockID/actionID ("" actionID: the
// block's only interactive element).
func findElement(blocks []obj, blockID, actionID string) (obj, obj, error) {
	for _, b := range blocks {
		if getStr(b, "block_id") != blockID {
			continue
		}
		els := blockElements(b)
		if actionID == "" {
			if len(els) == 1 {
				return b, els[0], nil
			}
			return b, nil, fmt.Errorf("fakeslack: block %q has %d interactive elements: name the action_id", blockID, len(els))
		}
		for _, e := range els {
			if getStr(e, "action_id") == actionID {
				return b, e, nil
			}
		}
		return b, nil, fmt.Errorf("fakeslack: block %q has no element with action_id %q", blockID, actionID)
	}
	var ids []string
	for _, b := range blocks {
		ids = append(ids, getStr(b, "block_id"))
	}
	return nil, nil, fmt.Errorf("fakeslack: no block %q (blocks: %s)", blockID, strings.Join(ids, ", "))
}

// renderLocked renders the view as Slack does, with state (nil: every input with what
// the user entered or its initial value).
func (s *Server) renderLocked(v *viewRec, state map[string]map[string]obj) obj {
	if state == nil {
		state, _, _ = s.stateLocked(v, nil)
	}
	values := map[string]any{}
	for bid, acts := range state {
		m := map[string]any{}
		for aid, st := range acts {
			m[aid] = st
		}
		values[bid] = m
	}
	var prev any
	if v.prevID != "" {
		prev = v.prevID
	}
	blocks := v.body["blocks"]
	if blocks == nil {
		blocks = []any{}
	}
	return obj{
		"id": v.id, "team_id": TeamID, "type": "modal",
		"title": v.body["title"], "close": v.body["close"], "submit": v.body["submit"],
		"blocks": blocks, "private_metadata": getStr(v.body, "private_metadata"),
		"callback_id": getStr(v.body, "callback_id"), "external_id": getStr(v.body, "external_id"),
		"state": obj{"values": values}, "hash": v.hash,
		"clear_on_close": v.body["clear_on_close"] == true, "notify_on_close": v.body["notify_on_close"] == true,
		"root_view_id": v.rootID, "previous_view_id": prev, "app_id": AppID,
		"app_installed_team_id": TeamID, "bot_id": BotID,
	}
}

func (s *Server) publicViewLocked(v *viewRec, depth int) View {
	raw, _ := json.Marshal(s.renderLocked(v, nil))
	out := View{
		ID: v.id, Hash: v.hash, CallbackID: getStr(v.body, "callback_id"),
		PrivateMetadata: getStr(v.body, "private_metadata"), ExternalID: getStr(v.body, "external_id"),
		Title: getStr(getObj(v.body, "title"), "text"), Raw: raw, Version: v.version, Depth: depth,
	}
	if len(v.errors) > 0 {
		out.Errors = map[string]string{}
		for k, e := range v.errors {
			out.Errors[k] = e
		}
	}
	if b, err := json.Marshal(v.body["blocks"]); err == nil {
		_ = json.Unmarshal(b, &out.Blocks)
	}
	return out
}

// setBodyLocked replaces a view's content (update), keeping state whose ids survive.
func (s *Server) setBodyLocked(v *viewRec, body obj) {
	fillIDs(getArr(body, "blocks"))
	v.body = body
	v.hash = newHash()
	v.version++
	v.errors = nil
	kept := map[string]map[string]obj{}
	for _, b := range viewBlocks(v) {
		bid := getStr(b, "block_id")
		for _, e := range blockElements(b) {
			aid := getStr(e, "action_id")
			if st, ok := v.state[bid][aid]; ok && getStr(st, "type") == getStr(e, "type") {
				if kept[bid] == nil {
					kept[bid] = map[string]obj{}
				}
				kept[bid][aid] = st
			}
		}
	}
	v.state = kept
	s.notifyLocked()
}

func (s *Server) newViewLocked(userID string, body obj) *viewRec {
	v := &viewRec{id: s.nextIDLocked("V"), userID: userID, open: true, state: map[string]map[string]obj{}}
	v.rootID = v.id
	s.setBodyLocked(v, body)
	s.views[v.id] = v
	return v
}

func (s *Server) closeStackLocked(userID string, n int) {
	st := s.stacks[userID]
	if n > len(st) {
		n = len(st)
	}
	for _, v := range st[len(st)-n:] {
		v.open = false
	}
	s.stacks[userID] = st[:len(st)-n]
	s.notifyLocked()
}

func (s *Server) apiViewsOpen(_ *http.Request, a args) apiResp {
	t, code := s.checkTriggerLocked(a.str("trigger_id"))
	if code != "" {
		return errResp(code)
	}
	body, msgs := validateView(a.json("view"))
	if len(msgs) > 0 {
		return errResp("invalid_arguments", msgs...)
	}
	t.used = true
	s.closeStackLocked(t.userID, len(s.stacks[t.userID]))
	v := s.newViewLocked(t.userID, body)
	s.stacks[t.userID] = []*viewRec{v}
	return okResp("view", s.renderLocked(v, v.state))
}

func (s *Server) apiViewsPush(_ *http.Request, a args) apiResp {
	t, code := s.checkTriggerLocked(a.str("trigger_id"))
	if code != "" {
		return errResp(code)
	}
	body, msgs := validateView(a.json("view"))
	if len(msgs) > 0 {
		return errResp("invalid_arguments", msgs...)
	}
	if len(s.stacks[t.userID]) >= 3 {
		return errResp("push_limit_reached")
	}
	t.used = true
	s.pushLocked(t.userID, body)
	top := s.stacks[t.userID]
	return okResp("view", s.renderLocked(top[len(top)-1], top[len(top)-1].state))
}

func (s *Server) pushLocked(userID string, body obj) {
	st := s.stacks[userID]
	v := s.newViewLocked(userID, body)
	if len(st) > 0 {
		v.rootID, v.prevID = st[0].id, st[len(st)-1].id
	}
	s.stacks[userID] = append(st, v)
}

func (s *Server) apiViewsUpdate(_ *http.Request, a args) apiResp {
	var v *viewRec
	if id := a.str("view_id"); id != "" {
		v = s.views[id]
	} else if ext := a.str("external_id"); ext != "" {
		for _, cand := range s.views {
			if cand.open && getStr(cand.body, "external_id") == ext {
				v = cand
			}
		}
	} else {
		return errResp("invalid_arguments", "[ERROR] either view_id or external_id is required [json-pointer:/]")
	}
	if v == nil || !v.open {
		return errResp("not_found")
	}
	if h := a.str("hash"); h != "" && h != v.hash {
		return errResp("hash_conflict")
	}
	body, msgs := validateView(a.json("view"))
	if len(msgs) > 0 {
		return errResp("invalid_arguments", msgs...)
	}
	s.setBodyLocked(v, body)
	return okResp("view", s.renderLocked(v, v.state))
}

func (s *Server) topLocked(userID string) *viewRec {
	st := s.stacks[userID]
	if len(st) == 0 {
		return nil
	}
	return st[len(st)-1]
}

// CurrentView returns the user's top open view, if any.
func (s *Server) CurrentView(userID string) (View, bool) {
	userID = or(userID, DefaultUserID)
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.topLocked(userID)
	if v == nil {
		return View{}, false
	}
	return s.publicViewLocked(v, len(s.stacks[userID])), true
}

// WaitView waits until the user has an open view (views.open / push / update) and returns the top one.
func (s *Server) WaitView(ctx context.Context, userID string) (View, error) {
	return s.WaitViewFunc(ctx, userID, func(View) bool { return true })
}

// WaitViewFunc waits until the user's top view satisfies match, e.g. a Version above
// the one seen before or a CallbackID. It returns that view.
func (s *Server) WaitViewFunc(ctx context.Context, userID string, match func(View) bool) (View, error) {
	userID = or(userID, DefaultUserID)
	var out View
	err := s.waitFor(ctx, func() bool {
		v := s.topLocked(userID)
		if v == nil {
			return false
		}
		out = s.publicViewLocked(v, len(s.stacks[userID]))
		return match(out)
	})
	if err != nil {
		return View{}, fmt.Errorf("waiting for a view of %s: %w", userID, err)
	}
	return out, nil
}

// ViewStack returns the user's open views, root first.
func (s *Server) ViewStack(userID string) []View {
	userID = or(userID, DefaultUserID)
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []View
	for i, v := range s.stacks[userID] {
		out = append(out, s.publicViewLocked(v, i+1))
	}
	return out
}

// apiViewsPublish sets a user's App Home tab, like Slack: a home view needs
// no trigger, and hash (when given) must match the current one.
func (s *Server) apiViewsPublish(_ *http.Request, a args) apiResp {
	user := a.str("user_id")
	if user == "" {
		return errResp("invalid_arguments", "[ERROR] missing required field: user_id [json-pointer:/user_id]")
	}
	if s.homes == nil {
		s.homes = map[string]*homeRec{}
	}
	cur := s.homes[user]
	if h := a.str("hash"); h != "" && (cur == nil || h != cur.hash) {
		return errResp("hash_conflict")
	}
	raw := a.json("view")
	var body obj
	if err := json.Unmarshal(raw, &body); err != nil || getStr(body, "type") != "home" {
		return errResp("invalid_arguments", "[ERROR] view type must be home [json-pointer:/view/type]")
	}
	if blocks := getArr(body, "blocks"); len(blocks) > 100 {
		return errResp("invalid_arguments", "[ERROR] must provide an array of at most 100 blocks [json-pointer:/view/blocks]")
	}
	rec := &homeRec{hash: newHash(), raw: compactJSON(raw)}
	s.homes[user] = rec
	s.notifyLocked()
	return okResp("view", obj{"id": "VHOME" + user, "type": "home", "hash": rec.hash, "blocks": body["blocks"]})
}

type homeRec struct {
	hash string
	raw  json.RawMessage
}

// Home returns the App Home view last published for a user, if any.
func (s *Server) Home(userID string) (json.RawMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.homes[userID]
	if !ok {
		return nil, false
	}
	return h.raw, true
}

// WaitHome waits until a user's App Home has been published.
func (s *Server) WaitHome(ctx context.Context, userID string) (json.RawMessage, error) {
	var out json.RawMessage
	err := s.waitFor(ctx, func() bool {
		h, ok := s.homes[userID]
		if ok {
			out = h.raw
		}
		return ok
	})
	return out, err
}
