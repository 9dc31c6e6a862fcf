package mykaarma

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxSearchTermLength is myKaarma's limit on a customer search term.
const MaxSearchTermLength = 30

// MaxSearchResults is myKaarma's limit (and default) for maxResults.
const MaxSearchResults = 100

// opCodePageSize is the largest page the opcode search serves; larger,
// unpaginated requests have been seen to time out.
const opCodePageSize = 50

// maxOpCodePages bounds paging (5,000 operations), so a server that keeps
// answering full pages cannot keep the client looping.
const maxOpCodePages = 100

// searchDepth bounds how deep the lenient decoders look for their data in
// an answer whose layout is not published.
const searchDepth = 4

// Customer is a myKaarma customer with the vehicles myKaarma knows for them.
type Customer struct {
	UUID        string
	FirstName   string
	LastName    string
	Company     string
	CustomerKey string // the dealer's own customer number
	Emails      []string
	Phones      []string
	Vehicles    []Vehicle
}

// DisplayName is how to show the customer to an advisor: the person's name,
// else the company, else the customer key.
func (c Customer) DisplayName() string {
	if n := strings.TrimSpace(c.FirstName + " " + c.LastName); n != "" {
		return n
	}
	if c.Company != "" {
		return c.Company
	}
	if c.CustomerKey != "" {
		return "Customer " + c.CustomerKey
	}
	return "Unnamed customer"
}

// Vehicle is one of a customer's vehicles.
type Vehicle struct {
	UUID  string
	VIN   string
	Year  string
	Make  string
	Model string
	Plate string
	Color string
}

// Label is how to show the vehicle in a picker: "2019 Honda Accord · …A123456"
// (the VIN's last seven characters tell similar cars apart).
func (v Vehicle) Label() string {
	desc := strings.Join(strings.Fields(v.Year+" "+v.Make+" "+v.Model), " ")
	if desc == "" {
		desc = "Vehicle"
	}
	switch {
	case len(v.VIN) > 7:
		return desc + " · …" + v.VIN[len(v.VIN)-7:]
	case v.VIN != "":
		return desc + " · " + v.VIN
	case v.Plate != "":
		return desc + " · " + v.Plate
	}
	return desc
}

// Operation is a service the dealer offers (an opcode).
type Operation struct {
	UUID            string // use as OpCode.OperationUUID
	LaborOpCode     string
	Name            string // opCodeName
	Description     string
	DurationMinutes int
}

// TransportOption is a way for the customer to get about while the vehicle
// is serviced (wait, loaner, shuttle…).
type TransportOption struct {
	UUID string // use as DraftRequest.TransportOption
	Name string // customName, else optionName
}

// Dealer is what the bot needs to know about a store.
type Dealer struct {
	UUID     string
	Name     string
	TimeZone string // IANA name, e.g. "US/Central"
}

// Location loads the dealer's time zone, in which draft date-times are
// expressed.
func (d Dealer) Location() (*time.Location, error) {
	if d.TimeZone == "" {
		return nil, fmt.Errorf("mykaarma: dealer %q has no time zone", d.UUID)
	}
	loc, err := time.LoadLocation(d.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("mykaarma: dealer %q time zone: %w", d.UUID, err)
	}
	return loc, nil
}

func invalidInput(op, scope, reason string) *APIError {
	return &APIError{Op: op, Scope: scope, Kind: KindInvalidInput, reason: reason}
}

