package fakeslack

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHelloAndSlashCommand(t *testing.T) {
	fake := newFake(t)
	cmds := make(chan slack.SlashCommand, 1)
	b := startBot(t, fake, handlers{slash: func(_ *testBot, cmd slack.SlashCommand) any {
		cmds <- cmd
		return map[string]any{"text": "working on it"}
	}})
	ctx := testCtx(t)
	require.NoError(t, fake.WaitConnected(ctx))

	ack, err := fake.SlashCommand(ctx, SlashCommand{Text: "tomorrow 3pm oil change"})
	require.NoError(t, err)
	got := <-cmds
	assert.JSONEq(t, `{"text":"working on it"}`, string(ack.Payload))
	assert.Positive(t, ack.Latency)
	assert.Equal(t, DefaultCommand, got.Command)
	assert.Equal(t, "tomorrow 3pm oil change", got.Text)
	assert.Equal(t, DefaultUserID, got.UserID)
	assert.Equal(t, DefaultChannelID, got.ChannelID)
	assert.Equal(t, TeamID, got.TeamID)
	assert.NotEmpty(t, got.TriggerID)
	assert.True(t, strings.HasPrefix(got.ResponseURL, fake.URL()+"/response/"))

	hellos := b.eventsOf(socketmode.EventTypeHello)
	require.Len(t, hellos, 1)
	assert.Equal(t, AppID, hellos[0].Request.ConnectionInfo.AppID)
	assert.Equal(t, 1, hellos[0].Request.NumConnections)

	msgs := fake.Messages()
	require.Len(t, msgs, 1)
	assert.Equal(t, KindAck, msgs[0].Kind)
	assert.Equal(t, "working on it", msgs[0].Text)
	assert.False(t, msgs[0].Visible())
}

func TestPingsKeepConnectionAlive(t *testing.T) {
	fake := newFake(t, WithPingInterval(50*time.Millisecond))
	startBot(t, fake, handlers{}, socketmode.OptionPingInterval(250*time.Millisecond))
	ctx := testCtx(t)
	require.NoError(t, fake.WaitConnected(ctx))
	time.Sleep(1 * time.Second) // four client ping deadlines
	assert.Equal(t, 1, fake.ConnectCount(), "client reconnected: pings did not keep it alive")
	assert.Equal(t, 1, fake.Connected())
}

func TestDisconnectRefreshRequestedReconnects(t *testing.T) {
	fake := newFake(t)
	startBot(t, fake, handlers{})
	ctx := testCtx(t)
	require.NoError(t, fake.WaitConnected(ctx))

	assert.Equal(t, 1, fake.Disconnect("refresh_requested"))
	require.NoError(t, fake.WaitConnectCount(ctx, 2))
	assert.Len(t, fake.Calls("apps.connections.open"), 2, "reconnect must fetch a fresh ticket")
	_, err := fake.SlashCommand(ctx, SlashCommand{})
	require.NoError(t, err)
}

func TestDroppedSocketReconnects(t *testing.T) {
	fake := newFake(t)
	startBot(t, fake, handlers{})
	ctx := testCtx(t)
	require.NoError(t, fake.WaitConnected(ctx))

	assert.Equal(t, 1, fake.DropConnections())
	require.NoError(t, fake.WaitConnectCount(ctx, 2))
	_, err := fake.SlashCommand(ctx, SlashCommand{})
	require.NoError(t, err)
}

func TestTicketIsSingleUse(t *testing.T) {
	fake := newFake(t)
	api := slack.New(BotToken, slack.OptionAPIURL(fake.APIURL()), slack.OptionAppLevelToken(AppToken))
	_, url, err := api.StartSocketModeContext(testCtx(t))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(url, "ws://127.0.0.1:"), url)
	assert.Contains(t, url, "/link/?ticket=")
	c1, _, err := websocketDial(url)
	require.NoError(t, err)
	defer c1.Close()
	_, _, err = websocketDial(url)
	require.Error(t, err, "second use of a ticket must fail")
}

