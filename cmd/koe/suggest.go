package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/koehq/koe/scoring"
)

// idLine is a line with an id kept exactly as written (a number or a string).
type idLine struct {
	ID       json.RawMessage `json:"id"`
	Title    string          `json:"title"`
	Examples []string        `json:"examples"`
	Text     string          `json:"text"`
	A        string          `json:"a"`
	B        string          `json:"b"`
}

func readIDLines(path string, e *env, what string) ([]idLine, error) {
	var out []idLine
	err := readJSONLines(path, e.in, func(line int, raw []byte) error {
		var l idLine
		if err := json.Unmarshal(raw, &l); err != nil || len(l.ID) == 0 {
			return fmt.Errorf("%s:%d: not a %s object with an id", path, line, what)
		}
		out = append(out, l)
		return nil
	})
	return out, err
}

func newSuggestCmd(e *env) *cobra.Command {
	var reqPath, fbPath, format string
	var top int
	cmd := &cobra.Command{
		Use:   "suggest --requests R.jsonl --feedback F.jsonl [--top N] [--format jsonl|text]",
		Short: "Suggest the request each voice belongs to, offline",
		Long: `Suggest, for each voice, the requests it most likely belongs to — offline, no database.
Request lines {"id","title","examples":[…]}, feedback lines {"id","text"}; output lines
{"id","suggestions":[{"request_id","score","strength"}…]}, best first, where strength is strong,
possible, weak or none (no good match: the voice may ask for a new request). --format text
writes one line a voice in words instead. Term weights are learned from all the texts given.`,
		Args:              cobra.NoArgs,
		PersistentPreRunE: func(*cobra.Command, []string) error { return nil },
		RunE: func(cmd *cobra.Command, _ []string) (err error) {
			reqLines, err := readIDLines(reqPath, e, `{"id","title","examples"}`)
			if err != nil {
				return err
			}
			voices, err := readIDLines(fbPath, e, `{"id","text"}`)
			if err != nil {
				return err
			}
			reqs := make([]scoring.RequestText, len(reqLines))
			rawID := map[string]json.RawMessage{}
			for i, r := range reqLines {
				reqs[i] = scoring.RequestText{ID: string(r.ID), Title: r.Title, Examples: r.Examples}
				rawID[string(r.ID)] = r.ID
			}
			corpus := make([]string, len(voices))
			for i, v := range voices {
				corpus[i] = v.Text
			}
			s := scoring.NewSuggester(reqs, corpus)
			if format == "text" {
				return e.suggestText(s, reqs, voices, top)
			}
			enc, flush := jsonLineWriter(e.stdout)
			defer func() { err = flushed(err, flush) }()
			type out struct {
				RequestID json.RawMessage `json:"request_id"`
				Score     float64         `json:"score"`
				Strength  string          `json:"strength"`
			}
			titles := map[string]string{}
			for _, r := range reqs {
				titles[r.ID] = r.Title
			}
			for _, v := range voices {
				list := []out{}
				for _, sg := range s.Suggest(v.Text, top) {
					list = append(list, out{rawID[sg.RequestID], sg.Score, strengthOf(sg, v.Text, titles)})
				}
				if err := enc.Encode(map[string]any{"id": v.ID, "suggestions": list}); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&reqPath, "requests", "", "requests, JSON Lines (required)")
	cmd.Flags().StringVar(&fbPath, "feedback", "", "voices, JSON Lines (required)")
	cmd.Flags().IntVar(&top, "top", 3, "how many suggestions per voice")
	cmd.Flags().StringVar(&format, "format", "jsonl", "jsonl (for programs) or text (for people, in the language of LANG)")
	cmd.MarkFlagRequired("requests")
	cmd.MarkFlagRequired("feedback")
	return cmd
}

// suggestText writes each voice's suggestions in words: the requests worth a look with their
// strength, or no good match when even the best is under scoring.NoMatchScore.
func (e *env) suggestText(s *scoring.Suggester, reqs []scoring.RequestText, voices []idLine, top int) error {
	p := e.say()
	titles := map[string]string{}
	for _, r := range reqs {
		titles[r.ID] = r.Title
	}
	w := bufio.NewWriter(e.stdout)
	for _, v := range voices {
		id := strings.Trim(string(v.ID), `"`)
		list := s.Suggest(v.Text, top)
		switch {
		case len(list) == 0:
			fmt.Fprintln(w, p.T("cli.suggest.nothing", "ID", id))
		case strengthOf(list[0], v.Text, titles) == scoring.NoMatch:
			fmt.Fprintln(w, p.T("cli.suggest.none", "ID", id, "Request", strings.Trim(list[0].RequestID, `"`),
				"Title", titles[list[0].RequestID], "Score", fmt.Sprintf("%.2f", list[0].Score)))
		default:
			for _, sg := range list {
				if strengthOf(sg, v.Text, titles) == scoring.NoMatch {
					break
				}
				fmt.Fprintln(w, p.T("cli.suggest.line", "ID", id, "Request", strings.Trim(sg.RequestID, `"`), "Title", titles[sg.RequestID],
					"Strength", p.Label("strength", strengthOf(sg, v.Text, titles)), "Score", fmt.Sprintf("%.2f", sg.Score)))
			}
		}
	}
	return w.Flush()
}

func newSimilarityCmd(e *env) *cobra.Command {
	var path string
	cmd := &cobra.Command{
		Use:   "similarity --pairs P.jsonl",
		Short: `Score how alike two texts are: {"id","a","b"} lines in, {"id","score"} out`,
		Long: `Score the similarity of text pairs in [0, 1], Japanese or English, offline. Term weights, and
which words keep company with which, are learned from all the texts in the file.`,
		Args:              cobra.NoArgs,
		PersistentPreRunE: func(*cobra.Command, []string) error { return nil },
		RunE: func(cmd *cobra.Command, _ []string) (err error) {
			pairs, err := readIDLines(path, e, `{"id","a","b"}`)
			if err != nil {
				return err
			}
			corpus := make([]string, 0, 2*len(pairs))
			for _, p := range pairs {
				corpus = append(corpus, p.A, p.B)
			}
			m := scoring.NewPairModel(corpus)
			enc, flush := jsonLineWriter(e.stdout)
			defer func() { err = flushed(err, flush) }()
			for _, p := range pairs {
				if err := enc.Encode(map[string]any{"id": p.ID, "score": round4(m.Similarity(p.A, p.B))}); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&path, "pairs", "", "pairs, JSON Lines (required)")
	cmd.MarkFlagRequired("pairs")
	return cmd
}

func round4(x float64) float64 { return float64(int64(x*10000+0.5)) / 10000 }

// strengthOf is how sure a suggestion of the request titled titles[sg.RequestID] is for a voice
// saying text, on the same-language scale (scoring.Calibrated).
func strengthOf(sg scoring.Suggestion, text string, titles map[string]string) string {
	return scoring.StrengthOf(scoring.Calibrated(sg.Score, scoring.Japanese(text), scoring.Japanese(titles[sg.RequestID])))
}