// SearchCustomers searches a department's customers. myKaarma matches the
// complete customer key, the last 8 characters of a VIN, a 10-digit phone
// number or an email address best. Whitespace in term is collapsed; a term
// over MaxSearchTermLength characters is refused without a request. max is
// capped at MaxSearchResults; 0 means myKaarma's default (100). Entries
// without a customer id are left out: they cannot be used for a draft.
func (c *Client) SearchCustomers(ctx context.Context, deptUUID, term string, max int) ([]Customer, error) {
	deptUUID = strings.TrimSpace(deptUUID)
	term = strings.Join(strings.Fields(term), " ")
	switch {
	case deptUUID == "":
		return nil, invalidInput(opSearchCustomers, scopeCustomerSearch, "the store's myKaarma department id is not configured")
	case term == "":
		return nil, invalidInput(opSearchCustomers, scopeCustomerSearch, "the search term is empty")
	case utf8.RuneCountInString(term) > MaxSearchTermLength:
		return nil, invalidInput(opSearchCustomers, scopeCustomerSearch, fmt.Sprintf(
			"the search term is longer than %d characters; search by the last 8 characters of the VIN, a 10-digit phone number, an email address or the customer key",
			MaxSearchTermLength))
	case max < 0:
		return nil, invalidInput(opSearchCustomers, scopeCustomerSearch, "the maximum number of results is negative")
	}
	q := url.Values{"searchTerm": {term}}
	if max > 0 {
		q.Set("maxResults", strconv.Itoa(min(max, MaxSearchResults)))
	}
	var raw json.RawMessage
	if _, err := c.roundTrip(ctx, call{
		op: opSearchCustomers, scope: scopeCustomerSearch, method: http.MethodGet,
		path:  "/customer/v2/department/" + url.PathEscape(deptUUID) + "/customer/list",
		query: q,
	}, &raw); err != nil {
		return nil, err
	}
	entries, _ := findEntryList(raw, searchDepth)
	customers := make([]Customer, 0, len(entries))
	for _, e := range entries {
		if cust := decodeEntry(e); cust.UUID != "" {
			customers = append(customers, cust)
		}
	}
	if max > 0 && len(customers) > max {
		customers = customers[:max]
	}
	return customers, nil
}

// GetCustomer fetches one customer with their vehicles.
func (c *Client) GetCustomer(ctx context.Context, deptUUID, customerUUID string) (Customer, error) {
	deptUUID, customerUUID = strings.TrimSpace(deptUUID), strings.TrimSpace(customerUUID)
	switch {
	case deptUUID == "":
		return Customer{}, invalidInput(opGetCustomer, scopeCustomerSearch, "the store's myKaarma department id is not configured")
	case customerUUID == "":
		return Customer{}, invalidInput(opGetCustomer, scopeCustomerSearch, "no customer was chosen")
	}
	var raw json.RawMessage
	if _, err := c.roundTrip(ctx, call{
		op: opGetCustomer, scope: scopeCustomerSearch, method: http.MethodGet,
		path:  "/customer/v2/department/" + url.PathEscape(deptUUID) + "/customer/" + url.PathEscape(customerUUID),
		query: url.Values{"excludeVehicles": {"false"}},
	}, &raw); err != nil {
		return Customer{}, err
	}
	var cust Customer
	if entry, ok := findEntry(raw, searchDepth); ok {
		cust = decodeEntry(entry)
	} else if obj, ok := objectFields(raw); ok && looksLikeCustomer(obj) {
		cust = decodeCustomer(obj)
	} else {
		return Customer{}, c.sanitise(&APIError{Op: opGetCustomer, Scope: scopeCustomerSearch, Kind: KindBadResponse, StatusCode: http.StatusOK, reason: "no customer in the answer"})
	}
	if cust.UUID == "" {
		cust.UUID = customerUUID
	}
	return cust, nil
}

type opSearchRequest struct {
	ResultSize    int  `json:"resultSize"`
	StartPosition int  `json:"startPosition"`
	GetTotalCount bool `json:"getTotalCount"`
}

type opSearchResponse struct {
	OperationDTOList []json.RawMessage `json:"operationDTOList"`
	TotalCount       flexInt           `json:"totalCount"`
}

