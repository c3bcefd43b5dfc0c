// Command floor serves the GraphQL floor (package bench/floor) for
// scripts/load.sh.
//
//	go run ./bench/floor/cmd/floor -addr 127.0.0.1:8181
package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/minhang-kg/kg/bench/floor"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8181", "listen address")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	hs := &http.Server{Addr: *addr, Handler: floor.Handler(), ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
	}()
	log.Info("floor listening", "addr", *addr)
	if err := hs.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("floor", "err", err)
		os.Exit(1)
	}
}
