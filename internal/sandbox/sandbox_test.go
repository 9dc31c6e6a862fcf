package sandbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/draftappt/draftappt/internal/sandbox"
)

const (
	user = "svc-user"
	pass = "svc-pass"
)

var fixedNow = time.Date(2024, 3, 4, 15, 30, 0, 0, time.UTC)

func start(t *testing.T) (*sandbox.Server, *httptest.Server) {
	t.Helper()
	sb := sandbox.New(sandbox.Options{Username: user, Password: pass, Now: func() time.Time { return fixedNow }})
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	sb.SetPublicURL(srv.URL + "/") // the trailing slash is dropped
	return sb, srv
}

type answer struct {
	Status int
	Header http.Header
	Body   string
}

func (a answer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(a.Body), &m), "body: %s", a.Body)
	return m
}

// errorCode returns the code of an appointment/v2 error object or a
// customer/v2 errors array.
func (a answer) errorCode(t *testing.T) string {
	t.Helper()
	m := a.json(t)
	if e, ok := m["error"].(map[string]any); ok {
		return e["errorCode"].(string)
	}
	if e, ok := m["error"].([]any); ok && len(e) > 0 {
		return e[0].(map[string]any)["errorCode"].(string)
	}
	if e, ok := m["errors"].([]any); ok && len(e) > 0 {
		return e[0].(map[string]any)["errorCode"].(string)
	}
	return ""
}

func do(t *testing.T, method, url, body string, auth bool, headers ...string) answer {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	if auth {
		req.SetBasicAuth(user, pass)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{resp.StatusCode, resp.Header, string(b)}
}

func draftURL(base, dealer string) string {
	return base + "/appointment/v2/dealer/" + dealer + "/draftAppointment"
}

// docSample is the first sample of draft-appointment-api.txt with its
// placeholders filled from the seed.
var docSample = strings.NewReplacer(
	"{{advisor_uuid}}", sandbox.AdvisorUUID,
	"{{customer_uuid}}", sandbox.CustomerUUID,
	"{{transport_option_uuid}}", "tr-0003-loan",
).Replace(`{
  "appointmentCommunicationPreference": {
    "emailConfirmation": true,
    "emailReminder": true,
    "notifyCustomer": true,
    "sendCommunicationToDA": true,
    "textConfirmation": true,
    "textReminder": true
  },
  "appointmentEndDateTime": "2024-01-01T10:00:00",
  "appointmentStartDateTime": "2024-01-01T09:00:00",
  "assignedAdvisorUuid": "{{advisor_uuid}}",
  "opCodes": [
    {
      "laborOpCode": "OIL_CHANGE",
      "description": "Oil Change Service",
      "opCodeName": "Oil Change"
    }
  ],
  "customerDetails": {
    "uuid": "{{customer_uuid}}",
    "vehicleIdentifiers": {
      "vin": "1HGCM82633A123456"
    }
  },
  "transportOption": "{{transport_option_uuid}}",
  "note": "Regular maintenance service",
  "expiry": "2024-02-01T00:00:00"
}`)

// docSampleMalformed is the documentation's second sample as published:
// the vin value lacks its closing quote.
const docSampleMalformed = `{
  "appointmentStartDateTime": "2024-01-01T09:00:00",
  "customerDetails": {
    "uuid": "{{customer_uuid}}",
    "vehicleIdentifiers": {
      "uuid": "{{vehicle_uuid}}",
      "vin": "{{vehicle_vin}}
    }
  }
}`

func minimalDraft(customer, vehicle string) string {
	return fmt.Sprintf(`{"appointmentStartDateTime":"2030-01-01T09:00:00","customerDetails":{"uuid":%q,"vehicleIdentifiers":{%s}}}`, customer, vehicle)
}

func TestAuth(t *testing.T) {
	_, srv := start(t)
	t.Run("ErrNoCredentials", func(t *testing.T) {
		a := do(t, http.MethodPost, draftURL(srv.URL, sandbox.DealerUUID), docSample, false)
		assert.Equal(t, http.StatusUnauthorized, a.Status)
		assert.Contains(t, a.Body, "invalid auth credentials")
		assert.Contains(t, a.Header.Get("Content-Type"), "application/json")
	})
	t.Run("ErrWrongPassword", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/appointment/v2/department/"+sandbox.DepartmentUUID+"/transportOption/list", nil)
		req.SetBasicAuth(user, "wrong")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	})
	t.Run("HealthNeedsNoCredentials", func(t *testing.T) {
		assert.Equal(t, http.StatusOK, do(t, http.MethodGet, srv.URL+"/healthz", "", false).Status)
	})
	t.Run("UnknownEndpoint", func(t *testing.T) {
		a := do(t, http.MethodGet, srv.URL+"/nope", "", true)
		assert.Equal(t, http.StatusNotFound, a.Status)
		assert.Equal(t, "NOT_FOUND", a.errorCode(t))
	})
}

