package appointment

import (
	"context"
	"errors"
	"time"
)

// Status is where a submission is in its life. The order matters: a
// record only moves forward.
type Status string

// The statuses a recorded submission moves through.
const (
	StatusReceived  Status = "received"  // validated and recorded, nothing sent yet
	StatusCreating  Status = "creating"  // the myKaarma call is under way (outcome unknown if the process dies here)
	StatusCreated   Status = "created"   // myKaarma returned a draft; not yet announced
	StatusAnnounced Status = "announced" // the link reached Slack
	StatusFailed    Status = "failed"    // no draft was created; the user was told
	StatusUnknown   Status = "unknown"   // the process died mid-call; the user was told to check
)

// Record is what the ledger keeps of one submission: Slack ids, the store,
// the customer's id and display name, the vehicle, times, services and the
// outcome. Never phone numbers or emails.
type Record struct {
	// Key identifies a submission for de-duplication: the view id and a
	// hash of the submitted values, so a double click is the same record.
	Key          string
	SubmissionID string // envelope id, for logs
	TeamID       string
	UserID       string
	ChannelID    string
	ThreadTS     string
	ResponseURL  string // Slack's short-lived reply URL, for fallback delivery
	StoreName    string
	DealerUUID   string
	CustomerUUID string
	CustomerName string
	VIN          string
	VehicleUUID  string
	Start        time.Time
	End          time.Time
	Services     []string // laborOpCodes
	Status       Status
	DraftUUID    string
	ShortURL     string
	ParentTS     string // ts of the channel message the link hangs from
	Reason       string // why it failed, in words safe to show
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// ErrNotFound is returned by a Ledger when a key is unknown.
var ErrNotFound = errors.New("ledger: record not found")

// Ledger remembers every submission durably. myKaarma has no endpoint to
// read or cancel a draft, so this record is the only memory of what exists.
// Implementations must be safe for concurrent use, also across processes
// sharing one database.
type Ledger interface {
	// Begin records a new submission with StatusReceived. If a record with
	// the same Key exists, it returns that record and created=false and
	// changes nothing.
	Begin(ctx context.Context, r Record) (rec Record, created bool, err error)
	// Advance moves the record to a later status, storing the given fields
	// (draft UUID, short URL, parent ts, reason) when non-empty. It refuses
	// to move a record backwards or out of a final status and then returns
	// the stored record with ok=false.
	Advance(ctx context.Context, key string, to Status, u Update) (rec Record, ok bool, err error)
	// Get returns one record.
	Get(ctx context.Context, key string) (Record, error)
	// Unfinished lists records in StatusReceived, StatusCreating or
	// StatusCreated, oldest first, for recovery after a restart.
	Unfinished(ctx context.Context) ([]Record, error)
	// Recent lists a user's newest records (any status), newest first.
	Recent(ctx context.Context, userID string, limit int) ([]Record, error)
	// RecentForStore lists a user's newest records for one dealer.
	RecentForStore(ctx context.Context, userID, dealerUUID string, limit int) ([]Record, error)
	// Purge deletes records last updated before the cutoff and returns how many.
	Purge(ctx context.Context, before time.Time) (int, error)
	// Close releases the database.
	Close() error
}

// Update carries the fields a status change may set.
type Update struct {
	DraftUUID string
	ShortURL  string
	ParentTS  string
	Reason    string
}

// Rank orders statuses so a ledger can refuse to move backwards.
func (s Status) Rank() int {
	switch s {
	case StatusReceived:
		return 1
	case StatusCreating:
		return 2
	case StatusCreated:
		return 3
	case StatusAnnounced, StatusFailed, StatusUnknown:
		return 4
	}
	return 0
}
