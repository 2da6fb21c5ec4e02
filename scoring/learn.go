package scoring

import "slices"

// Learn makes text an example of the request: a voice a person linked to it. A request the
// suggester has not seen yet is added with title. Only that request's centroid changes, in place;
// the term weights stay those the suggester was built with (terms it never saw are left out
// until the next build). Safe to call while others Suggest.
func (s *Suggester) Learn(requestID, title, text string) {
	v := s.model.Vector(text)
	var t Vec
	if title != "" {
		t = s.model.Vector(title)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.pos[requestID]
	if !ok {
		r = int32(len(s.ids))
		s.ids = append(s.ids, requestID)
		s.pos[requestID] = r
		s.reqs = append(s.reqs, centroid{})
		if title != "" {
			s.reqs[r].add(t)
			s.reqs[r].postings = flatten(s.reqs[r].sum, s.reqs[r].n)
		}
	} else {
		s.unindex(r)
	}
	c := &s.reqs[r]
	c.add(v)
	c.postings = flatten(c.sum, c.n)
	s.index(r)
	s.rehub(r)
}

// add sums v into the centroid, keeping its heaviest terms.
func (c *centroid) add(v Vec) {
	sum := make(map[int32]float32, len(c.sum.ids)+len(v.ids))
	for k, id := range c.sum.ids {
		sum[id] = c.sum.w[k]
	}
	for k, id := range v.ids {
		sum[id] += v.w[k]
	}
	c.sum = heaviest(sum, centroidTerms)
	c.n++
}

// unindex takes request r's postings out of the index.
func (s *Suggester) unindex(r int32) {
	for _, id := range s.reqs[r].postings.ids {
		list := s.postings[id]
		if i, found := slices.BinarySearchFunc(list, r, func(p posting, r int32) int { return int(p.req) - int(r) }); found {
			s.postings[id] = slices.Delete(list, i, i+1)
		}
	}
}

// index puts request r's postings in the index, each list kept in request order.
func (s *Suggester) index(r int32) {
	c := s.reqs[r]
	for k, id := range c.postings.ids {
		w := c.postings.w[k]
		list := s.postings[id]
		i, _ := slices.BinarySearchFunc(list, r, func(p posting, r int32) int { return int(p.req) - int(r) })
		s.postings[id] = slices.Insert(list, i, posting{r, w})
		s.maxW[id] = max(s.maxW[id], w)
	}
}
