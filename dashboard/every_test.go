package dashboard

import (
	"testing"
	"time"

	"github.com/koehq/koe/locale"
)

func TestEvery(t *testing.T) {
	for _, tc := range []struct {
		lang string
		d    time.Duration
		want string
	}{
		{"en", time.Hour, "every hour"},
		{"en", 6 * time.Hour, "every 6 hours"},
		{"en", 90 * time.Minute, "every 90 minutes"},
		{"en", time.Minute, "every minute"},
		{"ja", 15 * time.Minute, "15分ごと"},
		{"ja", 24 * time.Hour, "24時間ごと"},
		{"ja", 90 * time.Second, "1m30s"},
		{"en", 0, "0s"},
	} {
		if got := every(locale.For(tc.lang), tc.d); got != tc.want {
			t.Errorf("every(%s, %v) = %q, want %q", tc.lang, tc.d, got, tc.want)
		}
	}
}