func TestDefaultCredentials(t *testing.T) {
	srv := httptest.NewServer(sandbox.New(sandbox.Options{}))
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/manage/v2/dealer/list", strings.NewReader(`{"dealerUuids":["`+sandbox.DealerUUID+`"]}`))
	req.SetBasicAuth(sandbox.DefaultUsername, sandbox.DefaultPassword)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestDraftValidation(t *testing.T) {
	_, srv := start(t)
	jane := sandbox.CustomerUUID
	tests := []struct {
		name   string
		dealer string
		body   string
		status int
		code   string
	}{
		{"ErrDocSampleMalformedJSON", sandbox.DealerUUID, docSampleMalformed, 400, "INVALID_REQUEST_BODY"},
		{"ErrEmptyBody", sandbox.DealerUUID, " ", 400, "INVALID_REQUEST_BODY"},
		{"ErrNotAnObject", sandbox.DealerUUID, `[]`, 400, "INVALID_REQUEST_BODY"},
		{"ErrTrailingData", sandbox.DealerUUID, minimalDraft(jane, `"vin":"1HGCM82633A123456"`) + `{}`, 400, "INVALID_REQUEST_BODY"},
		{"ErrUnknownField", sandbox.DealerUUID, `{"appointmentStartDateTime":"2030-01-01T09:00:00","advisorUuid":"x","customerDetails":{"uuid":"` + jane + `","vehicleIdentifiers":{"vin":"1HGCM82633A123456"}}}`, 400, "INVALID_REQUEST_BODY"},
		{"ErrMissingStart", sandbox.DealerUUID, `{"customerDetails":{"uuid":"` + jane + `","vehicleIdentifiers":{"vin":"1HGCM82633A123456"}}}`, 400, "MISSING_APPOINTMENT_START"},
		{"ErrStartWithSpace", sandbox.DealerUUID, strings.Replace(minimalDraft(jane, `"vin":"1HGCM82633A123456"`), "2030-01-01T09:00:00", "2030-01-01 09:00:00", 1), 400, "INVALID_DATE_TIME_FORMAT"},
		{"ErrStartWithOffset", sandbox.DealerUUID, strings.Replace(minimalDraft(jane, `"vin":"1HGCM82633A123456"`), "2030-01-01T09:00:00", "2030-01-01T09:00:00Z", 1), 400, "INVALID_DATE_TIME_FORMAT"},
		{"ErrStartNoSeconds", sandbox.DealerUUID, strings.Replace(minimalDraft(jane, `"vin":"1HGCM82633A123456"`), "2030-01-01T09:00:00", "2030-01-01T09:00", 1), 400, "INVALID_DATE_TIME_FORMAT"},
		{"ErrBadEnd", sandbox.DealerUUID, strings.Replace(docSample, `"2024-01-01T10:00:00"`, `"10am"`, 1), 400, "INVALID_DATE_TIME_FORMAT"},
		{"ErrBadExpiry", sandbox.DealerUUID, strings.Replace(docSample, `"2024-02-01T00:00:00"`, `"2024-02-01"`, 1), 400, "INVALID_DATE_TIME_FORMAT"},
		{"ErrMissingCustomer", sandbox.DealerUUID, minimalDraft("", `"vin":"1HGCM82633A123456"`), 400, "MISSING_CUSTOMER"},
		{"ErrUnknownCustomer", sandbox.DealerUUID, minimalDraft("no-such-customer", `"vin":"1HGCM82633A123456"`), 400, "CUSTOMER_NOT_FOUND"},
		{"ErrOtherStoresCustomer", sandbox.DealerUUID, minimalDraft(sandbox.OtherStoreCustomerUUID, `"vin":"5TFAZ5CN7FX000009"`), 400, "CUSTOMER_NOT_FOUND"},
		{"ErrNoVehicleIdentifiers", sandbox.DealerUUID, minimalDraft(jane, ``), 400, "MISSING_VEHICLE_IDENTIFIER"},
		{"ErrUnknownVehicleUUID", sandbox.DealerUUID, minimalDraft(jane, `"uuid":"no-such-vehicle"`), 400, "VEHICLE_NOT_FOUND"},
		{"ErrOpCodeWithoutLaborOpCode", sandbox.DealerUUID, strings.Replace(docSample, `"laborOpCode": "OIL_CHANGE",`, ``, 1), 400, "INVALID_OPCODE"},
		{"ErrUnknownDealer", "no-such-dealer", docSample, 403, "FORBIDDEN"},
		{"DocSample", sandbox.DealerUUID, docSample, 200, ""},
		{"VehicleByUUID", sandbox.DealerUUID, minimalDraft(jane, `"uuid":"`+sandbox.CustomerVehicleUUID+`"`), 200, ""},
		{"SecondDealer", sandbox.SecondDealerUUID, minimalDraft(sandbox.OtherStoreCustomerUUID, `"vin":"5TFAZ5CN7FX000009"`), 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, http.MethodPost, draftURL(srv.URL, tt.dealer), tt.body, true)
			require.Equal(t, tt.status, a.Status, "body: %s", a.Body)
			assert.Contains(t, a.Header.Get("Content-Type"), "application/json")
			m := a.json(t)
			if tt.status != http.StatusOK {
				assert.Equal(t, tt.code, a.errorCode(t))
				e := m["error"].(map[string]any)
				assert.NotEmpty(t, e["errorDescription"])
				assert.NotEmpty(t, e["errorUID"])
				return
			}
			assert.Nil(t, m["error"])
			assert.NotEmpty(t, m["draftAppointmentUuid"])
			assert.True(t, strings.HasPrefix(m["shortUrl"].(string), srv.URL+"/d/"), "short URL %v under PublicURL", m["shortUrl"])
		})
	}
	t.Run("UnknownDealerSaysInvalidAuth", func(t *testing.T) {
		a := do(t, http.MethodPost, draftURL(srv.URL, "no-such-dealer"), docSample, true)
		assert.Contains(t, a.Body, "invalid auth credentials")
	})
}

