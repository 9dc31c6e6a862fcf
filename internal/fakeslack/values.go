package fakeslack

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Values is what the user entered: block_id → action_id → value. An empty action_id
// means the block's only interactive element.
type Values map[string]map[string]Value

// Value is one element's input. Type is optional: when set it must match the element's
// type in the view; the shape sent to the app always follows the element.
//
//   - text-like inputs (plain_text_input, number_input, email/url_text_input,
//     rich_text_input): Text
//   - datepicker: Text "2006-01-02"; timepicker: Text "15:04"; datetimepicker: Text
//     Unix seconds (use DateTime)
//   - static/external selects, radio_buttons, checkboxes, multi selects: Selected
//     option values; users/conversations/channels selects: Selected ids
//   - button: nothing (the button's own value is sent)
type Value struct {
	Type     string
	Text     string
	Selected []string
}

// Text is typed text (plain_text_input, number_input, …).
func Text(s string) Value { return Value{Text: s} }

// Checked ticks checkboxes by option value.
func Checked(values ...string) Value { return Value{Selected: values} }

// Selected picks options (by value) in selects or radio buttons, or ids in user /
// conversation / channel selects.
func Selected(values ...string) Value { return Value{Selected: values} }

// Date picks a date in a datepicker.
func Date(t time.Time) Value { return Value{Text: t.Format("2006-01-02")} }

// TimeOfDay picks "HH:MM" in a timepicker.
func TimeOfDay(hhmm string) Value { return Value{Text: hhmm} }

// DateTime picks an instant in a datetimepicker.
func DateTime(t time.Time) Value { return Value{Text: strconv.FormatInt(t.Unix(), 10)} }

// Button presses a button (for BlockAction).
func Button() Value { return Value{} }

// initialState is what Slack reports for an element the user has not touched.
func initialState(e obj) obj {
	typ := getStr(e, "type")
	st := obj{"type": typ}
	orNil := func(k string) any {
		if v, ok := e[k]; ok && v != nil {
			return v
		}
		return nil
	}
	orEmpty := func(k string) any {
		if v, ok := e[k].([]any); ok {
			return v
		}
		return []any{}
	}
	switch typ {
	case "plain_text_input", "email_text_input", "url_text_input", "number_input":
		st["value"] = orNil("initial_value")
	case "rich_text_input":
		st["rich_text_value"] = orNil("initial_value")
	case "static_select", "external_select", "radio_buttons":
		st["selected_option"] = orNil("initial_option")
	case "multi_static_select", "multi_external_select", "checkboxes":
		st["selected_options"] = orEmpty("initial_options")
	case "datepicker":
		st["selected_date"] = orNil("initial_date")
	case "timepicker":
		st["selected_time"] = orNil("initial_time")
		if tz := getStr(e, "timezone"); tz != "" {
			st["timezone"] = tz
		}
	case "datetimepicker":
		st["selected_date_time"] = orNil("initial_date_time")
	case "users_select":
		st["selected_user"] = orNil("initial_user")
	case "multi_users_select":
		st["selected_users"] = orEmpty("initial_users")
	case "conversations_select":
		st["selected_conversation"] = orNil("initial_conversation")
	case "multi_conversations_select":
		st["selected_conversations"] = orEmpty("initial_conversations")
	case "channels_select":
		st["selected_channel"] = orNil("initial_channel")
	case "multi_channels_select":
		st["selected_channels"] = orEmpty("initial_channels")
	case "file_input":
		st["files"] = []any{}
	}
	return st
}

// stateEmpty reports whether a required input would block submission.
func stateEmpty(st obj) bool {
	for k, v := range st {
		if k == "type" || k == "timezone" {
			continue
		}
		switch x := v.(type) {
		case nil:
			return true
		case string:
			return x == ""
		case []any:
			return len(x) == 0
		default:
			return false
		}
	}
	return true
}

func elementOptions(e obj) []obj {
	var out []obj
	add := func(list []any) {
		for _, o := range list {
			if om, ok := o.(map[string]any); ok {
				out = append(out, om)
			}
		}
	}
	add(getArr(e, "options"))
	for _, g := range getArr(e, "option_groups") {
		gm, _ := g.(map[string]any)
		add(getArr(gm, "options"))
	}
	for _, k := range []string{"initial_options"} {
		add(getArr(e, k))
	}
	if io := getObj(e, "initial_option"); io != nil {
		out = append(out, io)
	}
	return out
}

// pickOptions resolves option values to the option objects Slack sends back.
func pickOptions(e obj, values []string, suggested []any) ([]any, error) {
	typ := getStr(e, "type")
	external := strings.Contains(typ, "external")
	opts := elementOptions(e)
	for _, o := range suggested {
		if om, ok := o.(map[string]any); ok {
			opts = append(opts, om)
		}
	}
	var out []any
	for _, val := range values {
		idx := slices.IndexFunc(opts, func(o obj) bool { return getStr(o, "value") == val })
		switch {
		case idx >= 0:
			out = append(out, opts[idx])
		case external:
			out = append(out, obj{"text": obj{"type": "plain_text", "text": val, "emoji": true}, "value": val})
		default:
			var have []string
			for _, o := range opts {
				have = append(have, getStr(o, "value"))
			}
			return nil, fmt.Errorf("%w: %s %q has no option %q (options: %s)", ErrUserCannotAct, typ, getStr(e, "action_id"), val, strings.Join(have, ", "))
		}
	}
	return out, nil
}

