// Package ingest pulls voices from their sources (chat tools, review sites, mail) into the
// feedback sheet: parsing, cleaning, language and sentiment, account matching, and idempotent,
// incremental writes. One subpackage per source.
package ingest
