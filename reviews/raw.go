package reviews

import (
	"context"
	"log/slog"

	"github.com/koehq/koe/replies/stores"
	"github.com/koehq/koe/store"
)

// RawKinds are the kinds of source whose stored raw records may show the store's developer
// reply (stores.ReplyInRaw).
var RawKinds = []string{"googleplay", "appstore"}

// ReadRaw marks answered elsewhere the waiting reviews whose raw record, as their source stored
// it, shows a developer reply Koe did not send — without asking the store. It reads only the
// records written since they were last read: up to limit of them, among ids when ids is not nil
// (the reviews on a page). A record it cannot read is logged and counted as read: bad input is
// that review's problem, and the hourly check asks the store about it. It returns how many
// records it read, and how many of those reviews it found answered elsewhere.
func ReadRaw(ctx context.Context, db *store.DB, log *slog.Logger, ids []int64, limit int) (read, found int, err error) {
	if ids != nil && len(ids) == 0 {
		return 0, 0, nil
	}
	list, err := db.ReviewRawsToRead(ctx, RawKinds, ids, limit)
	if err != nil {
		return 0, 0, err
	}
	// Most records show no reply: they are recorded as read together; each one that does is
	// weighed on its own, against the reply Koe holds.
	var none []store.ReviewRaw
	for _, r := range list {
		cur, err := stores.ReplyInRaw(r.Kind, r.Raw)
		if err != nil && log != nil {
			log.Warn("review replies: raw record", "feedback_id", r.ID, "kind", r.Kind, "err", err)
		}
		if err != nil || cur == nil || cur.Text == "" {
			none = append(none, r)
			continue
		}
		changed, err := db.RawRead(ctx, r.ID, cur.Text, r.Stored)
		if err != nil {
			return read, found, err
		}
		read++
		if changed {
			found++
		}
	}
	if err := db.RawsRead(ctx, none); err != nil {
		return read, found, err
	}
	return read + len(none), found, nil
}
