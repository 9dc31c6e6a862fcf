// Package ledger owns the durable storage of draftappt's submissions: it
// implements appointment.Ledger on SQLite (embedded, the default, one file
// under the data directory) or on PostgreSQL (shared by replicas), chosen by
// Config.DatabaseURL.
//
// The schema is brought up to date by ordered, embedded SQL migrations at
// Open, recorded in a schema_migrations table; concurrent Opens of one
// database are serialised (an advisory transaction lock on PostgreSQL, an
// immediate transaction on SQLite).
//
// Only what the bot needs is stored: Slack ids, the store, the customer's id
// and display name, the vehicle, the times, the services and the outcome.
// Never phone numbers or email addresses. Times are stored in UTC with
// microsecond precision and returned as UTC time.Time values.
//
// The package never logs; every error is returned wrapped with context.
package ledger
