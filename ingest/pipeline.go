// Package ingest pulls voices from their sources (chat tools, review sites, mail) into the
// feedback sheet. A Source reads items after a cursor and hands them over in batches; the
// Pipeline cleans them (HTML to text, whitespace), reads their language and sentiment, matches
// them to accounts, and writes each batch with the source's new cursor in one transaction — so a
// crash loses nothing and a rerun adds nothing. One subpackage per source.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/koehq/koe/accounts"
	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/ingest/textproc"
	"github.com/koehq/koe/store"
)

// MaxBody is the largest text one voice may bring; larger records are refused with a reason.
const MaxBody = 1 << 20

// Record is one voice as a source read it.
type Record struct {
	Item feedback.Item
	// Triage is triage work that came with the voice (an imported feedback sheet).
	Triage *Triage
	// Where names the record for messages: file:line, or the source's id.
	Where string
	// Warnings say what part of the record was left out and why (an unknown tag): each is
	// reported as a Problem with Stored set, and the record is stored without that part.
	Warnings []string
}

// Triage is triage work carried by an imported record.
type Triage struct {
	RequestTitle string
	Tag          feedback.Tag
	Insight      string
	WhoBenefits  string
}

// Problem is a record that was not stored, and why. Failed problems are bad input; the others
// are records that are not feedback (a bot-only conversation, an empty message). A Stored problem
// is a record stored without the part Why names (Record.Warnings); it counts as neither.
type Problem struct {
	Where, Why string
	Failed     bool
	Stored     bool
}

func (p Problem) String() string { return p.Where + ": " + p.Why }

// Batch is what a source hands over at a time. Cursor is the source's position after every
// record and problem in it ("" when the source keeps no cursor, like a file).
type Batch struct {
	Records  []Record
	Problems []Problem
	Cursor   string
	// Done and Total say how far the source is, when it knows (bytes of a file, pages).
	Done, Total int64
	// Merged counts messages the source folded into another record of this batch (later mails
	// of a thread): read, and counted as updating a voice.
	Merged int
}

// Source reads voices after a cursor and calls emit for each batch, in order. It returns when
// there is nothing more, or with the first error it cannot get past; what it emitted before
// stays stored.
type Source interface {
	Kind() feedback.SourceKind
	// Name is the source's name: feedback.source_name, and the key of its cursor.
	Name() string
	Pull(ctx context.Context, cursor string, emit func(Batch) error) error
}

// Threaded is a Source whose records may be later messages of a conversation already stored
// (email): their words are added to it rather than replacing it. Such a source emits at most one
// message of a conversation per batch.
type Threaded interface {
	Threads() bool
}

// Counts are an ingest run's numbers.
type Counts struct {
	Read, New, Updated, Duplicate, Skipped, Failed int
	Done, Total                                    int64
}

// Summary is the line every `koe ingest` ends with.
func (c Counts) Summary(kind string) string {
	return fmt.Sprintf("ingested source=%s read=%d new=%d duplicate=%d skipped=%d failed=%d", kind, c.Read, c.New, c.Duplicate+c.Updated, c.Skipped, c.Failed)
}

// Pipeline runs sources into the store.
type Pipeline struct {
	Store *store.DB
	// SourceType names the kind of source (intercom, zendesk, jsonl …) in the run records and the
	// sources table; the voices' kind (chat, review) when empty.
	SourceType    string
	ExtraFreeMail []string
	// Progress, when set, is called after every batch.
	Progress func(Counts)
	// Problem, when set, is called for every record not stored, and every part of one left out.
	Problem func(Problem)
	// Rules, when set, turns the voices a batch adds into messages for the outbox, written in
	// the batch's transaction (the Slack bot's rules): a voice is stored with its messages or
	// not at all, and a rerun, adding nothing, queues nothing. It is called from one goroutine at
	// a time.
	Rules func(added []feedback.Item) []store.OutboxMessage
	// Index, when set, matches voices to accounts instead of one built from the store for this
	// run (a caller with many small runs, like the API, keeps one and refreshes it).
	Index *accounts.Index
	// NoRunRecord leaves the run out of ingest_runs (one voice posted to the API is not a run).
	NoRunRecord bool
	// Sentiment, when set, scores the words of each voice without a star rating instead of the
	// rules (textproc.Sentiment): intake sets it to the learned model, so a voice is stored with
	// its final score in one write and the Rules see that score. A rated review keeps the rules'
	// reading: its stars say how it feels. It is given the voice's source id and words, and is
	// called from one goroutine at a time.
	Sentiment func(sourceID, text string) (float64, string)
	// Learn, when set, is given the words of every rated review as its batch is prepared, and
	// whether it is positive (4–5 stars; 1–2 negative; 3 says neither and is not given), before
	// the voices read after it are scored: intake's model learns from an import's own reviews as
	// it reads them. It is called from the goroutine that calls Sentiment, never at once with it.
	Learn func(text string, positive bool)

	mu      sync.Mutex // guards the counts while the reader and the writers run together
	rulesMu sync.Mutex // Rules is called from one writer at a time
}

