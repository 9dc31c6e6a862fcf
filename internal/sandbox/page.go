package sandbox

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// draftPage is what the short URL shows: enough to check, in a demo or by
// hand, that the draft carries what the advisor entered. html/template
// escapes every value, so notes cannot inject markup.
var draftPage = template.Must(template.New("draft").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Draft appointment – {{.Dealer}}</title>
<style>body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em}dt{font-weight:bold;margin-top:.6em}.muted{color:#666}</style>
</head><body>
<h1>{{.Dealer}}</h1>
<p class="muted">Draft appointment {{.UUID}} (myKaarma sandbox). In myKaarma the customer would now pick a time and confirm.</p>
<dl>
<dt>Customer</dt><dd>{{.Customer}}</dd>
<dt>Vehicle</dt><dd>{{.Vehicle}}</dd>
<dt>Start</dt><dd>{{.Start}}</dd>
{{- if .End}}<dt>End</dt><dd>{{.End}}</dd>{{end}}
<dt>Services</dt><dd>{{if .Services}}<ul>{{range .Services}}<li>{{.}}</li>{{end}}</ul>{{else}}none chosen{{end}}</dd>
<dt>Advisor</dt><dd>{{.Advisor}}</dd>
{{- if .Transport}}<dt>Transport</dt><dd>{{.Transport}}</dd>{{end}}
{{- if .Note}}<dt>Note</dt><dd>{{.Note}}</dd>{{end}}
{{- if .Expiry}}<dt>Link expires</dt><dd>{{.Expiry}}</dd>{{end}}
{{- if .Warnings}}<dt>Warnings</dt><dd><ul>{{range .Warnings}}<li>{{.Code}}: {{.Description}}</li>{{end}}</ul></dd>{{end}}
</dl>
<p class="muted">Created {{.Created}}</p>
</body></html>
`))

var notFoundPage = template.Must(template.New("404").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Link not found</title></head>
<body><h1>This appointment link is not valid</h1><p>It may have expired, or the sandbox was restarted.</p></body></html>
`))

type draftView struct {
	Dealer, UUID, Customer, Vehicle      string
	Start, End, Advisor, Transport, Note string
	Expiry, Created                      string
	Services                             []string
	Warnings                             []Warning
}

func (s *Server) handleDraftPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	s.mu.Lock()
	i, ok := s.byShortID[r.PathValue("id")]
	var d RecordedDraft
	if ok {
		d = s.drafts[i].clone()
	}
	s.mu.Unlock()
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		_ = notFoundPage.Execute(w, nil)
		return
	}
	_ = draftPage.Execute(w, s.view(d))
}

// view resolves the draft's ids to the names an advisor knows.
func (s *Server) view(d RecordedDraft) draftView {
	dl := s.data.dealers[d.DealerUUID]
	req := d.Request
	v := draftView{
		Dealer:   dl.Name,
		UUID:     d.UUID,
		Customer: req.CustomerDetails.UUID,
		Start:    wallClock(req.AppointmentStartDateTime),
		End:      wallClock(req.AppointmentEndDateTime),
		Note:     req.Note,
		Expiry:   wallClock(req.Expiry),
		Created:  d.Created.Format(time.RFC1123),
		Warnings: d.Warnings,
		Advisor:  "assigned automatically",
	}
	vi := req.CustomerDetails.VehicleIdentifiers
	v.Vehicle = vi.VIN
	if c, ok := s.data.customer(dl.DepartmentUUID, req.CustomerDetails.UUID); ok {
		v.Customer = c.displayName()
		for _, veh := range c.Vehicles {
			if (vi.UUID != "" && veh.UUID == vi.UUID) || (vi.UUID == "" && veh.VIN == vi.VIN) {
				v.Vehicle = veh.label()
			}
		}
	}
	if name := dl.Advisors[req.AssignedAdvisorUUID]; name != "" {
		v.Advisor = name
	}
	if t, ok := s.transportOption(dl.DepartmentUUID, req.TransportOption); ok {
		v.Transport = t.name()
	} else if req.TransportOption != "" {
		v.Transport = req.TransportOption + " (unknown)"
	}
	for _, op := range req.OpCodes {
		name := op.OpCodeName
		if o, ok := s.operation(d.DealerUUID, op); ok && name == "" {
			name = o.Name
		}
		if name == "" {
			name = op.Description
		}
		if name != "" && name != op.LaborOpCode {
			name = op.LaborOpCode + " – " + name
		} else {
			name = op.LaborOpCode
		}
		v.Services = append(v.Services, name)
	}
	return v
}

// wallClock renders a yyyy-MM-ddTHH:mm:ss date-time for people, keeping it
// as sent when it does not parse.
func wallClock(s string) string {
	if s == "" {
		return ""
	}
	t, err := time.Parse(DateTimeLayout, s)
	if err != nil {
		return s
	}
	return t.Format("Mon Jan 2, 2006 at 3:04 PM") + " (dealer time)"
}

// label is "2019 Toyota Camry (4T1B11HKXKU000001)".
func (v vehicle) label() string {
	return strings.TrimSpace(strconv.Itoa(v.Year)+" "+v.Make+" "+v.Model) + " (" + v.VIN + ")"
}