func warningCodes(t *testing.T, a answer) []string {
	t.Helper()
	codes := []string{}
	for _, w := range a.json(t)["warnings"].([]any) {
		codes = append(codes, w.(map[string]any)["warningCode"].(string))
	}
	return codes
}

func TestDraftWarnings(t *testing.T) {
	_, srv := start(t)
	jane := sandbox.CustomerUUID
	withAdvisor := func(body string) string {
		return strings.Replace(body, `{"appointmentStartDateTime"`, `{"assignedAdvisorUuid":"`+sandbox.AdvisorUUID+`","appointmentStartDateTime"`, 1)
	}
	tests := []struct {
		name string
		body string
		want []string
	}{
		{"DocSampleVINFailsCheckDigit", docSample, []string{"VIN_CHECK_DIGIT"}},
		{"ValidVINOnFile", withAdvisor(minimalDraft(jane, `"vin":"4t1b11hkxku000001"`)), []string{}},
		{"VINNotOnFile", withAdvisor(minimalDraft(jane, `"vin":"7FARW2H51NE000006"`)), []string{"VIN_NOT_FOUND"}},
		{"VINNotOnFileAndFailsCheckDigit", withAdvisor(minimalDraft(sandbox.NoVehicleCustomerUUID, `"vin":"1HGCM82633A123456"`)), []string{"VIN_CHECK_DIGIT", "VIN_NOT_FOUND"}},
		{"VINDisagreesWithUUID", withAdvisor(minimalDraft(jane, `"uuid":"`+sandbox.CustomerVehicleUUID+`","vin":"4T1B11HKXKU000001"`)), []string{"VIN_MISMATCH"}},
		{"NoAdvisor", minimalDraft(jane, `"uuid":"`+sandbox.CustomerVehicleUUID+`"`), []string{"ADVISOR_AUTO_ASSIGNED"}},
		{"UnknownAdvisor", strings.Replace(docSample, sandbox.AdvisorUUID, "nobody", 1), []string{"VIN_CHECK_DIGIT", "ADVISOR_NOT_FOUND"}},
		{"UnknownTransport", strings.Replace(docSample, "tr-0003-loan", "tr-nope", 1), []string{"VIN_CHECK_DIGIT", "TRANSPORT_OPTION_NOT_FOUND"}},
		{"KnownOpCode", strings.Replace(docSample, "OIL_CHANGE", "OIL", 1), []string{"VIN_CHECK_DIGIT"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, http.MethodPost, draftURL(srv.URL, sandbox.DealerUUID), tt.body, true)
			require.Equal(t, http.StatusOK, a.Status, a.Body)
			got := warningCodes(t, a)
			// The doc sample's OIL_CHANGE is not a seeded opcode.
			if strings.Contains(tt.body, `"OIL_CHANGE"`) {
				tt.want = append(tt.want, "OPCODE_NOT_FOUND")
			}
			assert.Equal(t, tt.want, got)
		})
	}
	t.Run("CheckDigitWarningSaysSo", func(t *testing.T) {
		a := do(t, http.MethodPost, draftURL(srv.URL, sandbox.DealerUUID), docSample, true)
		assert.Contains(t, a.Body, "check digit")
	})
}

