package sandbox_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/draftappt/draftappt/internal/mykaarma"
	"github.com/draftappt/draftappt/internal/sandbox"
)

// These tests run the real myKaarma client against the sandbox: the two
// read the spec independently, so agreement between them is evidence that
// both read it right.

func client(t *testing.T, baseURL, password string, timeout time.Duration) *mykaarma.Client {
	t.Helper()
	c, err := mykaarma.New(mykaarma.Config{BaseURL: baseURL, Username: user, Password: password, Timeout: timeout})
	require.NoError(t, err)
	return c
}

func janeRequest() mykaarma.DraftRequest {
	return mykaarma.DraftRequest{
		AppointmentStartDateTime: "2030-05-06T09:00:00",
		AppointmentEndDateTime:   "2030-05-06T10:00:00",
		OpCodes:                  []mykaarma.OpCode{{LaborOpCode: "OIL"}, {LaborOpCode: "ROTATE", OpCodeName: "Tire Rotation"}},
		CustomerDetails: mykaarma.CustomerDetails{
			UUID:               sandbox.CustomerUUID,
			VehicleIdentifiers: mykaarma.VehicleIdentifiers{VIN: sandbox.SampleVIN},
		},
		AppointmentCommunicationPreference: &mykaarma.CommunicationPreference{TextReminder: true},
		Note:                               "waiting customer",
	}
}

func apiError(t *testing.T, err error) *mykaarma.APIError {
	t.Helper()
	var apiErr *mykaarma.APIError
	require.ErrorAs(t, err, &apiErr, "want *mykaarma.APIError, got %T: %v", err, err)
	return apiErr
}

