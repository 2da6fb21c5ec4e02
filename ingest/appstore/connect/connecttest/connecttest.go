// Package connecttest is a local App Store Connect API for tests: the endpoints Koe calls, with
// the wire format of Apple's published OpenAPI document (App Store Connect API 3.7.0, vendored
// at github.com/EvanBacon/App-Store-Connect-OpenAPI-Spec, specs/3.7.0.json: paths
// /v1/apps/{id}/customerReviews, /v1/customerReviews/{id}/response, /v1/customerReviewResponses,
// /v1/customerReviewResponses/{id}; schemas CustomerReviewsResponse, CustomerReviewResponseV1,
// CustomerReviewResponseV1CreateRequest, ErrorResponse) and of the example in Apple's reference
// "List all customer reviews for an app"
// (https://developer.apple.com/documentation/appstoreconnectapi/get-v1-apps-_id_-customerreviews:
// a review id such as "00000028-b08c-0014-729e-fbd500000000", rating, title, body,
// reviewerNickname, createdDate "2017-11-15T08:10:34-08:00", territory "USA").
//
// Like Apple's server it refuses a request whose bearer token is not what "Generating tokens for
// API requests" asks: signed ES256 by the team's key (checked with its public key), kid the key
// id, iss the issuer id, aud appstoreconnect-v1, exp in the future and at most 20 minutes after
// iat. Refusals are ErrorResponse's errors array with Apple's status and code conventions
// (NOT_AUTHORIZED, NOT_FOUND, RATE_LIMIT_EXCEEDED, ENTITY_ERROR.*, STATE_ERROR); the detail
// sentences are ours.
package connecttest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Server is the fake API. Its fields may be changed between requests under Lock.
type Server struct {
	*httptest.Server
	KeyID, IssuerID string
	Key             *ecdsa.PrivateKey
	// KeyFile is the key written as App Store Connect's AuthKey_KEYID.p8.
	KeyFile string
	// Now is the server's clock for checking exp (time.Now when nil).
	Now func() time.Time
	// MaxResponse is the longest responseBody accepted (characters).
	MaxResponse int
	// ConflictOnExisting makes POST refuse a review that already has a response with a 409
	// STATE_ERROR instead of overwriting it.
	ConflictOnExisting bool

	mu        sync.Mutex
	reviews   map[string]Review // by id
	responses map[string]Resp   // by review id
	refuse    []int             // statuses to answer the next requests with
	nextID    int
	// Requests lists "METHOD path" of every request that passed authentication.
	Requests []string
	// Tokens lists every distinct token seen.
	Tokens []string
	// Posted lists the responseBody of every accepted POST.
	Posted []string
}

// Review is a stored customer review.
type Review struct {
	ID, AppID, Title, Body, Nickname, Territory string
	Rating                                      int
	Created                                     time.Time
}

// Resp is a stored developer response.
type Resp struct {
	ID, Body, State string
	Modified        time.Time
}

// New starts a server with a fresh P-256 key written to a .p8 file in t's temporary directory.
func New(t testing.TB) *Server {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{KeyID: "2X9R4HXF34", IssuerID: "57246542-96fe-1a63-e053-0824d011072a", Key: key, MaxResponse: 5970,
		reviews: map[string]Review{}, responses: map[string]Resp{}}
	s.KeyFile = filepath.Join(t.TempDir(), "AuthKey_"+s.KeyID+".p8")
	if err := os.WriteFile(s.KeyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// AddReview stores a review.
func (s *Server) AddReview(r Review) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reviews[r.ID] = r
}

// SetResponse stores a response to a review, as if written in App Store Connect.
func (s *Server) SetResponse(reviewID string, r Resp) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.responses[reviewID] = r
}

// Response is the response a review has now.
func (s *Server) Response(reviewID string) (Resp, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.responses[reviewID]
	return r, ok
}