func TestDraftRecordedAndShownAtShortURL(t *testing.T) {
	sb, srv := start(t)
	body := strings.NewReplacer(
		"Regular maintenance service", `<script>alert(\"x\")</script> & bring keys`,
		"OIL_CHANGE", "OIL",
	).Replace(docSample)
	a := do(t, http.MethodPost, draftURL(srv.URL, sandbox.DealerUUID), body, true, "X-Request-Id", "req-7")
	require.Equal(t, http.StatusOK, a.Status, a.Body)
	m := a.json(t)

	drafts := sb.Drafts()
	require.Len(t, drafts, 1)
	d := drafts[0]
	assert.Equal(t, sandbox.DealerUUID, d.DealerUUID)
	assert.Equal(t, m["draftAppointmentUuid"], d.UUID)
	assert.Equal(t, m["shortUrl"], d.ShortURL)
	assert.Equal(t, srv.URL+"/d/"+d.ShortID, d.ShortURL)
	assert.Equal(t, fixedNow, d.Created)
	assert.Equal(t, "req-7", d.RequestID)
	assert.Equal(t, "2024-01-01T09:00:00", d.Request.AppointmentStartDateTime)
	assert.Equal(t, sandbox.CustomerUUID, d.Request.CustomerDetails.UUID)
	assert.Equal(t, sandbox.SampleVIN, d.Request.CustomerDetails.VehicleIdentifiers.VIN)
	require.NotNil(t, d.Request.AppointmentCommunicationPreference)
	assert.True(t, d.Request.AppointmentCommunicationPreference.TextReminder)
	require.Len(t, d.Request.OpCodes, 1)
	assert.Equal(t, "OIL", d.Request.OpCodes[0].LaborOpCode)

	// Drafts returns copies: changing one does not change the record.
	d.Request.OpCodes[0].LaborOpCode = "CHANGED"
	d.Request.AppointmentCommunicationPreference.TextReminder = false
	again := sb.Drafts()[0]
	assert.Equal(t, "OIL", again.Request.OpCodes[0].LaborOpCode)
	assert.True(t, again.Request.AppointmentCommunicationPreference.TextReminder)

	page := do(t, http.MethodGet, d.ShortURL, "", false)
	require.Equal(t, http.StatusOK, page.Status)
	assert.Contains(t, page.Header.Get("Content-Type"), "text/html")
	for _, want := range []string{
		"Lakeside Honda", "Jane Doe", "2003 Honda Accord (1HGCM82633A123456)", "Mon Jan 1, 2024 at 9:00 AM",
		"Mon Jan 1, 2024 at 10:00 AM", "OIL – Oil Change", "Maria Gonzalez", "Courtesy loaner car",
		"Thu Feb 1, 2024 at 12:00 AM", "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; bring keys", d.UUID,
	} {
		assert.Contains(t, page.Body, want)
	}
	assert.NotContains(t, page.Body, "<script>")

	notFound := do(t, http.MethodGet, srv.URL+"/d/nope", "", false)
	assert.Equal(t, http.StatusNotFound, notFound.Status)
	assert.Contains(t, notFound.Body, "not valid")
}