// ListOpCodes returns every bookable operation of the dealer, paging through
// the opcode search opCodePageSize at a time. Operations marked
// isValid:false are left out (they cannot be booked), as are duplicates a
// shifting page boundary could produce. No visibility filter is sent: in test
// dealers it has been seen to filter everything out.
func (c *Client) ListOpCodes(ctx context.Context, dealerUUID string) ([]Operation, error) {
	dealerUUID = strings.TrimSpace(dealerUUID)
	if dealerUUID == "" {
		return nil, invalidInput(opListOpCodes, scopeOpCodeRead, "the store's myKaarma dealer id is not configured")
	}
	path := "/opcodes/v1/dealers/" + url.PathEscape(dealerUUID) + "/operations/searches"
	var ops []Operation
	seen := map[string]bool{}
	start := 0
	for range maxOpCodePages {
		var page opSearchResponse
		if _, err := c.roundTrip(ctx, call{
			op: opListOpCodes, scope: scopeOpCodeRead, method: http.MethodPost, path: path,
			body: opSearchRequest{ResultSize: opCodePageSize, StartPosition: start, GetTotalCount: true},
		}, &page); err != nil {
			return nil, err
		}
		for _, raw := range page.OperationDTOList {
			obj, ok := objectFields(raw)
			if !ok {
				continue
			}
			var valid flexBool
			_ = valid.UnmarshalJSON(obj["isValid"])
			if valid.Set && !valid.Value {
				continue
			}
			op := decodeOperation(obj)
			key := op.UUID
			if key == "" {
				key = "code:" + op.LaborOpCode
			}
			if key == "code:" || seen[key] {
				continue
			}
			seen[key] = true
			ops = append(ops, op)
		}
		start += len(page.OperationDTOList)
		switch {
		case len(page.OperationDTOList) == 0:
			return ops, nil
		case page.TotalCount.OK && start >= page.TotalCount.N:
			return ops, nil
		case !page.TotalCount.OK && len(page.OperationDTOList) < opCodePageSize:
			return ops, nil
		}
	}
	return ops, nil
}

func decodeOperation(m map[string]json.RawMessage) Operation {
	return Operation{
		UUID:            firstString(m, "uuid", "operationUuid"),
		LaborOpCode:     firstString(m, "laborOpCode", "opCode"),
		Name:            firstString(m, "opCodeName", "name"),
		Description:     firstString(m, "description"),
		DurationMinutes: parseFlexInt(firstString(m, "opCodeDurationInMinutes", "durationInMinutes")).N,
	}
}

type transportResponse struct {
	TransportOptionList []json.RawMessage `json:"transportOptionList"`
}

// ListTransportOptions returns the department's transport options. myKaarma
// asks integrators to cache them (at least a day); caching is the caller's
// job.
func (c *Client) ListTransportOptions(ctx context.Context, deptUUID string) ([]TransportOption, error) {
	deptUUID = strings.TrimSpace(deptUUID)
	if deptUUID == "" {
		return nil, invalidInput(opListTransport, scopeTransportOptions, "the store's myKaarma department id is not configured")
	}
	var resp transportResponse
	if _, err := c.roundTrip(ctx, call{
		op: opListTransport, scope: scopeTransportOptions, method: http.MethodGet,
		path: "/appointment/v2/department/" + url.PathEscape(deptUUID) + "/transportOption/list",
	}, &resp); err != nil {
		return nil, err
	}
	opts := make([]TransportOption, 0, len(resp.TransportOptionList))
	for _, raw := range resp.TransportOptionList {
		obj, ok := objectFields(raw)
		if !ok {
			continue
		}
		o := TransportOption{
			UUID: firstString(obj, "transportOptionUuid", "uuid"),
			Name: firstString(obj, "customName", "optionName"),
		}
		if o.UUID == "" {
			continue
		}
		if o.Name == "" {
			o.Name = "Unnamed transport option"
		}
		opts = append(opts, o)
	}
	return opts, nil
}

type dealerListRequest struct {
	DealerUUIDs []string `json:"dealerUuids"`
}

