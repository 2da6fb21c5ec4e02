package dashboard

import "time"

// clock shows times to people: in the configured zone (KOE_TIMEZONE), a moment with the zone's
// name, "2026-11-30 14:05 JST", a day without it. Times stay in UTC everywhere else; feeds, JSON
// and the machine-readable columns of CSV keep RFC 3339.
type clock struct{ loc *time.Location }

// dateTime is a moment as people read it; "" for no time. It takes a time.Time or a *time.Time,
// as templates hold both.
func (c clock) dateTime(v any) string {
	t, ok := moment(v)
	if !ok {
		return ""
	}
	return t.In(c.loc).Format("2006-01-02 15:04 MST")
}

// date is the day a moment fell on in the configured zone.
func (c clock) date(v any) string {
	t, ok := moment(v)
	if !ok {
		return ""
	}
	return t.In(c.loc).Format("2006-01-02")
}

func moment(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, !t.IsZero()
	case *time.Time:
		if t != nil {
			return *t, !t.IsZero()
		}
	}
	return time.Time{}, false
}
