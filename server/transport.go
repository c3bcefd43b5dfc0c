package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/minhang-kg/kg/resolvers"
)

// Media types of GraphQL over HTTP.
const (
	mediaGraphQLResponse = "application/graphql-response+json"
	mediaJSON            = "application/json"
)

// responseType picks the response media type from the Accept header:
// application/graphql-response+json when the client accepts it at least as
// much as application/json, else application/json (also the default, and
// what is used when the client accepts neither).
func responseType(r *http.Request) string {
	best, bestQ := mediaJSON, -1.0
	for part := range strings.SplitSeq(r.Header.Get("Accept"), ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		if q <= 0 {
			continue
		}
		switch mt {
		case mediaGraphQLResponse:
			if q > bestQ || (q == bestQ && best != mediaGraphQLResponse) {
				best, bestQ = mediaGraphQLResponse, q
			}
		case mediaJSON, "application/*", "*/*":
			if q > bestQ {
				best, bestQ = mediaJSON, q
			}
		}
	}
	return best
}

// requestErrorStatus is the status of a response to a request that failed
// before execution (parse, validation, limits): 400 with
// application/graphql-response+json, 200 with application/json, as the
// GraphQL-over-HTTP spec asks.
func requestErrorStatus(mediaType string, errs gqlerror.List) int {
	if mediaType == mediaGraphQLResponse && errcode.GetErrorKind(errs) == errcode.KindProtocol {
		return http.StatusBadRequest
	}
	return http.StatusOK
}

func writeResponse(w http.ResponseWriter, mediaType string, status int, resp *graphql.Response) {
	st, body := marshalResponse(resp)
	if st != http.StatusOK {
		status = st
	}
	writeBody(w, mediaType, status, body)
}

// marshalResponse encodes a response: 200 and its JSON, or 500 and an
// internal error should it not encode.
func marshalResponse(resp *graphql.Response) (int, []byte) {
	body, err := json.Marshal(resp)
	if err != nil {
		// Marshalling a response of plain values cannot fail; be safe.
		return http.StatusInternalServerError, []byte(`{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}`)
	}
	return http.StatusOK, body
}

func writeBody(w http.ResponseWriter, mediaType string, status int, body []byte) {
	w.Header().Set("Content-Type", mediaType+"; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// execute runs a GraphQL request; with queriesOnly, other operations are
// refused with 405 (GET). A successful query is answered from, or stored
// in, the response cache (nil: none).
func execute(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, params *graphql.RawParams, queriesOnly bool, cache *responseCache) {
	ctx := r.Context()
	mt := responseType(r)
	hit, cl, cacheable := cache.lookup(ctx, r, params, mt)
	if hit != nil {
		cache.served(ctx, hit)
		writeBody(w, hit.mediaType, http.StatusOK, hit.body)
		return
	}
	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		resp := exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs)
		writeResponse(w, mt, requestErrorStatus(mt, errs), resp)
		return
	}
	if queriesOnly && opCtx.Operation.Operation != ast.Query {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, r, http.StatusMethodNotAllowed, CodeMethod,
			fmt.Sprintf("%s operations must be sent with POST; GET is for queries only", opCtx.Operation.Operation))
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	resp := responses(ctx)
	status, body := marshalResponse(resp)
	if cacheable && status == http.StatusOK && opCtx.Operation.Operation == ast.Query && len(resp.Errors) == 0 && ctx.Err() == nil {
		name := opCtx.OperationName
		if name == "" {
			name = opCtx.Operation.Name
		}
		cl.put(ctx, body, mt, name)
	}
	writeBody(w, mt, status, body)
}

// getTransport serves GET /graphql?query=…&operationName=…&variables=…
// (queries only; mutations get 405).
type getTransport struct{ cache *responseCache }

func (getTransport) Supports(r *http.Request) bool {
	return r.Method == http.MethodGet && r.Header.Get("Upgrade") == ""
}

