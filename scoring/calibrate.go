package scoring

// What a suggestion's score means, measured under the BANKING77 protocol of
// ../shared/data/README.md with every fifth intent held out, so that a fifth of the voices belong
// to no request (TestCalibrationReport, 3,080 voices, 62 requests):
//
//	best score     right when the voice has a request   voices of no request offered
//	≥ 0.40         0.90                                 0.12
//	0.25 – 0.40    0.74                                 0.28 more
//	0.20 – 0.25    0.60                                 0.18 more
//	< 0.20         0.37                                 —
//
// A global mapping was kept over a per-request one: dividing each score by what the request's
// own linked voices score against it (leave-one-out) separated right from wrong less well (at the
// same share of voices of no request offered, 3 to 6 points fewer right).
const (
	// StrongScore and up: right about nine times in ten.
	StrongScore = 0.40
	// PossibleScore and up: right about three times in four.
	PossibleScore = 0.25
	// NoMatchScore: under it the best suggestion is right about one time in three, and most
	// voices of no request fall under it, so it is shown as "no good match — a new request?".
	NoMatchScore = 0.20
)

// Strength codes say how sure a suggestion is; people read them through the catalog
// (strength.strong …).
const (
	Strong   = "strong"
	Possible = "possible"
	Weak     = "weak"
	NoMatch  = "none"
)

// StrengthOf is the strength code of a suggestion's score.
func StrengthOf(score float64) string {
	switch {
	case score >= StrongScore:
		return Strong
	case score >= PossibleScore:
		return Possible
	case score >= NoMatchScore:
		return Weak
	}
	return NoMatch
}
