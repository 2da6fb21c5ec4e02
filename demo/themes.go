package demo

// theme is one thing customers of a B2B SaaS ask for, in both languages. jaNeed fits before
// "できるようにしてほしい"; enNeed fits after "let us".
type theme struct {
	jaTitle, enTitle string
	jaNeed, enNeed   string
	insight          string // the need behind the words, as CS would write it
	benefits         string // who benefits
	popularity       int    // relative weight of how often it is asked
}

var themes = []theme{
	{"レポートのCSV出力", "Export reports to CSV", "レポートをCSVで出力", "export reports to CSV", "月次の経営会議資料を手作業で作っている", "経理・経営企画", 9},
	{"Excel形式での一括エクスポート", "Bulk export to Excel", "一覧をExcel形式でまとめてダウンロード", "download the whole list as an Excel file", "取引先への報告書をExcelで求められる", "営業事務", 6},
	{"SAML/SSO対応", "SAML single sign-on", "SAMLでシングルサインオン", "sign in with SAML single sign-on", "情報システム部門のセキュリティ基準を満たす必要がある", "情報システム部門", 8},
	{"IPアドレス制限", "IP address allow-list", "IPアドレスでアクセスを制限", "restrict access by IP address", "社外からのアクセスを監査で指摘された", "情報システム部門", 5},
	{"権限の細かい設定", "Fine-grained permissions", "部署ごとに閲覧権限を細かく設定", "set permissions per department", "派遣社員に見せてはいけない情報がある", "管理者", 8},
	{"監査ログのダウンロード", "Downloadable audit log", "操作履歴（監査ログ）をダウンロード", "download the audit log", "内部統制の監査で操作履歴の提出を求められる", "内部監査", 5},
	{"Slack通知", "Slack notifications", "更新があったときにSlackへ通知", "get notified in Slack when something changes", "メールを見ないメンバーが対応に遅れる", "現場担当者", 7},
	{"Microsoft Teams連携", "Microsoft Teams integration", "Microsoft Teamsに通知を送信", "send notifications to Microsoft Teams", "全社でTeamsを標準ツールにしている", "全社員", 6},
	{"kintone連携", "kintone integration", "kintoneのアプリとデータを同期", "sync data with our kintone apps", "顧客台帳をkintoneで管理していて二重入力になっている", "営業・CS", 6},
	{"Salesforce連携", "Salesforce sync", "Salesforceの商談情報と連携", "sync with Salesforce opportunities", "商談の進捗を二か所で更新している", "営業", 7},
	{"freee会計との連携", "freee accounting integration", "freee会計に仕訳を自動で連携", "push journal entries to freee", "経理が毎月手で転記している", "経理", 5},
	{"公開APIの拡充", "More complete public API", "APIから全てのデータを取得・更新", "read and update everything through the API", "自社システムと連携したいが必要なエンドポイントがない", "開発チーム", 7},
	{"Webhook", "Webhooks", "変更時にWebhookで自社システムへ通知", "receive webhooks when records change", "ポーリングでAPI制限に引っかかる", "開発チーム", 4},
	{"スマホアプリのオフライン対応", "Offline mode in the mobile app", "電波のない現場でもスマホアプリを使用", "use the mobile app without a connection", "倉庫や地下の現場では電波が届かない", "現場スタッフ", 6},
	{"スマホでの承認", "Approvals on mobile", "スマホから申請を承認", "approve requests from a phone", "外出の多い管理職の承認が止まる", "管理職", 6},
	{"ダークモード", "Dark mode", "画面をダークモードに切り替え", "switch to dark mode", "夜勤のオペレーターが目の疲れを訴えている", "オペレーター", 3},
	{"検索の高速化", "Faster search", "大量のデータでも素早く検索", "search large data sets quickly", "データが増えて検索に十秒以上かかる", "全ユーザー", 7},
	{"あいまい検索", "Fuzzy search", "表記ゆれ（全角・半角、カタカナ・ひらがな）を気にせず検索", "find records despite spelling and width variants", "全角半角の違いで顧客が見つからない", "CS担当者", 5},
	{"ダッシュボードのカスタマイズ", "Customisable dashboard", "ダッシュボードのグラフを自由に並べ替え", "customise the dashboard widgets", "役員が見たい指標が初期画面にない", "経営層", 6},
	{"定期レポートのメール配信", "Scheduled email reports", "毎週のレポートを自動でメール配信", "schedule weekly reports by email", "毎週月曜に手作業でレポートを送っている", "マネージャー", 5},
	{"請求書の英語対応", "English invoices", "請求書を英語で発行", "issue invoices in English", "海外拠点の経理が日本語の請求書を読めない", "海外拠点", 3},
	{"インボイス制度対応", "Qualified invoice support", "適格請求書（インボイス）の形式で発行", "issue qualified invoices under the Japanese invoice system", "インボイス制度に対応しないと取引先から指摘される", "経理", 6},
	{"電子帳簿保存法対応", "Electronic bookkeeping compliance", "電子帳簿保存法の要件どおりに書類を保存", "store documents to the electronic bookkeeping law's rules", "法対応のために別サービスを契約している", "経理", 5},
	{"多言語対応（英語UI）", "English user interface", "画面を英語表示に切り替え", "use the product in English", "外国籍の社員が増えて日本語画面を使えない", "外国籍社員", 6},
	{"多通貨対応", "Multi-currency", "ドルやユーロなど複数の通貨で金額を管理", "track amounts in several currencies", "海外取引が増えて円換算が手間", "経理・海外営業", 4},
	{"一括編集", "Bulk edit", "複数のレコードをまとめて編集", "edit many records at once", "年度替わりに数百件を一件ずつ直している", "管理者", 8},
	{"CSVインポートのエラー表示改善", "Clearer CSV import errors", "CSV取り込みで失敗した行と理由を確認", "see which CSV rows failed to import and why", "取り込み失敗の原因が分からず問い合わせが増える", "管理者", 5},
	{"データの自動バックアップ", "Automatic backups", "データを自動でバックアップ・復元", "back up and restore our data automatically", "誤削除したデータを戻せなかった", "管理者", 4},
	{"削除データの復元（ゴミ箱）", "Restore deleted records", "誤って削除したデータをゴミ箱から復元", "restore records we deleted by mistake", "誤操作で顧客データを消してしまった", "全ユーザー", 5},
	{"承認フローの多段階化", "Multi-step approval flows", "金額に応じて多段階の承認フローを設定", "set multi-step approvals by amount", "稟議規程では金額で承認者が変わる", "管理部門", 6},
	{"代理承認", "Delegated approval", "不在時に代理の人が承認", "let a deputy approve while someone is away", "長期休暇中に承認が止まる", "管理職", 4},
	{"カレンダー連携", "Calendar sync", "GoogleカレンダーやOutlookと予定を同期", "sync with Google Calendar and Outlook", "予定を二重に登録している", "営業", 5},
	{"チャットボットの回答精度", "Better chatbot answers", "チャットボットでよくある質問に正確に回答", "have the chatbot answer common questions correctly", "ボットの誤回答で問い合わせがかえって増えた", "CSチーム", 4},
	{"問い合わせフォームのカスタマイズ", "Custom contact forms", "問い合わせフォームの項目を自由に追加", "add our own fields to the contact form", "製品番号を毎回聞き返している", "CSチーム", 4},
	{"ワークフローの自動化", "Workflow automation", "条件に応じてステータス変更や担当割り当てを自動化", "automate status changes and assignment with rules", "担当の割り振りを毎朝手作業でしている", "チームリーダー", 7},
	{"タグの階層化", "Nested tags", "タグを階層（親子）で整理", "organise tags in a hierarchy", "タグが増えすぎて選べない", "全ユーザー", 3},
	{"コメントでのメンション", "Mentions in comments", "コメントで同僚をメンションして通知", "mention colleagues in comments", "確認依頼が埋もれてしまう", "全ユーザー", 4},
	{"ファイル添付の容量拡大", "Larger attachments", "大きな図面や動画ファイルを添付", "attach large drawings and videos", "図面が上限を超えて添付できない", "設計・現場", 4},
	{"電子契約との連携", "E-signature integration", "電子契約サービスと連携して契約を締結", "send contracts for e-signature", "紙の契約で締結まで二週間かかる", "法務・営業", 5},
	{"二要素認証の必須化", "Enforce two-factor authentication", "全ユーザーに二要素認証を必須化", "require two-factor authentication for everyone", "セキュリティチェックシートで必須とされた", "情報システム部門", 6},
	{"パスワードポリシー設定", "Password policy settings", "パスワードの桁数や有効期限を設定", "set password length and expiry rules", "社内規程に合わせる必要がある", "情報システム部門", 3},
	{"利用状況の分析", "Usage analytics", "どの部署がどれくらい使っているかを分析", "see usage by department", "全社展開の効果を経営に説明できない", "推進担当者", 6},
	{"ゲストユーザー招待", "Guest users", "社外の取引先をゲストとして招待", "invite partners as guest users", "取引先とのやり取りがメールに分散している", "営業・購買", 5},
	{"料金プランの柔軟化", "Flexible pricing", "必要な機能だけを選んで契約", "pay only for the modules we use", "使わない機能の費用が社内で問題視されている", "経営層", 5},
	{"ユーザー数課金の見直し", "Cheaper seats for occasional users", "閲覧だけのユーザーを安く追加", "add read-only users at a lower price", "閲覧のみの社員にも全額かかる", "経営層", 6},
	{"印刷レイアウトの改善", "Better print layout", "帳票をA4一枚にきれいに印刷", "print forms neatly on one A4 page", "印刷すると表が切れてしまう", "事務担当", 4},
	{"入力項目の必須設定", "Required fields", "入力項目を必須に設定", "make fields mandatory", "入力漏れで後工程が止まる", "管理者", 4},
	{"過去データの移行支援", "Data migration help", "以前のシステムから過去データをまとめて移行", "migrate historical data from our old system", "移行できないと旧システムを解約できない", "導入担当者", 5},
	{"画面表示の高速化", "Faster page loads", "一覧画面を素早く表示", "load the list pages faster", "朝の始業時に画面が重くて仕事にならない", "全ユーザー", 8},
	{"通知の頻度設定", "Notification settings", "通知の頻度や種類を個別に設定", "control how often we get notified", "通知が多すぎて重要なものを見逃す", "全ユーザー", 4},
	{"Googleスプレッドシート連携", "Google Sheets sync", "Googleスプレッドシートと自動で同期", "sync automatically with Google Sheets", "集計のために毎日コピー&ペーストしている", "企画・分析担当", 6},
	{"サポート窓口の営業時間延長", "Longer support hours", "夜間や土日にもサポートに問い合わせ", "reach support in the evening and at weekends", "24時間稼働の工場でトラブル時に連絡がつかない", "現場責任者", 3},
	{"グループ会社での一括管理", "Multi-company management", "グループ会社をまとめて一つの契約で管理", "manage our group companies under one contract", "子会社ごとに契約と管理者が分かれている", "グループ本社", 4},
	{"アクセシビリティ対応", "Accessibility", "スクリーンリーダーでも操作", "use the product with a screen reader", "視覚障害のある社員が使えない", "全社員", 2},
}
