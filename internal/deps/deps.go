//go:build tools

// Package deps pins modules the project uses before code imports them.
package deps

import (
	_ "github.com/99designs/gqlgen"
	_ "github.com/goccy/go-yaml"
	_ "github.com/mozillazg/go-pinyin"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/rs/cors"
	_ "github.com/vikstrous/dataloadgen"
	_ "go.etcd.io/bbolt"
	_ "golang.org/x/time/rate"
)
