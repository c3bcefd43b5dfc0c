package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/minhang-kg/kg/graph"
)

// Handler serves GET /export/{format}: the whole graph, or with
// ?ids=a,b&hops=1 the neighbourhood of the given entities (hops defaults to
// 1 when ids are given). For csv, ?part=nodes or ?part=edges returns that
// CSV file alone instead of the zip of both. The response is an attachment
// named minhang-kg[-subgraph].<ext>.
//
// The format is read from the {format} path wildcard, or else from the last
// path segment.
func Handler(st graph.Store, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			httpError(w, http.StatusMethodNotAllowed, "method not allowed")
			return
		}
		name := r.PathValue("format")
		if name == "" {
			name = r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		}
		q := r.URL.Query()
		if part := q.Get("part"); part != "" {
			if !strings.EqualFold(name, "csv") || (part != "nodes" && part != "edges") {
				httpError(w, http.StatusBadRequest, "part must be nodes or edges, and only with csv")
				return
			}
			name = "csv-" + part
		}
		f, ok := Lookup(name)
		if !ok {
			httpError(w, http.StatusNotFound, fmt.Sprintf("unknown export format %q; formats: %s", name, strings.Join(Names(), ", ")))
			return
		}
		sel, err := parseSelection(q["ids"], q.Get("hops"))
		if err != nil {
			httpError(w, http.StatusBadRequest, err.Error())
			return
		}
		base := "minhang-kg"
		if !sel.Whole() {
			base += "-subgraph"
		}
		if strings.HasPrefix(f.Name, "csv-") {
			base += "-" + strings.TrimPrefix(f.Name, "csv-")
		}
		h := w.Header()
		// The output is streamed; the first bufferSize bytes are held back
		// so that an early error (unknown ID, store down) still gets a
		// proper status instead of a truncated 200.
		out := &deferredWriter{w: w, limit: bufferSize, commit: func() {
			h.Set("Content-Type", f.MediaType)
			h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": base + "." + f.Ext}))
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Cache-Control", "no-store")
		}, head: r.Method == http.MethodHead}
		err = Write(r.Context(), st, f.Name, sel, out)
		if err == nil {
			err = out.Close()
		}
		if err == nil {
			return
		}
		if out.committed {
			// Part of the file is already on its way: break the connection
			// so the client sees a failed download, not a short file.
			log.ErrorContext(r.Context(), "export failed mid-stream", "format", f.Name, "err", err)
			panic(http.ErrAbortHandler)
		}
		class, known := graph.ClassOf(err)
		switch {
		case !known:
			log.ErrorContext(r.Context(), "export failed", "format", f.Name, "err", err)
			httpError(w, class.Status, "export failed")
		case class.Code == graph.CodeCancelled:
			// The client went away; nothing to answer.
		case class.Unavailable:
			log.WarnContext(r.Context(), "export failed", "format", f.Name, "err", err)
			httpError(w, class.Status, "store unavailable, try again")
		default: // the client's mistake: its message names the argument
			httpError(w, class.Status, err.Error())
		}
	})
}

// bufferSize is how much export output is held back before the response
// is committed. Small graphs (the curated dataset) fit whole, so they get a
// Content-Length. A variable for tests.
var bufferSize = 1 << 20

// deferredWriter buffers up to limit bytes; past that it commits the
// response (calls commit, then writes the status) and streams.
type deferredWriter struct {
	w         http.ResponseWriter
	limit     int
	commit    func()
	head      bool
	buf       bytes.Buffer
	committed bool
}

func (d *deferredWriter) Write(p []byte) (int, error) {
	if !d.committed {
		if d.buf.Len()+len(p) <= d.limit {
			return d.buf.Write(p)
		}
		d.committed = true
		d.commit()
		if d.head {
			return len(p), nil
		}
		if _, err := d.buf.WriteTo(d.w); err != nil {
			return 0, err
		}
	}
	if d.head {
		return len(p), nil
	}
	return d.w.Write(p)
}

// Close sends what is still buffered, with its Content-Length.
func (d *deferredWriter) Close() error {
	if d.committed {
		return nil
	}
	d.committed = true
	d.commit()
	d.w.Header().Set("Content-Length", strconv.Itoa(d.buf.Len()))
	if d.head {
		return nil
	}
	_, err := d.buf.WriteTo(d.w)
	return err
}

// IndexHandler serves GET /export: the list of formats as JSON.
func IndexHandler() http.Handler {
	type item struct {
		Name        string `json:"name"`
		MediaType   string `json:"mediaType"`
		Ext         string `json:"ext"`
		Description string `json:"description"`
		URL         string `json:"url"`
	}
	list := make([]item, len(Formats))
	for i, f := range Formats {
		list[i] = item{f.Name, f.MediaType, f.Ext, f.Description, "/export/" + f.Name}
	}
	body, err := json.Marshal(map[string]any{"formats": list})
	if err != nil {
		panic(err) // static data
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
}

// parseSelection reads ids (comma separated, the parameter may repeat) and
// hops from query values.
func parseSelection(idParams []string, hops string) (Selection, error) {
	var sel Selection
	for _, p := range idParams {
		for _, id := range strings.Split(p, ",") {
			if id = strings.TrimSpace(id); id != "" {
				sel.IDs = append(sel.IDs, id)
			}
		}
	}
	if len(sel.IDs) > 0 {
		sel.Hops = 1
	}
	if hops != "" {
		n, err := strconv.Atoi(hops)
		if err != nil || n < 0 || n > MaxHops {
			return sel, fmt.Errorf("hops must be an integer 0..%d, got %q", MaxHops, hops)
		}
		sel.Hops = n
	}
	return sel, nil
}

func httpError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = fmt.Fprintln(w, msg)
}
