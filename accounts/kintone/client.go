// Package kintone is a small client for the kintone REST API as documented by Cybozu: records
// (GET /k/v1/records.json) and an app's form fields (GET /k/v1/app/form/fields.json), with
// API-token authentication (X-Cybozu-API-Token) and retries on 429 and 5xx.
package kintone

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/koehq/koe/internal/httpretry"
)

// MaxLimit is the most records one GET /k/v1/records.json returns.
const MaxLimit = 500

// Client talks to one kintone domain. It is safe for concurrent use.
type Client struct {
	base   *url.URL
	token  string
	http   *http.Client
	Policy httpretry.Policy
}

// New returns a client for baseURL (https://SUBDOMAIN.cybozu.com) with an API token.
func New(baseURL, token string, hc *http.Client) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("kintone: base URL %q: use https://SUBDOMAIN.cybozu.com", baseURL)
	}
	if token == "" {
		return nil, fmt.Errorf("kintone: no API token: set KOE_KINTONE_TOKEN (the app's API token with view permission)")
	}
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	return &Client{base: u, token: token, http: hc}, nil
}

// Host is the kintone domain, for naming the source.
func (c *Client) Host() string { return c.base.Host }

// Field is one field value of a record: {"type": …, "value": …}. Value is a string for most
// types, an array for check boxes, multi-selects, users and tables.
type Field struct {
	Type  string          `json:"type"`
	Value json.RawMessage `json:"value"`
}

// Record is a record: field code → field.
type Record map[string]Field

// Text returns the field as plain text: strings as they are, lists joined with "; ", user and
// organisation entries by name, table rows by their cells' text.
func (f Field) Text() string {
	var s string
	if err := json.Unmarshal(f.Value, &s); err == nil {
		return s
	}
	var list []json.RawMessage
	if err := json.Unmarshal(f.Value, &list); err != nil {
		return ""
	}
	var parts []string
	for _, item := range list {
		var str string
		if json.Unmarshal(item, &str) == nil {
			parts = append(parts, str)
			continue
		}
		var entity struct {
			Name  string           `json:"name"`
			Value map[string]Field `json:"value"`
		}
		if json.Unmarshal(item, &entity) == nil {
			if entity.Name != "" {
				parts = append(parts, entity.Name)
			}
			for _, cell := range entity.Value { // a table row
				if t := cell.Text(); t != "" {
					parts = append(parts, t)
				}
			}
		}
	}
	return strings.Join(parts, "; ")
}

// FieldProperty describes one field of an app's form.
type FieldProperty struct {
	Type  string `json:"type"`
	Code  string `json:"code"`
	Label string `json:"label"`
}

// APIError is an error answer: {"code", "id", "message"}.
type APIError struct {
	Status  int
	Code    string `json:"code"`
	ID      string `json:"id"`
	Message string `json:"message"`
}

func (e *APIError) Error() string {
	return fmt.Sprintf("kintone: HTTP %d %s: %s", e.Status, e.Code, e.Message)
}

// Fields returns the app's fields by field code.
func (c *Client) Fields(ctx context.Context, app string) (map[string]FieldProperty, error) {
	var out struct {
		Properties map[string]FieldProperty `json:"properties"`
	}
	if err := c.get(ctx, "/k/v1/app/form/fields.json", url.Values{"app": {app}}, &out); err != nil {
		return nil, err
	}
	return out.Properties, nil
}

// Records returns the records query selects (at most MaxLimit: give the query a limit), with
// only the fields named (all when none are).
func (c *Client) Records(ctx context.Context, app, query string, fields []string) ([]Record, error) {
	q := url.Values{"app": {app}, "query": {query}}
	for i, f := range fields {
		q.Set("fields["+strconv.Itoa(i)+"]", f)
	}
	var out struct {
		Records []Record `json:"records"`
	}
	if err := c.get(ctx, "/k/v1/records.json", q, &out); err != nil {
		return nil, err
	}
	return out.Records, nil
}

func (c *Client) get(ctx context.Context, path string, q url.Values, into any) error {
	u := *c.base
	u.Path += path
	u.RawQuery = q.Encode()
	err := httpretry.GetJSON(ctx, c.http, c.Policy, u.String(), map[string]string{"X-Cybozu-API-Token": c.token}, 256<<20, into)
	var se *httpretry.StatusError
	if errors.As(err, &se) {
		apiErr := &APIError{Status: se.Status}
		if json.Unmarshal(se.Answer, apiErr) != nil || apiErr.Message == "" {
			apiErr.Message = se.Body
		}
		return apiErr
	}
	if err != nil {
		return fmt.Errorf("kintone: %w", err)
	}
	return nil
}
