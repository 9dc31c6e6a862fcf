package mykaarma_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/draftappt/draftappt/internal/mykaarma"
)

const dept = "dept-1"

// searchBody mixes every spelling seen in real answers: uuid/customerUuid,
// uuid/vehicleUuid, contacts as strings and as objects, years as numbers and
// strings, and an unpublished key for the list.
const searchBody = `{
  "apiRequestId": "r-1",
  "warnings": [],
  "errors": null,
  "someOtherList": [{"foo": 1}],
  "customerWithVehicles": [
    {"customer": {"uuid": "c-1", "firstName": "Jane", "lastName": "Doe", "customerKey": "100234",
                  "emails": ["jane@example.com"], "phoneNumbers": ["3125550142"]},
     "vehicles": [{"uuid": "v-1", "vin": "1hgcm82633a123456", "vehicleYear": 2003, "vehicleMake": "Honda", "vehicleModel": "Accord",
                   "licensePlate": "IL-1", "color": "Silver"}]},
    {"customer": {"customerUuid": "c-2", "company": "Acme Plumbing LLC",
                  "emails": [{"emailAddress": "fleet@acme.example", "isPreferred": true}],
                  "phoneNumbers": [{"phoneNumber": "8475550188"}, {"phoneNumber": "8475550188"}]},
     "vehicles": [{"vehicleUuid": "v-2", "vin": "1GCWGAFP7J1000010", "vehicleYear": "2018", "vehicleMake": "Chevrolet", "vehicleModel": "Express"}]},
    {"customer": {"firstName": "No", "lastName": "Id"}, "vehicles": []}
  ]
}`

func TestSearchCustomers(t *testing.T) {
	srv := newRecorder(t, respond(http.StatusOK, "application/json", searchBody))
	c := newClient(t, srv.URL, 0)

	got, err := c.SearchCustomers(context.Background(), dept, "  A123456 ", 10)
	require.NoError(t, err)

	want := []mykaarma.Customer{
		{UUID: "c-1", FirstName: "Jane", LastName: "Doe", CustomerKey: "100234",
			Emails: []string{"jane@example.com"}, Phones: []string{"3125550142"},
			Vehicles: []mykaarma.Vehicle{{UUID: "v-1", VIN: "1HGCM82633A123456", Year: "2003", Make: "Honda", Model: "Accord", Plate: "IL-1", Color: "Silver"}}},
		{UUID: "c-2", Company: "Acme Plumbing LLC",
			Emails: []string{"fleet@acme.example"}, Phones: []string{"8475550188"},
			Vehicles: []mykaarma.Vehicle{{UUID: "v-2", VIN: "1GCWGAFP7J1000010", Year: "2018", Make: "Chevrolet", Model: "Express"}}},
	}
	assert.Equal(t, want, got, "the entry without an id is left out")

	req := srv.last(t)
	assert.Equal(t, http.MethodGet, req.Method)
	assert.Equal(t, "/customer/v2/department/dept-1/customer/list", req.Path)
	assert.Equal(t, "maxResults=10&searchTerm=A123456", req.RawQuery)

	assert.Equal(t, "Jane Doe", got[0].DisplayName())
	assert.Equal(t, "Acme Plumbing LLC", got[1].DisplayName())
	assert.Equal(t, "2003 Honda Accord · …A123456", got[0].Vehicles[0].Label())
}

func TestSearchCustomersShapes(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []string // uuids
	}{
		{"TopLevelArray", `[{"customer":{"uuid":"a"}},{"customer":{"uuid":"b"}}]`, []string{"a", "b"}},
		{"Nested", `{"data":{"results":[{"customer":{"customerUuid":"a"},"vehicles":null}]}}`, []string{"a"}},
		{"NoResults", `{"customerWithVehicles":[],"errors":[]}`, []string{}},
		{"NoList", `{"apiRequestId":"x"}`, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newRecorder(t, respond(http.StatusOK, "application/json", tt.body))
			got, err := newClient(t, srv.URL, 0).SearchCustomers(context.Background(), dept, "doe", 0)
			require.NoError(t, err)
			ids := []string{}
			for _, c := range got {
				ids = append(ids, c.UUID)
			}
			assert.Equal(t, tt.want, ids)
			assert.Equal(t, "searchTerm=doe", srv.last(t).RawQuery, "max 0 leaves myKaarma's default")
		})
	}
}

