package slackbot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/draftappt/draftappt/internal/appointment"
	"github.com/draftappt/draftappt/internal/mykaarma"
	"github.com/draftappt/draftappt/internal/stores"
)

// CustomerDirectory is the live myKaarma customer lookup the modal uses.
// *mykaarma.Client satisfies it.
type CustomerDirectory interface {
	SearchCustomers(ctx context.Context, deptUUID, term string, max int) ([]mykaarma.Customer, error)
	GetCustomer(ctx context.Context, deptUUID, customerUUID string) (mykaarma.Customer, error)
}

var _ CustomerDirectory = (*mykaarma.Client)(nil)

const (
	// suggestionBudget is how long a block_suggestion may search: Slack
	// drops acks after 3 s, so answer with what there is by then.
	suggestionBudget = 2500 * time.Millisecond
	// vehicleBudget bounds fetching a picked customer's vehicles; the modal
	// update happens after the ack, so only the user's patience limits it.
	vehicleBudget      = 5 * time.Second
	maxCustomerOptions = 20
	maxServiceOptions  = 50
	vehicleCacheTTL    = 10 * time.Minute
	vehicleCacheMax    = 2000
)

// vehicleCache remembers a customer's vehicles for a while, so every
// preview update of the modal does not ask myKaarma again.
type vehicleCache struct {
	mu      sync.Mutex
	entries map[string]vehicleEntry
}

type vehicleEntry struct {
	vehicles []mykaarma.Vehicle
	at       time.Time
}

func (c *vehicleCache) get(key string, now time.Time) ([]mykaarma.Vehicle, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || now.Sub(e.at) > vehicleCacheTTL {
		return nil, false
	}
	return e.vehicles, true
}

func (c *vehicleCache) put(key string, v []mykaarma.Vehicle, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= vehicleCacheMax {
		c.entries = map[string]vehicleEntry{}
	}
	c.entries[key] = vehicleEntry{vehicles: v, at: now}
}

// vehicles returns a customer's vehicles, from the cache when fresh.
func (b *Bot) vehicles(ctx context.Context, deptUUID, customerUUID string) ([]mykaarma.Vehicle, error) {
	key := deptUUID + "/" + customerUUID
	now := time.Now()
	if v, ok := b.vehicleCache.get(key, now); ok {
		return v, nil
	}
	ctx, cancel := context.WithTimeout(ctx, vehicleBudget)
	defer cancel()
	c, err := b.customers.GetCustomer(ctx, deptUUID, customerUUID)
	if err != nil {
		return nil, fmt.Errorf("vehicles of customer %s: %w", customerUUID, err)
	}
	b.vehicleCache.put(key, c.Vehicles, now)
	return c.Vehicles, nil
}

// searchHealth remembers departments whose customer search failed (not just
// slowly), so the next forms offer the id field instead of a search that
// cannot answer.
type searchHealth struct {
	mu     sync.Mutex
	broken map[string]time.Time
}

const searchRetryAfter = 5 * time.Minute

func (h *searchHealth) mark(dept string, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.broken == nil || len(h.broken) > 1000 {
		h.broken = map[string]time.Time{}
	}
	h.broken[dept] = now
}

func (h *searchHealth) ok(dept string, now time.Time) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	at, bad := h.broken[dept]
	return !bad || now.Sub(at) > searchRetryAfter
}

// searchWorks decides whether Customer is a myKaarma search or an id field:
// a search needs the store's department, and degrades to the id field while
// the department's lookups are failing (its transport list or a recent
// search). A customer already picked keeps the search, so the pick shows.
func (b *Bot) searchWorks(st stores.Store, p picks) bool {
	if st.DepartmentUUID == "" || b.customers == nil {
		return false
	}
	if p.Customer != nil {
		return true
	}
	if b.catalog != nil && b.catalog.TransportError(st.DepartmentUUID) != nil {
		return false
	}
	return b.searchBroken.ok(st.DepartmentUUID, time.Now())
}

