package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// searchFields are the values fieldsToBeSearched may list.
var searchFields = map[string]bool{
	"fname": true, "lname": true, "company": true, "customerKey": true,
	"communications.commValue": true, "vehicles.vin": true,
}

func (s *Server) handleCustomerSearch(w http.ResponseWriter, r *http.Request) {
	dept := r.PathValue("deptUuid")
	if _, ok := s.data.departments[dept]; !ok {
		writeCustomerError(w, http.StatusForbidden, "FORBIDDEN", "Forbidden", "invalid auth credentials")
		return
	}
	q := r.URL.Query()
	term := strings.TrimSpace(q.Get("searchTerm"))
	switch {
	case term == "":
		writeCustomerError(w, http.StatusBadRequest, "INVALID_SEARCH_TERM", "Bad request", "searchTerm is required")
		return
	case utf8.RuneCountInString(term) > 30:
		writeCustomerError(w, http.StatusBadRequest, "INVALID_SEARCH_TERM", "Bad request", "searchTerm must be at most 30 characters")
		return
	}
	max := 100
	if v := q.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			writeCustomerError(w, http.StatusBadRequest, "INVALID_MAX_RESULTS", "Bad request", "maxResults must be between 1 and 100")
			return
		}
		max = n
	}
	fields := searchFields
	if v := q.Get("fieldsToBeSearched"); v != "" {
		fields = map[string]bool{}
		for _, f := range strings.Split(v, ",") {
			f = strings.TrimSpace(f)
			if !searchFields[f] {
				writeCustomerError(w, http.StatusBadRequest, "INVALID_SEARCH_FIELD", "Bad request", fmt.Sprintf("unknown field %q in fieldsToBeSearched", f))
				return
			}
			fields[f] = true
		}
	}
	entries := []any{}
	for _, c := range s.data.customers {
		if c.DepartmentUUID == dept && matches(c, term, fields) {
			entries = append(entries, customerEntry(c, true))
			if len(entries) == max {
				break
			}
		}
	}
	// The list's key is not published; the client must find it by shape.
	writeJSON(w, http.StatusOK, map[string]any{
		"customerWithVehicles": entries,
		"errors":               []any{},
		"warnings":             []any{},
		"apiRequestId":         newID(12),
	})
}

