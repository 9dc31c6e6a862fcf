// Package fakeslack is an in-process fake of Slack for end-to-end tests and demos.
//
// It speaks the real wire protocols, so the unmodified github.com/slack-go/slack client
// (slack.New with slack.OptionAPIURL(fake.APIURL()) and slack.OptionAppLevelToken, plus
// socketmode.New) talks to it exactly as it talks to Slack:
//
//   - Web API over HTTP: JSON bodies with "Authorization: Bearer" and form bodies with
//     token=, answered with Slack's {"ok":…,"error":…} envelopes, HTTP 429 + Retry-After
//     for rate limits, and Slack's error codes (invalid_auth, not_allowed_token_type,
//     hash_conflict, expired_trigger_id, invalid_arguments, not_in_channel, …).
//     Implemented methods: apps.connections.open, auth.test, views.open, views.update,
//     views.push, chat.postMessage, chat.postEphemeral, chat.update, conversations.open,
//     users.info; any other method answers unknown_method. response_url endpoints are
//     served too (see Server.ResponseURL).
//   - Socket Mode over a real websocket: single-use tickets from apps.connections.open,
//     the hello message, server PING frames, envelopes (slash_commands, interactive,
//     events_api) with acks that may come back on any socket, disconnect messages and
//     abrupt drops.
//
// The Server is driven by a test (or the demo) acting as the user: SlashCommand,
// MessageShortcut, Shortcut, BlockAction, BlockSuggestion, Submit and CloseView build
// the exact payloads Slack would send, wait for the app's ack and apply it the way Slack
// does (a view_submission ack with response_action errors keeps the modal open, an empty
// ack closes it, update replaces it, …). Messages, views and every Web API call are
// recorded for assertions, and faults can be injected (FailNext, RateLimitNext,
// SetNotInChannel, SetChannelNotFound, Disconnect, DropConnections).
//
// Checks Slack makes that the fake makes too: token kinds, trigger_id expiry (3 s) and
// single use, view hash conflicts, the cheap view and message limits (lengths, counts,
// unique ids, submit required with inputs, private_metadata size), the 3 s ack deadline,
// acks of 20 KiB or more being dropped, and what a user can actually do in the client
// (a required input must be filled before Submit, block_actions only fire for inputs
// with dispatch_action, external_select queries respect min_query_length).
//
// What it does not fake: OAuth, scopes and installation, the Events API over HTTP,
// request signing, message history and conversations.* beyond open, files, home tabs
// (views.publish), rate limits other than the injected ones, full Block Kit validation
// (only the cheap rules above), mrkdwn rendering, and multiple workspaces. Everything
// lives in one team (TeamID) and one app (AppID).
package fakeslack
