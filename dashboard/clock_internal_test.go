package dashboard

import (
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	c := clock{tokyo}
	late := time.Date(2026, 11, 30, 20, 0, 0, 0, time.UTC) // already 1 December in Tokyo
	var never *time.Time
	for _, tc := range []struct {
		name      string
		got, want string
	}{
		{"moment", c.dateTime(late), "2026-12-01 05:00 JST"},
		{"pointer", c.dateTime(&late), "2026-12-01 05:00 JST"},
		{"the day in the zone", c.date(late), "2026-12-01"},
		{"nil pointer", c.dateTime(never), ""},
		{"zero", c.date(time.Time{}), ""},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}
