// Package appointment is the domain of draftappt: what a draft appointment
// request is, the rules a submitted form must pass, and the one submission
// pipeline (validate → create → announce) that every entry point uses.
//
// It knows nothing of Slack or HTTP. Adapters satisfy its small interfaces:
// the myKaarma client creates drafts (DraftCreator) and the Slack layer
// announces results (Announcer). Times are dealer-local wall times; date
// phrases are read by package dates.
package appointment
