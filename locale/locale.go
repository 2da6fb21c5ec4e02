package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"slices"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Default is the language of a reader Koe knows nothing about: Koe is made for Japanese teams.
const Default = "ja"

//go:embed translations/*.json
var files embed.FS

// catalog is parsed once from the embedded files; a broken file fails at start (and in the test).
var catalog = mustLoad()

type loaded struct {
	bundle     *i18n.Bundle
	localizers map[string]*i18n.Localizer
	langs      []string
	ids        map[string]map[string]bool // language → message ids
	matcher    language.Matcher           // of langs, in their order (built once: Match runs per request)
}

func mustLoad() *loaded {
	c, err := load(files)
	if err != nil {
		panic(err)
	}
	return c
}

func load(fsys fs.FS) (*loaded, error) {
	b := i18n.NewBundle(language.MustParse(Default))
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	names, err := fs.Glob(fsys, "translations/*.json")
	if err != nil {
		return nil, fmt.Errorf("locale: %w", err)
	}
	c := &loaded{bundle: b, localizers: map[string]*i18n.Localizer{}, ids: map[string]map[string]bool{}}
	for _, name := range names {
		buf, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("locale: %w", err)
		}
		mf, err := b.ParseMessageFileBytes(buf, name)
		if err != nil {
			return nil, fmt.Errorf("locale: %s: %w", name, err)
		}
		lang := strings.TrimSuffix(path.Base(name), ".json")
		if mf.Tag.String() != lang {
			return nil, fmt.Errorf("locale: %s: name the file by its language tag (%s.json)", name, mf.Tag)
		}
		c.langs = append(c.langs, lang)
		c.localizers[lang] = i18n.NewLocalizer(b, lang)
		c.ids[lang] = map[string]bool{}
		for _, m := range mf.Messages {
			c.ids[lang][m.ID] = true
		}
	}
	if c.localizers[Default] == nil {
		return nil, fmt.Errorf("locale: no translations/%s.json", Default)
	}
	// The default language first, the others as their files sort.
	slices.SortStableFunc(c.langs, func(a, b string) int {
		switch {
		case a == Default:
			return -1
		case b == Default:
			return 1
		}
		return strings.Compare(a, b)
	})
	tags := make([]language.Tag, len(c.langs))
	for i, l := range c.langs {
		tags[i] = language.MustParse(l)
	}
	c.matcher = language.NewMatcher(tags)
	return c, nil
}

// Languages are the languages the catalog has, the default (ja) first.
func Languages() []string { return slices.Clone(catalog.langs) }

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool { return catalog.localizers[lang] != nil }

// Or is lang when the catalog has it, else fallback (which the caller knows it has).
func Or(lang, fallback string) string {
	if Supported(lang) {
		return lang
	}
	return fallback
}

// Has reports whether the catalog has a message id (in the default language; the test keeps the
// others in step).
func Has(id string) bool { return catalog.ids[Default][id] }

// T is message id in lang (the default language when lang is not in the catalog), with args as
// name/value pairs: T("ja", "feedback.count", "Count", 3). An argument named Count also picks the
// plural form. A missing id comes back as the id itself, and is logged: the test keeps that from
// happening.
func T(lang, id string, args ...any) string {
	l := catalog.localizers[lang]
	if l == nil {
		l = catalog.localizers[Default]
	}
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if len(args) > 0 {
		data := make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			name, _ := args[i].(string)
			data[name] = args[i+1]
			if name == "Count" {
				cfg.PluralCount = args[i+1]
			}
		}
		cfg.TemplateData = data
	}
	s, err := l.Localize(cfg)
	if err != nil {
		slog.Warn("locale: message", "lang", lang, "id", id, "err", err)
		if s == "" {
			return id
		}
	}
	return s
}

// Printer is the catalog in one language, for code that says several things to one reader.
type Printer string

// For is the printer of lang (the default language when the catalog lacks lang).
func For(lang string) Printer { return Printer(Or(lang, Default)) }

// Lang is the printer's language.
func (p Printer) Lang() string { return string(p) }

// T is message id in the printer's language; see the package function T.
func (p Printer) T(id string, args ...any) string { return T(string(p), id, args...) }

// Label is what people read for a domain code of a kind — a tag, a status, a source, a lifecycle,
// a reason: the message KIND.CODE ("tag", "churn_risk" → 解約リスク). An empty code is "".
func (p Printer) Label(kind, code string) string { return Label(string(p), kind, code) }

// Label is the message KIND.CODE in lang; "" for an empty code. A code the catalog lacks is shown
// as itself (and logged), never dropped.
func Label(lang, kind, code string) string {
	if code == "" {
		return ""
	}
	id := kind + "." + code
	if !Has(id) {
		slog.Warn("locale: no label", "id", id)
		return code
	}
	return T(lang, id)
}

// Match is the best catalog language for an Accept-Language header or a tag ("ja-JP", "en-US,en;q=0.9"),
// or "" when none fits.
func Match(accept string) string {
	tags, _, err := language.ParseAcceptLanguage(accept)
	if err != nil || len(tags) == 0 {
		return ""
	}
	_, i, conf := catalog.matcher.Match(tags...)
	if conf == language.No {
		return ""
	}
	return catalog.langs[i]
}

// FromEnv is the language of a command-line reader, from the POSIX locale variables (LC_ALL,
// LC_MESSAGES, LANG: "ja_JP.UTF-8" is ja). Koe's command line speaks English unless the locale
// names another catalog language: scripts run under C or POSIX locales read it as it always was.
func FromEnv(getenv func(string) string) string {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := getenv(name)
		if v == "" {
			continue
		}
		tag, _, _ := strings.Cut(v, ".") // ja_JP.UTF-8 → ja_JP
		tag, _, _ = strings.Cut(tag, "@")
		if l := Match(strings.ReplaceAll(tag, "_", "-")); l != "" && tag != "C" && tag != "POSIX" {
			return l
		}
		return "en"
	}
	return "en"
}
