// Command nethttp is the Go net/http peer of the benchmark: the same two endpoints, no Python.
package main

import (
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"strconv"
	"strings"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	http.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"message": "Hello, World!"})
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
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"item_id": id, "q": q})
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
