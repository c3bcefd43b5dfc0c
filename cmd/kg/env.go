package main

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// envVars reads the KG_* environment variables of one command, typed. A
// malformed value is not ignored and does not stop the reading: every one
// is collected and reported the same way, naming the variable, by err
// after the flags are parsed (flags still win over the environment).
type envVars struct {
	e    env
	errs []error
}

func readEnv(e env) *envVars { return &envVars{e: e} }

// str returns the variable, trimmed, or def when unset or blank.
func (v *envVars) str(key, def string) string {
	if s := strings.TrimSpace(v.e.getenv(key)); s != "" {
		return s
	}
	return def
}

// parse reads a set variable with parse; unset, blank or malformed give def
// (malformed also records an error).
func envParse[T any](v *envVars, key string, def T, parse func(string) (T, error)) T {
	s := v.str(key, "")
	if s == "" {
		return def
	}
	x, err := parse(s)
	if err != nil {
		v.errs = append(v.errs, fmt.Errorf("environment variable %s=%q: %w", key, s, err))
		return def
	}
	return x
}

func (v *envVars) duration(key string, def time.Duration) time.Duration {
	return envParse(v, key, def, time.ParseDuration)
}

func (v *envVars) float(key string, def float64) float64 {
	return envParse(v, key, def, func(s string) (float64, error) { return strconv.ParseFloat(s, 64) })
}

func (v *envVars) int64(key string, def int64) int64 {
	return envParse(v, key, def, func(s string) (int64, error) { return strconv.ParseInt(s, 10, 64) })
}

func (v *envVars) level(key string, def slog.Level) slog.Level {
	return envParse(v, key, def, func(s string) (l slog.Level, err error) { return l, l.UnmarshalText([]byte(s)) })
}

// onOff reads a switch: on/true/1 or off/false/0.
func (v *envVars) onOff(key string, def bool) bool {
	return envParse(v, key, def, func(s string) (bool, error) {
		switch strings.ToLower(s) {
		case "on", "true", "1":
			return true, nil
		case "off", "false", "0":
			return false, nil
		}
		return false, errors.New("want on or off")
	})
}

// err reports every malformed variable read so far.
func (v *envVars) err() error { return errors.Join(v.errs...) }
