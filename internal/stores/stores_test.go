package stores_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/draftappt/draftappt/internal/appointment"
	"github.com/draftappt/draftappt/internal/dates"
	"github.com/draftappt/draftappt/internal/stores"
)

const twoStores = `
stores:
  - name: Metro Honda
    dealer_uuid: " dealer-metro "
    department_uuid: dept-metro
    timezone: America/Chicago
    hours: "mon-fri 07:00-18:00; sat 08:00-13:00"
    advisors:
      - name: Jane Smith
        uuid: adv-1
      - name: " Bob Jones "
        uuid: adv-2
    channels: [C0123456789, G0987654321]
  - name: Uptown Kia
    dealer_uuid: dealer-uptown
    department_uuid: dept-uptown
    channels:
      - C0AAAAAAAA
`

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func TestParseValid(t *testing.T) {
	set, err := stores.Parse([]byte(twoStores))
	require.NoError(t, err)
	require.Equal(t, 2, set.Len())

	all := set.All()
	metro, uptown := all[0], all[1]
	assert.Equal(t, "Metro Honda", metro.Name)
	assert.Equal(t, "dealer-metro", metro.DealerUUID, "ids are trimmed")
	assert.Equal(t, "dept-metro", metro.DepartmentUUID)
	assert.Equal(t, "America/Chicago", metro.Timezone)
	assert.Equal(t, mustLoc(t, "America/Chicago"), metro.Location)
	assert.False(t, metro.Hours.IsZero())
	assert.Equal(t, []stores.Advisor{{Name: "Jane Smith", UUID: "adv-1"}, {Name: "Bob Jones", UUID: "adv-2"}}, metro.Advisors)
	assert.Equal(t, []string{"C0123456789", "G0987654321"}, metro.Channels)

	assert.Empty(t, uptown.Timezone)
	assert.Nil(t, uptown.Location, "no timezone: resolved later")
	assert.True(t, uptown.Hours.IsZero())
	assert.Nil(t, uptown.Advisors)

	t.Run("Domain", func(t *testing.T) {
		want := appointment.Store{Name: "Metro Honda", DealerUUID: "dealer-metro", Location: metro.Location, Hours: metro.Hours, Order: dates.DMY}
		assert.Equal(t, want, metro.Domain(dates.DMY))
	})

	t.Run("AllReturnsCopies", func(t *testing.T) {
		all[0].Channels[0] = "changed"
		got, ok := set.ForChannel("C0123456789")
		require.True(t, ok)
		assert.Equal(t, "Metro Honda", got.Name)
	})
}