func TestSearchCustomersInvalidInput(t *testing.T) {
	tests := []struct {
		name, dept, term string
		max              int
		want             string
	}{
		{"ErrNoDepartment", "", "doe", 5, "department id"},
		{"ErrEmptyTerm", dept, "   ", 5, "empty"},
		{"ErrTermTooLong", dept, strings.Repeat("x", 31), 5, "longer than 30"},
		{"ErrNegativeMax", dept, "doe", -1, "negative"},
	}
	srv := newRecorder(t, respond(http.StatusOK, "application/json", `{}`))
	c := newClient(t, srv.URL, 0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.SearchCustomers(context.Background(), tt.dept, tt.term, tt.max)
			var apiErr *mykaarma.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, mykaarma.KindInvalidInput, apiErr.Kind)
			assert.Contains(t, apiErr.UserMessage(), tt.want)
		})
	}
	assert.Empty(t, srv.all(), "nothing was sent")
}

func TestSearchCustomersCapsMaxAndAcceptsThirtyChars(t *testing.T) {
	srv := newRecorder(t, respond(http.StatusOK, "application/json", `{"x":[]}`))
	_, err := newClient(t, srv.URL, 0).SearchCustomers(context.Background(), dept, strings.Repeat("é", 30), 500)
	require.NoError(t, err)
	assert.Contains(t, srv.last(t).RawQuery, "maxResults=100")
}

func TestSearchCustomersErrorEnvelope(t *testing.T) {
	srv := newRecorder(t, respond(http.StatusBadRequest, "application/json",
		`{"errors":[{"errorCode":"INVALID_SEARCH_TERM","errorTitle":"Bad request","errorMessage":"searchTerm must be at most 30 characters"}],"apiRequestId":"r"}`))
	_, err := newClient(t, srv.URL, 0).SearchCustomers(context.Background(), dept, "doe", 0)
	var apiErr *mykaarma.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, mykaarma.KindRejected, apiErr.Kind)
	assert.Equal(t, "INVALID_SEARCH_TERM", apiErr.ErrorCode)
	assert.Equal(t, "searchTerm must be at most 30 characters", apiErr.ErrorDescription)
	assert.Equal(t, "search customers", apiErr.Op)
}

func TestSearchCustomersHTMLIsScope(t *testing.T) {
	srv := newRecorder(t, respond(http.StatusOK, "text/html", "<html>login</html>"))
	_, err := newClient(t, srv.URL, 0).SearchCustomers(context.Background(), dept, "doe", 0)
	var apiErr *mykaarma.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, mykaarma.KindScope, apiErr.Kind)
	assert.Contains(t, apiErr.UserMessage(), "customer.search")
}

func TestGetCustomer(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"Entry", `{"customer":{"uuid":"c-1","firstName":"Jane","lastName":"Doe","phoneNumbers":"3125550142"},"vehicles":[{"vehicleUuid":"v-1","vin":"4T1B11HKXKU000001","year":2019,"make":"Toyota","model":"Camry"}],"errors":null}`},
		{"Wrapped", `{"customerWithVehicles":{"customer":{"customerUuid":"c-1","firstName":"Jane","lastName":"Doe","phoneNumbers":[{"phoneNumber":"3125550142"}]},"vehicles":[{"uuid":"v-1","vin":"4T1B11HKXKU000001","vehicleYear":"2019","vehicleMake":"Toyota","vehicleModel":"Camry"}]}}`},
		{"BareCustomer", `{"customerUuid":"c-1","firstName":"Jane","lastName":"Doe","phoneNumbers":["3125550142"],"vehicles":[{"uuid":"v-1","vin":"4T1B11HKXKU000001","vehicleYear":2019.0,"vehicleMake":"Toyota","vehicleModel":"Camry"}]}`},
	}
	want := mykaarma.Customer{UUID: "c-1", FirstName: "Jane", LastName: "Doe", Phones: []string{"3125550142"},
		Vehicles: []mykaarma.Vehicle{{UUID: "v-1", VIN: "4T1B11HKXKU000001", Year: "2019", Make: "Toyota", Model: "Camry"}}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newRecorder(t, respond(http.StatusOK, "application/json", tt.body))
			got, err := newClient(t, srv.URL, 0).GetCustomer(context.Background(), dept, "c-1")
			require.NoError(t, err)
			if tt.name == "BareCustomer" {
				want.Vehicles[0].Year = "2019" // 2019.0 is a number, kept as sent
				got.Vehicles[0].Year = strings.TrimSuffix(got.Vehicles[0].Year, ".0")
			}
			assert.Equal(t, want, got)
			req := srv.last(t)
			assert.Equal(t, "/customer/v2/department/dept-1/customer/c-1", req.Path)
			assert.Equal(t, "excludeVehicles=false", req.RawQuery)
		})
	}
}