func TestAckTimeout(t *testing.T) {
	fake := newFake(t, WithAckDeadline(200*time.Millisecond))
	startBot(t, fake, handlers{noAck: true})
	ctx := testCtx(t)
	_, err := fake.SlashCommand(ctx, SlashCommand{})
	require.ErrorIs(t, err, ErrAckTimeout)
}

func TestTokens(t *testing.T) {
	fake := newFake(t)
	ctx := testCtx(t)

	// A bot token where the app token belongs: slack-go retries this forever.
	wrongKind := slack.New(BotToken, slack.OptionAPIURL(fake.APIURL()), slack.OptionAppLevelToken(BotToken))
	_, _, err := wrongKind.StartSocketModeContext(ctx)
	assert.Equal(t, "not_allowed_token_type", slackErr(err))

	appAsBot := slack.New(AppToken, slack.OptionAPIURL(fake.APIURL()))
	_, err = appAsBot.AuthTestContext(ctx)
	assert.Equal(t, "not_allowed_token_type", slackErr(err))

	wrong := slack.New("xoxb-wrong", slack.OptionAPIURL(fake.APIURL()), slack.OptionAppLevelToken("xapp-wrong"))
	_, err = wrong.AuthTestContext(ctx)
	assert.Equal(t, "invalid_auth", slackErr(err))
	// socketmode gives up on invalid_auth.
	err = socketmode.New(wrong).RunContext(ctx)
	assert.Equal(t, "invalid_auth", slackErr(err))

	ok := slack.New(BotToken, slack.OptionAPIURL(fake.APIURL()))
	res, err := ok.AuthTestContext(ctx)
	require.NoError(t, err)
	assert.Equal(t, BotUserID, res.UserID)
	assert.Equal(t, TeamID, res.TeamID)

	custom := newFake(t, WithBotToken("xoxb-custom"), WithAppToken("xapp-custom"))
	_, err = slack.New("xoxb-custom", slack.OptionAPIURL(custom.APIURL())).AuthTestContext(ctx)
	require.NoError(t, err)
	_, err = slack.New(BotToken, slack.OptionAPIURL(custom.APIURL())).AuthTestContext(ctx)
	assert.Equal(t, "invalid_auth", slackErr(err))
}

func TestUnknownMethodAndFaults(t *testing.T) {
	fake := newFake(t)
	ctx := testCtx(t)
	api := slack.New(BotToken, slack.OptionAPIURL(fake.APIURL()))

	_, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "C1"})
	assert.Equal(t, "unknown_method", slackErr(err))

	fake.RateLimitNext("chat.postMessage", 1, 7)
	_, _, err = api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false))
	var rl *slack.RateLimitedError
	require.ErrorAs(t, err, &rl)
	assert.Equal(t, 7*time.Second, rl.RetryAfter)

	fake.FailNext("chat.postMessage", 2, "fatal_error")
	for range 2 {
		_, _, err = api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false))
		assert.Equal(t, "fatal_error", slackErr(err))
	}
	_, _, err = api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false))
	require.NoError(t, err)

	calls := fake.Calls("chat.postMessage")
	require.Len(t, calls, 4)
	assert.Equal(t, "ratelimited", calls[0].Error)
	assert.Equal(t, "fatal_error", calls[1].Error)
	assert.Empty(t, calls[3].Error)
	assert.Equal(t, "hi", calls[3].Param("text"))
	assert.Equal(t, BotToken, calls[3].Token)
	assert.Len(t, fake.Messages(), 1)
}

