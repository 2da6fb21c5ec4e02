package config

import "strings"

// Markdown is the README's table of settings: each variable, its default and its meaning, from
// the declarations. The README holds a copy that a test keeps in step (go test ./config -update
// writes it; `koe config --markdown` prints it).
func Markdown() string {
	var b strings.Builder
	b.WriteString("| variable | default | meaning |\n|---|---|---|\n")
	for _, s := range Settings(&Config{}) {
		def := "`" + s.Default + "`"
		switch {
		case s.Default != "":
		case s.Unset != "":
			def = s.Unset
		default:
			def = "(unset)"
		}
		b.WriteString("| `" + s.Name + "` | " + def + " | " + s.Meaning + " |\n")
	}
	return b.String()
}
