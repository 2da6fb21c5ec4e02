package slackbot_test

import (
	"reflect"

	"github.com/koehq/koe/config"
	"github.com/koehq/koe/slackbot"
)

// conf is the bot's configuration as Koe starts with no variable set (config's declared
// defaults), with the fields a test gives in partial laid over it. A test that means a zero sets
// it on the result.
func conf(partial slackbot.Config) slackbot.Config {
	c, err := config.Load(func(string) string { return "" })
	if err != nil {
		panic(err)
	}
	base := slackbot.NewConfig(c)
	b, p := reflect.ValueOf(&base).Elem(), reflect.ValueOf(partial)
	for i := range p.NumField() {
		if f := p.Field(i); !f.IsZero() {
			b.Field(i).Set(f)
		}
	}
	return base
}
