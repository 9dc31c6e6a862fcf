package slackbot

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// Access says who may use the bot where. Empty lists allow everyone.
type Access struct {
	Channels []string
	Users    []string
}

func (a Access) allows(channelID, userID string) (bool, string) {
	if len(a.Users) > 0 && !contains(a.Users, userID) {
		return false, "Sorry, you're not set up to create drafts with this bot. Ask your administrator to add you."
	}
	if len(a.Channels) > 0 && !contains(a.Channels, channelID) {
		return false, "Sorry, draftappt isn't enabled in this channel. Use it in your service team's channel, or ask your administrator."
	}
	return true, ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// rateLimiter allows each user a number of drafts per sliding window, so a
// stuck key or a script cannot flood myKaarma.
type rateLimiter struct {
	limit  int
	window time.Duration
	mu     sync.Mutex
	hits   map[string][]time.Time
}

func newRateLimiter(limit int, window time.Duration) *rateLimiter {
	return &rateLimiter{limit: limit, window: window, hits: map[string][]time.Time{}}
}

// allow records a hit for user at now unless the user is over the limit.
func (r *rateLimiter) allow(user string, now time.Time) bool {
	if r == nil || r.limit <= 0 {
		return true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	cut := now.Add(-r.window)
	kept := r.hits[user][:0]
	for _, t := range r.hits[user] {
		if t.After(cut) {
			kept = append(kept, t)
		}
	}
	if len(kept) >= r.limit {
		r.hits[user] = kept
		return false
	}
	r.hits[user] = append(kept, now)
	if len(r.hits) > 10000 {
		r.gc(cut)
	}
	return true
}

// gc drops users with no recent hits, so the map cannot grow forever.
func (r *rateLimiter) gc(cut time.Time) {
	for u, ts := range r.hits {
		if len(ts) == 0 || !ts[len(ts)-1].After(cut) {
			delete(r.hits, u)
		}
	}
}

// newNonce returns 16 random hex characters.
func newNonce() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// submissionKey identifies a submission for de-duplication: the view and
// exactly what was in it. Slack re-sends a view_submission only with the
// same view id, so a second click with the same values gets the same key,
// while a corrected form gets a new one.
func submissionKey(viewID string, st *slack.ViewState) string {
	type kv struct {
		Block, Action string
		Value         slack.BlockAction
	}
	var all []kv
	if st != nil {
		for b, acts := range st.Values {
			for a, v := range acts {
				all = append(all, kv{b, a, v})
			}
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Block != all[j].Block {
			return all[i].Block < all[j].Block
		}
		return all[i].Action < all[j].Action
	})
	b, _ := json.Marshal(all) // plain data always marshals
	sum := sha256.Sum256(b)
	return viewID + ":" + hex.EncodeToString(sum[:12])
}