// ErrAllFailed is the error of a run that read records and could store none of them: each was
// bad input (reported as a Problem). Such a run is not a success, whatever it stored before.
var ErrAllFailed = errors.New("every record read failed")

// Run reads src from its saved cursor to the end. A run whose every record failed returns an
// error wrapping ErrAllFailed.
func (p *Pipeline) Run(ctx context.Context, src Source) (Counts, error) {
	var c Counts
	ix := p.Index
	if ix == nil {
		data, err := p.Store.MatchData(ctx)
		if err != nil {
			return c, err
		}
		ix = accounts.NewIndex(data, p.ExtraFreeMail)
	}
	cursor, err := p.Store.Cursor(ctx, src.Name())
	if err != nil {
		return c, err
	}
	if p.SourceType == "" {
		p.SourceType = string(src.Kind())
	}
	if p.NoRunRecord {
		return c, p.pullAll(ctx, src, ix, cursor, &c)
	}
	runID, err := p.Store.StartRun(ctx, p.SourceType, src.Name())
	if err != nil {
		return c, err
	}
	runErr := p.pullAll(ctx, src, ix, cursor, &c)
	msg := ""
	if runErr != nil {
		msg = runErr.Error()
	}
	sc := feedback.SyncCounts{Read: c.Read, New: c.New, Updated: c.Updated, Unchanged: c.Duplicate, Skipped: c.Skipped, Failed: c.Failed}
	if err := p.Store.FinishRun(context.WithoutCancel(ctx), runID, sc, msg); err != nil && runErr == nil {
		runErr = err
	}
	return c, runErr
}

// pullAll is pull, failing a run whose every record failed.
func (p *Pipeline) pullAll(ctx context.Context, src Source, ix *accounts.Index, cursor string, c *Counts) error {
	err := p.pull(ctx, src, ix, cursor, c)
	if err == nil && c.Failed > 0 && c.Failed == c.Read {
		err = fmt.Errorf("ingest: %s: %w (%d): nothing was stored", src.Name(), ErrAllFailed, c.Failed)
	}
	return err
}

// prepared is a batch cleaned and enriched, ready to write.
type prepared struct {
	items  []feedback.Item
	triage []Record
	// problems are reported when the batch is handed to be written, on the writers' goroutine,
	// as progress is: the two callbacks never run at once.
	problems []Problem
	cursor   string
	done     int64
	total    int64
}

// writers is how many batches are written at once: PostgreSQL's work on a batch (the INSERT and
// its indexes) is most of an import's, and runs on one core per connection.
const writers = 2

// pull reads the source and writes what it reads. Cleaning and enriching a batch (CPU in this
// process) overlaps with writing the ones before (work in PostgreSQL), up to writers batches at
// once. Each batch is one transaction. A batch whose order matters waits for those before it and
// is written alone (exclusive): one that carries a cursor (so a cursor never passes a batch that
// was not stored), triage work, or messages of a conversation, and one holding a voice of a batch
// still being written (the later words win). Callbacks run on one goroutine, in the order read.
func (p *Pipeline) pull(ctx context.Context, src Source, ix *accounts.Index, cursor string, c *Counts) error {
	readCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	queue := make(chan prepared, 1)
	written := make(chan error, 1)
	go func() {
		// Writes in flight finish even after another failed: what they commit is counted.
		written <- p.writeAll(ctx, src, queue, c, cancel)
	}()
	pullErr := src.Pull(readCtx, cursor, func(b Batch) error {
		var local Counts
		pb := p.prepareBatch(src, ix, b, &local)
		p.mu.Lock()
		c.Read += local.Read
		c.Skipped += local.Skipped
		c.Failed += local.Failed
		c.Duplicate += local.Duplicate
		c.Updated += local.Updated
		p.mu.Unlock()
		select {
		case queue <- pb:
			return nil
		case <-readCtx.Done():
			return readCtx.Err()
		}
	})
	close(queue)
	if err := <-written; err != nil {
		return err
	}
	return pullErr
}

// flight is a batch being written.
type flight struct {
	b      prepared
	ids    map[string]bool
	done   chan struct{}
	counts store.IngestCounts
	err    error
}