func TestPostMessageThreadAndChannels(t *testing.T) {
	fake := newFake(t)
	ctx := testCtx(t)
	api := slack.New(BotToken, slack.OptionAPIURL(fake.APIURL()))

	ch, parent, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("Draft appointment", false),
		slack.MsgOptionBlocks(slack.NewSectionBlock(slack.NewTextBlockObject("mrkdwn", "*Draft*", false, false), nil, nil)))
	require.NoError(t, err)
	assert.Equal(t, "C1", ch)
	_, reply, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("details", false), slack.MsgOptionTS(parent))
	require.NoError(t, err)
	assert.Greater(t, reply, parent, "ts must increase")

	_, _, _, err = api.UpdateMessageContext(ctx, "C1", parent, slack.MsgOptionText("Draft (edited)", false))
	require.NoError(t, err)

	thread := fake.Thread("C1", parent)
	require.Len(t, thread, 2)
	assert.Equal(t, "Draft (edited)", thread[0].Text)
	assert.Equal(t, parent, thread[1].ThreadTS)
	assert.Equal(t, BotUserID, thread[1].User)

	msgs, err := fake.WaitMessages(ctx, 3)
	require.NoError(t, err)
	assert.Equal(t, []string{KindPost, KindPost, KindUpdate}, []string{msgs[0].Kind, msgs[1].Kind, msgs[2].Kind})
	assert.Contains(t, string(msgs[0].Blocks), `"*Draft*"`)

	fake.SetNotInChannel("C2")
	_, _, err = api.PostMessageContext(ctx, "C2", slack.MsgOptionText("x", false))
	assert.Equal(t, "not_in_channel", slackErr(err))
	fake.SetChannelNotFound("G3")
	_, _, err = api.PostMessageContext(ctx, "G3", slack.MsgOptionText("x", false))
	assert.Equal(t, "channel_not_found", slackErr(err))
	fake.SetChannelOK("C2")
	_, _, err = api.PostMessageContext(ctx, "C2", slack.MsgOptionText("x", false))
	require.NoError(t, err)

	// DMs: conversations.open, then post.
	dm, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{"U42"}})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(dm.ID, "D"), dm.ID)
	_, _, err = api.PostMessageContext(ctx, dm.ID, slack.MsgOptionText("hi", false))
	require.NoError(t, err)

	_, _, err = api.PostMessageContext(ctx, "C1")
	assert.Equal(t, "no_text", slackErr(err))
	var many []slack.Block
	for range 51 {
		many = append(many, slack.NewDividerBlock())
	}
	_, _, err = api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false), slack.MsgOptionBlocks(many...))
	assert.Equal(t, "invalid_blocks", slackErr(err))

	ts, err := api.PostEphemeralContext(ctx, "C1", "U42", slack.MsgOptionText("only you", false))
	require.NoError(t, err)
	assert.NotEmpty(t, ts)
	last := fake.Messages()[len(fake.Messages())-1]
	assert.Equal(t, KindEphemeral, last.Kind)
	assert.Equal(t, "U42", last.To)
}

func TestResponseURL(t *testing.T) {
	fake := newFake(t)
	ctx := testCtx(t)
	api := slack.New(BotToken, slack.OptionAPIURL(fake.APIURL()))
	url := fake.ResponseURL("C9", "U9")
	for i := range 5 {
		_, _, err := api.PostMessageContext(ctx, "", slack.MsgOptionText("r", false), slack.MsgOptionResponseURL(url, slack.ResponseTypeInChannel))
		require.NoError(t, err, i)
	}
	_, _, err := api.PostMessageContext(ctx, "", slack.MsgOptionText("r", false), slack.MsgOptionResponseURL(url, slack.ResponseTypeInChannel))
	require.Error(t, err, "a response_url takes 5 posts")
	m := fake.Messages()[0]
	assert.Equal(t, KindResponseURL, m.Kind)
	assert.Equal(t, "C9", m.Channel)
	assert.Equal(t, "in_channel", m.ResponseType)
	assert.True(t, m.Visible())
}

func TestUsersInfo(t *testing.T) {
	fake := newFake(t, WithUser(User{ID: "U1", Name: "dana", TZ: "Asia/Kolkata"}))
	ctx := testCtx(t)
	api := slack.New(BotToken, slack.OptionAPIURL(fake.APIURL()))
	u, err := api.GetUserInfoContext(ctx, "U1")
	require.NoError(t, err)
	assert.Equal(t, "Asia/Kolkata", u.TZ)
	assert.Equal(t, 19800, u.TZOffset)
	u, err = api.GetUserInfoContext(ctx, "U2")
	require.NoError(t, err)
	assert.Equal(t, DefaultTZ, u.TZ)
	_, err = api.GetUserInfoContext(ctx, "nobody")
	assert.Equal(t, "user_not_found", slackErr(err))
}

