// Package locale is Koe's one message catalog: every word a person reads — pages, errors, Slack
// messages, mail, sheet headers, CLI messages — by message id, one JSON file per language in
// translations/ (translations/ja.json, translations/en.json). Adding a language is adding its file:
// the languages Koe offers are the files embedded here.
//
// A message is text/template text with named arguments ("{{.Count}}件の声"); a message with plural
// forms is an object ({"one": "{{.Count}} voice", "other": "{{.Count}} voices"}), chosen by the
// argument named Count. The catalog is parsed once, at start; a test checks that every language
// has the same ids and that no code or template asks for an id the catalog lacks.
//
// Labels of the domain's codes (tags, statuses, sources, lifecycles, reasons, outbox kinds, audit
// actions, languages, connectors, token scopes) are messages too, with ids KIND.CODE
// (tag.churn_risk, status.shipped, audit_action.merge): see Label. Each kind's codes are listed
// where they are declared, and a test checks that every one of them has its label.
package locale
