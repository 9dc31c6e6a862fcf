// Package stores owns the list of dealership stores one draftappt bot
// serves: reading and validating the stores file (STORES_FILE), the
// single-store case built from plain environment variables, and finding the
// store a Slack channel, a name or a myKaarma dealer belongs to.
//
// It imports the domain (appointment) and dates, never Slack or the
// myKaarma client: the time-zone lookup is passed in as a function.
//
// # The stores file
//
// A YAML file; unknown keys are errors, so a typo never silently drops a
// setting:
//
//	stores:
//	  - name: Metro Honda            # required, unique (case-insensitive)
//	    dealer_uuid: "…"            # required, unique
//	    department_uuid: "…"        # required (customer search and transport options need it)
//	    timezone: America/Chicago   # optional: when absent it is fetched from myKaarma's dealer info at start-up
//	    hours: "mon-fri 07:00-18:00; sat 08:00-13:00"   # optional, the DEALER_HOURS format
//	    advisors:                   # optional
//	      - name: Jane Smith        # non-empty, unique within the store
//	        uuid: "…"               # non-empty, unique within the store
//	    channels: [C0123456789, C0987654321]   # Slack channel ids of this store
//
// Rules: at least one store and at most MaxStores. Ids (dealer_uuid,
// department_uuid, advisor uuid) are trimmed and must not contain spaces,
// slashes, '?', '#' or '%' (they go into URL paths). Channel ids look like
// Slack's (C…, G… or D… followed by capitals and digits) and a channel
// belongs to one store only. A store without channels is reachable only by
// name or dealer id, unless it is the only store: a single store serves
// every channel. The timezone is an IANA name ("Local" is refused: it would
// depend on the host). Every problem in the file is reported at once.
package stores

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/draftappt/draftappt/internal/appointment"
	"github.com/draftappt/draftappt/internal/dates"
)

// MaxStores bounds the stores file; a bigger group should run several bots.
const MaxStores = 200

// maxFileSize bounds what Load reads: a valid file of MaxStores stores is
// far smaller, and a wrong path (a log file, a binary) should fail fast.
const maxFileSize = 4 << 20

// maxNameLength bounds names shown in Slack (option texts allow 75).
const maxNameLength = 75

// maxIDLength bounds ids; myKaarma's are UUIDs, Slack's about a dozen
// characters.
const maxIDLength = 128

// Advisor is a service advisor a draft can be assigned to.
type Advisor struct {
	Name string
	UUID string // myKaarma's assignedAdvisorUuid
}

// Store is one dealership store (a myKaarma dealer and its service
// department).
type Store struct {
	Name           string
	DealerUUID     string
	DepartmentUUID string
	Timezone       string         // IANA name; "" until known
	Location       *time.Location // nil until the timezone is known
	Hours          dates.Hours    // zero: not configured, every time is accepted
	Advisors       []Advisor
	Channels       []string
}

// Domain is the store as the appointment domain sees it.
func (s Store) Domain(order dates.DateOrder) appointment.Store {
	return appointment.Store{
		Name:       s.Name,
		DealerUUID: s.DealerUUID,
		Location:   s.Location,
		Hours:      s.Hours,
		Order:      order,
	}
}

// clone copies the slices so callers cannot change the Set's stores.
func (s Store) clone() Store {
	s.Advisors = slices.Clone(s.Advisors)
	s.Channels = slices.Clone(s.Channels)
	return s
}

// Set is the stores one bot serves. It is safe for concurrent use;
// ResolveTimezones may run while others read.
type Set struct {
	mu        sync.RWMutex
	stores    []Store
	byChannel map[string]int
}

// Error lists every problem found in a stores file.
type Error struct {
	Path     string // the file, when read by Load
	Problems []string
}

func (e *Error) Error() string {
	prefix := "stores file"
	if e.Path != "" {
		prefix += " " + e.Path
	}
	return prefix + ": " + strings.Join(e.Problems, "; ")
}

type fileDoc struct {
	Stores []fileStore `yaml:"stores"`
}

type fileStore struct {
	Name           string        `yaml:"name"`
	DealerUUID     string        `yaml:"dealer_uuid"`
	DepartmentUUID string        `yaml:"department_uuid"`
	Timezone       string        `yaml:"timezone"`
	Hours          string        `yaml:"hours"`
	Advisors       []fileAdvisor `yaml:"advisors"`
	Channels       []string      `yaml:"channels"`
}

type fileAdvisor struct {
	Name string `yaml:"name"`
	UUID string `yaml:"uuid"`
}