// writeAll writes the batches of queue, reports them in order, and returns the first error (in
// the order read), calling stop when one fails; the batches after it are read off and dropped.
func (p *Pipeline) writeAll(ctx context.Context, src Source, queue <-chan prepared, c *Counts, stop func()) error {
	t, threads := src.(Threaded)
	threads = threads && t.Threads()
	var inflight []*flight
	var firstErr error
	finish := func() {
		f := inflight[0]
		inflight = inflight[1:]
		<-f.done
		if f.err == nil && firstErr == nil && len(f.b.triage) > 0 {
			f.err = p.importTriage(ctx, src, f.b.triage) // alone: triage work makes a batch exclusive
		}
		// What a batch stored is counted, even when its triage work then failed.
		p.mu.Lock()
		c.New += f.counts.New
		c.Updated += f.counts.Updated
		c.Duplicate += f.counts.Duplicate
		if f.err == nil {
			c.Done, c.Total = f.b.done, f.b.total
		}
		snapshot := *c
		p.mu.Unlock()
		if f.err != nil {
			if firstErr == nil {
				firstErr = f.err
				stop()
			}
			return
		}
		if p.Progress != nil {
			p.Progress(snapshot)
		}
	}
	for b := range queue {
		if firstErr != nil {
			continue
		}
		exclusive := threads || b.cursor != "" || len(b.triage) > 0
		for len(inflight) > 0 && (exclusive || len(inflight) >= writers || overlaps(inflight, b.items)) {
			finish()
		}
		if firstErr != nil {
			continue
		}
		if p.Problem != nil {
			for _, pr := range b.problems {
				p.Problem(pr)
			}
		}
		f := &flight{b: b, done: make(chan struct{})}
		if !exclusive {
			f.ids = make(map[string]bool, len(b.items))
			for _, it := range b.items {
				f.ids[it.SourceID] = true
			}
		}
		// A run with a record commits it at the end (FinishRun), which makes the batches durable.
		batch := store.FeedbackBatch{Items: b.items, Threads: threads, Flushed: !p.NoRunRecord}
		if b.cursor != "" {
			batch.Cursor = &store.SourceCursor{Kind: p.SourceType, Name: src.Name(), Cursor: b.cursor}
		}
		inflight = append(inflight, f)
		go func() {
			defer close(f.done)
			f.counts, f.err = p.write(ctx, batch)
		}()
		if exclusive {
			finish()
		}
	}
	for len(inflight) > 0 {
		finish()
	}
	return firstErr
}

// overlaps reports whether a voice of items is in a batch in flight.
func overlaps(inflight []*flight, items []feedback.Item) bool {
	for _, f := range inflight {
		if f.ids == nil {
			return true
		}
		for _, it := range items {
			if f.ids[it.SourceID] {
				return true
			}
		}
	}
	return false
}

// prepareBatch cleans and enriches a batch, counting into c what it read, skipped and refused.
func (p *Pipeline) prepareBatch(src Source, ix *accounts.Index, b Batch, c *Counts) prepared {
	pb := prepared{cursor: b.Cursor, done: b.Done, total: b.Total}
	c.Read += b.Merged
	c.Updated += b.Merged
	for _, pr := range b.Problems {
		c.Read++
		pb.problem(pr, c)
	}
	index := map[string]int{}
	triage := map[string]Record{}
	for _, r := range b.Records {
		c.Read++
		validRecord(&r)
		it, pr := p.prepare(src, ix, r)
		if pr != nil {
			pb.problem(*pr, c)
			continue
		}
		for _, w := range r.Warnings {
			pb.problems = append(pb.problems, Problem{Where: where(src, r), Why: w, Stored: true})
		}
		// The same voice twice in one batch: the later wins, its words and its triage both.
		if r.Triage != nil {
			r.Item = it
			triage[it.SourceID] = r
		} else {
			delete(triage, it.SourceID)
		}
		if i, dup := index[it.SourceID]; dup {
			pb.items[i] = it
			c.Duplicate++
			continue
		}
		index[it.SourceID] = len(pb.items)
		pb.items = append(pb.items, it)
	}
	for _, it := range pb.items {
		if r, ok := triage[it.SourceID]; ok {
			pb.triage = append(pb.triage, r)
		}
	}
	return pb
}

// write stores a batch and, in the same transaction, the outbox messages the rules make of the
// voices it added.
func (p *Pipeline) write(ctx context.Context, b store.FeedbackBatch) (store.IngestCounts, error) {
	tx, err := p.Store.Begin(ctx, "save feedback")
	if err != nil {
		return store.IngestCounts{}, err
	}
	defer tx.Rollback()
	counts, added, err := tx.SaveFeedback(ctx, b)
	if err != nil {
		return store.IngestCounts{}, err
	}
	if p.Rules != nil && len(added) > 0 {
		p.rulesMu.Lock() // batches are written two at a time; the rules are called one at a time
		msgs := p.Rules(added)
		p.rulesMu.Unlock()
		if err := tx.Enqueue(ctx, msgs); err != nil {
			return store.IngestCounts{}, err
		}
	}
	return counts, tx.Commit()
}

