package fakeslack

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// The cheap subset of Slack's Block Kit validation. Messages mimic Slack's
// response_metadata.messages: "[ERROR] <what> [json-pointer:<where>]".

type obj = map[string]any

func decodeObj(raw json.RawMessage) (obj, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var m obj
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("not an object")
	}
	return m, nil
}

func decodeArr(raw json.RawMessage) ([]any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var a []any
	err := d.Decode(&a)
	return a, err
}

func getStr(m obj, k string) string {
	s, _ := m[k].(string)
	return s
}

func getObj(m obj, k string) obj {
	o, _ := m[k].(map[string]any)
	return o
}

func getArr(m obj, k string) []any {
	a, _ := m[k].([]any)
	return a
}

func getNum(m obj, k string) (float64, bool) {
	switch v := m[k].(type) {
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case float64:
		return v, true
	case string:
		f, err := strconv.ParseFloat(v, 64)
		return f, err == nil
	}
	return 0, false
}

// textLen is the length of a text object's text in characters.
func textLen(t obj) int { return utf8.RuneCountInString(getStr(t, "text")) }

type validator struct{ msgs []string }

func (v *validator) errf(ptr, format string, args ...any) {
	v.msgs = append(v.msgs, fmt.Sprintf("[ERROR] %s [json-pointer:%s]", fmt.Sprintf(format, args...), ptr))
}

func (v *validator) maxLen(ptr string, s string, max int) {
	if utf8.RuneCountInString(s) > max {
		v.errf(ptr, "must be less than %d characters", max+1)
	}
}

func (v *validator) text(ptr string, t obj, max int, required bool) {
	if t == nil {
		if required {
			v.errf(ptr, "missing required field: %s", ptr)
		}
		return
	}
	if typ := getStr(t, "type"); typ != "plain_text" && typ != "mrkdwn" {
		v.errf(ptr+"/type", "must be one of plain_text, mrkdwn")
	}
	if textLen(t) > max {
		v.errf(ptr+"/text", "must be less than %d characters", max+1)
	}
	if required && textLen(t) == 0 {
		v.errf(ptr+"/text", "must be more than 0 characters")
	}
}

func (v *validator) options(ptr string, opts []any, max int) {
	if len(opts) > max {
		v.errf(ptr, "must provide at most %d items", max)
	}
	for i, o := range opts {
		om, _ := o.(map[string]any)
		p := fmt.Sprintf("%s/%d", ptr, i)
		v.text(p+"/text", getObj(om, "text"), 75, true)
		v.maxLen(p+"/value", getStr(om, "value"), 150)
	}
}

func (v *validator) element(ptr string, e obj, actionIDs map[string]bool) {
	if e == nil {
		v.errf(ptr, "missing required field: element")
		return
	}
	typ := getStr(e, "type")
	if typ == "" {
		v.errf(ptr+"/type", "missing required field: type")
	}
	if aid := getStr(e, "action_id"); aid != "" {
		v.maxLen(ptr+"/action_id", aid, 255)
		if actionIDs[aid] {
			v.errf(ptr+"/action_id", "duplicate action_id in block")
		}
		actionIDs[aid] = true
	}
	if p := getObj(e, "placeholder"); p != nil {
		v.text(ptr+"/placeholder", p, 150, false)
	}
	switch typ {
	case "plain_text_input":
		for _, k := range []string{"max_length", "min_length"} {
			if n, ok := getNum(e, k); ok && (n > 3000 || n < 0) {
				v.errf(ptr+"/"+k, "must be between 0 and 3000")
			}
		}
		v.maxLen(ptr+"/initial_value", getStr(e, "initial_value"), 3000)
	case "static_select", "multi_static_select":
		v.options(ptr+"/options", getArr(e, "options"), 100)
		groups := getArr(e, "option_groups")
		if len(groups) > 100 {
			v.errf(ptr+"/option_groups", "must provide at most 100 items")
		}
		for i, g := range groups {
			gm, _ := g.(map[string]any)
			v.options(fmt.Sprintf("%s/option_groups/%d/options", ptr, i), getArr(gm, "options"), 100)
		}
		if len(getArr(e, "options")) == 0 && len(groups) == 0 {
			v.errf(ptr, "must provide either options or option_groups")
		}
	case "checkboxes", "radio_buttons":
		opts := getArr(e, "options")
		if len(opts) == 0 {
			v.errf(ptr+"/options", "must provide at least 1 items")
		}
		v.options(ptr+"/options", opts, 10)
	case "overflow":
		v.options(ptr+"/options", getArr(e, "options"), 5)
	case "button":
		v.text(ptr+"/text", getObj(e, "text"), 75, true)
		v.maxLen(ptr+"/value", getStr(e, "value"), 2000)
		v.maxLen(ptr+"/url", getStr(e, "url"), 3000)
	}
}

