package dashboard

import (
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/koehq/koe/feedback"
	"github.com/koehq/koe/locale"
)

// wordFuncs are the template functions that speak one language: the templates of that language
// are parsed with them, so a page never asks which language it is in.
//
//	{{t "feedback.title"}}  {{t "clusters.count" "Count" (len .Voices)}}  {{label "tag" .Tag}}
func wordFuncs(p locale.Printer) template.FuncMap {
	return template.FuncMap{
		"t": p.T,
		// label is what people read for a code (a tag, a status, a source…); the code itself
		// stays in form values.
		"label": func(kind string, code any) string { return p.Label(kind, fmt.Sprint(code)) },
		// strength is how sure a suggestion is, in words (ほぼ確実, possible match).
		"strength": func(score float64) string { return p.T(strength(score)) },
		// calibrated is a suggestion's score on the scale strength and offered read, for a voice
		// in language lang and a request titled title (scoring.Calibrated).
		"calibrated": calibrated,
		// every is how often a source runs, in words (15分ごと, every hour).
		"every": func(d time.Duration) string { return every(p, d) },
		// languages and autonym make the language switch: each language named in itself.
		"languages": locale.Languages,
		"autonym":   func(lang string) string { return locale.T(lang, "layout.language_name") },
	}
}

// every is an interval in p's words: whole hours or whole minutes, else Go's own form (90s).
func every(p locale.Printer, d time.Duration) string {
	switch {
	case d > 0 && d%time.Hour == 0:
		return p.T("sources.every_hours", "Count", int(d/time.Hour))
	case d > 0 && d%time.Minute == 0:
		return p.T("sources.every_minutes", "Count", int(d/time.Minute))
	}
	return d.String()
}

// lang is the reader's language: ?lang= first, then the signed-in user's setting, then the
// browser's Accept-Language, then locale.Default. Any language of the catalog is accepted.
func lang(c *gin.Context) string {
	if l := c.Query("lang"); locale.Supported(l) {
		return l
	}
	if u, ok := currentUser(c); ok && locale.Supported(u.Locale) {
		return u.Locale
	}
	if l := locale.Match(c.GetHeader("Accept-Language")); l != "" {
		return l
	}
	return locale.Default
}

// words is the catalog in the reader's language.
func words(c *gin.Context) locale.Printer { return locale.For(lang(c)) }

// userError is an error whose message a person reads as it is (already in their language).
func userError(code, message string) error { return feedback.Errorf(code, "%s", message) }

// errorTitle is the heading of an error page: what kind of failure, in the reader's words.
func errorTitle(p locale.Printer, status int) string {
	switch status {
	case http.StatusBadRequest:
		return p.T("error.bad_request")
	case http.StatusUnauthorized:
		return p.T("error.unauthorized")
	case http.StatusForbidden:
		return p.T("error.forbidden")
	case http.StatusNotFound:
		return p.T("error.not_found")
	case http.StatusConflict:
		return p.T("error.conflict")
	case http.StatusTooManyRequests:
		return p.T("error.too_many")
	}
	return p.T("error.internal")
}