func TestParseValidVariants(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want int
	}{
		{"MinimalOneStore", "stores:\n  - {name: A, dealer_uuid: d, department_uuid: x}\n", 1},
		{"NumericIDsAreStrings", "stores:\n  - {name: A, dealer_uuid: 12345, department_uuid: 0042}\n", 1},
		{"ClosedDays", "stores:\n  - {name: A, dealer_uuid: d, department_uuid: x, hours: 'mon-fri 08:00-17:00; sat closed'}\n", 1},
		{"UTCZone", "stores:\n  - {name: A, dealer_uuid: d, department_uuid: x, timezone: UTC}\n", 1},
		{"ChannelsTrimmed", "stores:\n  - {name: A, dealer_uuid: d, department_uuid: x, channels: [' C0123456789 ']}\n", 1},
		{"DirectMessageChannel", "stores:\n  - {name: A, dealer_uuid: d, department_uuid: x, channels: [D0123456789]}\n", 1},
		{"UnicodeName", "stores:\n  - {name: Autohaus Müller, dealer_uuid: d, department_uuid: x}\n", 1},
		{"Comments", "# group\nstores: # all of them\n  - name: A # first\n    dealer_uuid: d\n    department_uuid: x\n", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := stores.Parse([]byte(tt.yaml))
			require.NoError(t, err)
			assert.Equal(t, tt.want, set.Len())
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"Empty", "", []string{`the file is empty; list the stores under "stores:"`}},
		{"NoStores", "stores: []\n", []string{`no stores; list at least one under "stores:"`}},
		{"NotYAML", "stores: [\n", []string{"not valid YAML: line 1: did not find expected node content"}},
		{"UnknownTopLevelKey", "store:\n  - name: A\n", []string{
			`line 1: unknown key "store"`,
			`no stores; list at least one under "stores:"`,
		}},
		{"TwoDocuments", "stores:\n  - {name: A, dealer_uuid: d, department_uuid: x}\n---\nstores: []\n", []string{
			"only one YAML document is allowed",
		}},
		{"AllProblemsAtOnce", `
stores:
  - name: Uptown Kia
    dealer_uuid: dealer-1
    department_uuid: dept-1
    channels: [C0123456789]
  - name: Metro Honda
    dealer_uid: typo
    department_uuid: "dept 2"
    timezone: Mars/Olympus
    hours: "mon-fri 9-5"
    advisors:
      - name: ""
        uuid: adv-1
      - name: Jane
        uuid: ""
      - name: jane
        uuid: adv-1
    channels: [C0123456789, general, C0123456789]
  - dealer_uuid: dealer-1
    department_uuid: dept/3
  - name: uptown kia
    dealer_uuid: dealer-4
    department_uuid: dept-4
    timezone: Local
`, []string{
			`line 8: unknown key "dealer_uid"`,
			`store 2 ("Metro Honda"): dealer_uuid is required`,
			`store 2 ("Metro Honda"): department_uuid "dept 2" must be a bare id without spaces or slashes`,
			`store 2 ("Metro Honda"): timezone "Mars/Olympus" is not an IANA time zone name such as America/Chicago`,
			`store 2 ("Metro Honda"): hours: clause "mon-fri 9-5": bad time "9", want HH:MM (24-hour)`,
			`store 2 ("Metro Honda"): advisor 1: name is required`,
			`store 2 ("Metro Honda"): advisor 2 ("Jane"): uuid is required`,
			`store 2 ("Metro Honda"): advisor 3 ("jane"): name is listed twice`,
			`store 2 ("Metro Honda"): advisor 3 ("jane"): uuid "adv-1" is listed twice`,
			`store 2 ("Metro Honda"): channel C0123456789 also belongs to store 1 ("Uptown Kia")`,
			`store 2 ("Metro Honda"): channel "general" is not a Slack channel id such as C0123456789`,
			`store 2 ("Metro Honda"): channel C0123456789 is listed twice`,
			`store 3: name is required`,
			`store 3: dealer_uuid "dealer-1" is also used by store 1 ("Uptown Kia")`,
			`store 3: department_uuid "dept/3" must be a bare id without spaces or slashes`,
			`store 4 ("uptown kia"): name is also used by store 1 ("Uptown Kia")`,
			`store 4 ("uptown kia"): timezone "Local" is not an IANA time zone name such as America/Chicago`,
		}},
		{"WrongTypes", "stores:\n  - name: A\n    dealer_uuid: d\n    department_uuid: x\n    channels: C0123456789\n    advisors: {name: B}\n", []string{
			"line 5: cannot unmarshal !!str `C012345...` into []string",
			"line 6: cannot unmarshal !!map into []stores.fileAdvisor",
		}},
		{"LongName", "stores:\n  - {name: " + strings.Repeat("x", 76) + ", dealer_uuid: d, department_uuid: x}\n", []string{
			"store 1: name is longer than 75 characters",
		}},
		{"ControlCharacterInName", "stores:\n  - {name: \"A\\tB\", dealer_uuid: d, department_uuid: x}\n", []string{
			"store 1: name contains control characters",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := stores.Parse([]byte(tt.yaml))
			require.Error(t, err)
			assert.Nil(t, set)
			var e *stores.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tt.want, e.Problems)
			assert.True(t, strings.HasPrefix(err.Error(), "stores file: "), err.Error())
		})
	}
}