func modal(blocks ...slack.Block) slack.ModalViewRequest {
	return slack.ModalViewRequest{
		Type:       slack.VTModal,
		Title:      slack.NewTextBlockObject("plain_text", "Draft appointment", false, false),
		Submit:     slack.NewTextBlockObject("plain_text", "Save", false, false),
		CallbackID: "draft",
		Blocks:     slack.Blocks{BlockSet: blocks},
	}
}

func textInput(blockID, actionID, label string) *slack.InputBlock {
	return slack.NewInputBlock(blockID, slack.NewTextBlockObject("plain_text", label, false, false), nil,
		slack.NewPlainTextInputBlockElement(nil, actionID))
}

func TestViewsOpenUpdateAndTriggers(t *testing.T) {
	fake := newFake(t, WithTriggerTTL(time.Second))
	type result struct {
		view    *slack.ViewResponse
		errs    []string
		trigger string
		channel string
	}
	results := make(chan result, 1)
	b := startBot(t, fake, handlers{slash: func(b *testBot, cmd slack.SlashCommand) any {
		r := result{trigger: cmd.TriggerID, channel: cmd.ChannelID}
		v, err := b.api.OpenView(cmd.TriggerID, modal(textInput("notes", "notes_input", "Notes")))
		r.view = v
		r.errs = append(r.errs, slackErr(err))
		_, err = b.api.OpenView(cmd.TriggerID, modal())
		r.errs = append(r.errs, slackErr(err)) // a trigger works once
		results <- r
		return nil
	}})
	ctx := testCtx(t)
	_, err := fake.SlashCommand(ctx, SlashCommand{UserID: "U7"})
	require.NoError(t, err)
	r := <-results
	assert.Equal(t, []string{"", "exchanged_trigger_id"}, r.errs)
	require.NotNil(t, r.view)
	assert.True(t, strings.HasPrefix(r.view.ID, "V"), r.view.ID)
	assert.NotEmpty(t, r.view.Hash)
	assert.Equal(t, "draft", r.view.CallbackID)
	require.NotNil(t, r.view.State)

	v, err := fake.WaitView(ctx, "U7")
	require.NoError(t, err)
	assert.Equal(t, r.view.ID, v.ID)
	assert.Equal(t, 1, v.Version)
	assert.Equal(t, "Draft appointment", v.Title)
	require.Len(t, v.Blocks.BlockSet, 1)

	api := b.api
	upd, err := api.UpdateView(modal(textInput("notes", "notes_input", "Notes (loaded)")), "", v.Hash, v.ID)
	require.NoError(t, err)
	assert.NotEqual(t, v.Hash, upd.Hash, "each update gets a new hash")
	_, err = api.UpdateView(modal(), "", v.Hash, v.ID)
	assert.Equal(t, "hash_conflict", slackErr(err), "stale hash")
	_, err = api.UpdateView(modal(), "", "", "V0NOPE")
	assert.Equal(t, "not_found", slackErr(err))
	v2, err := fake.WaitViewFunc(ctx, "U7", func(x View) bool { return x.Version > v.Version })
	require.NoError(t, err)
	assert.Equal(t, 2, v2.Version)
	assert.Equal(t, upd.Hash, v2.Hash)

	// Invalid views.
	long := modal()
	long.Title = slack.NewTextBlockObject("plain_text", strings.Repeat("x", 25), false, false)
	_, err = api.UpdateView(long, "", "", v.ID)
	var se slack.SlackErrorResponse
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "invalid_arguments", se.Err)
	assert.Contains(t, strings.Join(se.ResponseMetadata.Messages, "\n"), "/view/title/text")
	noSubmit := modal(textInput("a", "b", "c"))
	noSubmit.Submit = nil
	_, err = api.UpdateView(noSubmit, "", "", v.ID)
	assert.Equal(t, "invalid_arguments", slackErr(err))
	meta := modal()
	meta.PrivateMetadata = strings.Repeat("m", 3001)
	_, err = api.UpdateView(meta, "", "", v.ID)
	assert.Equal(t, "invalid_arguments", slackErr(err))

	// Unknown and expired triggers.
	_, err = api.OpenView("123.456.nope", modal())
	assert.Equal(t, "invalid_trigger_id", slackErr(err))
	fake.mu.Lock()
	old := fake.newTriggerLocked("U7")
	fake.triggers[old].issued = time.Now().Add(-2 * time.Second)
	fake.mu.Unlock()
	_, err = api.OpenView(old, modal())
	assert.Equal(t, "expired_trigger_id", slackErr(err))
}

