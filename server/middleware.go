package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

type infoKey struct{}

// reqInfo is per-request state shared between the middleware (which logs it)
// and the GraphQL layer (which fills in the operation).
type reqInfo struct {
	id     string
	client string

	mu        sync.Mutex
	operation string
}

func (i *reqInfo) setOperation(op string) {
	i.mu.Lock()
	i.operation = op
	i.mu.Unlock()
}

func (i *reqInfo) op() string {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.operation
}

func infoFrom(ctx context.Context) *reqInfo {
	i, _ := ctx.Value(infoKey{}).(*reqInfo)
	return i
}

// requestID returns the ID of the request ctx belongs to ("" if none).
func requestID(ctx context.Context) string {
	if i := infoFrom(ctx); i != nil {
		return i.id
	}
	return ""
}

// reRequestID accepts client-supplied request IDs that are safe to log and echo.
var reRequestID = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

// statusWriter records the status code and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe is the outermost middleware: request ID (X-Request-ID, taken from
// the client when well-formed), panic recovery, metrics and one structured
// access log line per request.
func observe(next http.Handler, handlerName func(*http.Request) string, m *metrics, log *slog.Logger, trustProxy bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-ID")
		if !reRequestID.MatchString(id) {
			id = newRequestID()
		}
		info := &reqInfo{id: id, client: clientIP(r, trustProxy)}
		w.Header().Set("X-Request-ID", id)
		sw := &statusWriter{ResponseWriter: w}
		r = r.WithContext(context.WithValue(r.Context(), infoKey{}, info))
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.ErrorContext(r.Context(), "panic in handler", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if sw.status == 0 {
					writeError(sw, r, http.StatusInternalServerError, CodeInternal, "internal error (request "+id+")")
				}
			}
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			name := handlerName(r)
			d := time.Since(start)
			m.httpRequests.WithLabelValues(name, strconv.Itoa(status)).Inc()
			m.httpDuration.WithLabelValues(name).Observe(d.Seconds())
			attrs := []any{
				"method", r.Method, "path", r.URL.Path, "status", status,
				"bytes", sw.bytes, "duration_ms", float64(d.Microseconds()) / 1000, "client", info.client,
			}
			if op := info.op(); op != "" {
				attrs = append(attrs, "operation", op)
			}
			level := slog.LevelInfo
			if status >= 500 {
				level = slog.LevelError
			}
			log.Log(r.Context(), level, "http request", attrs...)
		}()
		next.ServeHTTP(sw, r)
	})
}

// clientIP is the remote IP, or the first X-Forwarded-For address when the
// proxy is trusted.
func clientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			if ip := net.ParseIP(strings.TrimSpace(first)); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// rateLimiter is a token bucket per client IP. Idle buckets are dropped.
type rateLimiter struct {
	limit rate.Limit
	burst int
	m     *metrics

	mu        sync.Mutex
	clients   map[string]*clientBucket
	lastSweep time.Time
}

type clientBucket struct {
	lim  *rate.Limiter
	seen time.Time
}

const bucketIdle = 5 * time.Minute

func newRateLimiter(perSecond float64, burst int, m *metrics) *rateLimiter {
	return &rateLimiter{limit: rate.Limit(perSecond), burst: burst, m: m, clients: map[string]*clientBucket{}, lastSweep: time.Now()}
}

func (l *rateLimiter) allow(client string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) > time.Minute {
		for k, b := range l.clients {
			if now.Sub(b.seen) > bucketIdle {
				delete(l.clients, k)
			}
		}
		l.lastSweep = now
	}
	b := l.clients[client]
	if b == nil {
		b = &clientBucket{lim: rate.NewLimiter(l.limit, l.burst)}
		l.clients[client] = b
	}
	b.seen = now
	res := b.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

func (l *rateLimiter) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client := ""
		if i := infoFrom(r.Context()); i != nil {
			client = i.client
		}
		if ok, wait := l.allow(client, time.Now()); !ok {
			l.m.rateLimited.Inc()
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			writeError(w, r, http.StatusTooManyRequests, CodeRateLimited, "too many requests; slow down")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// writeError writes a GraphQL-shaped error response for errors found before
// any GraphQL processing (method, media type, body size, rate limit).
func writeError(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	ext := map[string]any{"code": code}
	if id := requestID(r.Context()); id != "" {
		ext["requestId"] = id
	}
	body, _ := json.Marshal(map[string]any{"errors": []any{map[string]any{"message": msg, "extensions": ext}}})
	w.Header().Set("Content-Type", responseType(r)+"; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// requestIDHandler adds the request ID of the context to every record
// logged with a *Context method, whoever logs it (server, resolvers, query
// service, export handler).
type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := requestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(as)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}
