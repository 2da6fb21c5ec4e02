package dashboard

import (
	"strings"
	"testing"
	"time"

	"github.com/koehq/koe/store"
)

func TestTimelineKeepsEmptyMonths(t *testing.T) {
	month := func(y int, m time.Month) time.Time { return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC) }
	points := fillMonths([]store.TimelinePoint{{Month: month(2026, 8), Voices: 3}, {Month: month(2026, 10), Voices: 1}},
		time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC))
	var got []string
	for _, p := range points {
		got = append(got, p.Month.Format("2006-01")+":"+string(rune('0'+p.Voices)))
	}
	if want := "2026-08:3 2026-09:0 2026-10:1 2026-11:0 2026-12:0"; strings.Join(got, " ") != want {
		t.Errorf("months = %v, want %s", got, want)
	}
	for lang, words := range map[string][]string{"ja": {"月ごとの声の数", "要望しているMRR"}, "en": {"Voices a month", "MRR asking"}} {
		svg := string(timelineSVG(points, lang, "JPY"))
		for _, w := range append(words, ">26-09<", ">3<", ">0<") {
			if !strings.Contains(svg, w) {
				t.Errorf("%s chart lacks %q", lang, w)
			}
		}
	}
}
