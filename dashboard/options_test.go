package dashboard_test

import (
	"reflect"

	"github.com/koehq/koe/config"
	"github.com/koehq/koe/dashboard"
)

// opts is the dashboard's options as Koe starts with no variable set (config's declared
// defaults), with the fields a test gives in partial laid over it.
func opts(partial dashboard.Options) dashboard.Options {
	c, err := config.Load(func(string) string { return "" })
	if err != nil {
		panic(err)
	}
	base := dashboard.NewOptions(c, nil)
	b, p := reflect.ValueOf(&base).Elem(), reflect.ValueOf(partial)
	for i := range p.NumField() {
		if f := p.Field(i); !f.IsZero() {
			b.Field(i).Set(f)
		}
	}
	return base
}
