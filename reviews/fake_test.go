package reviews_test

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/koehq/koe/replies"
)

// storeDouble is a Replier that keeps one reply per review in memory. The stores' wire formats
// are tested with the real clients in replies/…; this double stands for any of them, so the
// queue's own rules (once, retry, refuse, read back) are tested here.
type storeDouble struct {
	mu      sync.Mutex
	replies map[string]*replies.Existing
	posts   int
	reads   int
	// fail answers the next posts with these errors, in turn, before accepting one; readErr
	// answers every read.
	fail    []error
	readErr error
	max     int
}

func newDouble() *storeDouble { return &storeDouble{replies: map[string]*replies.Existing{}, max: 350} }

func (d *storeDouble) Current(_ context.Context, id string) (*replies.Existing, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.reads++
	if d.readErr != nil {
		return nil, d.readErr
	}
	if r, ok := d.replies[id]; ok {
		c := *r
		return &c, nil
	}
	return nil, nil
}

func (d *storeDouble) Post(_ context.Context, id, text string) (*replies.Existing, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.fail) > 0 {
		err := d.fail[0]
		d.fail = d.fail[1:]
		return nil, err
	}
	d.posts++
	r := &replies.Existing{ID: "resp-" + strconv.Itoa(d.posts), Text: text, UpdatedAt: time.Now()}
	d.replies[id] = r
	c := *r
	return &c, nil
}

func (d *storeDouble) MaxLen() int { return d.max }

func (d *storeDouble) counts() (posts, reads int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.posts, d.reads
}

// repliersFor answers d for the sources named in api, ErrNoReplyAPI for the others.
func repliersFor(d *storeDouble, api ...string) func(string) (replies.Replier, error) {
	return func(source string) (replies.Replier, error) {
		for _, s := range api {
			if s == source {
				return d, nil
			}
		}
		return nil, replies.ErrNoReplyAPI
	}
}