// valueState converts what the user entered into the element's state object.
func valueState(e obj, v Value, suggested []any) (obj, error) {
	typ := getStr(e, "type")
	if v.Type != "" && v.Type != typ {
		return nil, fmt.Errorf("fakeslack: value of type %s given for a %s element %q", v.Type, typ, getStr(e, "action_id"))
	}
	st := obj{"type": typ}
	one := func() (string, error) {
		if len(v.Selected) > 1 {
			return "", fmt.Errorf("%w: %s %q takes one selection, got %d", ErrUserCannotAct, typ, getStr(e, "action_id"), len(v.Selected))
		}
		if len(v.Selected) == 1 {
			return v.Selected[0], nil
		}
		return v.Text, nil
	}
	many := func() []any {
		out := []any{}
		for _, x := range v.Selected {
			out = append(out, x)
		}
		return out
	}
	strOrNil := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	switch typ {
	case "plain_text_input", "email_text_input", "url_text_input":
		if n, ok := getNum(e, "max_length"); ok && utf8.RuneCountInString(v.Text) > int(n) {
			return nil, fmt.Errorf("%w: %q is longer than max_length %v", ErrUserCannotAct, v.Text, n)
		}
		st["value"] = strOrNil(v.Text)
	case "number_input":
		if v.Text != "" {
			if _, err := strconv.ParseFloat(v.Text, 64); err != nil {
				return nil, fmt.Errorf("%w: number_input takes a number, got %q", ErrUserCannotAct, v.Text)
			}
		}
		st["value"] = strOrNil(v.Text)
	case "rich_text_input":
		if v.Text == "" {
			st["rich_text_value"] = nil
		} else {
			st["rich_text_value"] = obj{"type": "rich_text", "elements": []any{
				obj{"type": "rich_text_section", "elements": []any{obj{"type": "text", "text": v.Text}}},
			}}
		}
	case "static_select", "external_select", "radio_buttons":
		val, err := one()
		if err != nil {
			return nil, err
		}
		st["selected_option"] = nil
		if val != "" {
			opts, err := pickOptions(e, []string{val}, suggested)
			if err != nil {
				return nil, err
			}
			st["selected_option"] = opts[0]
		}
	case "multi_static_select", "multi_external_select", "checkboxes":
		opts, err := pickOptions(e, v.Selected, suggested)
		if err != nil {
			return nil, err
		}
		if opts == nil {
			opts = []any{}
		}
		st["selected_options"] = opts
	case "datepicker":
		if v.Text != "" {
			if _, err := time.Parse("2006-01-02", v.Text); err != nil {
				return nil, fmt.Errorf("fakeslack: datepicker takes YYYY-MM-DD, got %q", v.Text)
			}
		}
		st["selected_date"] = strOrNil(v.Text)
	case "timepicker":
		if v.Text != "" {
			if _, err := time.Parse("15:04", v.Text); err != nil {
				return nil, fmt.Errorf("fakeslack: timepicker takes HH:MM, got %q", v.Text)
			}
		}
		st["selected_time"] = strOrNil(v.Text)
		if tz := getStr(e, "timezone"); tz != "" {
			st["timezone"] = tz
		}
	case "datetimepicker":
		if v.Text == "" {
			st["selected_date_time"] = nil
		} else {
			n, err := strconv.ParseInt(v.Text, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("fakeslack: datetimepicker takes Unix seconds, got %q", v.Text)
			}
			st["selected_date_time"] = n
		}
	case "users_select", "conversations_select", "channels_select":
		val, err := one()
		if err != nil {
			return nil, err
		}
		key := map[string]string{"users_select": "selected_user", "conversations_select": "selected_conversation", "channels_select": "selected_channel"}[typ]
		st[key] = strOrNil(val)
	case "multi_users_select", "multi_conversations_select", "multi_channels_select":
		key := map[string]string{"multi_users_select": "selected_users", "multi_conversations_select": "selected_conversations", "multi_channels_select": "selected_channels"}[typ]
		st[key] = many()
	default:
		return nil, fmt.Errorf("fakeslack: cannot enter a value in a %s element", typ)
	}
	return st, nil
}

func putState(m map[string]map[string]obj, bid, aid string, st obj) {
	if m[bid] == nil {
		m[bid] = map[string]obj{}
	}
	m[bid][aid] = st
}

// stateLocked computes state.values for a view: input blocks always (initial values when
// untouched), other elements once used, then the given values applied. It also returns
// just the entries values set, which become the user's input (kept across views.update).
func (s *Server) stateLocked(v *viewRec, values Values) (full, touched map[string]map[string]obj, err error) {
	blocks := viewBlocks(v)
	out := map[string]map[string]obj{}
	touched = map[string]map[string]obj{}
	put := func(bid, aid string, st obj) { putState(out, bid, aid, st) }
	for _, b := range blocks {
		bid := getStr(b, "block_id")
		for _, e := range blockElements(b) {
			aid := getStr(e, "action_id")
			if st, ok := v.state[bid][aid]; ok {
				put(bid, aid, st)
			} else if getStr(b, "type") == "input" {
				put(bid, aid, initialState(e))
			}
		}
	}
	for bid, acts := range values {
		for aid, val := range acts {
			_, e, err := findElement(blocks, bid, aid)
			if err != nil {
				return nil, nil, err
			}
			if getStr(e, "type") == "button" {
				continue
			}
			aid = getStr(e, "action_id")
			st, err := valueState(e, val, v.suggestions[bid+"/"+aid])
			if err != nil {
				return nil, nil, fmt.Errorf("block %q: %w", bid, err)
			}
			put(bid, aid, st)
			putState(touched, bid, aid, st)
		}
	}
	return out, touched, nil
}

// remember keeps what the user entered in the view.
func (v *viewRec) remember(touched map[string]map[string]obj) {
	for bid, acts := range touched {
		for aid, st := range acts {
			putState(v.state, bid, aid, st)
		}
	}
}