func TestSubmitErrorsThenClose(t *testing.T) {
	fake := newFake(t)
	var (
		mu          sync.Mutex
		submissions []slack.InteractionCallback
	)
	startBot(t, fake, handlers{
		slash: func(b *testBot, cmd slack.SlashCommand) any {
			m := modal(
				textInput("customer", "name", "Customer"),
				slack.NewInputBlock("services", slack.NewTextBlockObject("plain_text", "Services", false, false), nil,
					slack.NewCheckboxGroupsBlockElement("pick",
						slack.NewOptionBlockObject("oil", slack.NewTextBlockObject("plain_text", "Oil change", false, false), nil),
						slack.NewOptionBlockObject("tires", slack.NewTextBlockObject("plain_text", "Tire rotation", false, false), nil))),
				slack.NewInputBlock("advisor", slack.NewTextBlockObject("plain_text", "Advisor", false, false), nil,
					slack.NewOptionsSelectBlockElement("static_select", nil, "who",
						slack.NewOptionBlockObject("a1", slack.NewTextBlockObject("plain_text", "Ann", false, false), nil))),
				&slack.InputBlock{Type: slack.MBTInput, BlockID: "day", Optional: true,
					Label:   slack.NewTextBlockObject("plain_text", "Day", false, false),
					Element: slack.NewDatePickerBlockElement("date")},
			)
			m.PrivateMetadata = `{"channel":"` + cmd.ChannelID + `"}`
			_, err := b.api.OpenView(cmd.TriggerID, m)
			if err != nil {
				panic(err)
			}
			return nil
		},
		interaction: func(_ *testBot, cb slack.InteractionCallback) any {
			if cb.Type != slack.InteractionTypeViewSubmission {
				return nil
			}
			mu.Lock()
			defer mu.Unlock()
			submissions = append(submissions, cb)
			if len(submissions) == 1 {
				return slack.NewErrorsViewSubmissionResponse(map[string]string{"customer": "Who is it?"})
			}
			return nil
		},
	})
	ctx := testCtx(t)
	_, err := fake.SlashCommand(ctx, SlashCommand{})
	require.NoError(t, err)
	v, err := fake.WaitView(ctx, DefaultUserID)
	require.NoError(t, err)

	// The Slack client refuses to submit with required inputs empty.
	_, err = fake.Submit(ctx, DefaultUserID, Values{"customer": {"name": Text("Bo")}})
	require.ErrorIs(t, err, ErrUserCannotAct)
	// Options must exist.
	_, err = fake.Submit(ctx, DefaultUserID, Values{"advisor": {"who": Selected("zz")}})
	require.ErrorIs(t, err, ErrUserCannotAct)

	values := Values{
		"customer": {"name": Text("Bo")},
		"services": {"": Checked("oil", "tires")},
		"advisor":  {"who": Selected("a1")},
	}
	_, err = fake.Submit(ctx, DefaultUserID, values)
	require.NoError(t, err)
	cur, ok := fake.CurrentView(DefaultUserID)
	require.True(t, ok, "errors keep the view open")
	assert.Equal(t, map[string]string{"customer": "Who is it?"}, cur.Errors)
	sub, ok := fake.LastSubmission()
	require.True(t, ok)
	assert.Equal(t, "errors", sub.ResponseAction)
	assert.False(t, sub.Closed)

	_, err = fake.Submit(ctx, DefaultUserID, Values{"customer": {"name": Text("Bo Diddley")}})
	require.NoError(t, err)
	_, ok = fake.CurrentView(DefaultUserID)
	assert.False(t, ok, "an empty ack closes the view")
	sub, _ = fake.LastSubmission()
	assert.True(t, sub.Closed)

	mu.Lock()
	require.Len(t, submissions, 2)
	cb := submissions[1]
	mu.Unlock()
	assert.Equal(t, v.ID, cb.View.ID)
	assert.Equal(t, "draft", cb.View.CallbackID)
	assert.JSONEq(t, `{"channel":"`+DefaultChannelID+`"}`, cb.View.PrivateMetadata)
	assert.Equal(t, DefaultUserID, cb.User.ID)
	vals := cb.View.State.Values
	assert.Equal(t, "Bo Diddley", vals["customer"]["name"].Value)
	assert.Equal(t, "plain_text_input", string(vals["customer"]["name"].Type))
	require.Len(t, vals["services"]["pick"].SelectedOptions, 2, "earlier entries persist")
	assert.Equal(t, "Tire rotation", vals["services"]["pick"].SelectedOptions[1].Text.Text)
	assert.Equal(t, "a1", vals["advisor"]["who"].SelectedOption.Value)
	assert.Empty(t, vals["day"]["date"].SelectedDate, "untouched optional input is reported empty")

	// Updating a closed view fails like Slack.
	api := slack.New(BotToken, slack.OptionAPIURL(fake.APIURL()))
	_, err = api.UpdateView(modal(), "", "", v.ID)
	assert.Equal(t, "not_found", slackErr(err))
}

