// Command nethttp is the Go net/http peer of the benchmark: the same endpoints, no Python,
// over HTTP/1.1 and cleartext HTTP/2 (h2c).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"runtime"
	"strconv"
	"strings"
)

type item struct {
	ID    int      `json:"id"`
	Name  string   `json:"name"`
	Tags  []string `json:"tags"`
	Price float64  `json:"price"`
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	runtime.GOMAXPROCS(1) // the peers get one core each
	big := make([]item, 160)
	for i := range big {
		big[i] = item{i, fmt.Sprintf("item-%d", i), []string{"alpha", "beta"}, float64(i) * 1.5}
	}
	http.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]string{"message": "Hello, World!"})
	})
	http.HandleFunc("/plaintext", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("Hello, World!"))
	})
	http.HandleFunc("/items/", func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/items/"))
		if err != nil {
			http.Error(w, `{"detail":"bad id"}`, http.StatusUnprocessableEntity)
			return
		}
		var q any
		if r.URL.Query().Has("q") {
			q = r.URL.Query().Get("q")
		}
		writeJSON(w, map[string]any{"item_id": id, "q": q})
	})
	http.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, big) })
	bigBytes, err := json.Marshal(big)
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/big-bytes", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(bigBytes)
	})
	http.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		var payload map[string]any
		if err := json.NewDecoder(r.Body).Decode(&payload); err != nil {
			http.Error(w, `{"detail":"bad json"}`, http.StatusUnprocessableEntity)
			return
		}
		writeJSON(w, payload)
	})
	http.HandleFunc("/async", func(w http.ResponseWriter, r *http.Request) {
		runtime.Gosched()
		writeJSON(w, map[string]string{"message": "Hello, World!"})
	})
	http.HandleFunc("/cpu", func(w http.ResponseWriter, r *http.Request) {
		total := 0
		for i := 0; i < 500; i++ {
			total += i * i % 7
		}
		writeJSON(w, map[string]int{"total": total})
	})
	// Cleartext HTTP/2 with prior knowledge (RFC 9113 §3.3) beside HTTP/1.1 on the same port,
	// as FasterAPI does, for the h2load row of the benchmark. (x/net's h2c package is
	// deprecated in favour of this field.)
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	srv := &http.Server{Addr: *addr, Protocols: &protocols}
	log.Fatal(srv.ListenAndServe())
}