// Refuse makes the next requests answer these statuses (429 with Retry-After 0, 5xx) in turn.
func (s *Server) Refuse(statuses ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = append(s.refuse, statuses...)
}

// Log returns the requests seen so far.
func (s *Server) Log() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.Requests...)
}

// TokensSeen returns the distinct tokens seen so far.
func (s *Server) TokensSeen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.Tokens...)
}

type apiError struct {
	Status string `json:"status"`
	Code   string `json:"code"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

func writeErrors(w http.ResponseWriter, status int, code, title, detail string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"errors": []apiError{{Status: strconv.Itoa(status), Code: code, Title: title, Detail: detail}}})
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// authorize checks the bearer token as Apple documents it.
func (s *Server) authorize(r *http.Request) error {
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return fmt.Errorf("no bearer token")
	}
	claims := jwt.MapClaims{}
	tok, err := jwt.ParseWithClaims(raw, claims, func(t *jwt.Token) (any, error) {
		if kid, _ := t.Header["kid"].(string); kid != s.KeyID {
			return nil, fmt.Errorf("kid %q is not the key %q", kid, s.KeyID)
		}
		return &s.Key.PublicKey, nil
	}, jwt.WithValidMethods([]string{"ES256"}), jwt.WithAudience("appstoreconnect-v1"), jwt.WithIssuer(s.IssuerID),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithTimeFunc(s.now))
	if err != nil {
		return err
	}
	iat, err1 := claims.GetIssuedAt()
	exp, err2 := claims.GetExpirationTime()
	if err1 != nil || err2 != nil || iat == nil {
		return fmt.Errorf("iat and exp are required")
	}
	if exp.Sub(iat.Time) > 20*time.Minute {
		return fmt.Errorf("exp is %s after iat, more than 20 minutes", exp.Sub(iat.Time))
	}
	if !tok.Valid {
		return fmt.Errorf("invalid token")
	}
	if len(s.Tokens) == 0 || s.Tokens[len(s.Tokens)-1] != raw {
		s.Tokens = append(s.Tokens, raw)
	}
	return nil
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.authorize(r); err != nil {
		// Apple's answer to a missing, expired or badly signed token.
		writeErrors(w, http.StatusUnauthorized, "NOT_AUTHORIZED", "Authentication credentials are missing or invalid.",
			"Provide a properly configured and signed bearer token, and make sure that it has not expired. ("+err.Error()+")")
		return
	}
	s.Requests = append(s.Requests, r.Method+" "+r.URL.Path)
	if len(s.refuse) > 0 {
		status := s.refuse[0]
		s.refuse = s.refuse[1:]
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "0")
			writeErrors(w, status, "RATE_LIMIT_EXCEEDED", "The request rate limit has been reached.", "We've received too many requests for this API. Please wait and try again or slow down your request rate.")
			return
		}
		writeErrors(w, status, "UNEXPECTED_ERROR", "An unexpected error occurred.", "An unexpected error occurred on the server side.")
		return
	}
	path := r.URL.Path
	switch {
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/v1/apps/") && strings.HasSuffix(path, "/customerReviews"):
		s.listReviews(w, r, strings.TrimSuffix(strings.TrimPrefix(path, "/v1/apps/"), "/customerReviews"))
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/v1/customerReviews/") && strings.HasSuffix(path, "/response"):
		s.getResponse(w, strings.TrimSuffix(strings.TrimPrefix(path, "/v1/customerReviews/"), "/response"))
	case r.Method == http.MethodPost && path == "/v1/customerReviewResponses":
		s.postResponse(w, r)
	case r.Method == http.MethodDelete && strings.HasPrefix(path, "/v1/customerReviewResponses/"):
		s.deleteResponse(w, strings.TrimPrefix(path, "/v1/customerReviewResponses/"))
	default:
		writeErrors(w, http.StatusNotFound, "NOT_FOUND", "The specified resource does not exist", "The path provided does not match a defined resource type.")
	}
}

func (s *Server) reviewJSON(rv Review) map[string]any {
	var resp any
	if r, ok := s.responses[rv.ID]; ok {
		resp = map[string]any{"type": "customerReviewResponses", "id": r.ID}
	}
	return map[string]any{"type": "customerReviews", "id": rv.ID,
		"attributes": map[string]any{"rating": rv.Rating, "title": rv.Title, "body": rv.Body, "reviewerNickname": rv.Nickname,
			"createdDate": rv.Created.Format(time.RFC3339), "territory": rv.Territory},
		"relationships": map[string]any{"response": map[string]any{"data": resp, "links": map[string]any{
			"self":    s.URL + "/v1/customerReviews/" + rv.ID + "/relationships/response",
			"related": s.URL + "/v1/customerReviews/" + rv.ID + "/response"}}},
		"links": map[string]any{"self": s.URL + "/v1/customerReviews/" + rv.ID}}
}

func (s *Server) responseJSON(reviewID string, r Resp) map[string]any {
	return map[string]any{"type": "customerReviewResponses", "id": r.ID,
		"attributes":    map[string]any{"responseBody": r.Body, "lastModifiedDate": r.Modified.Format(time.RFC3339), "state": r.State},
		"relationships": map[string]any{"review": map[string]any{"data": map[string]any{"type": "customerReviews", "id": reviewID}}},
		"links":         map[string]any{"self": s.URL + "/v1/customerReviewResponses/" + r.ID}}
}

// listReviews pages newest first (sort=-createdDate) with limit (at most 200) and a cursor in
// links.next, including the responses when include=response.
func (s *Server) listReviews(w http.ResponseWriter, r *http.Request, app string) {
	q := r.URL.Query()
	if q.Get("sort") != "" && q.Get("sort") != "-createdDate" {
		writeErrors(w, http.StatusBadRequest, "PARAMETER_ERROR.INVALID", "A parameter has an invalid value", "this fake sorts by -createdDate only")
		return
	}
	limit := 50
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			writeErrors(w, http.StatusBadRequest, "PARAMETER_ERROR.INVALID", "A parameter has an invalid value", "'"+v+"' is not a valid value for 'limit' (1 to 200)")
			return
		}
		limit = n
	}
	var list []Review
	for _, rv := range s.reviews {
		if rv.AppID == app {
			list = append(list, rv)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Created.After(list[j].Created) })
	start, _ := strconv.Atoi(q.Get("cursor"))
	end := min(start+limit, len(list))
	data, included := []any{}, []any{}
	for _, rv := range list[min(start, len(list)):end] {
		data = append(data, s.reviewJSON(rv))
		if resp, ok := s.responses[rv.ID]; ok && strings.Contains(q.Get("include"), "response") {
			included = append(included, s.responseJSON(rv.ID, resp))
		}
	}
	links := map[string]any{"self": s.URL + r.URL.String()}
	if end < len(list) {
		next := r.URL.Query()
		next.Set("cursor", strconv.Itoa(end))
		links["next"] = s.URL + r.URL.Path + "?" + next.Encode()
	}
	doc := map[string]any{"data": data, "links": links, "meta": map[string]any{"paging": map[string]any{"total": len(list), "limit": limit}}}
	if len(included) > 0 {
		doc["included"] = included
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(doc)
}

func (s *Server) getResponse(w http.ResponseWriter, reviewID string) {
	if _, ok := s.reviews[reviewID]; !ok {
		writeErrors(w, http.StatusNotFound, "NOT_FOUND", "The specified resource does not exist", "There is no resource of type 'customerReviews' with id '"+reviewID+"'")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	resp, ok := s.responses[reviewID]
	if !ok {
		json.NewEncoder(w).Encode(map[string]any{"data": nil, "links": map[string]any{"self": s.URL + "/v1/customerReviews/" + reviewID + "/response"}})
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"data": s.responseJSON(reviewID, resp), "links": map[string]any{"self": s.URL + "/v1/customerReviews/" + reviewID + "/response"}})
}

// postResponse checks the body against CustomerReviewResponseV1CreateRequest and creates or
// overwrites the review's response ("If a response already exists, this endpoint updates the
// response by overwriting it": Apple's reference for POST /v1/customerReviewResponses). A new
// response is PENDING_PUBLISH ("Responses don't appear in the App Store instantly").
func (s *Server) postResponse(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Data struct {
			Type       string `json:"type"`
			Attributes struct {
				ResponseBody *string `json:"responseBody"`
			} `json:"attributes"`
			Relationships struct {
				Review struct {
					Data struct{ Type, ID string } `json:"data"`
				} `json:"review"`
			} `json:"relationships"`
		} `json:"data"`
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		writeErrors(w, http.StatusBadRequest, "PARAMETER_ERROR.INVALID", "Content-Type is not supported", ct)
		return
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeErrors(w, http.StatusBadRequest, "PARAMETER_ERROR.INVALID", "The request entity is not valid JSON", err.Error())
		return
	}
	d := req.Data
	switch {
	case d.Type != "customerReviewResponses":
		writeErrors(w, http.StatusConflict, "ENTITY_ERROR.INCORRECT_TYPE", "The provided entity has an incorrect type", "data.type must be customerReviewResponses")
		return
	case d.Attributes.ResponseBody == nil:
		writeErrors(w, http.StatusConflict, "ENTITY_ERROR.ATTRIBUTE.REQUIRED", "The provided entity is missing a required attribute", "You must provide a value for the attribute 'responseBody' with this request")
		return
	case d.Relationships.Review.Data.Type != "customerReviews" || d.Relationships.Review.Data.ID == "":
		writeErrors(w, http.StatusConflict, "ENTITY_ERROR.RELATIONSHIP.REQUIRED", "The provided entity is missing a required relationship", "You must provide a value for the relationship 'review' with this request")
		return
	}
	body, reviewID := *d.Attributes.ResponseBody, d.Relationships.Review.Data.ID
	if _, ok := s.reviews[reviewID]; !ok {
		writeErrors(w, http.StatusNotFound, "NOT_FOUND", "The specified resource does not exist", "There is no resource of type 'customerReviews' with id '"+reviewID+"'")
		return
	}
	if n := len([]rune(body)); n > s.MaxResponse {
		writeErrors(w, http.StatusConflict, "ENTITY_ERROR.ATTRIBUTE.INVALID.TOO_LONG", "An attribute value is too long.",
			fmt.Sprintf("The attribute 'responseBody' can not be longer than %d characters.", s.MaxResponse))
		return
	}
	old, exists := s.responses[reviewID]
	if exists && s.ConflictOnExisting {
		writeErrors(w, http.StatusConflict, "STATE_ERROR", "The request cannot be fulfilled because of the state of another resource.", "A response already exists for this review.")
		return
	}
	id := old.ID
	if !exists {
		s.nextID++
		id = fmt.Sprintf("00000%03d-c0de-0014-729e-fbd500000000", s.nextID)
	}
	resp := Resp{ID: id, Body: body, State: "PENDING_PUBLISH", Modified: s.now().UTC().Truncate(time.Second)}
	s.responses[reviewID] = resp
	s.Posted = append(s.Posted, body)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]any{"data": s.responseJSON(reviewID, resp), "links": map[string]any{"self": s.URL + "/v1/customerReviewResponses/" + id}})
}

func (s *Server) deleteResponse(w http.ResponseWriter, id string) {
	for rid, r := range s.responses {
		if r.ID == id {
			delete(s.responses, rid)
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	writeErrors(w, http.StatusNotFound, "NOT_FOUND", "The specified resource does not exist", "There is no resource of type 'customerReviewResponses' with id '"+id+"'")
}
