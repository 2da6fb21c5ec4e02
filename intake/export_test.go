package intake

// Rescorings is how many rescorings the service ran: what tells a voice scored once when stored
// from one stored, then rewritten.
func (s *Service) Rescorings() int64 { return s.sentiment.rescorings.Load() }
