package store

// AuditActions are every action the audit log records (AuditEntry.Action), for the pages that
// name them in words. The calls to audit and triageTx pass them as literals, and a saved setting
// is logged as "save " and its key (SaveSetting); a new action belongs here too (dashboard's test
// reads this package's calls to keep the list whole).
var AuditActions = []string{"create", "edit", "status", "merge", "tag", "link", "unlink", "triage_import", "save", "revoke", "disable",
	"review_draft", "review_send", "review_sent", "review_failed", "review_mark", "review_elsewhere",
	"review_template_add", "review_template_edit", "review_template_delete"}

// AuditEntities are the kinds of thing the audit log records changes to (AuditLine.Entity), the
// ones people look for first: audit's callers, triageTx (feedback) and SaveSetting (setting).
var AuditEntities = []string{"feedback", "request", "account", "match_rule", "api_token", "webhook", "setting", "user", "reply_template"}

// APIScopes are the scopes an API token may have (APIToken.Scope): read; write, which may also
// read; intake, which may only post voices (a website widget needs nothing of the customer base).
var APIScopes = []string{"read", "write", "intake"}