// Load reads and parses the stores file at path.
func Load(path string) (*Set, error) {
	f, err := os.Open(path) //nolint:gosec // the path is the operator's STORES_FILE setting
	if err != nil {
		return nil, fmt.Errorf("stores file: %w", err) // *PathError names the path
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("stores file: %w", err)
	}
	if len(data) > maxFileSize {
		return nil, &Error{Path: path, Problems: []string{fmt.Sprintf("larger than %d MiB; is this the right file?", maxFileSize>>20)}}
	}
	set, err := Parse(data)
	if e := (*Error)(nil); errors.As(err, &e) {
		e.Path = path
	}
	return set, err
}

// unknownField rewrites yaml.v3's "field x not found in type stores.fileStore".
var unknownField = regexp.MustCompile(`field (.+) not found in type \S+`)

// Parse reads a stores file. Any problem gives an *Error listing them all.
func Parse(data []byte) (*Set, error) {
	var doc fileDoc
	var problems []string
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(&doc)
	var typeErr *yaml.TypeError
	switch {
	case errors.Is(err, io.EOF):
		return nil, &Error{Problems: []string{"the file is empty; list the stores under \"stores:\""}}
	case errors.As(err, &typeErr):
		// yaml.v3 keeps decoding past type errors, so the rest of the
		// file is still checked and everything is reported together.
		for _, msg := range typeErr.Errors {
			problems = append(problems, unknownField.ReplaceAllString(msg, `unknown key "$1"`))
		}
	case err != nil:
		return nil, &Error{Problems: []string{"not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}}
	default:
		var extra any
		if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
			problems = append(problems, "only one YAML document is allowed")
		}
	}

	stores, more := validate(doc.Stores)
	problems = append(problems, more...)
	if len(problems) > 0 {
		return nil, &Error{Problems: problems}
	}
	return newSet(stores), nil
}

// validate checks every store and turns them into Stores, collecting every
// problem.
func validate(in []fileStore) ([]Store, []string) {
	var problems []string
	switch {
	case len(in) == 0:
		return nil, []string{"no stores; list at least one under \"stores:\""}
	case len(in) > MaxStores:
		return nil, []string{fmt.Sprintf("%d stores, at most %d are supported", len(in), MaxStores)}
	}
	out := make([]Store, 0, len(in))
	names := map[string]int{}   // folded name → index
	dealers := map[string]int{} // dealer uuid → index
	channels := map[string]int{}
	for i, fs := range in {
		s := Store{
			Name:           strings.TrimSpace(fs.Name),
			DealerUUID:     strings.TrimSpace(fs.DealerUUID),
			DepartmentUUID: strings.TrimSpace(fs.DepartmentUUID),
			Timezone:       strings.TrimSpace(fs.Timezone),
		}
		label := storeLabel(i, s.Name)
		add := func(format string, args ...any) {
			problems = append(problems, label+": "+fmt.Sprintf(format, args...))
		}

		if msg := checkName(s.Name); msg != "" {
			add("name %s", msg)
		} else if j, dup := names[strings.ToLower(s.Name)]; dup {
			add("name is also used by %s", storeLabel(j, in[j].Name))
		} else {
			names[strings.ToLower(s.Name)] = i
		}

		if msg := checkID(s.DealerUUID); msg != "" {
			add("dealer_uuid %s", msg)
		} else if j, dup := dealers[s.DealerUUID]; dup {
			add("dealer_uuid %q is also used by %s", s.DealerUUID, storeLabel(j, in[j].Name))
		} else {
			dealers[s.DealerUUID] = i
		}
		if msg := checkID(s.DepartmentUUID); msg != "" {
			add("department_uuid %s", msg)
		}

		if s.Timezone != "" {
			loc, err := loadZone(s.Timezone)
			if err != nil {
				add("timezone %q is not an IANA time zone name such as America/Chicago", s.Timezone)
			}
			s.Location = loc
		}

		h, err := dates.ParseHours(fs.Hours)
		if err != nil {
			add("hours: %s", hoursProblem(err))
		}
		s.Hours = h

		advisors := make([]Advisor, len(fs.Advisors))
		for k, a := range fs.Advisors {
			advisors[k] = Advisor(a)
		}
		s.Advisors = checkAdvisors(advisors, func(k int, a Advisor, msg string) {
			add("%s: %s", advisorLabel("advisor", k, a.Name), msg)
		})

		seen := map[string]bool{}
		for _, ch := range fs.Channels {
			ch = strings.TrimSpace(ch)
			switch {
			case !channelID.MatchString(ch):
				add("channel %q is not a Slack channel id such as C0123456789", ch)
			case seen[ch]:
				add("channel %s is listed twice", ch)
			default:
				seen[ch] = true
				if j, dup := channels[ch]; dup {
					add("channel %s also belongs to %s", ch, storeLabel(j, in[j].Name))
					continue
				}
				channels[ch] = i
				s.Channels = append(s.Channels, ch)
			}
		}
		out = append(out, s)
	}
	return out, problems
}

// channelID is the shape of a Slack conversation id: public channels (C),
// private channels (G, older) and direct messages (D).
var channelID = regexp.MustCompile(`^[CDG][A-Z0-9]{6,30}$`)

func storeLabel(i int, name string) string {
	name = strings.TrimSpace(name)
	if name == "" || checkName(name) != "" {
		return fmt.Sprintf("store %d", i+1)
	}
	return fmt.Sprintf("store %d (%q)", i+1, name)
}

func advisorLabel(what string, k int, name string) string {
	name = strings.TrimSpace(name)
	if name == "" || checkName(name) != "" {
		return fmt.Sprintf("%s %d", what, k+1)
	}
	return fmt.Sprintf("%s %d (%q)", what, k+1, name)
}

// checkName returns what is wrong with a (trimmed) display name, or "".
func checkName(name string) string {
	switch {
	case name == "":
		return "is required"
	case !utf8.ValidString(name):
		return "is not valid UTF-8"
	case utf8.RuneCountInString(name) > maxNameLength:
		return fmt.Sprintf("is longer than %d characters", maxNameLength)
	case strings.ContainsFunc(name, func(r rune) bool { return unicode.IsControl(r) || r == unicode.ReplacementChar }):
		return "contains control characters"
	}
	return ""
}

// checkID returns what is wrong with a (trimmed) id, or "". Ids are
// opaque, but they go into URL paths and Slack option values, so anything
// that would need escaping is a sign of a copy-paste mistake.
func checkID(id string) string {
	switch {
	case id == "":
		return "is required"
	case len(id) > maxIDLength:
		return fmt.Sprintf("is longer than %d characters", maxIDLength)
	case !utf8.ValidString(id) || strings.ContainsFunc(id, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r) || !unicode.IsPrint(r) || strings.ContainsRune(`/\?#%`, r)
	}):
		return fmt.Sprintf("%q must be a bare id without spaces or slashes", id)
	}
	return ""
}

