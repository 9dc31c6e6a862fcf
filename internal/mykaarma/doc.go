// Package mykaarma owns talking HTTP to the myKaarma API: building requests,
// authenticating with the integrator's Basic credentials, decoding myKaarma's
// loosely specified envelopes, and turning every failure into one typed error,
// *APIError, whose Kind tells callers what happened and whose UserMessage is
// safe to show a service advisor.
//
// The package knows nothing about Slack: it must not import slack-go. The
// client's own types (Client, DraftRequest, APIError…) do not depend on the
// bot's domain either; translating the domain's request into DraftRequest is
// kept to one adapter at the package's edge.
//
// myKaarma publishes little about its responses (see docs/mykaarma-api.md), so
// decoding is deliberately lenient: ids appear under more than one name,
// "error" may be an object, an array or null, numbers may arrive as strings.
// Success is judged by what the bot needs (for a draft: HTTP 2xx, no error, a
// uuid and a short URL), never by the undocumented statusCode field.
package mykaarma
