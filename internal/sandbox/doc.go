// Package sandbox is a local stand-in for the myKaarma API, shared by tests,
// the `draftappt sandbox` command and the demo. It serves the endpoints the
// bot uses (draft appointment, customer search and lookup, opcodes, transport
// options, dealer info) over seeded, realistic data, plus a small page at
// the short URL of every draft it creates.
//
// It follows docs/draft-appointment-api.txt and docs/mykaarma-api.md,
// including the quirks seen in real use (ids spelled uuid or customerUuid,
// "error" as an object or an array, HTML login pages when a scope is
// missing), and it is deliberately a little stricter than myKaarma is known
// to be (unknown JSON fields in a draft are refused), so that a misspelled
// field fails in a test rather than being silently dropped in production.
//
// The sandbox decodes requests into its own types and never imports the
// client package: it is a second, independent reading of the spec, which is
// what makes the client's integration tests against it worth having.
//
// Tests steer it with FailNext/FailNextOn (fault injection), SetDelay and
// SetMissingScope, and inspect it with Drafts and Requests. All of these are
// safe for concurrent use.
package sandbox
