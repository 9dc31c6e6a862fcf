// Package slackbot is the Slack adapter: it holds the Socket Mode
// connection, acks every envelope inside Slack's 3-second deadline, renders
// the Block Kit modal and messages, and translates between Block Kit state
// and the appointment domain. It is the only package that imports slack-go.
//
// It owns no business rules: validation, creating drafts and deciding what a
// user is told about an error belong to package appointment.
package slackbot