func TestParseTooManyStores(t *testing.T) {
	var b strings.Builder
	b.WriteString("stores:\n")
	for i := range stores.MaxStores + 1 {
		b.WriteString("  - {name: s" + string(rune('a'+i%26)) + ", dealer_uuid: d, department_uuid: x}\n")
	}
	_, err := stores.Parse([]byte(b.String()))
	var e *stores.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, []string{"201 stores, at most 200 are supported"}, e.Problems)
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()

	t.Run("Valid", func(t *testing.T) {
		path := filepath.Join(dir, "stores.yaml")
		require.NoError(t, os.WriteFile(path, []byte(twoStores), 0o600))
		set, err := stores.Load(path)
		require.NoError(t, err)
		assert.Equal(t, 2, set.Len())
	})

	t.Run("ProblemsNameThePath", func(t *testing.T) {
		path := filepath.Join(dir, "bad.yaml")
		require.NoError(t, os.WriteFile(path, []byte("stores: []\n"), 0o600))
		_, err := stores.Load(path)
		assert.EqualError(t, err, "stores file "+path+`: no stores; list at least one under "stores:"`)
	})

	t.Run("MissingFileNamesThePath", func(t *testing.T) {
		path := filepath.Join(dir, "missing.yaml")
		_, err := stores.Load(path)
		require.Error(t, err)
		require.ErrorIs(t, err, os.ErrNotExist)
		assert.Contains(t, err.Error(), path)
	})
}

func TestLookups(t *testing.T) {
	set, err := stores.Parse([]byte(twoStores))
	require.NoError(t, err)

	forChannel := []struct {
		channel string
		want    string // "" for no store
	}{
		{"C0123456789", "Metro Honda"},
		{"G0987654321", "Metro Honda"},
		{"C0AAAAAAAA", "Uptown Kia"},
		{" C0AAAAAAAA ", "Uptown Kia"},
		{"C0UNKNOWN1", ""},
		{"", ""},
	}
	for _, tt := range forChannel {
		t.Run("ForChannel/"+tt.channel, func(t *testing.T) {
			got, ok := set.ForChannel(tt.channel)
			assert.Equal(t, tt.want != "", ok)
			assert.Equal(t, tt.want, got.Name)
		})
	}

	byName := []struct {
		name, want string
	}{
		{"Metro Honda", "Metro Honda"},
		{"metro HONDA", "Metro Honda"},
		{"  uptown kia ", "Uptown Kia"},
		{"Metro", ""},
	}
	for _, tt := range byName {
		t.Run("ByName/"+tt.name, func(t *testing.T) {
			got, ok := set.ByName(tt.name)
			assert.Equal(t, tt.want != "", ok)
			assert.Equal(t, tt.want, got.Name)
		})
	}

	t.Run("ByDealer", func(t *testing.T) {
		got, ok := set.ByDealer("dealer-uptown")
		require.True(t, ok)
		assert.Equal(t, "Uptown Kia", got.Name)
		_, ok = set.ByDealer("DEALER-UPTOWN")
		assert.False(t, ok, "ids are opaque: exact match")
	})

	t.Run("OneStoreFromFileServesEveryChannel", func(t *testing.T) {
		one, err := stores.Parse([]byte("stores:\n  - {name: A, dealer_uuid: d, department_uuid: x, channels: [C0123456789]}\n"))
		require.NoError(t, err)
		got, ok := one.ForChannel("C0OTHER000")
		require.True(t, ok)
		assert.Equal(t, "A", got.Name)
	})

	t.Run("Single", func(t *testing.T) {
		one := stores.Single(stores.Store{Name: "Env Store", DealerUUID: "d", DepartmentUUID: "x"})
		assert.Equal(t, 1, one.Len())
		for _, ch := range []string{"C0123456789", "D0AAAAAAA", ""} {
			got, ok := one.ForChannel(ch)
			require.True(t, ok)
			assert.Equal(t, "Env Store", got.Name)
		}
		got, ok := one.ByDealer("d")
		require.True(t, ok)
		assert.Equal(t, "Env Store", got.Name)
	})
}