// DealerInfo returns the dealer's name and time zone. The answer's layout is
// not published, so the dealer is found by its uuid (as a field or as a map
// key) anywhere in the answer, or failing that as the only dealer-like
// object.
func (c *Client) DealerInfo(ctx context.Context, dealerUUID string) (Dealer, error) {
	dealerUUID = strings.TrimSpace(dealerUUID)
	if dealerUUID == "" {
		return Dealer{}, invalidInput(opDealerInfo, scopeDealerRead, "the store's myKaarma dealer id is not configured")
	}
	var raw json.RawMessage
	if _, err := c.roundTrip(ctx, call{
		op: opDealerInfo, scope: scopeDealerRead, method: http.MethodPost,
		path: "/manage/v2/dealer/list",
		body: dealerListRequest{DealerUUIDs: []string{dealerUUID}},
	}, &raw); err != nil {
		return Dealer{}, err
	}
	obj, ok := findDealer(raw, dealerUUID, searchDepth)
	if !ok {
		return Dealer{}, c.sanitise(&APIError{Op: opDealerInfo, Scope: scopeDealerRead, Kind: KindBadResponse, StatusCode: http.StatusOK,
			reason: "the answer does not describe dealer " + dealerUUID})
	}
	return Dealer{
		UUID:     dealerUUID,
		Name:     firstString(obj, dealerNameKeys...),
		TimeZone: firstString(obj, dealerZoneKeys...),
	}, nil
}

var (
	dealerNameKeys = []string{"dealerName", "name", "displayName"}
	dealerZoneKeys = []string{"timeZone", "timezone", "dealerTimeZone", "timeZoneId"}
)

// findDealer looks for the object describing dealer uuid: an object whose
// uuid/dealerUuid is uuid, or the value under key uuid; failing both, the
// first object carrying a dealer name and a time zone.
func findDealer(raw json.RawMessage, uuid string, depth int) (map[string]json.RawMessage, bool) {
	if obj, ok := findDealerByID(raw, uuid, depth); ok {
		return obj, true
	}
	return findFirst(raw, depth, func(m map[string]json.RawMessage) bool {
		return firstString(m, dealerNameKeys...) != "" && firstString(m, dealerZoneKeys...) != ""
	})
}

func findDealerByID(raw json.RawMessage, uuid string, depth int) (map[string]json.RawMessage, bool) {
	if v, ok := findFirst(raw, depth, func(m map[string]json.RawMessage) bool {
		return firstString(m, "uuid", "dealerUuid", "dealerUUID") == uuid
	}); ok {
		return v, true
	}
	var byKey map[string]json.RawMessage
	_, found := findFirst(raw, depth, func(m map[string]json.RawMessage) bool {
		if inner, ok := objectFields(m[uuid]); ok {
			byKey = inner
			return true
		}
		return false
	})
	return byKey, found
}