func TestClientCreatesDraft(t *testing.T) {
	sb, srv := start(t)
	c := client(t, srv.URL, pass, 0)
	ctx := mykaarma.WithRequestID(context.Background(), "slack-trigger-1")

	d, err := c.CreateDraft(ctx, sandbox.DealerUUID, janeRequest())
	require.NoError(t, err)

	drafts := sb.Drafts()
	require.Len(t, drafts, 1)
	rec := drafts[0]
	assert.Equal(t, rec.UUID, d.UUID)
	assert.Equal(t, rec.ShortURL, d.ShortURL)
	assert.Equal(t, "slack-trigger-1", rec.RequestID)
	assert.Equal(t, []mykaarma.Warning{
		{Code: "VIN_CHECK_DIGIT", Description: "VIN 1HGCM82633A123456 fails its check digit; please verify it with the customer"},
		{Code: "ADVISOR_AUTO_ASSIGNED", Description: "no advisor given: one will be assigned automatically"},
	}, d.Warnings)

	// What the sandbox decoded is what the client meant to send.
	assert.Equal(t, sandbox.DraftRequest{
		AppointmentCommunicationPreference: &sandbox.CommunicationPreference{TextReminder: true},
		AppointmentStartDateTime:           "2030-05-06T09:00:00",
		AppointmentEndDateTime:             "2030-05-06T10:00:00",
		OpCodes:                            []sandbox.OpCode{{LaborOpCode: "OIL"}, {LaborOpCode: "ROTATE", OpCodeName: "Tire Rotation"}},
		CustomerDetails: sandbox.CustomerDetails{
			UUID:               sandbox.CustomerUUID,
			VehicleIdentifiers: sandbox.VehicleIdentifiers{VIN: sandbox.SampleVIN},
		},
		Note: "waiting customer",
	}, rec.Request)

	resp, err := http.Get(d.ShortURL)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestClientErrorsFromSandbox(t *testing.T) {
	tests := []struct {
		name      string
		password  string
		dealer    string
		req       func() mykaarma.DraftRequest
		setup     func(*sandbox.Server)
		kind      mykaarma.ErrorKind
		status    int
		code      string
		retryable bool
		userMsg   string
	}{
		{
			name: "WrongPassword", password: "wrong", dealer: sandbox.DealerUUID,
			kind: mykaarma.KindAuth, status: 401, code: "UNAUTHORIZED", userMsg: "MYKAARMA_USERNAME/PASSWORD",
		},
		{
			name: "UnknownDealer", dealer: "not-our-dealer",
			kind: mykaarma.KindAuth, status: 403, code: "FORBIDDEN", userMsg: "dealer and department ids",
		},
		{
			name: "UnknownCustomer", dealer: sandbox.DealerUUID,
			req: func() mykaarma.DraftRequest {
				r := janeRequest()
				r.CustomerDetails.UUID = sandbox.OtherStoreCustomerUUID
				return r
			},
			kind: mykaarma.KindRejected, status: 400, code: "CUSTOMER_NOT_FOUND", userMsg: "no customer with uuid",
		},
		{
			name: "BadDateFormat", dealer: sandbox.DealerUUID,
			req: func() mykaarma.DraftRequest {
				r := janeRequest()
				r.AppointmentStartDateTime = "2030-05-06T09:00:00-05:00"
				return r
			},
			kind: mykaarma.KindRejected, status: 400, code: "INVALID_DATE_TIME_FORMAT", userMsg: "yyyy-MM-ddTHH:mm:ss",
		},
		{
			name: "MissingScopeLoginPage", dealer: sandbox.DealerUUID,
			setup: func(s *sandbox.Server) { s.SetMissingScope(sandbox.EndpointDraft, true) },
			kind:  mykaarma.KindScope, status: 200, userMsg: "scope appointment.draft.create",
		},
		{
			name: "ApiScopeDoesNotExist", dealer: sandbox.DealerUUID,
			setup: func(s *sandbox.Server) {
				s.FailNext(1, sandbox.Fault{Status: 403, Body: `{"error":{"errorCode":"FORBIDDEN","errorDescription":"ApiScope does not exist","errorUID":"u-1"}}`})
			},
			kind: mykaarma.KindScope, status: 403, code: "FORBIDDEN", userMsg: "lacks the scope appointment.draft.create",
		},
		{
			name: "RateLimited", dealer: sandbox.DealerUUID,
			setup: func(s *sandbox.Server) { s.FailNext(1, sandbox.Fault{Status: 429, RetryAfter: "15"}) },
			kind:  mykaarma.KindRateLimited, status: 429, retryable: true, userMsg: "Try again in 15 seconds",
		},
		{
			name: "UnavailableWithRetryAfter", dealer: sandbox.DealerUUID,
			setup: func(s *sandbox.Server) {
				s.FailNext(1, sandbox.Fault{Status: 503, ContentType: "text/html", Body: "<html>maintenance</html>", RetryAfter: "60"})
			},
			kind: mykaarma.KindUnavailable, status: 503, retryable: true, userMsg: "having trouble",
		},
		{
			name: "ServerError", dealer: sandbox.DealerUUID,
			setup: func(s *sandbox.Server) {
				s.FailNext(1, sandbox.Fault{Status: 500, Body: `{"error":[{"errorCode":"INTERNAL"}]}`})
			},
			kind: mykaarma.KindUnavailable, status: 500, code: "INTERNAL", userMsg: "may or may not have been created",
		},
		{
			name: "TwoHundredWithoutURL", dealer: sandbox.DealerUUID,
			setup: func(s *sandbox.Server) {
				s.FailNext(1, sandbox.Fault{Status: 200, Body: `{"statusCode":0,"draftAppointmentUuid":"x","shortUrl":""}`})
			},
			kind: mykaarma.KindBadResponse, status: 200, userMsg: "could not read",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb, srv := start(t)
			if tt.setup != nil {
				tt.setup(sb)
			}
			password := pass
			if tt.password != "" {
				password = tt.password
			}
			req := janeRequest()
			if tt.req != nil {
				req = tt.req()
			}
			_, err := client(t, srv.URL, password, 0).CreateDraft(context.Background(), tt.dealer, req)
			apiErr := apiError(t, err)
			assert.Equal(t, tt.kind, apiErr.Kind, "%v", err)
			assert.Equal(t, tt.status, apiErr.StatusCode)
			assert.Equal(t, tt.code, apiErr.ErrorCode)
			assert.Equal(t, tt.retryable, apiErr.Retryable())
			assert.Contains(t, apiErr.UserMessage(), tt.userMsg)
			assert.NotContains(t, err.Error(), password)
			assert.Empty(t, sb.Drafts())
		})
	}
}