// customerOption shows a customer compactly: the name, then a phone or an
// email to tell namesakes apart, within Slack's 75 characters.
func customerOption(c mykaarma.Customer) option {
	text := c.DisplayName()
	switch {
	case len(c.Phones) > 0:
		text += " · " + formatPhone(c.Phones[0])
	case len(c.Emails) > 0:
		text += " · " + c.Emails[0]
	}
	return option{Value: c.UUID, Text: truncateRunes(text, maxOptionText)}
}

func formatPhone(p string) string {
	d := digitsOf(p)
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	if len(d) != 10 {
		return p
	}
	return fmt.Sprintf("(%s) %s-%s", d[:3], d[3:6], d[6:])
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// searchTerm turns what the advisor typed into what myKaarma searches best
// (its guidance: a 10-digit phone, an email, the VIN's last 8, or a name;
// at most 30 characters).
func searchTerm(q string) string {
	q = strings.TrimSpace(q)
	if d := digitsOf(q); (len(d) == 10 || len(d) == 11) && !strings.ContainsFunc(q, unicode.IsLetter) {
		return d[len(d)-10:]
	}
	if strings.Contains(q, "@") {
		return truncateBytes(q, mykaarma.MaxSearchTermLength)
	}
	if v := appointment.NormalizeVIN(q); len(v) == 17 && appointment.ValidVINSyntax(v) {
		return v[9:]
	}
	return truncateBytes(strings.Join(strings.Fields(q), " "), mykaarma.MaxSearchTermLength)
}

// truncateBytes cuts s to at most n bytes at a rune boundary.
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// customerSuggestions answers the customer search; on failure or timeout it
// offers one option that explains, since an external select cannot show a
// message otherwise.
func (b *Bot) customerSuggestions(ctx context.Context, st stores.Store, query string) []option {
	term := searchTerm(query)
	if len([]rune(term)) < 2 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, suggestionBudget)
	defer cancel()
	found, err := b.customers.SearchCustomers(ctx, st.DepartmentUUID, term, maxCustomerOptions)
	if err != nil {
		b.log.Warn("customer search failed", "store", st.Name, "err", err)
		if ctx.Err() == nil && !errors.Is(err, context.DeadlineExceeded) {
			b.searchBroken.mark(st.DepartmentUUID, time.Now())
		}
		text := "⚠️ myKaarma search failed; try again"
		if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
			text = "⏳ myKaarma is slow; keep typing to search again"
		}
		return []option{{Value: optionSearchFailed, Text: text}}
	}
	out := make([]option, 0, len(found))
	for _, c := range found {
		if c.UUID != "" {
			out = append(out, customerOption(c))
		}
	}
	return out
}

func serviceOption(op mykaarma.Operation) option {
	text := op.LaborOpCode
	if op.Name != "" && !strings.EqualFold(op.Name, op.LaborOpCode) {
		text = op.Name + " (" + op.LaborOpCode + ")"
	}
	return option{Value: op.LaborOpCode, Text: text}
}

func serviceOptions(ops []mykaarma.Operation) []option {
	out := make([]option, 0, len(ops))
	for _, op := range ops {
		if op.LaborOpCode != "" && len(op.LaborOpCode) <= maxOptionValue {
			out = append(out, serviceOption(op))
		}
	}
	return out
}

// pickedServices turns picked options back into services with the details
// myKaarma wants (name, description, operation uuid) from the catalog.
func (b *Bot) pickedServices(st stores.Store, picked []option) []appointment.Service {
	out := make([]appointment.Service, 0, len(picked))
	for _, p := range picked {
		s := appointment.Service{LaborOpCode: p.Value}
		if b.catalog != nil {
			if op, ok := b.catalog.OpCode(st.DealerUUID, p.Value); ok {
				s = appointment.Service{LaborOpCode: op.LaborOpCode, Name: op.Name, Description: op.Description, OperationUUID: op.UUID}
			}
		}
		out = append(out, s)
	}
	return out
}

func (b *Bot) opCodes(st stores.Store) ([]mykaarma.Operation, bool) {
	if b.catalog == nil {
		return nil, false
	}
	return b.catalog.OpCodes(st.DealerUUID)
}