func TestSubmitResponseActions(t *testing.T) {
	fake := newFake(t)
	var n int
	startBot(t, fake, handlers{
		slash: func(b *testBot, cmd slack.SlashCommand) any {
			_, _ = b.api.OpenView(cmd.TriggerID, modal(textInput("a", "a", "A")))
			return nil
		},
		interaction: func(_ *testBot, cb slack.InteractionCallback) any {
			n++
			switch n {
			case 1:
				return slack.NewErrorsViewSubmissionResponse(map[string]string{"not-an-input": "x"})
			case 2:
				m := modal(textInput("b", "b", "Confirm"))
				m.CallbackID = "confirm"
				return slack.NewUpdateViewSubmissionResponse(&m)
			case 3:
				m := modal(textInput("c", "c", "More"))
				return slack.NewPushViewSubmissionResponse(&m)
			default:
				return slack.NewClearViewSubmissionResponse()
			}
		},
	})
	ctx := testCtx(t)
	_, err := fake.SlashCommand(ctx, SlashCommand{})
	require.NoError(t, err)
	v, err := fake.WaitView(ctx, DefaultUserID)
	require.NoError(t, err)

	_, err = fake.Submit(ctx, "", Values{"a": {"a": Text("1")}})
	require.Error(t, err, "error keys must be input block ids")

	_, err = fake.Submit(ctx, "", Values{"a": {"a": Text("1")}})
	require.NoError(t, err)
	cur, _ := fake.CurrentView(DefaultUserID)
	assert.Equal(t, v.ID, cur.ID)
	assert.Equal(t, "confirm", cur.CallbackID)
	assert.Equal(t, 2, cur.Version)

	_, err = fake.Submit(ctx, "", Values{"b": {"b": Text("2")}})
	require.NoError(t, err)
	assert.Len(t, fake.ViewStack(DefaultUserID), 2)

	_, err = fake.Submit(ctx, "", Values{"c": {"c": Text("3")}})
	require.NoError(t, err)
	assert.Empty(t, fake.ViewStack(DefaultUserID))
}