func (t getTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		writeError(w, r, http.StatusBadRequest, CodeBadRequest, "malformed query string")
		return
	}
	params := &graphql.RawParams{Query: q.Get("query"), OperationName: q.Get("operationName"), Headers: r.Header}
	params.ReadTime.Start = graphql.Now()
	for name, dst := range map[string]*map[string]any{"variables": &params.Variables, "extensions": &params.Extensions} {
		if v := q.Get(name); v != "" {
			if err := decodeJSON(strings.NewReader(v), dst); err != nil {
				writeError(w, r, http.StatusBadRequest, CodeBadRequest, name+" is not a JSON object")
				return
			}
		}
	}
	params.ReadTime.End = graphql.Now()
	execute(w, r, exec, params, true, t.cache)
}

// postTransport serves POST /graphql with an application/json body. A body
// that is not valid JSON is refused with 400 without echoing it.
type postTransport struct{ cache *responseCache }

func (postTransport) Supports(r *http.Request) bool {
	if r.Method != http.MethodPost || r.Header.Get("Upgrade") != "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == mediaJSON
}

func (t postTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	start := graphql.Now()
	body, err := io.ReadAll(r.Body)
	if err != nil {
		if mbe, ok := errors.AsType[*http.MaxBytesError](err); ok {
			writeError(w, r, http.StatusRequestEntityTooLarge, CodeBodyTooLarge,
				fmt.Sprintf("request body exceeds %d bytes", mbe.Limit))
			return
		}
		writeError(w, r, http.StatusBadRequest, CodeBadRequest, "could not read the request body")
		return
	}
	var params graphql.RawParams
	if err := decodeJSON(bytes.NewReader(body), &params); err != nil {
		msg := "request body is not a JSON object of query, operationName, variables and extensions"
		if se, ok := errors.AsType[*json.SyntaxError](err); ok {
			msg = fmt.Sprintf("request body is not valid JSON (syntax error at byte %d)", se.Offset)
		}
		writeError(w, r, http.StatusBadRequest, CodeBadRequest, msg)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	execute(w, r, exec, &params, false, t.cache)
}

// decodeJSON decodes exactly one JSON value, keeping numbers as json.Number
// (as gqlgen's own transports do).
func decodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// graphqlHTTP wraps the gqlgen handler with what GraphQL over HTTP and the
// limits need before it: methods (GET, POST; else 405), the media type of
// POST bodies (application/json; else 415 — so no form posts, which is also
// the CSRF defence), the body size limit, the execution deadline and the
// caller's authorisation.
func graphqlHTTP(gql http.Handler, cfg Config) http.Handler {
	tokenSum := sha256.Sum256([]byte(cfg.AdminToken))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept")
		switch r.Method {
		case http.MethodGet:
		case http.MethodPost:
			if !(postTransport{}).Supports(r) {
				writeError(w, r, http.StatusUnsupportedMediaType, CodeMediaType, "POST bodies must be application/json")
				return
			}
			if cfg.MaxBodyBytes > 0 {
				r.Body = http.MaxBytesReader(w, r.Body, cfg.MaxBodyBytes)
			}
		default:
			w.Header().Set("Allow", "GET, POST")
			writeError(w, r, http.StatusMethodNotAllowed, CodeMethod, "use GET (queries) or POST")
			return
		}
		ctx := r.Context()
		if cfg.QueryTimeout > 0 {
			var cancel func()
			ctx, cancel = context.WithTimeout(ctx, cfg.QueryTimeout)
			defer cancel()
		}
		ctx = resolvers.WithAuth(ctx, authenticate(r, cfg, tokenSum))
		gql.ServeHTTP(w, r.WithContext(ctx))
	})
}

// authenticate checks "Authorization: Bearer <token>" against the admin
// token in constant time (of digests, so the length does not leak either).
func authenticate(r *http.Request, cfg Config, tokenSum [32]byte) resolvers.Auth {
	if cfg.AdminToken == "" {
		return resolvers.Auth{Denied: "curation is disabled: the server has no admin token (KG_ADMIN_TOKEN)"}
	}
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if h == "" {
		return resolvers.Auth{Denied: "admin token required (Authorization: Bearer <token>)"}
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	if !ok || !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare(got[:], tokenSum[:]) != 1 {
		return resolvers.Auth{Denied: "invalid admin token"}
	}
	return resolvers.Auth{Actor: cfg.AdminActor}
}