// content renders the modal for a store from what the user has so far. It
// never waits on a list: lists come from the catalog's memory, and what is
// missing degrades to a text field with a note. Only a picked customer's
// vehicles may be fetched, which callers do after acking.
func (b *Bot) content(ctx context.Context, st stores.Store, f appointment.Form, p picks, now time.Time) modalContent {
	c := modalContent{Form: f, Previews: previews(st.Domain(b.order), f, now)}
	if b.searchWorks(st, p) {
		c.CustomerSearch = true
		c.Customer = p.Customer
		if p.Customer != nil && p.Customer.Value != optionSearchFailed {
			vs, err := b.vehicles(ctx, st.DepartmentUUID, p.Customer.Value)
			switch {
			case err != nil:
				b.log.Warn("could not list the customer's vehicles", "store", st.Name, "err", err)
				c.VehicleNote = "Couldn't load this customer's vehicles from myKaarma; type the VIN."
			case len(vs) == 0:
				c.VehicleNote = "myKaarma knows no vehicle for this customer; type the VIN."
			}
			for _, v := range vs {
				if v.UUID != "" {
					c.Vehicles = append(c.Vehicles, option{Value: v.UUID, Text: v.Label()})
				}
			}
			if len(c.Vehicles) > maxStaticOpts {
				c.Vehicles = c.Vehicles[:maxStaticOpts]
			}
		}
	}

	if ops, ok := b.opCodes(st); ok && len(ops) > 0 {
		c.ServicesPicked = p.Services
		if len(ops) > maxStaticOpts {
			c.ServiceSearch = true
		} else {
			c.ServiceOptions = serviceOptions(ops)
		}
	} else {
		c.ServicesNote = "The store's service list isn't available from myKaarma right now; type labor op codes."
		if len(p.Services) > 0 && f.Services == "" {
			// Keep what was picked when the list went away.
			codes := make([]string, len(p.Services))
			for i, s := range p.Services {
				codes[i] = s.Value
			}
			c.Form.Services = strings.Join(codes, ", ")
		}
	}

	if b.catalog != nil && st.DepartmentUUID != "" {
		if ts, ok := b.catalog.TransportOptions(st.DepartmentUUID); ok && len(ts) > 0 {
			for _, t := range ts {
				c.Transport = append(c.Transport, option{Value: t.UUID, Text: t.Name})
			}
			if len(c.Transport) > maxStaticOpts {
				c.Transport = c.Transport[:maxStaticOpts]
			}
			c.TransportPicked = p.Transport
		} else {
			c.TransportNote = "Transport options aren't available from myKaarma right now; leave empty or paste an option id."
		}
	}
	for _, a := range st.Advisors {
		c.Advisors = append(c.Advisors, option{Value: a.UUID, Text: a.Name})
	}
	if len(c.Advisors) > maxStaticOpts {
		c.Advisors = c.Advisors[:maxStaticOpts]
	}
	c.AdvisorPicked = p.Advisor
	return c
}

// storeChoices lists every store for the store question.
func (b *Bot) storeChoices() []option {
	all := b.stores.All()
	out := make([]option, 0, len(all))
	for _, s := range all {
		out = append(out, option{Value: s.Name, Text: s.Name})
	}
	if len(out) > maxStaticOpts {
		out = out[:maxStaticOpts]
	}
	return out
}

// resolveStore finds the store a modal is for. A channel that belongs to a
// store always drafts for that store, whatever a payload claims; only in a
// channel of no store does the pick (or the metadata) decide.
func (b *Bot) resolveStore(meta metadata, p picks) (stores.Store, bool) {
	if st, ok := b.stores.ForChannel(meta.ChannelID); ok {
		return st, true
	}
	for _, name := range []string{p.Store, meta.Store} {
		if name != "" {
			if st, ok := b.stores.ByName(name); ok {
				return st, true
			}
		}
	}
	return stores.Store{}, false
}

// suggestionsAck is the block_suggestion answer.
func suggestionsAck(opts []option) map[string]any {
	return map[string]any{"options": optionBlocks(opts)}
}