// TestClientTimeoutMayHideADraft shows why a timed-out draft is not
// retryable: the sandbox, like myKaarma, finishes the work anyway.
func TestClientTimeoutMayHideADraft(t *testing.T) {
	sb, srv := start(t)
	sb.SetDelay(sandbox.EndpointDraft, 300*time.Millisecond)
	_, err := client(t, srv.URL, pass, 50*time.Millisecond).CreateDraft(context.Background(), sandbox.DealerUUID, janeRequest())
	apiErr := apiError(t, err)
	assert.Equal(t, mykaarma.KindTimeout, apiErr.Kind)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.False(t, apiErr.Retryable())
	assert.Eventually(t, func() bool { return len(sb.Drafts()) == 1 }, 2*time.Second, 10*time.Millisecond,
		"the draft was created although the client gave up")
}

func TestClientConnectionRefusedIsRetryable(t *testing.T) {
	srv := httptest.NewServer(sandbox.New(sandbox.Options{Username: user, Password: pass}))
	url := srv.URL
	srv.Close()
	_, err := client(t, url, pass, 0).CreateDraft(context.Background(), sandbox.DealerUUID, janeRequest())
	apiErr := apiError(t, err)
	assert.Equal(t, mykaarma.KindNetwork, apiErr.Kind)
	assert.True(t, apiErr.Retryable())
}