func TestShortURLFromHostWithoutPublicURL(t *testing.T) {
	srv := httptest.NewServer(sandbox.New(sandbox.Options{Username: user, Password: pass}))
	defer srv.Close()
	a := do(t, http.MethodPost, draftURL(srv.URL, sandbox.DealerUUID), docSample, true)
	require.Equal(t, http.StatusOK, a.Status)
	assert.True(t, strings.HasPrefix(a.json(t)["shortUrl"].(string), srv.URL+"/d/"))
}

func TestFailNext(t *testing.T) {
	sb, srv := start(t)
	sb.FailNext(2, sandbox.Fault{Status: http.StatusServiceUnavailable, Body: `{"error":{"errorCode":"DOWN"}}`, RetryAfter: "7"})

	for range 2 {
		a := do(t, http.MethodPost, draftURL(srv.URL, sandbox.DealerUUID), docSample, true)
		assert.Equal(t, http.StatusServiceUnavailable, a.Status)
		assert.Equal(t, "7", a.Header.Get("Retry-After"))
		assert.Equal(t, "application/json", a.Header.Get("Content-Type"), "sniffed from the body")
	}
	assert.Empty(t, sb.Drafts(), "a faulted call creates nothing")

	a := do(t, http.MethodPost, draftURL(srv.URL, sandbox.DealerUUID), docSample, true)
	assert.Equal(t, http.StatusOK, a.Status, "the faults are used up")
	assert.Len(t, sb.Drafts(), 1)

	reqs := sb.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, []int{503, 503, 200}, []int{reqs[0].Status, reqs[1].Status, reqs[2].Status})
	assert.Equal(t, sandbox.EndpointDraft, reqs[0].Endpoint)
	assert.Equal(t, http.MethodPost, reqs[0].Method)
	assert.Equal(t, "/appointment/v2/dealer/"+sandbox.DealerUUID+"/draftAppointment", reqs[0].Path)
}

func TestFailNextOnLookup(t *testing.T) {
	sb, srv := start(t)
	sb.FailNextOn(sandbox.EndpointTransportOptions, 1, sandbox.Fault{Status: http.StatusForbidden, Body: "ApiScope does not exist"})
	url := srv.URL + "/appointment/v2/department/" + sandbox.DepartmentUUID + "/transportOption/list"
	a := do(t, http.MethodGet, url, "", true)
	assert.Equal(t, http.StatusForbidden, a.Status)
	assert.Contains(t, a.Header.Get("Content-Type"), "text/plain")
	assert.Equal(t, http.StatusOK, do(t, http.MethodGet, url, "", true).Status)
}

func TestFaultDelayOnly(t *testing.T) {
	sb, srv := start(t)
	sb.FailNext(1, sandbox.Fault{Delay: 50 * time.Millisecond})
	begin := time.Now()
	a := do(t, http.MethodPost, draftURL(srv.URL, sandbox.DealerUUID), docSample, true)
	assert.GreaterOrEqual(t, time.Since(begin), 50*time.Millisecond)
	assert.Equal(t, http.StatusOK, a.Status, "status 0 delays, then answers normally")
	assert.Len(t, sb.Drafts(), 1)
}

func TestSetDelay(t *testing.T) {
	sb, srv := start(t)
	sb.SetDelay(sandbox.EndpointDealers, 60*time.Millisecond)
	begin := time.Now()
	a := do(t, http.MethodPost, srv.URL+"/manage/v2/dealer/list", `{"dealerUuids":["`+sandbox.DealerUUID+`"]}`, true)
	assert.Equal(t, http.StatusOK, a.Status)
	assert.GreaterOrEqual(t, time.Since(begin), 60*time.Millisecond)

	sb.SetDelay(sandbox.EndpointDealers, 0)
	begin = time.Now()
	do(t, http.MethodPost, srv.URL+"/manage/v2/dealer/list", `{"dealerUuids":["`+sandbox.DealerUUID+`"]}`, true)
	assert.Less(t, time.Since(begin), 50*time.Millisecond)
}