func TestResolveTimezones(t *testing.T) {
	const file = `
stores:
  - {name: Fixed, dealer_uuid: d-fixed, department_uuid: x1, timezone: America/New_York}
  - {name: Central, dealer_uuid: d-central, department_uuid: x2}
  - {name: Pacific, dealer_uuid: d-pacific, department_uuid: x3}
`
	zones := map[string]string{"d-central": "US/Central", "d-pacific": "America/Los_Angeles"}

	t.Run("Success", func(t *testing.T) {
		set, err := stores.Parse([]byte(file))
		require.NoError(t, err)
		var calls atomic.Int32
		err = set.ResolveTimezones(context.Background(), func(_ context.Context, dealer string) (string, error) {
			calls.Add(1)
			return zones[dealer], nil
		})
		require.NoError(t, err)
		assert.Equal(t, int32(2), calls.Load(), "stores with a timezone are not looked up")

		got := map[string]string{}
		for _, s := range set.All() {
			require.NotNil(t, s.Location, s.Name)
			got[s.Name] = s.Timezone + "|" + s.Location.String()
		}
		want := map[string]string{
			"Fixed":   "America/New_York|America/New_York",
			"Central": "US/Central|US/Central",
			"Pacific": "America/Los_Angeles|America/Los_Angeles",
		}
		assert.Equal(t, want, got)

		// Nothing left to resolve: a second call asks nobody.
		require.NoError(t, set.ResolveTimezones(context.Background(), func(context.Context, string) (string, error) {
			t.Error("unexpected lookup")
			return "", nil
		}))
	})

	t.Run("ErrorsNameTheStore", func(t *testing.T) {
		set, err := stores.Parse([]byte(file))
		require.NoError(t, err)
		boom := errors.New("myKaarma says no")
		err = set.ResolveTimezones(context.Background(), func(_ context.Context, dealer string) (string, error) {
			switch dealer {
			case "d-central":
				return "", boom
			default:
				return "Mars/Olympus", nil
			}
		})
		require.Error(t, err)
		require.ErrorIs(t, err, boom)
		assert.Contains(t, err.Error(), `store "Central": fetching the time zone of dealer d-central`)
		assert.Contains(t, err.Error(), `store "Pacific": myKaarma's time zone "Mars/Olympus" for dealer d-pacific`)

		central, _ := set.ByName("Central")
		assert.Nil(t, central.Location, "a failed store stays unresolved")
		fixed, _ := set.ByName("Fixed")
		assert.NotNil(t, fixed.Location)
	})

	t.Run("EmptyZone", func(t *testing.T) {
		set, err := stores.Parse([]byte(file))
		require.NoError(t, err)
		err = set.ResolveTimezones(context.Background(), func(context.Context, string) (string, error) { return " ", nil })
		require.Error(t, err)
		assert.Contains(t, err.Error(), `store "Central": myKaarma reports no time zone for dealer d-central`)
	})

	t.Run("SingleLoadsItsTimezone", func(t *testing.T) {
		set := stores.Single(stores.Store{Name: "Env", DealerUUID: "d", DepartmentUUID: "x", Timezone: "Europe/Berlin"})
		require.NoError(t, set.ResolveTimezones(context.Background(), nil))
		got, _ := set.ForChannel("C0123456789")
		assert.Equal(t, mustLoc(t, "Europe/Berlin"), got.Location)
	})

	t.Run("CancelledContext", func(t *testing.T) {
		set, err := stores.Parse([]byte(file))
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err = set.ResolveTimezones(ctx, func(ctx context.Context, _ string) (string, error) { return "", ctx.Err() })
		assert.ErrorIs(t, err, context.Canceled)
	})
}

