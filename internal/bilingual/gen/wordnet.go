package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// wordnet gives an English word the other words of its most frequent sense (its first synset in
// WordNet's index), so a gloss meets the word a customer uses (repayment → refund). Read from
// the Debian package wordnet-base; nil when it is absent.
type wordnet struct {
	first map[string]map[string]int64 // pos → lemma → offset of its first synset
	data  map[string]*os.File         // pos → data file
}

var wnPOS = map[string]string{"n": "noun", "v": "verb", "a": "adj"}

func openWordNet(dir string) (*wordnet, error) {
	wn := &wordnet{first: map[string]map[string]int64{}, data: map[string]*os.File{}}
	for p, name := range wnPOS {
		idx, err := os.Open(filepath.Join(dir, "index."+name))
		if err != nil {
			return nil, err
		}
		m := map[string]int64{}
		sc := bufio.NewScanner(idx)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) < 6 || strings.HasPrefix(sc.Text(), " ") {
				continue
			}
			// lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
			nPtr, _ := strconv.Atoi(f[3])
			i := 4 + nPtr + 2
			if i < len(f) {
				off, err := strconv.ParseInt(f[i], 10, 64)
				if err == nil {
					m[f[0]] = off
				}
			}
		}
		idx.Close()
		wn.first[p] = m
		d, err := os.Open(filepath.Join(dir, "data."+name))
		if err != nil {
			return nil, err
		}
		wn.data[p] = d
	}
	return wn, nil
}

// synonyms are the one-word lemmas sharing word's first synset, at most max of them.
func (wn *wordnet) synonyms(word, pos string, max int) []string {
	if wn == nil {
		return nil
	}
	off, ok := wn.first[pos][word]
	if !ok {
		return nil
	}
	buf := make([]byte, 2048)
	n, _ := wn.data[pos].ReadAt(buf, off)
	line, _, _ := strings.Cut(string(buf[:n]), "\n")
	f := strings.Fields(line)
	if len(f) < 4 {
		return nil
	}
	cnt, err := strconv.ParseInt(f[3], 16, 32)
	if err != nil {
		return nil
	}
	var out []string
	for i := 0; i < int(cnt) && 4+2*i < len(f); i++ {
		w := f[4+2*i]
		if w != strings.ToLower(w) {
			continue // a proper name (me → Maine)
		}
		if k := strings.IndexByte(w, '('); k >= 0 {
			w = w[:k] // adjective markers: big(a)
		}
		if w == word || strings.ContainsAny(w, "_-.'") {
			continue
		}
		out = append(out, w)
		if len(out) == max {
			break
		}
	}
	return out
}