func TestSetMissingScope(t *testing.T) {
	sb, srv := start(t)
	sb.SetMissingScope(sandbox.EndpointCustomerSearch, true)
	url := srv.URL + "/customer/v2/department/" + sandbox.DepartmentUUID + "/customer/list?searchTerm=doe"
	a := do(t, http.MethodGet, url, "", true)
	assert.Equal(t, http.StatusOK, a.Status)
	assert.Contains(t, a.Header.Get("Content-Type"), "text/html")
	assert.Contains(t, a.Body, "Sign in")

	sb.SetMissingScope(sandbox.EndpointCustomerSearch, false)
	assert.Contains(t, do(t, http.MethodGet, url, "", true).Header.Get("Content-Type"), "application/json")
}

func TestUnknownEndpointNamePanics(t *testing.T) {
	sb := sandbox.New(sandbox.Options{})
	assert.Panics(t, func() { sb.SetDelay("drafts", time.Second) })
	assert.Panics(t, func() { sb.FailNextOn("nope", 1, sandbox.Fault{}) })
	assert.Panics(t, func() { sb.SetMissingScope(sandbox.EndpointDraftPage, true) })
}

func searchURL(base, dept string, q string) string {
	return base + "/customer/v2/department/" + dept + "/customer/list?" + q
}

// customerIDs returns the ids of a search answer, whichever key names them.
func customerIDs(t *testing.T, a answer) []string {
	t.Helper()
	ids := []string{}
	for _, e := range a.json(t)["customerWithVehicles"].([]any) {
		c := e.(map[string]any)["customer"].(map[string]any)
		id, _ := c["uuid"].(string)
		if id == "" {
			id = c["customerUuid"].(string)
		}
		ids = append(ids, id)
	}
	return ids
}

func TestCustomerSearch(t *testing.T) {
	_, srv := start(t)
	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"LastEightOfVIN", "searchTerm=3A123456", []string{sandbox.CustomerUUID}},
		{"WholeVINLowerCase", "searchTerm=1hgcm82633a123456", []string{sandbox.CustomerUUID}},
		{"PhoneAsTyped", "searchTerm=(312)%20555-0142", []string{sandbox.CustomerUUID}},
		{"Email", "searchTerm=JANE.DOE@example.com", []string{sandbox.CustomerUUID}},
		{"CustomerKey", "searchTerm=200017", []string{sandbox.CompanyCustomerUUID}},
		{"PartialKeyDoesNotMatch", "searchTerm=20001", []string{}},
		{"Company", "searchTerm=acme", []string{sandbox.CompanyCustomerUUID}},
		{"FullName", "searchTerm=jane%20doe", []string{sandbox.CustomerUUID}},
		{"OtherStoreNotListed", "searchTerm=porter", []string{}},
		{"FieldsRestrictSearch", "searchTerm=doe&fieldsToBeSearched=company", []string{}},
		{"MaxResults", "searchTerm=example&maxResults=2", []string{sandbox.CustomerUUID, "5f0c6a3e-8b1d-4e2f-a9c7-3d5e7f9a1b21"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, http.MethodGet, searchURL(srv.URL, sandbox.DepartmentUUID, tt.query), "", true)
			require.Equal(t, http.StatusOK, a.Status, a.Body)
			assert.Equal(t, tt.want, customerIDs(t, a))
		})
	}
	errTests := []struct {
		name, dept, query string
		status            int
		code              string
	}{
		{"ErrNoTerm", sandbox.DepartmentUUID, "maxResults=5", 400, "INVALID_SEARCH_TERM"},
		{"ErrTermTooLong", sandbox.DepartmentUUID, "searchTerm=" + strings.Repeat("a", 31), 400, "INVALID_SEARCH_TERM"},
		{"ErrMaxResultsZero", sandbox.DepartmentUUID, "searchTerm=doe&maxResults=0", 400, "INVALID_MAX_RESULTS"},
		{"ErrMaxResultsTooBig", sandbox.DepartmentUUID, "searchTerm=doe&maxResults=101", 400, "INVALID_MAX_RESULTS"},
		{"ErrUnknownField", sandbox.DepartmentUUID, "searchTerm=doe&fieldsToBeSearched=ssn", 400, "INVALID_SEARCH_FIELD"},
		{"ErrUnknownDepartment", "nope", "searchTerm=doe", 403, "FORBIDDEN"},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			a := do(t, http.MethodGet, searchURL(srv.URL, tt.dept, tt.query), "", true)
			assert.Equal(t, tt.status, a.Status)
			assert.Equal(t, tt.code, a.errorCode(t))
		})
	}
}