// problem counts a record that was read but not stored, and keeps it to report.
func (pb *prepared) problem(pr Problem, c *Counts) {
	if pr.Failed {
		c.Failed++
	} else {
		c.Skipped++
	}
	pb.problems = append(pb.problems, pr)
}

// prepare cleans and enriches one record (made valid text by validRecord), or says why it cannot
// be stored.
func (p *Pipeline) prepare(src Source, ix *accounts.Index, r Record) (feedback.Item, *Problem) {
	it := r.Item
	where := where(src, r)
	fail := func(why string) (feedback.Item, *Problem) { return it, &Problem{Where: where, Why: why, Failed: true} }
	if it.SourceID == "" {
		return fail("no id: every record needs the source's own id")
	}
	if n := len(it.Body) + len(it.Context) + len(it.Title); n > MaxBody {
		return fail(fmt.Sprintf("%.1f MB of text is over the %d MB limit for one voice", float64(n)/(1<<20), MaxBody>>20))
	}
	if looksHTML(it.Body) {
		it.Body, it.Context = textproc.HTMLToText(it.Body), textproc.HTMLToText(it.Context)
	} else {
		it.Body, it.Context = textproc.Whitespace(it.Body), textproc.Whitespace(it.Context)
	}
	it.Title = textproc.Whitespace(it.Title)
	if it.Body == "" {
		return it, &Problem{Where: where, Why: "no words from the customer (only agent or bot messages, or empty)"}
	}
	if it.ReceivedAt.IsZero() {
		return fail("no date")
	}
	if it.Rating != nil && (*it.Rating < 0 || *it.Rating > 5 || *it.Rating != *it.Rating) {
		return fail(fmt.Sprintf("star rating %v is outside 0–5", *it.Rating))
	}
	it.SourceKind, it.SourceName = src.Kind(), src.Name()
	it.AuthorEmail = strings.ToLower(strings.TrimSpace(it.AuthorEmail))
	it.Body, it.Context = textproc.Clip(it.Body, textproc.MaxText), textproc.Clip(it.Context, textproc.MaxText)
	text := it.Title + "\n" + it.Body
	it.Language = textproc.Language(text)
	var score float64
	if p.Sentiment == nil || it.Rating != nil {
		score, _ = textproc.Sentiment(text)
	} else {
		score, _ = p.Sentiment(it.SourceID, text)
	}
	it.Sentiment = &score
	if r := it.Rating; p.Learn != nil && r != nil && (*r >= 4 || *r <= 2) {
		p.Learn(text, *r >= 4) // as the store learns it: title, a line break, body
	}
	if m, ok := ix.Match(it.AuthorEmail, it.CompanyName); ok {
		id := m.AccountID
		it.AccountID, it.MatchRule = &id, m.Rule
	}
	return it, nil
}

// where names a record in messages: where the source says it is, else the source and its id.
func where(src Source, r Record) string {
	if r.Where != "" {
		return r.Where
	}
	return src.Name() + " " + r.Item.SourceID
}

var htmlTag = regexp.MustCompile(`(?i)</?(p|br|div|span|b|i|u|a|ul|ol|li|strong|em|table|tr|td|th|img|h[1-6]|blockquote|pre|code)(\s[^>]*)?/?>`)

// looksHTML reports whether text from a source that does not say what it sends is HTML.
func looksHTML(s string) bool { return strings.IndexByte(s, '<') >= 0 && htmlTag.MatchString(s) }

func (p *Pipeline) importTriage(ctx context.Context, src Source, recs []Record) error {
	var titles []string
	seen := map[string]bool{}
	for _, r := range recs {
		if t := strings.TrimSpace(r.Triage.RequestTitle); t != "" && !seen[t] {
			seen[t] = true
			titles = append(titles, t)
		}
	}
	actor := "import:" + src.Name()
	ids, err := p.Store.RequestIDsByTitle(ctx, titles, actor)
	if err != nil {
		return err
	}
	var ti []store.TriageImport
	for _, r := range recs {
		t := store.TriageImport{SourceKind: r.Item.SourceKind, SourceName: r.Item.SourceName, SourceID: r.Item.SourceID,
			Tag: r.Triage.Tag, Insight: r.Triage.Insight, WhoBenefits: r.Triage.WhoBenefits}
		if id, ok := ids[strings.TrimSpace(r.Triage.RequestTitle)]; ok {
			t.RequestID = &id
		}
		ti = append(ti, t)
	}
	_, err = p.Store.ApplyTriageImports(ctx, ti, actor)
	return err
}