func TestBlockActionAndSuggestion(t *testing.T) {
	fake := newFake(t)
	got := make(chan slack.InteractionCallback, 10)
	startBot(t, fake, handlers{
		slash: func(b *testBot, cmd slack.SlashCommand) any {
			vin := slack.NewInputBlock("vin", slack.NewTextBlockObject("plain_text", "VIN", false, false), nil,
				slack.NewPlainTextInputBlockElement(nil, "vin_input"))
			vin.DispatchAction = true
			cust := slack.NewOptionsSelectBlockElement("external_select", nil, "cust")
			m := modal(vin, textInput("plain", "plain", "Plain"),
				slack.NewInputBlock("customer", slack.NewTextBlockObject("plain_text", "Customer", false, false), nil, cust))
			_, _ = b.api.OpenView(cmd.TriggerID, m)
			return nil
		},
		interaction: func(_ *testBot, cb slack.InteractionCallback) any {
			got <- cb
			if cb.Type == slack.InteractionTypeBlockSuggestion {
				return map[string]any{"options": []*slack.OptionBlockObject{
					slack.NewOptionBlockObject("c42", slack.NewTextBlockObject("plain_text", "Jane Roe", false, false), nil),
				}}
			}
			return nil
		},
	})
	ctx := testCtx(t)
	_, err := fake.SlashCommand(ctx, SlashCommand{})
	require.NoError(t, err)
	_, err = fake.WaitView(ctx, DefaultUserID)
	require.NoError(t, err)

	_, err = fake.BlockAction(ctx, "", "plain", "plain", Text("x"), nil)
	require.ErrorIs(t, err, ErrUserCannotAct, "no dispatch_action")

	_, err = fake.BlockAction(ctx, "", "vin", "vin_input", Text("1HGCM82633A004352"), Values{"plain": {"plain": Text("p")}})
	require.NoError(t, err)
	cb := <-got
	assert.Equal(t, slack.InteractionTypeBlockActions, cb.Type)
	require.Len(t, cb.ActionCallback.BlockActions, 1)
	act := cb.ActionCallback.BlockActions[0]
	assert.Equal(t, "vin_input", act.ActionID)
	assert.Equal(t, "1HGCM82633A004352", act.Value)
	assert.Equal(t, "view", cb.Container.Type)
	assert.Equal(t, "p", cb.View.State.Values["plain"]["plain"].Value)
	assert.NotEmpty(t, cb.TriggerID)

	_, err = fake.BlockSuggestion(ctx, "", "customer", "cust", "Ja")
	require.ErrorIs(t, err, ErrUserCannotAct, "min_query_length is 3")
	ack, err := fake.BlockSuggestion(ctx, "", "customer", "cust", "Jan")
	require.NoError(t, err)
	cb = <-got
	assert.Equal(t, slack.InteractionTypeBlockSuggestion, cb.Type)
	assert.Equal(t, "Jan", cb.Value)
	assert.Equal(t, "cust", cb.ActionID)
	opts, err := ack.Options()
	require.NoError(t, err)
	require.Len(t, opts, 1)

	// Input the user typed survives a views.update that keeps block_id and action_id.
	v, _ := fake.CurrentView(DefaultUserID)
	var body slack.ModalViewRequest
	require.NoError(t, json.Unmarshal(v.Raw, &body))
	body.Title = slack.NewTextBlockObject("plain_text", "Loaded", false, false)
	_, err = slack.New(BotToken, slack.OptionAPIURL(fake.APIURL())).UpdateView(body, "", v.Hash, v.ID)
	require.NoError(t, err)

	_, err = fake.Submit(ctx, "", Values{"customer": {"cust": Selected("c42")}})
	require.NoError(t, err)
	cb = <-got
	require.Equal(t, slack.InteractionTypeViewSubmission, cb.Type)
	vals := cb.View.State.Values
	assert.Equal(t, "Jane Roe", vals["customer"]["cust"].SelectedOption.Text.Text)
	assert.Equal(t, "1HGCM82633A004352", vals["vin"]["vin_input"].Value, "typed values persist into the submission")
	assert.Equal(t, "p", vals["plain"]["plain"].Value)
}

func TestMessageShortcut(t *testing.T) {
	fake := newFake(t)
	got := make(chan slack.InteractionCallback, 1)
	startBot(t, fake, handlers{interaction: func(_ *testBot, cb slack.InteractionCallback) any {
		got <- cb
		return nil
	}})
	ctx := testCtx(t)
	_, err := fake.MessageShortcut(ctx, MessageShortcut{CallbackID: "draft_from_message", ChannelID: "C5",
		MessageTS: "1700000000.000200", ThreadTS: "1700000000.000100", MessageText: "Can we book Tue 9am?"})
	require.NoError(t, err)
	cb := <-got
	assert.Equal(t, slack.InteractionTypeMessageAction, cb.Type)
	assert.Equal(t, "draft_from_message", cb.CallbackID)
	assert.Equal(t, "C5", cb.Channel.ID)
	assert.Equal(t, "1700000000.000100", cb.Message.ThreadTimestamp)
	assert.Equal(t, "1700000000.000200", cb.Message.Timestamp)
	assert.Equal(t, "Can we book Tue 9am?", cb.Message.Text)
	assert.NotEmpty(t, cb.TriggerID)
	assert.NotEmpty(t, cb.ResponseURL)
}