func TestCustomerSearchMixesSpellings(t *testing.T) {
	_, srv := start(t)
	a := do(t, http.MethodGet, searchURL(srv.URL, sandbox.DepartmentUUID, "searchTerm=example"), "", true)
	require.Equal(t, http.StatusOK, a.Status)
	for _, s := range []string{`"uuid":`, `"customerUuid":`, `"vehicleUuid":`, `"emailAddress":`, `"phoneNumber":`, `"vehicleYear":"2021"`, `"vehicleYear":2019`} {
		assert.Contains(t, a.Body, s)
	}
}

func TestGetCustomer(t *testing.T) {
	_, srv := start(t)
	base := srv.URL + "/customer/v2/department/" + sandbox.DepartmentUUID + "/customer/"
	a := do(t, http.MethodGet, base+sandbox.CustomerUUID+"?excludeVehicles=false", "", true)
	require.Equal(t, http.StatusOK, a.Status)
	m := a.json(t)
	assert.Equal(t, sandbox.CustomerUUID, m["customer"].(map[string]any)["uuid"])
	assert.Len(t, m["vehicles"], 2)

	a = do(t, http.MethodGet, base+sandbox.CustomerUUID+"?excludeVehicles=true", "", true)
	assert.NotContains(t, a.json(t), "vehicles")

	a = do(t, http.MethodGet, base+sandbox.OtherStoreCustomerUUID, "", true)
	assert.Equal(t, http.StatusNotFound, a.Status)
	assert.Equal(t, "CUSTOMER_NOT_FOUND", a.errorCode(t))
}

func opcodePage(t *testing.T, base, dealer, body string) answer {
	t.Helper()
	return do(t, http.MethodPost, base+"/opcodes/v1/dealers/"+dealer+"/operations/searches", body, true)
}

func TestOpCodes(t *testing.T) {
	_, srv := start(t)
	seen := map[string]bool{}
	for startPos := 0; startPos < 150; startPos += 50 {
		a := opcodePage(t, srv.URL, sandbox.DealerUUID, fmt.Sprintf(`{"resultSize":50,"startPosition":%d,"getTotalCount":true}`, startPos))
		require.Equal(t, http.StatusOK, a.Status, a.Body)
		m := a.json(t)
		assert.EqualValues(t, 120, m["totalCount"])
		for _, o := range m["operationDTOList"].([]any) {
			op := o.(map[string]any)
			code := op["laborOpCode"].(string)
			assert.False(t, seen[code], "labor opcode %s is unique", code)
			seen[code] = true
			for _, k := range []string{"uuid", "opCodeName", "description", "opCodeDurationInMinutes", "totalPrice", "isValid", "inOnlineScheduler", "sortOrder"} {
				assert.Contains(t, op, k)
			}
		}
	}
	assert.Len(t, seen, 120)
	assert.True(t, seen["OIL"] && seen["ROTATE"], "the demo's services exist")

	a := opcodePage(t, srv.URL, sandbox.DealerUUID, `{"resultSize":50,"startPosition":100}`)
	assert.Len(t, a.json(t)["operationDTOList"], 20)
	assert.NotContains(t, a.json(t), "totalCount", "only when asked for")

	tests := []struct {
		name, dealer, body string
		status             int
		code               string
	}{
		{"ErrResultSizeOver50", sandbox.DealerUUID, `{"resultSize":51}`, 400, "INVALID_RESULT_SIZE"},
		{"ErrNegativeStart", sandbox.DealerUUID, `{"resultSize":10,"startPosition":-1}`, 400, "INVALID_START_POSITION"},
		{"ErrBadJSON", sandbox.DealerUUID, `{"resultSize":`, 400, "INVALID_REQUEST_BODY"},
		{"ErrUnknownDealer", "nope", `{}`, 403, "FORBIDDEN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := opcodePage(t, srv.URL, tt.dealer, tt.body)
			assert.Equal(t, tt.status, a.Status)
			assert.Equal(t, tt.code, a.errorCode(t))
		})
	}
	t.Run("VisibilityFilterEmptiesTheList", func(t *testing.T) {
		a := opcodePage(t, srv.URL, sandbox.DealerUUID, `{"resultSize":50,"getTotalCount":true,"onlineSchedulerVisibility":true}`)
		assert.Empty(t, a.json(t)["operationDTOList"])
		assert.EqualValues(t, 0, a.json(t)["totalCount"])
	})
}