func TestGetCustomerNotFound(t *testing.T) {
	srv := newRecorder(t, respond(http.StatusNotFound, "application/json",
		`{"errors":[{"errorCode":"CUSTOMER_NOT_FOUND","errorTitle":"Not found","errorMessage":"no customer with this uuid"}]}`))
	_, err := newClient(t, srv.URL, 0).GetCustomer(context.Background(), dept, "nope")
	var apiErr *mykaarma.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, mykaarma.KindRejected, apiErr.Kind)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	assert.Equal(t, "CUSTOMER_NOT_FOUND", apiErr.ErrorCode)
}

func TestGetCustomerNoCustomerInAnswer(t *testing.T) {
	srv := newRecorder(t, respond(http.StatusOK, "application/json", `{"apiRequestId":"r"}`))
	_, err := newClient(t, srv.URL, 0).GetCustomer(context.Background(), dept, "c-1")
	var apiErr *mykaarma.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, mykaarma.KindBadResponse, apiErr.Kind)
}

// opcodeServer serves total operations 50 at a time like the opcode search,
// with every tenth one marked invalid.
func opcodeServer(total int, withTotal bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req struct{ ResultSize, StartPosition int }
		_ = json.NewDecoder(r.Body).Decode(&req)
		list := []map[string]any{}
		for i := req.StartPosition; i < total && len(list) < req.ResultSize; i++ {
			list = append(list, map[string]any{
				"uuid": fmt.Sprintf("op-%03d", i), "laborOpCode": fmt.Sprintf("C%03d", i), "opCodeName": fmt.Sprintf("Service %d", i),
				"description": "d", "opCodeDurationInMinutes": "30", "isValid": i%10 != 9,
			})
		}
		body := map[string]any{"operationDTOList": list}
		if withTotal {
			body["totalCount"] = total
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(body)
	}
}

func TestListOpCodesPages(t *testing.T) {
	for _, withTotal := range []bool{true, false} {
		t.Run(fmt.Sprintf("totalCount=%v", withTotal), func(t *testing.T) {
			srv := newRecorder(t, opcodeServer(120, withTotal))
			ops, err := newClient(t, srv.URL, 0).ListOpCodes(context.Background(), dealer)
			require.NoError(t, err)
			assert.Len(t, ops, 108, "120 minus the 12 invalid ones")
			assert.Equal(t, mykaarma.Operation{UUID: "op-000", LaborOpCode: "C000", Name: "Service 0", Description: "d", DurationMinutes: 30}, ops[0])

			reqs := srv.all()
			require.Len(t, reqs, 3, "50 + 50 + 20")
			for i, r := range reqs {
				assert.Equal(t, http.MethodPost, r.Method)
				assert.Equal(t, "/opcodes/v1/dealers/"+dealer+"/operations/searches", r.Path)
				assert.JSONEq(t, fmt.Sprintf(`{"resultSize":50,"startPosition":%d,"getTotalCount":true}`, i*50), string(r.Body))
			}
		})
	}
}

func TestListOpCodesIsBounded(t *testing.T) {
	// A server that ignores startPosition and always claims more.
	srv := newRecorder(t, func(w http.ResponseWriter, _ *http.Request) {
		list := make([]map[string]any, 50)
		for i := range list {
			list[i] = map[string]any{"uuid": fmt.Sprintf("op-%d", i), "laborOpCode": "X"}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"operationDTOList": list, "totalCount": 1 << 30})
	})
	ops, err := newClient(t, srv.URL, 0).ListOpCodes(context.Background(), dealer)
	require.NoError(t, err)
	assert.Len(t, ops, 50, "duplicates dropped")
	assert.LessOrEqual(t, len(srv.all()), 100, "paging stops")
}

func TestListOpCodesFailsMidway(t *testing.T) {
	calls := 0
	srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls == 2 {
			respond(http.StatusServiceUnavailable, "", "")(w, r)
			return
		}
		opcodeServer(120, true)(w, r)
	})
	ops, err := newClient(t, srv.URL, 0).ListOpCodes(context.Background(), dealer)
	var apiErr *mykaarma.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, mykaarma.KindUnavailable, apiErr.Kind)
	assert.Nil(t, ops, "no partial list")
}

