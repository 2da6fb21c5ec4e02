package demo

// Parts of made-up company and person names. Each Japanese part carries a romanisation for the
// company's email domain.
var (
	jaPrefixes = [][2]string{
		{"さくら", "sakura"}, {"みなと", "minato"}, {"東都", "tohto"}, {"青葉", "aoba"}, {"北斗", "hokuto"},
		{"ひかり", "hikari"}, {"大和", "yamato"}, {"光和", "kowa"}, {"富士見", "fujimi"}, {"若葉", "wakaba"},
		{"朝日ヶ丘", "asahigaoka"}, {"白鷺", "shirasagi"}, {"千歳", "chitose"}, {"浜松町", "hamamatsucho"},
		{"なごみ", "nagomi"}, {"三河", "mikawa"}, {"瀬戸内", "setouchi"}, {"筑紫", "tsukushi"}, {"北陸", "hokuriku"},
		{"信州", "shinshu"}, {"はやぶさ", "hayabusa"}, {"紅葉", "momiji"}, {"橘", "tachibana"}, {"葵", "aoi"},
		{"いろは", "iroha"}, {"山吹", "yamabuki"}, {"磯辺", "isobe"}, {"銀河", "ginga"}, {"つばさ", "tsubasa"},
		{"日向", "hyuga"}, {"紀州", "kishu"}, {"常盤", "tokiwa"}, {"十勝", "tokachi"}, {"あおい", "aoi2"},
	}
	jaIndustries = [][2]string{
		{"物流", "logi"}, {"商事", "shoji"}, {"システム", "systems"}, {"製作所", "works"}, {"不動産", "estate"},
		{"フーズ", "foods"}, {"ホールディングス", "hd"}, {"テクノロジー", "tech"}, {"メディカル", "medical"},
		{"建設", "kensetsu"}, {"工業", "kogyo"}, {"電機", "denki"}, {"薬品", "pharma"}, {"ホテルズ", "hotels"},
		{"保険サービス", "hoken"}, {"人材センター", "jinzai"}, {"デザイン", "design"}, {"運輸", "unyu"},
		{"クリニック", "clinic"}, {"会計事務所", "kaikei"},
	}
	enPrefixes   = []string{"Northwind", "Bluefin", "Crescent", "Ironbark", "Silverline", "Lumen", "Harbor", "Quill", "Orbit", "Maple", "Summit", "Cobalt", "Juniper", "Pioneer", "Vantage", "Kestrel", "Meridian", "Tidewater"}
	enIndustries = []string{"Analytics", "Logistics", "Labs", "Health", "Retail", "Software", "Capital", "Foods", "Robotics", "Media"}
	enForms      = []string{"Inc.", "LLC", "Ltd.", "Corp.", "Pte. Ltd.", "GmbH"}

	jaFamily = [][2]string{
		{"佐藤", "sato"}, {"鈴木", "suzuki"}, {"高橋", "takahashi"}, {"田中", "tanaka"}, {"伊藤", "ito"},
		{"渡辺", "watanabe"}, {"山本", "yamamoto"}, {"中村", "nakamura"}, {"小林", "kobayashi"}, {"加藤", "kato"},
		{"吉田", "yoshida"}, {"山田", "yamada"}, {"松本", "matsumoto"}, {"井上", "inoue"}, {"木村", "kimura"},
		{"林", "hayashi"}, {"清水", "shimizu"}, {"山口", "yamaguchi"}, {"森", "mori"}, {"池田", "ikeda"},
	}
	jaGiven = [][2]string{
		{"陽子", "yoko"}, {"健太", "kenta"}, {"美咲", "misaki"}, {"翔", "sho"}, {"由美", "yumi"}, {"大輔", "daisuke"},
		{"さくら", "sakura"}, {"拓也", "takuya"}, {"恵", "megumi"}, {"誠", "makoto"}, {"彩", "aya"}, {"亮", "ryo"},
	}
	enGiven  = []string{"Emma", "Liam", "Olivia", "Noah", "Ava", "Ethan", "Mia", "Lucas", "Grace", "Daniel", "Chloe", "Ryan"}
	enFamily = []string{"Smith", "Johnson", "Brown", "Taylor", "Wilson", "Clark", "Lewis", "Walker", "Young", "King", "Wright", "Green"}

	freeMail = []string{"gmail.com", "yahoo.co.jp", "outlook.jp", "icloud.com", "docomo.ne.jp"}
)