// findFirst walks raw depth-first (object members in key order, so the
// result is deterministic) and returns the first object matching.
func findFirst(raw json.RawMessage, depth int, match func(map[string]json.RawMessage) bool) (map[string]json.RawMessage, bool) {
	if depth < 0 {
		return nil, false
	}
	if obj, ok := objectFields(raw); ok {
		if match(obj) {
			return obj, true
		}
		for _, k := range sortedKeys(obj) {
			if m, ok := findFirst(obj[k], depth-1, match); ok {
				return m, true
			}
		}
		return nil, false
	}
	if elems, ok := arrayElems(raw); ok {
		for _, e := range elems {
			if m, ok := findFirst(e, depth-1, match); ok {
				return m, true
			}
		}
	}
	return nil, false
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// isEntry reports whether obj is a search-result entry: it carries a
// "customer" object.
func isEntry(obj map[string]json.RawMessage) bool {
	_, ok := objectFields(obj["customer"])
	return ok
}

// findEntryList finds the array whose entries carry a "customer" object,
// whatever key holds it (the key is not published).
func findEntryList(raw json.RawMessage, depth int) ([]map[string]json.RawMessage, bool) {
	if depth < 0 {
		return nil, false
	}
	if elems, ok := arrayElems(raw); ok {
		var entries []map[string]json.RawMessage
		for _, e := range elems {
			if obj, ok := objectFields(e); ok && isEntry(obj) {
				entries = append(entries, obj)
			}
		}
		if len(entries) > 0 {
			return entries, true
		}
		return nil, false
	}
	if obj, ok := objectFields(raw); ok {
		for _, k := range sortedKeys(obj) {
			if entries, ok := findEntryList(obj[k], depth-1); ok {
				return entries, true
			}
		}
	}
	return nil, false
}

// findEntry finds the first object carrying a "customer" object.
func findEntry(raw json.RawMessage, depth int) (map[string]json.RawMessage, bool) {
	return findFirst(raw, depth, isEntry)
}

// looksLikeCustomer reports whether a bare object is a customer record.
func looksLikeCustomer(obj map[string]json.RawMessage) bool {
	return firstString(obj, "uuid", "customerUuid") != "" &&
		firstString(obj, "firstName", "lastName", "company", "customerKey") != ""
}

// decodeEntry turns a {"customer":{…},"vehicles":[…]} entry into a Customer;
// vehicles nested inside the customer object are taken too.
func decodeEntry(entry map[string]json.RawMessage) Customer {
	obj, _ := objectFields(entry["customer"])
	cust := decodeCustomer(obj)
	seen := map[string]bool{}
	for _, v := range cust.Vehicles {
		seen[v.UUID+"|"+v.VIN] = true
	}
	for _, v := range decodeVehicles(entry["vehicles"]) {
		if k := v.UUID + "|" + v.VIN; !seen[k] {
			seen[k] = true
			cust.Vehicles = append(cust.Vehicles, v)
		}
	}
	return cust
}

func decodeCustomer(m map[string]json.RawMessage) Customer {
	return Customer{
		UUID:        firstString(m, "uuid", "customerUuid", "customerUUID"),
		FirstName:   firstString(m, "firstName", "fname"),
		LastName:    firstString(m, "lastName", "lname"),
		Company:     firstString(m, "company", "companyName"),
		CustomerKey: firstString(m, "customerKey"),
		Emails:      contacts(m, []string{"emails", "emailAddresses", "email"}, []string{"emailAddress", "email", "commValue", "value", "address"}),
		Phones:      contacts(m, []string{"phoneNumbers", "phones", "phoneNumber"}, []string{"phoneNumber", "number", "phone", "commValue", "value"}),
		Vehicles:    decodeVehicles(m["vehicles"]),
	}
}

func decodeVehicles(raw json.RawMessage) []Vehicle {
	elems, _ := arrayElems(raw)
	var out []Vehicle
	for _, e := range elems {
		m, ok := objectFields(e)
		if !ok {
			continue
		}
		if inner, ok := objectFields(m["vehicle"]); ok && firstString(m, "vin", "uuid", "vehicleUuid") == "" {
			m = inner // {"vehicle":{…}} wrappers
		}
		v := Vehicle{
			UUID:  firstString(m, "uuid", "vehicleUuid", "vehicleUUID"),
			VIN:   strings.ToUpper(firstString(m, "vin")),
			Year:  firstString(m, "vehicleYear", "year", "modelYear"),
			Make:  firstString(m, "vehicleMake", "make"),
			Model: firstString(m, "vehicleModel", "model"),
			Plate: firstString(m, "licensePlate", "plate", "licensePlateNumber"),
			Color: firstString(m, "color", "exteriorColor", "vehicleColor"),
		}
		if v.UUID != "" || v.VIN != "" {
			out = append(out, v)
		}
	}
	return out
}

// contacts collects emails or phone numbers, which myKaarma sends as
// strings or as objects ({"emailAddress":…}, {"phoneNumber":…}), singly or
// in arrays. Duplicates are dropped, order kept.
func contacts(m map[string]json.RawMessage, listKeys, itemKeys []string) []string {
	var out []string
	add := func(s string) {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	var one func(raw json.RawMessage, depth int)
	one = func(raw json.RawMessage, depth int) {
		if depth > 2 {
			return
		}
		if obj, ok := objectFields(raw); ok {
			add(firstString(obj, itemKeys...))
			return
		}
		if elems, ok := arrayElems(raw); ok {
			for _, e := range elems {
				one(e, depth+1)
			}
			return
		}
		var s flexString
		_ = s.UnmarshalJSON(raw)
		add(string(s))
	}
	for _, k := range listKeys {
		if raw, ok := m[k]; ok {
			one(raw, 0)
		}
	}
	return out
}