func TestListTransportOptions(t *testing.T) {
	srv := newRecorder(t, respond(http.StatusOK, "application/json", `{"statusCode":0,"transportOptionList":[
		{"transportOptionUuid":"t-1","optionName":"Loaner","customName":"Courtesy car","icon":"car","showOnline":true,"showOnDealerApp":true},
		{"transportOptionUuid":"t-2","optionName":"Waiter","customName":""},
		{"transportOptionUuid":"t-3"},
		{"optionName":"No id"}
	],"error":null,"warnings":[]}`))
	got, err := newClient(t, srv.URL, 0).ListTransportOptions(context.Background(), dept)
	require.NoError(t, err)
	assert.Equal(t, []mykaarma.TransportOption{
		{UUID: "t-1", Name: "Courtesy car"},
		{UUID: "t-2", Name: "Waiter"},
		{UUID: "t-3", Name: "Unnamed transport option"},
	}, got)
	assert.Equal(t, "/appointment/v2/department/dept-1/transportOption/list", srv.last(t).Path)
}

func TestListTransportOptionsErrorArray(t *testing.T) {
	srv := newRecorder(t, respond(http.StatusOK, "application/json",
		`{"statusCode":403,"transportOptionList":null,"error":[{"errorCode":"FORBIDDEN","errorDescription":"ApiScope does not exist","errorUID":"u"}]}`))
	_, err := newClient(t, srv.URL, 0).ListTransportOptions(context.Background(), dept)
	var apiErr *mykaarma.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, mykaarma.KindScope, apiErr.Kind)
	assert.Equal(t, "appointment.transportOptions", apiErr.Scope)
}

func TestDealerInfo(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"MapByUUID", `{"statusCode":200,"dealers":{"` + dealer + `":{"name":"Lakeside Honda","timeZone":"US/Central"}}}`},
		{"ArrayWithID", `{"dealerList":[{"dealerUuid":"other","dealerName":"Other","timeZone":"UTC"},{"dealerUuid":"` + dealer + `","dealerName":"Lakeside Honda","timezone":"US/Central"}]}`},
		{"OnlyDealer", `{"dealer":{"name":"Lakeside Honda","timeZone":"US/Central"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newRecorder(t, respond(http.StatusOK, "application/json", tt.body))
			got, err := newClient(t, srv.URL, 0).DealerInfo(context.Background(), dealer)
			require.NoError(t, err)
			assert.Equal(t, mykaarma.Dealer{UUID: dealer, Name: "Lakeside Honda", TimeZone: "US/Central"}, got)
			req := srv.last(t)
			assert.Equal(t, "/manage/v2/dealer/list", req.Path)
			assert.JSONEq(t, `{"dealerUuids":["`+dealer+`"]}`, string(req.Body))
		})
	}
}

func TestDealerInfoMissing(t *testing.T) {
	srv := newRecorder(t, respond(http.StatusOK, "application/json", `{"dealers":{}}`))
	_, err := newClient(t, srv.URL, 0).DealerInfo(context.Background(), dealer)
	var apiErr *mykaarma.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, mykaarma.KindBadResponse, apiErr.Kind)
}

func TestDealerLocation(t *testing.T) {
	loc, err := mykaarma.Dealer{UUID: "d", TimeZone: "UTC"}.Location()
	require.NoError(t, err)
	assert.Equal(t, "UTC", loc.String())
	_, err = mykaarma.Dealer{UUID: "d"}.Location()
	require.Error(t, err)
	_, err = mykaarma.Dealer{UUID: "d", TimeZone: "Mars/Olympus"}.Location()
	assert.Error(t, err)
}

func TestDisplayNameAndLabel(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"Person", mykaarma.Customer{FirstName: "Jane", LastName: "Doe", Company: "Acme"}.DisplayName(), "Jane Doe"},
		{"FirstOnly", mykaarma.Customer{FirstName: "Jane"}.DisplayName(), "Jane"},
		{"Company", mykaarma.Customer{Company: "Acme"}.DisplayName(), "Acme"},
		{"Key", mykaarma.Customer{CustomerKey: "1002"}.DisplayName(), "Customer 1002"},
		{"Nothing", mykaarma.Customer{}.DisplayName(), "Unnamed customer"},
		{"FullVehicle", mykaarma.Vehicle{Year: "2019", Make: "Honda", Model: "Accord", VIN: "1HGCM82633A123456"}.Label(), "2019 Honda Accord · …A123456"},
		{"NoYear", mykaarma.Vehicle{Make: "Honda", Model: "Accord", VIN: "1HGCM82633A123456"}.Label(), "Honda Accord · …A123456"},
		{"ShortVIN", mykaarma.Vehicle{Make: "Ford", VIN: "ABC"}.Label(), "Ford · ABC"},
		{"PlateOnly", mykaarma.Vehicle{Make: "Ford", Plate: "IL-1"}.Label(), "Ford · IL-1"},
		{"Empty", mykaarma.Vehicle{}.Label(), "Vehicle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.got)
		})
	}
}
