package main

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
)

// routes prints the app's route table, in the order requests are matched.
func routes(args []string) int {
	f, err := parseServe("routes", args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fasterapi:", err)
		return 2
	}
	host, err := startHost(f, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fasterapi:", err)
		return 1
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "METHODS\tPATH\tNAME\tSTATUS")
	for i, r := range host.Routes() {
		if i == host.App().AnswerRoute {
			continue // not a route of the app: how the server's own answers reach its middleware
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\n", strings.Join(r.Methods, ","), r.Path, r.Name, r.Status)
	}
	_ = w.Flush()
	host.Close()
	return 0
}
