package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/koehq/koe/internal/pgtest"
)

func TestAccountsCommands(t *testing.T) {
	env := []string{"DATABASE_URL=" + pgtest.URL(t)}
	dir := t.TempDir()
	file := filepath.Join(dir, "accounts.csv")
	csv := "\xEF\xBB\xBF顧客ID,会社名,月額,ドメイン,担当者メール\nC1,株式会社ＡＢＣ商事,120000,abc.co.jp,taro@abc.co.jp\nC2,壊れた行,たくさん,,\n"
	if err := os.WriteFile(file, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := koe(t, env, "accounts", "import", "--file", file)
	if code != 0 || !strings.Contains(out, "imported source=csv read=2 new=1 updated=0 unchanged=0 skipped=1") {
		t.Fatalf("import: code %d\nout %s\nerr %s", code, out, errOut)
	}
	if !strings.Contains(errOut, file+":3: mrr") {
		t.Fatalf("import did not report the bad row by file and line: %s", errOut)
	}
	out, _, _ = koe(t, env, "accounts", "import", "--file", file)
	if !strings.Contains(out, "new=0 updated=0 unchanged=1") {
		t.Fatalf("re-import: %s", out)
	}
	// A Shift_JIS file (Excel in Japan) is read as such, and the import says so.
	sjis := filepath.Join(dir, "sjis.csv")
	if err := os.WriteFile(sjis, []byte("\x8c\xda\x8bqID,\x89\xef\x8e\xd0\x96\xbc\nC9,\x83e\x83X\x83g\n"), 0o644); err != nil { // 顧客ID,会社名 / C9,テスト
		t.Fatal(err)
	}
	if out, errOut, code := koe(t, env, "accounts", "import", "--file", sjis); code != 0 || !strings.Contains(errOut, "read as Shift_JIS") || !strings.Contains(out, "new=1") {
		t.Fatalf("shift_jis import: %d %s %s", code, out, errOut)
	}

	out, errOut, code = koe(t, env, "accounts", "set", "csv:C1", "mrr=150000", "plan=Enterprise")
	if code != 0 || !strings.Contains(out, "mrr=¥150,000 plan=Enterprise") || !strings.Contains(out, "manual=currency,mrr,plan") {
		t.Fatalf("set: code %d, out %q, err %q", code, out, errOut)
	}
	if _, errOut, code = koe(t, env, "accounts", "set", "csv:C1", "colour=blue"); code != 1 || !strings.Contains(errOut, "unknown field") {
		t.Fatalf("set unknown field: code %d, %q", code, errOut)
	}
	out, _, _ = koe(t, env, "accounts", "list")
	if !strings.Contains(out, "株式会社ＡＢＣ商事") || !strings.Contains(out, "¥150,000") {
		t.Fatalf("list: %s", out)
	}

	if _, errOut, code = koe(t, env, "accounts", "rule", "add", "--domain", "gmail.com", "--account", "csv:C1"); code != 1 || !strings.Contains(errOut, "free-mail") {
		t.Fatalf("free-mail domain rule: code %d, %q", code, errOut)
	}
	out, errOut, code = koe(t, env, "accounts", "rule", "add", "--email", "boss@gmail.com", "--account", "csv:C1")
	if code != 0 || !strings.Contains(out, "rule saved: email boss@gmail.com") {
		t.Fatalf("rule add: code %d, out %q, err %q", code, out, errOut)
	}
	if out, _, code = koe(t, env, "accounts", "unmatched"); code != 0 || !strings.HasPrefix(out, "VOICES") {
		t.Fatalf("unmatched: %d %q", code, out)
	}

	_, errOut, code = koe(t, env, "accounts", "sync", "kintone", "--base-url", "https://example.cybozu.com", "--app", "1", "--company-field", "会社名")
	if code != 1 || !strings.Contains(errOut, "KOE_KINTONE_TOKEN") {
		t.Fatalf("kintone without a token: code %d, %q", code, errOut)
	}
	_, errOut, code = koe(t, env, "accounts", "sync", "stripe")
	if code != 1 || !strings.Contains(errOut, "STRIPE_API_KEY") {
		t.Fatalf("stripe without a key: code %d, %q", code, errOut)
	}
}

// TestUnmatchedQueueOnDemoData checks the queue is there for the demo's voices from free mail.
func TestUnmatchedQueueOnDemoData(t *testing.T) {
	env := []string{"DATABASE_URL=" + pgtest.URL(t)}
	if _, errOut, code := koe(t, env, "demo", "--no-serve"); code != 0 {
		t.Fatalf("demo: %s", errOut)
	}
	out, _, code := koe(t, env, "accounts", "unmatched", "--limit", "5")
	if code != 0 || strings.Count(out, "\n") != 6 {
		t.Fatalf("unmatched: %d\n%s", code, out)
	}
}
