package dashboard

import (
	"fmt"
	"html/template"

	"github.com/gin-gonic/gin"

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
		// languages and autonym make the language switch: each language named in itself.
		"languages": locale.Languages,
		"autonym":   func(lang string) string { return locale.T(lang, "layout.language_name") },
	}
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
