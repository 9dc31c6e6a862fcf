package dates

import "time"

// Preview renders a reading for a person, in the reading's own location and
// with the zone abbreviation of the start:
//
//	Fri, Dec 4 · 9:00 AM CST
//	Fri, Dec 4 · 9:00–10:00 AM CST
//	Fri, Dec 4 · 11:00 AM – 1:00 PM CST
//	Fri, Dec 4 · 11:00 PM – Sat, Dec 5 · 1:00 AM CST
//
// A zero reading renders as "".
func Preview(r Reading) string {
	if r.Start.IsZero() {
		return ""
	}
	s := r.Start
	zone := s.Format("MST")
	if !r.HasEnd() {
		return previewStart(s)
	}
	e := r.End.In(s.Location())
	sy, sm, sd := s.Date()
	ey, em, ed := e.Date()
	switch {
	case sy != ey || sm != em || sd != ed:
		return s.Format("Mon, Jan 2 · 3:04 PM") + " – " + e.Format("Mon, Jan 2 · 3:04 PM") + " " + zone
	case s.Format("PM") == e.Format("PM"):
		return s.Format("Mon, Jan 2 · 3:04") + "–" + e.Format("3:04 PM") + " " + zone
	}
	return s.Format("Mon, Jan 2 · 3:04 PM") + " – " + e.Format("3:04 PM") + " " + zone
}

// previewStart renders one instant: "Fri, Dec 4 · 9:00 AM CST".
func previewStart(t time.Time) string {
	return t.Format("Mon, Jan 2 · 3:04 PM MST")
}