// blocks validates a list of blocks; it returns whether there is an input block.
func (v *validator) blocks(ptr string, blocks []any, max int) (hasInput bool) {
	if len(blocks) > max {
		v.errf(ptr, "no more than %d items allowed", max)
	}
	seen := map[string]bool{}
	for i, b := range blocks {
		bm, _ := b.(map[string]any)
		p := fmt.Sprintf("%s/%d", ptr, i)
		if bm == nil {
			v.errf(p, "must be an object")
			continue
		}
		if bid := getStr(bm, "block_id"); bid != "" {
			v.maxLen(p+"/block_id", bid, 255)
			if seen[bid] {
				v.errf(p+"/block_id", "duplicate block_id %q", bid)
			}
			seen[bid] = true
		}
		actionIDs := map[string]bool{}
		switch getStr(bm, "type") {
		case "input":
			hasInput = true
			v.text(p+"/label", getObj(bm, "label"), 2000, true)
			if h := getObj(bm, "hint"); h != nil {
				v.text(p+"/hint", h, 2000, false)
			}
			v.element(p+"/element", getObj(bm, "element"), actionIDs)
		case "section":
			t, fields := getObj(bm, "text"), getArr(bm, "fields")
			if t == nil && len(fields) == 0 {
				v.errf(p, "must provide either text or fields")
			}
			v.text(p+"/text", t, 3000, false)
			if len(fields) > 10 {
				v.errf(p+"/fields", "must provide at most 10 items")
			}
			for j, f := range fields {
				fm, _ := f.(map[string]any)
				v.text(fmt.Sprintf("%s/fields/%d", p, j), fm, 2000, false)
			}
			if a := getObj(bm, "accessory"); a != nil && getStr(a, "type") != "image" {
				v.element(p+"/accessory", a, actionIDs)
			}
		case "header":
			v.text(p+"/text", getObj(bm, "text"), 150, true)
		case "actions":
			els := getArr(bm, "elements")
			if len(els) == 0 || len(els) > 25 {
				v.errf(p+"/elements", "must provide between 1 and 25 items")
			}
			for j, e := range els {
				em, _ := e.(map[string]any)
				v.element(fmt.Sprintf("%s/elements/%d", p, j), em, actionIDs)
			}
		case "context":
			if els := getArr(bm, "elements"); len(els) == 0 || len(els) > 10 {
				v.errf(p+"/elements", "must provide between 1 and 10 items")
			}
		case "":
			v.errf(p+"/type", "missing required field: type")
		}
	}
	return hasInput
}

// validateView checks a modal the way views.open/update/push (and response_action
// update/push) do. It returns Slack's messages, or nil when the view is acceptable.
func validateView(raw json.RawMessage) (obj, []string) {
	v := &validator{}
	if len(raw) == 0 {
		v.errf("/view", "missing required field: view")
		return nil, v.msgs
	}
	view, err := decodeObj(raw)
	if err != nil {
		v.errf("/view", "must be a JSON object")
		return nil, v.msgs
	}
	if len(raw) > 250_000 {
		v.errf("/view", "must be less than 250 kB")
	}
	if t := getStr(view, "type"); t != "modal" {
		v.errf("/view/type", "must be 'modal' (got %q)", t)
	}
	v.text("/view/title", getObj(view, "title"), 24, true)
	if t := getObj(view, "title"); t != nil && getStr(t, "type") != "plain_text" {
		v.errf("/view/title/type", "must be plain_text")
	}
	if sb := getObj(view, "submit"); sb != nil {
		v.text("/view/submit", sb, 24, true)
	}
	if c := getObj(view, "close"); c != nil {
		v.text("/view/close", c, 24, true)
	}
	v.maxLen("/view/callback_id", getStr(view, "callback_id"), 255)
	v.maxLen("/view/external_id", getStr(view, "external_id"), 255)
	v.maxLen("/view/private_metadata", getStr(view, "private_metadata"), 3000)
	if _, ok := view["blocks"].([]any); !ok && view["blocks"] != nil {
		v.errf("/view/blocks", "must be an array")
	}
	if v.blocks("/view/blocks", getArr(view, "blocks"), 100) && getObj(view, "submit") == nil {
		v.errf("/view", "must provide a submit property when using input blocks")
	}
	return view, v.msgs
}

// validateMessage checks chat.* text and blocks; it returns Slack's error code and messages.
func validateMessage(text string, blocksRaw json.RawMessage) (string, []string) {
	if utf8.RuneCountInString(text) > 40000 {
		return "msg_too_long", nil
	}
	var blocks []any
	if len(blocksRaw) > 0 {
		var err error
		if blocks, err = decodeArr(blocksRaw); err != nil {
			return "invalid_blocks_format", []string{"[ERROR] must be a JSON array of blocks [json-pointer:/blocks]"}
		}
	}
	if text == "" && len(blocks) == 0 {
		return "no_text", nil
	}
	v := &validator{}
	v.blocks("/blocks", blocks, 50)
	if len(v.msgs) > 0 {
		return "invalid_blocks", v.msgs
	}
	return "", nil
}