// hoursProblem drops the prefix dates puts on DEALER_HOURS errors: in the
// stores file the field is "hours".
func hoursProblem(err error) string {
	return strings.TrimPrefix(strings.TrimPrefix(err.Error(), "dates: "), "DEALER_HOURS ")
}

func loadZone(name string) (*time.Location, error) {
	if name == "Local" {
		return nil, errors.New(`"Local" depends on the host`)
	}
	return time.LoadLocation(name)
}

// checkAdvisors trims and checks advisors, calling bad for each problem,
// and returns the trimmed list.
func checkAdvisors(in []Advisor, bad func(k int, a Advisor, msg string)) []Advisor {
	if len(in) == 0 {
		return nil
	}
	out := make([]Advisor, 0, len(in))
	names := map[string]bool{}
	uuids := map[string]bool{}
	for k, a := range in {
		a = Advisor{Name: strings.TrimSpace(a.Name), UUID: strings.TrimSpace(a.UUID)}
		if msg := checkName(a.Name); msg != "" {
			bad(k, a, "name "+msg)
		} else if folded := strings.ToLower(a.Name); names[folded] {
			bad(k, a, "name is listed twice")
		} else {
			names[folded] = true
		}
		if msg := checkID(a.UUID); msg != "" {
			bad(k, a, "uuid "+msg)
		} else if uuids[a.UUID] {
			// Slack select options need distinct values.
			bad(k, a, fmt.Sprintf("uuid %q is listed twice", a.UUID))
		} else {
			uuids[a.UUID] = true
		}
		out = append(out, a)
	}
	return out
}

// ParseAdvisors reads the single-store environment form
// "Jane Smith=uuid-1; Bob Jones=uuid-2". Empty entries are skipped; "" gives
// no advisors. Every bad entry is reported, by position and name.
func ParseAdvisors(spec string) ([]Advisor, error) {
	var advisors []Advisor
	var problems []string
	for _, entry := range strings.Split(spec, ";") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		name, uuid, _ := strings.Cut(entry, "=")
		advisors = append(advisors, Advisor{Name: name, UUID: uuid})
	}
	advisors = checkAdvisors(advisors, func(k int, a Advisor, msg string) {
		if msg == "uuid is required" {
			msg += " (write name=uuid)"
		}
		problems = append(problems, advisorLabel("advisors entry", k, a.Name)+": "+msg)
	})
	if len(problems) > 0 {
		return nil, fmt.Errorf("advisors: %s", strings.Join(problems, "; "))
	}
	return advisors, nil
}