func TestClientLookups(t *testing.T) {
	sb, srv := start(t)
	c := client(t, srv.URL, pass, 0)
	ctx := context.Background()

	t.Run("SearchByLastEightOfVIN", func(t *testing.T) {
		got, err := c.SearchCustomers(ctx, sandbox.DepartmentUUID, "3A123456", 10)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, sandbox.CustomerUUID, got[0].UUID)
		assert.Equal(t, "Jane Doe", got[0].DisplayName())
		require.Len(t, got[0].Vehicles, 2)
		assert.Equal(t, "2003 Honda Accord · …A123456", got[0].Vehicles[0].Label())
		assert.Equal(t, sandbox.CustomerVehicleUUID, got[0].Vehicles[0].UUID)
	})
	t.Run("SearchAcceptsEverySpelling", func(t *testing.T) {
		got, err := c.SearchCustomers(ctx, sandbox.DepartmentUUID, "example", 0)
		require.NoError(t, err)
		require.Len(t, got, 7, "every customer of the department with an email (all at example domains; Robert Kowalski has none)")
		for _, cust := range got {
			assert.NotEmpty(t, cust.UUID, "uuid or customerUuid")
			for _, v := range cust.Vehicles {
				assert.NotEmpty(t, v.UUID, "uuid or vehicleUuid")
				assert.Len(t, v.Year, 4, "year as number or string")
			}
			if cust.UUID == sandbox.CompanyCustomerUUID {
				assert.Equal(t, "Acme Plumbing LLC", cust.DisplayName())
				assert.Equal(t, []string{"fleet@acmeplumbing.example"}, cust.Emails, "emails as objects")
				assert.Equal(t, []string{"8475550188"}, cust.Phones, "phones as objects")
			}
		}
	})
	t.Run("SearchTermTooLongIsRefusedLocally", func(t *testing.T) {
		before := len(sb.Requests())
		_, err := c.SearchCustomers(ctx, sandbox.DepartmentUUID, strings.Repeat("x", 31), 0)
		assert.Equal(t, mykaarma.KindInvalidInput, apiError(t, err).Kind)
		assert.Len(t, sb.Requests(), before)
	})
	t.Run("GetEveryCustomer", func(t *testing.T) {
		all, err := c.SearchCustomers(ctx, sandbox.DepartmentUUID, "example", 0)
		require.NoError(t, err)
		for _, want := range all {
			got, err := c.GetCustomer(ctx, sandbox.DepartmentUUID, want.UUID)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		}
	})
	t.Run("GetCustomerOfOtherStore", func(t *testing.T) {
		_, err := c.GetCustomer(ctx, sandbox.DepartmentUUID, sandbox.OtherStoreCustomerUUID)
		apiErr := apiError(t, err)
		assert.Equal(t, mykaarma.KindRejected, apiErr.Kind)
		assert.Equal(t, "CUSTOMER_NOT_FOUND", apiErr.ErrorCode)
	})
	t.Run("OpCodesPageThroughAll", func(t *testing.T) {
		before := countEndpoint(sb, sandbox.EndpointOpCodes)
		ops, err := c.ListOpCodes(ctx, sandbox.DealerUUID)
		require.NoError(t, err)
		assert.Len(t, ops, 119, "120 minus the one marked invalid")
		assert.Equal(t, 3, countEndpoint(sb, sandbox.EndpointOpCodes)-before, "50 + 50 + 20")
		assert.Equal(t, "OIL", ops[0].LaborOpCode)
		assert.Equal(t, "Oil Change", ops[0].Name)
		assert.Equal(t, 30, ops[0].DurationMinutes)
		assert.NotEmpty(t, ops[0].UUID)
	})
	t.Run("TransportOptions", func(t *testing.T) {
		got, err := c.ListTransportOptions(ctx, sandbox.DepartmentUUID)
		require.NoError(t, err)
		assert.Equal(t, []mykaarma.TransportOption{
			{UUID: "tr-0001-wait", Name: "Wait at the dealership"},
			{UUID: "tr-0002-drop", Name: "Drop-off"},
			{UUID: "tr-0003-loan", Name: "Courtesy loaner car"},
			{UUID: "tr-0004-shut", Name: "Local shuttle (5-mile radius)"},
		}, got)
	})
	t.Run("TransportOptionsUnknownDepartment", func(t *testing.T) {
		_, err := c.ListTransportOptions(ctx, "nope")
		assert.Equal(t, mykaarma.KindAuth, apiError(t, err).Kind, "error array with invalid auth credentials")
	})
	t.Run("DealerInfo", func(t *testing.T) {
		got, err := c.DealerInfo(ctx, sandbox.DealerUUID)
		require.NoError(t, err)
		assert.Equal(t, mykaarma.Dealer{UUID: sandbox.DealerUUID, Name: "Lakeside Honda", TimeZone: "US/Central"}, got)
	})
	t.Run("MissingScopeOnEveryLookup", func(t *testing.T) {
		for _, ep := range []string{sandbox.EndpointCustomerSearch, sandbox.EndpointCustomer, sandbox.EndpointOpCodes, sandbox.EndpointTransportOptions, sandbox.EndpointDealers} {
			sb.SetMissingScope(ep, true)
		}
		_, err1 := c.SearchCustomers(ctx, sandbox.DepartmentUUID, "doe", 0)
		_, err2 := c.GetCustomer(ctx, sandbox.DepartmentUUID, sandbox.CustomerUUID)
		_, err3 := c.ListOpCodes(ctx, sandbox.DealerUUID)
		_, err4 := c.ListTransportOptions(ctx, sandbox.DepartmentUUID)
		_, err5 := c.DealerInfo(ctx, sandbox.DealerUUID)
		for _, err := range []error{err1, err2, err3, err4, err5} {
			apiErr := apiError(t, err)
			assert.Equal(t, mykaarma.KindScope, apiErr.Kind, "%v", err)
			assert.NotEmpty(t, apiErr.Scope)
			assert.Contains(t, apiErr.UserMessage(), apiErr.Scope)
		}
	})
}

func countEndpoint(sb *sandbox.Server, endpoint string) int {
	n := 0
	for _, r := range sb.Requests() {
		if r.Endpoint == endpoint {
			n++
		}
	}
	return n
}