// Sentence parts for voices.
var (
	jaTemplates = []string{
		"%sできるようにしてほしいです。%s",
		"%sできないので困っています。%s",
		"いつも便利に使っています。ただ、%sできると助かります。%s",
		"%sできる機能はありますか？%s",
		"お世話になっております。%sできるよう、ご検討いただけないでしょうか。%s",
		"現状では%sできず、業務が止まってしまっています。%s",
	}
	jaReasons = map[string][]string{
		"churn_risk": {
			"他社ツールでは標準で対応しているので、乗り換えも検討しています。",
			"次回の契約更新までに対応がなければ、継続を見直すことになりそうです。",
			"社内で使いにくいという声が強く、利用が減ってきています。",
		},
		"expansion": {
			"これが実現すれば、他の部署にも展開したいと考えています。",
			"全社展開の条件になっているので、ぜひお願いします。",
			"グループ会社での導入を検討する際の決め手になります。",
		},
		"usability": {
			"現場のメンバーから何度も要望が出ています。",
			"操作に迷う社員が多く、問い合わせが増えています。",
			"",
		},
		"internal_efficiency": {
			"毎月の締め作業で何時間もかかっています。",
			"手作業での転記が多く、ミスも起きています。",
			"",
		},
	}
	enTemplates = []string{
		"We'd love to be able to %s. %s",
		"Is there a way to %s? %s",
		"Our team can't %s, which is slowing us down. %s",
		"Great product overall, but please let us %s. %s",
		"Hi, any plans to let us %s? %s",
	}
	enReasons = map[string][]string{
		"churn_risk": {
			"Another vendor we're evaluating does this out of the box.",
			"Honestly, this will weigh on our renewal decision.",
			"Usage on our side is dropping because of this.",
		},
		"expansion": {
			"If this lands we'd roll it out to two more teams.",
			"It's the last blocker for a company-wide rollout.",
			"Our sister company would sign up as soon as this exists.",
		},
		"usability": {
			"Several people on my team have asked about it.",
			"New hires keep getting stuck here.",
			"",
		},
		"internal_efficiency": {
			"We do this by hand every month-end and it takes hours.",
			"The copy-paste is error-prone.",
			"",
		},
	}
	jaAgentReplies = []string{
		"お問い合わせありがとうございます。ご要望として開発チームに共有いたします。",
		"ご不便をおかけして申し訳ございません。現在の回避策をご案内いたします。",
		"貴重なご意見をありがとうございます。担当部署で検討いたします。",
	}
	enAgentReplies = []string{
		"Thanks for reaching out! I've passed this on to our product team.",
		"Sorry for the trouble. Here's a workaround in the meantime.",
		"Thanks for the feedback, I've logged it as a feature request.",
	}
	jaPraise = []string{
		"画面がシンプルで、導入後すぐに全員が使いこなせました。",
		"サポートの対応が早く、いつも助かっています。",
		"以前のツールより作業時間が半分になりました。",
		"価格に対して機能が充実していると思います。",
	}
	enPraise = []string{
		"Setup took an afternoon and the whole team picked it up quickly.",
		"Support is fast and genuinely helpful.",
		"It halved the time we spend on weekly reporting.",
		"Good value for the features you get.",
	}
	jaReviewTitles = []string{"全体的に満足", "使いやすいが改善点あり", "惜しいツール", "導入してよかった", "機能不足を感じる"}
	enReviewTitles = []string{"Solid tool with a few gaps", "Does the job", "Almost there", "Love it", "Frustrating in places"}
)