func TestEnvelopesAcrossSockets(t *testing.T) {
	fake := newFake(t)
	startBot(t, fake, handlers{})
	startBot(t, fake, handlers{})
	ctx := testCtx(t)
	require.NoError(t, fake.WaitConnectCount(ctx, 2))
	require.NoError(t, fake.waitFor(ctx, func() bool { return len(fake.liveLocked()) == 2 }))
	for range 6 {
		_, err := fake.SlashCommand(ctx, SlashCommand{})
		require.NoError(t, err)
	}
	ack, err := fake.Event(ctx, map[string]any{"type": "app_mention", "user": "U1", "text": "<@U0FAKEBOT> hi", "channel": "C1", "ts": "1.2"})
	require.NoError(t, err)
	assert.True(t, ack.Empty())
	var req map[string]any
	require.NoError(t, json.Unmarshal(ack.Request, &req))
	assert.Equal(t, "event_callback", req["type"])
}

func TestCloseStopsWaiters(t *testing.T) {
	fake := New()
	done := make(chan error, 1)
	ctx := testCtx(t)
	go func() { done <- fake.WaitConnected(ctx) }()
	time.Sleep(20 * time.Millisecond)
	fake.Close()
	assert.ErrorIs(t, <-done, ErrClosed)
}

func TestAckOnNewerSocket(t *testing.T) {
	fake := newFake(t)
	startBot(t, fake, handlers{slash: func(*testBot, slack.SlashCommand) any {
		// Slack rotates the connection while the app is still handling the command.
		fake.Disconnect("warning")
		ctx := testCtx(t)
		if err := fake.WaitConnectCount(ctx, 2); err != nil {
			panic(err)
		}
		return map[string]any{"text": "done"}
	}})
	ctx := testCtx(t)
	ack, err := fake.SlashCommand(ctx, SlashCommand{})
	require.NoError(t, err)
	assert.JSONEq(t, `{"text":"done"}`, string(ack.Payload))
}

func TestCloseViewAndMessageButton(t *testing.T) {
	fake := newFake(t)
	got := make(chan slack.InteractionCallback, 4)
	startBot(t, fake, handlers{
		slash: func(b *testBot, cmd slack.SlashCommand) any {
			m := modal()
			m.NotifyOnClose = true
			_, _ = b.api.OpenView(cmd.TriggerID, m)
			return nil
		},
		interaction: func(_ *testBot, cb slack.InteractionCallback) any {
			got <- cb
			return nil
		},
	})
	ctx := testCtx(t)
	_, err := fake.SlashCommand(ctx, SlashCommand{})
	require.NoError(t, err)
	_, err = fake.WaitView(ctx, "")
	require.NoError(t, err)
	_, err = fake.CloseView(ctx, "")
	require.NoError(t, err)
	cb := <-got
	assert.Equal(t, slack.InteractionTypeViewClosed, cb.Type)
	assert.Empty(t, fake.ViewStack(""))

	api := slack.New(BotToken, slack.OptionAPIURL(fake.APIURL()))
	_, ts, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("Draft", false), slack.MsgOptionBlocks(
		slack.NewActionBlock("draft_actions", slack.NewButtonBlockElement("confirm", "draft-7", slack.NewTextBlockObject("plain_text", "Confirm", false, false)))))
	require.NoError(t, err)
	_, err = fake.MessageBlockAction(ctx, "", "C1", ts, "draft_actions", "confirm", Button())
	require.NoError(t, err)
	cb = <-got
	assert.Equal(t, slack.InteractionTypeBlockActions, cb.Type)
	require.Len(t, cb.ActionCallback.BlockActions, 1)
	assert.Equal(t, "draft-7", cb.ActionCallback.BlockActions[0].Value)
	assert.Equal(t, ts, cb.Container.MessageTs)
	assert.Equal(t, "C1", cb.Channel.ID)
}