// matches follows myKaarma's guidance: the complete customer key, the end
// of a VIN, a phone number's digits, an email, or a part of a name.
func matches(c customer, term string, fields map[string]bool) bool {
	lower := strings.ToLower(term)
	contains := func(s string) bool { return s != "" && strings.Contains(strings.ToLower(s), lower) }
	if fields["fname"] && contains(c.FirstName) || fields["lname"] && contains(c.LastName) ||
		fields["fname"] && fields["lname"] && contains(c.FirstName+" "+c.LastName) {
		return true
	}
	if fields["company"] && contains(c.Company) {
		return true
	}
	if fields["customerKey"] && c.CustomerKey == term {
		return true
	}
	if fields["communications.commValue"] {
		for _, e := range c.Emails {
			if contains(e) {
				return true
			}
		}
		if d := digits(term); len(d) >= 7 && phoneLike(term) {
			for _, p := range c.Phones {
				if strings.Contains(digits(p), d) {
					return true
				}
			}
		}
	}
	if fields["vehicles.vin"] && len(term) >= 6 {
		for _, v := range c.Vehicles {
			if strings.HasSuffix(v.VIN, strings.ToUpper(term)) {
				return true
			}
		}
	}
	return false
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// phoneLike reports whether s holds only what people type in phone
// numbers, so "(312) 555-0142" is searched as a phone but "A123456" is not.
func phoneLike(s string) bool {
	for _, r := range s {
		if (r < '0' || r > '9') && !strings.ContainsRune(" ()-.+", r) {
			return false
		}
	}
	return true
}

// customerEntry renders a customer the way customer/v2 does, with the
// spelling variations real data shows.
func customerEntry(c customer, withVehicles bool) map[string]any {
	idKey := "uuid"
	if c.idAsCustomerUUID {
		idKey = "customerUuid"
	}
	cust := map[string]any{
		idKey:         c.UUID,
		"firstName":   c.FirstName,
		"lastName":    c.LastName,
		"company":     c.Company,
		"customerKey": c.CustomerKey,
	}
	if c.contactsAsObjects {
		emails := []map[string]any{}
		for i, e := range c.Emails {
			emails = append(emails, map[string]any{"emailAddress": e, "isPreferred": i == 0})
		}
		phones := []map[string]any{}
		for i, p := range c.Phones {
			phones = append(phones, map[string]any{"phoneNumber": p, "phoneType": "MOBILE", "isPreferred": i == 0})
		}
		cust["emails"], cust["phoneNumbers"] = emails, phones
	} else {
		cust["emails"] = append([]string{}, c.Emails...)
		cust["phoneNumbers"] = append([]string{}, c.Phones...)
	}
	entry := map[string]any{"customer": cust}
	if withVehicles {
		vehicles := []map[string]any{}
		for _, v := range c.Vehicles {
			vidKey := "uuid"
			if c.vehicleIDAsVUUID {
				vidKey = "vehicleUuid"
			}
			var year any = v.Year
			if c.yearAsString {
				year = strconv.Itoa(v.Year)
			}
			vehicles = append(vehicles, map[string]any{
				vidKey: v.UUID, "vin": v.VIN, "vehicleYear": year, "vehicleMake": v.Make,
				"vehicleModel": v.Model, "licensePlate": v.Plate, "color": v.Color,
			})
		}
		entry["vehicles"] = vehicles
	}
	return entry
}

func (s *Server) handleCustomer(w http.ResponseWriter, r *http.Request) {
	dept := r.PathValue("deptUuid")
	if _, ok := s.data.departments[dept]; !ok {
		writeCustomerError(w, http.StatusForbidden, "FORBIDDEN", "Forbidden", "invalid auth credentials")
		return
	}
	c, ok := s.data.customer(dept, r.PathValue("customerUuid"))
	if !ok {
		writeCustomerError(w, http.StatusNotFound, "CUSTOMER_NOT_FOUND", "Not found", "no customer with this uuid in this department")
		return
	}
	body := customerEntry(c, r.URL.Query().Get("excludeVehicles") != "true")
	body["errors"] = nil
	body["warnings"] = nil
	body["apiRequestId"] = newID(12)
	writeJSON(w, http.StatusOK, body)
}

type opSearch struct {
	ResultSize                *int            `json:"resultSize"`
	StartPosition             int             `json:"startPosition"`
	GetTotalCount             bool            `json:"getTotalCount"`
	OnlineSchedulerVisibility json.RawMessage `json:"onlineSchedulerVisibility"`
}

func (s *Server) handleOpCodes(w http.ResponseWriter, r *http.Request) {
	ops, ok := s.data.operations[r.PathValue("dealerUuid")]
	if !ok {
		writeAppointmentError(w, http.StatusForbidden, "FORBIDDEN", "invalid auth credentials")
		return
	}
	var req opSearch
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil && !errors.Is(err, io.EOF) {
		writeAppointmentError(w, http.StatusBadRequest, "INVALID_REQUEST_BODY", "request body is not valid JSON: "+err.Error())
		return
	}
	size := 50
	if req.ResultSize != nil {
		size = *req.ResultSize
	}
	switch {
	case size < 1 || size > 50:
		writeAppointmentError(w, http.StatusBadRequest, "INVALID_RESULT_SIZE", "resultSize must be between 1 and 50")
		return
	case req.StartPosition < 0:
		writeAppointmentError(w, http.StatusBadRequest, "INVALID_START_POSITION", "startPosition must not be negative")
		return
	}
	if len(req.OnlineSchedulerVisibility) > 0 && string(req.OnlineSchedulerVisibility) != "null" {
		// Seen in test dealers: any visibility filter filters everything out.
		ops = nil
	}
	page := []map[string]any{}
	for i := req.StartPosition; i < len(ops) && len(page) < size; i++ {
		o := ops[i]
		page = append(page, map[string]any{
			"uuid": o.UUID, "laborOpCode": o.LaborOpCode, "opCodeName": o.Name, "description": o.Description,
			"opCodeDurationInMinutes": o.DurationMinutes, "totalPrice": o.Price, "isValid": o.Valid,
			"inOnlineScheduler": o.Online, "sortOrder": o.SortOrder,
		})
	}
	body := map[string]any{"statusCode": http.StatusOK, "operationDTOList": page}
	if req.GetTotalCount {
		body["totalCount"] = len(ops)
	}
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) handleTransportOptions(w http.ResponseWriter, r *http.Request) {
	opts, ok := s.data.transport[r.PathValue("deptUuid")]
	if !ok {
		// Other appointment endpoints send "error" as an array.
		writeAppointmentErrorArray(w, http.StatusForbidden, "FORBIDDEN", "invalid auth credentials")
		return
	}
	list := []map[string]any{}
	for _, t := range opts {
		list = append(list, map[string]any{
			"transportOptionUuid": t.UUID, "optionName": t.OptionName, "customName": t.CustomName,
			"icon": t.Icon, "showOnline": t.ShowOnline, "showOnDealerApp": true,
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"statusCode": http.StatusOK, "transportOptionList": list, "error": nil, "warnings": []any{},
	})
}

func (s *Server) handleDealers(w http.ResponseWriter, r *http.Request) {
	var req struct {
		DealerUUIDs []string `json:"dealerUuids"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeAppointmentError(w, http.StatusBadRequest, "INVALID_REQUEST_BODY", "request body must be {\"dealerUuids\":[…]}")
		return
	}
	if len(req.DealerUUIDs) == 0 {
		writeAppointmentError(w, http.StatusBadRequest, "MISSING_DEALER_UUIDS", "dealerUuids is required")
		return
	}
	// Keyed by uuid, like manage/v2's dealer associate list.
	dealers := map[string]any{}
	for _, id := range req.DealerUUIDs {
		if d, ok := s.data.dealers[id]; ok {
			dealers[id] = map[string]any{"uuid": d.UUID, "name": d.Name, "timeZone": d.TimeZone, "departmentUuids": []string{d.DepartmentUUID}}
		}
	}
	if len(dealers) == 0 {
		writeAppointmentError(w, http.StatusForbidden, "FORBIDDEN", "invalid auth credentials")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"statusCode": http.StatusOK, "dealers": dealers, "error": nil})
}