func TestTransportOptionsAndDealers(t *testing.T) {
	_, srv := start(t)
	a := do(t, http.MethodGet, srv.URL+"/appointment/v2/department/"+sandbox.DepartmentUUID+"/transportOption/list", "", true)
	require.Equal(t, http.StatusOK, a.Status)
	assert.Len(t, a.json(t)["transportOptionList"], 4)

	a = do(t, http.MethodGet, srv.URL+"/appointment/v2/department/nope/transportOption/list", "", true)
	assert.Equal(t, http.StatusForbidden, a.Status)
	assert.IsType(t, []any{}, a.json(t)["error"], "error as an array, like other appointment endpoints")

	a = do(t, http.MethodPost, srv.URL+"/manage/v2/dealer/list", `{"dealerUuids":["`+sandbox.DealerUUID+`","unknown"]}`, true)
	require.Equal(t, http.StatusOK, a.Status)
	d := a.json(t)["dealers"].(map[string]any)[sandbox.DealerUUID].(map[string]any)
	assert.Equal(t, "Lakeside Honda", d["name"])
	assert.Equal(t, "US/Central", d["timeZone"])

	assert.Equal(t, http.StatusBadRequest, do(t, http.MethodPost, srv.URL+"/manage/v2/dealer/list", `{"dealerUuids":[]}`, true).Status)
	assert.Equal(t, http.StatusForbidden, do(t, http.MethodPost, srv.URL+"/manage/v2/dealer/list", `{"dealerUuids":["x"]}`, true).Status)
}

func TestRequestsRecordRequestID(t *testing.T) {
	sb, srv := start(t)
	do(t, http.MethodGet, srv.URL+"/appointment/v2/department/"+sandbox.DepartmentUUID+"/transportOption/list", "", true, "X-Request-Id", "abc")
	reqs := sb.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, sandbox.RecordedRequest{
		Time: fixedNow, Method: http.MethodGet, Path: "/appointment/v2/department/" + sandbox.DepartmentUUID + "/transportOption/list",
		Endpoint: sandbox.EndpointTransportOptions, RequestID: "abc", Status: http.StatusOK,
	}, reqs[0])
}

func TestConcurrentUse(t *testing.T) {
	sb, srv := start(t)
	sb.FailNext(5, sandbox.Fault{Status: http.StatusServiceUnavailable})
	var wg sync.WaitGroup
	statuses := make(chan int, 20)
	for range 20 {
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, draftURL(srv.URL, sandbox.DealerUUID), strings.NewReader(docSample))
			req.SetBasicAuth(user, pass)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				statuses <- 0
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		})
		wg.Go(func() { _ = sb.Drafts(); _ = sb.Requests(); sb.SetDelay(sandbox.EndpointOpCodes, 0) })
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	assert.Equal(t, map[int]int{200: 15, 503: 5}, count)
	assert.Len(t, sb.Drafts(), 15)
	ids := map[string]bool{}
	for _, d := range sb.Drafts() {
		assert.False(t, ids[d.ShortID], "short ids are unique")
		ids[d.ShortID] = true
	}
}