func TestParseAdvisors(t *testing.T) {
	tests := []struct {
		name    string
		spec    string
		want    []stores.Advisor
		wantErr string
	}{
		{"Empty", "", nil, ""},
		{"Blank", " ; ;", nil, ""},
		{"Two", "Jane Smith=uuid-1; Bob Jones=uuid-2", []stores.Advisor{{"Jane Smith", "uuid-1"}, {"Bob Jones", "uuid-2"}}, ""},
		{"SpacesAndTrailingSemicolon", "  Jane Smith = uuid-1 ;", []stores.Advisor{{"Jane Smith", "uuid-1"}}, ""},
		{"Unicode", "José Núñez=u1", []stores.Advisor{{"José Núñez", "u1"}}, ""},
		{"MissingEquals", "Jane Smith uuid-1", nil, `advisors: advisors entry 1 ("Jane Smith uuid-1"): uuid is required (write name=uuid)`},
		{"MissingName", "=uuid-1", nil, `advisors: advisors entry 1: name is required`},
		{"BadUUID", "Jane=uuid 1", nil, `advisors: advisors entry 1 ("Jane"): uuid "uuid 1" must be a bare id without spaces or slashes`},
		{"AllProblems", "Jane=u1; jane=u2; Bob=u1; Al=", nil,
			`advisors: advisors entry 2 ("jane"): name is listed twice; advisors entry 3 ("Bob"): uuid "u1" is listed twice; advisors entry 4 ("Al"): uuid is required (write name=uuid)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := stores.ParseAdvisors(tt.spec)
			if tt.wantErr != "" {
				assert.EqualError(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

var slackID = regexp.MustCompile(`^[CDG][A-Z0-9]{6,}$`)

func checkID(t *testing.T, what, id string) {
	t.Helper()
	if id == "" || id != strings.TrimSpace(id) || strings.ContainsAny(id, `/\?#% `) {
		t.Fatalf("%s = %q; want a bare id", what, id)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(twoStores))
	f.Add([]byte("stores:\n  - {name: A, dealer_uuid: d, department_uuid: x, timezone: UTC, hours: 'daily 00:00-24:00'}\n"))
	f.Add([]byte("stores:\n  - {name: A, dealer_uuid: d, department_uuid: x}\n  - {name: a, dealer_uuid: d, department_uuid: x}\n"))
	f.Add([]byte("stores: &a [*a]\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := stores.Parse(data)
		if err != nil {
			var e *stores.Error
			if !errors.As(err, &e) || len(e.Problems) == 0 {
				t.Fatalf("err = %v (%T); want *stores.Error with problems", err, err)
			}
			return
		}
		all := set.All()
		if n := set.Len(); n < 1 || n > stores.MaxStores || n != len(all) {
			t.Fatalf("Len = %d, All has %d", n, len(all))
		}
		names := map[string]bool{}
		channels := map[string]bool{}
		for _, s := range all {
			if s.Name == "" || s.Name != strings.TrimSpace(s.Name) || strings.ContainsFunc(s.Name, unicode.IsControl) {
				t.Fatalf("name = %q", s.Name)
			}
			if names[strings.ToLower(s.Name)] {
				t.Fatalf("duplicate name %q", s.Name)
			}
			names[strings.ToLower(s.Name)] = true
			checkID(t, "dealer_uuid", s.DealerUUID)
			checkID(t, "department_uuid", s.DepartmentUUID)
			if (s.Timezone == "") != (s.Location == nil) {
				t.Fatalf("timezone %q, location %v", s.Timezone, s.Location)
			}
			for _, a := range s.Advisors {
				if a.Name == "" {
					t.Fatalf("empty advisor name in %q", s.Name)
				}
				checkID(t, "advisor uuid", a.UUID)
			}
			for _, ch := range s.Channels {
				if !slackID.MatchString(ch) || channels[ch] {
					t.Fatalf("channel %q", ch)
				}
				channels[ch] = true
				if got, ok := set.ForChannel(ch); !ok || got.Name != s.Name {
					t.Fatalf("ForChannel(%q) = %q, %v; want %q", ch, got.Name, ok, s.Name)
				}
			}
			if got, ok := set.ByName(s.Name); !ok || got.DealerUUID != s.DealerUUID {
				t.Fatalf("ByName(%q) = %v, %v", s.Name, got, ok)
			}
		}
	})
}

func FuzzParseAdvisors(f *testing.F) {
	f.Add("Jane Smith=uuid-1; Bob Jones=uuid-2")
	f.Add("=;=;a=b=c")
	f.Add("  ; x = y ;")
	f.Fuzz(func(t *testing.T, spec string) {
		advisors, err := stores.ParseAdvisors(spec)
		if err != nil {
			if advisors != nil {
				t.Fatalf("advisors %v with error %v", advisors, err)
			}
			return
		}
		names := map[string]bool{}
		for _, a := range advisors {
			if a.Name == "" || a.Name != strings.TrimSpace(a.Name) || names[strings.ToLower(a.Name)] {
				t.Fatalf("advisor name %q", a.Name)
			}
			names[strings.ToLower(a.Name)] = true
			checkID(t, "uuid", a.UUID)
		}
	})
}