func newSet(stores []Store) *Set {
	s := &Set{stores: stores, byChannel: map[string]int{}}
	for i, st := range stores {
		for _, ch := range st.Channels {
			s.byChannel[ch] = i
		}
	}
	return s
}

// Single is the plain-environment-variables case: one store, serving every
// channel. The store is taken as given (the config package has checked
// it); a Timezone without a Location is loaded by ResolveTimezones.
func Single(s Store) *Set {
	return newSet([]Store{s.clone()})
}

// All returns the stores in file order.
func (s *Set) All() []Store {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Store, len(s.stores))
	for i, st := range s.stores {
		out[i] = st.clone()
	}
	return out
}

// Len is the number of stores.
func (s *Set) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.stores)
}

// ForChannel returns the store a Slack channel belongs to. A set of one
// store serves every channel.
func (s *Set) ForChannel(channelID string) (Store, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(s.stores) == 1 {
		return s.stores[0].clone(), true
	}
	i, ok := s.byChannel[strings.TrimSpace(channelID)]
	if !ok {
		return Store{}, false
	}
	return s.stores[i].clone(), true
}

// ByName finds a store by name, ignoring case and surrounding spaces.
func (s *Set) ByName(name string) (Store, bool) {
	return s.find(func(st Store) bool { return strings.EqualFold(st.Name, strings.TrimSpace(name)) })
}

// ByDealer finds a store by its myKaarma dealer UUID.
func (s *Set) ByDealer(dealerUUID string) (Store, bool) {
	return s.find(func(st Store) bool { return st.DealerUUID == strings.TrimSpace(dealerUUID) })
}

func (s *Set) find(match func(Store) bool) (Store, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, st := range s.stores {
		if match(st) {
			return st.clone(), true
		}
	}
	return Store{}, false
}

// resolveParallel bounds concurrent dealer-info requests at start-up.
const resolveParallel = 4

// ResolveTimezones fills Timezone and Location for every store that lacks
// a Location: a configured Timezone is loaded, otherwise lookup (myKaarma's
// dealer info) is asked for the dealer's IANA zone. Every failure is
// reported, each naming its store; stores that failed keep no Location.
func (s *Set) ResolveTimezones(ctx context.Context, lookup func(ctx context.Context, dealerUUID string) (string, error)) error {
	type job struct {
		i     int
		store Store
	}
	var jobs []job
	s.mu.RLock()
	for i, st := range s.stores {
		if st.Location == nil {
			jobs = append(jobs, job{i, st})
		}
	}
	s.mu.RUnlock()

	type result struct {
		zone string
		loc  *time.Location
		err  error
	}
	results := make([]result, len(jobs))
	sem := make(chan struct{}, resolveParallel)
	var wg sync.WaitGroup
	for n, j := range jobs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			zone, loc, err := resolveOne(ctx, j.store, lookup)
			if err != nil {
				err = fmt.Errorf("store %q: %w", j.store.Name, err)
			}
			results[n] = result{zone, loc, err}
		})
	}
	wg.Wait()

	var errs []error
	s.mu.Lock()
	defer s.mu.Unlock()
	for n, j := range jobs {
		r := results[n]
		if r.err != nil {
			errs = append(errs, r.err)
			continue
		}
		s.stores[j.i].Timezone, s.stores[j.i].Location = r.zone, r.loc
	}
	if len(errs) > 0 {
		return fmt.Errorf("stores: resolving time zones: %w", errors.Join(errs...))
	}
	return nil
}

func resolveOne(ctx context.Context, st Store, lookup func(context.Context, string) (string, error)) (string, *time.Location, error) {
	if st.Timezone != "" {
		loc, err := loadZone(st.Timezone)
		if err != nil {
			return "", nil, fmt.Errorf("time zone %q: %w", st.Timezone, err)
		}
		return st.Timezone, loc, nil
	}
	if lookup == nil {
		return "", nil, errors.New("no timezone is configured and there is no way to fetch it")
	}
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	zone, err := lookup(ctx, st.DealerUUID)
	if err != nil {
		return "", nil, fmt.Errorf("fetching the time zone of dealer %s from myKaarma (or set timezone in the stores file): %w", st.DealerUUID, err)
	}
	zone = strings.TrimSpace(zone)
	if zone == "" {
		return "", nil, fmt.Errorf("myKaarma reports no time zone for dealer %s; set timezone in the stores file", st.DealerUUID)
	}
	loc, err := loadZone(zone)
	if err != nil {
		return "", nil, fmt.Errorf("myKaarma's time zone %q for dealer %s: %w; set timezone in the stores file", zone, st.DealerUUID, err)
	}
	return zone, loc, nil
}
