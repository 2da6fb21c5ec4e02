package main

import "github.com/koehq/koe/locale"

// say is the message catalog in the reader's language: LC_ALL / LC_MESSAGES / LANG, English under
// a C or POSIX locale. Lines that scripts read (key=value summaries, tables, the `ingested …`
// line) stay as they are in every language.
func (e *env) say() locale.Printer { return locale.For(locale.FromEnv(e.getenv)) }
