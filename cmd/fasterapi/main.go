// Command fasterapi serves a FastAPI-style Python app from Go: `fasterapi serve app:app`.
// It is normally started through the `fasterapi` console script of a Python venv, which passes
// the venv's Python paths in FASTERAPI_* environment variables.
package main

import (
	"fmt"
	"os"
	"runtime"

	"github.com/fasterapi/fasterapi/pybridge"
)

// version is set by the build (-ldflags "-X main.version=...").
var version = "dev"

const usage = `usage: fasterapi <command> [options]

commands:
  serve MODULE:ATTR [options]   serve the app (fasterapi serve --help for options)
  routes MODULE:ATTR            print the app's route table
  --version                     print the version
`

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return 2
	}
	switch args[0] {
	case "--version", "-V", "version":
		fmt.Printf("fasterapi %s (Python %s, %s)\n", version, pybridge.CompiledVersion, runtime.Version())
		return 0
	case "serve":
		return serve(args[1:])
	case "routes":
		return routes(args[1:])
	case "-h", "--help", "help":
		fmt.Print(usage)
		return 0
	}
	fmt.Fprintf(os.Stderr, "fasterapi: unknown command %q\n\n%s", args[0], usage)
	return 2
}
