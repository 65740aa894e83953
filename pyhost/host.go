// Package pyhost owns the CPython runtime: it starts it, imports the app, gives each event-loop
// thread an interpreter with a GIL of its own ("pinned" mode: the main interpreter for the
// first loop, own-GIL sub-interpreters for the others) and runs handlers there. It knows
// nothing of sockets or HTTP.
package pyhost

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasterapi/fasterapi/pybridge"
)

func init() {
	// Py_InitializeFromConfig must run on the process's main thread, and init functions run on
	// the main goroutine: keep that goroutine on the main thread from here on.
	runtime.LockOSThread()
}

// Config says which app to load and how.
type Config struct {
	Spec       string // "module:attr"
	AppDir     string // put first on sys.path
	Home       string // Python prefix with the standard library; "" for the compiled-in one
	Executable string // the venv's python, reported as sys.executable; may be ""
	Workers    int    // number of sub-interpreters (one per event loop in pinned mode)
	// HandlerTimeout stops a handler that runs longer (0: never); it is answered with 504.
	HandlerTimeout time.Duration
	// Mode is ModePinned, ModeShared or ModePooled.
	Mode string
	// Interpreters is the pool size in pooled mode; QueueSize bounds the calls waiting for
	// one (beyond it requests get 503).
	Interpreters int
	QueueSize    int
	// Warn reports a condition the user should know about, once.
	Warn func(msg string)
}

// The execution modes.
const (
	// ModePinned gives every event loop its own own-GIL sub-interpreter.
	ModePinned = "pinned"
	// ModeShared runs every handler in the main interpreter under one GIL, for apps whose C
	// extensions refuse sub-interpreters.
	ModeShared = "shared"
	// ModePooled runs handlers on Interpreters threads shared by all event loops, so a
	// blocking handler stalls only its own thread.
	ModePooled = "pooled"
)

// refusesSubinterpreters matches CPython's ImportError for single-phase extension modules.
var refusesSubinterpreters = regexp.MustCompile(`module (\S+) does not support loading in subinterpreters`)

// Route is one entry of the app's route table; its index in Host.Routes is the route id that
// Call takes.
type Route struct {
	Path    string
	Methods []string
	Status  int
	Name    string
	// Options are the route's settings beyond the four common fields (a mount's directory,
	// for instance), from an optional fifth element of its row; nil when absent.
	Options map[string]any
}

// AppConfig is what the app declares for the server beside its routes.
type AppConfig struct {
	// Middleware lists the built-in middleware (fasterapi.middleware), outermost first.
	Middleware []Middleware
	// AnswerRoute is the route id through which the server's own answers (404, 405, the
	// slash redirect) pass the app's Python HTTP middleware; -1 when the app has none.
	AnswerRoute int
}

// Middleware is one built-in middleware: its name ("cors", "gzip", "trustedhost",
// "httpsredirect") and its options as the Python class worked them out.
type Middleware struct {
	Name    string
	Options json.RawMessage
}

// Host is the running Python side of the server.
type Host struct {
	cfg        Config
	app        AppConfig
	routes     []Route
	routesJSON []byte
	ready      atomic.Int32
	bootErr    atomic.Pointer[error]
	shared     atomic.Bool
	// mainServes is set once an event loop serves from the main interpreter in pinned mode.
	mainServes atomic.Bool
	// mainStartup runs the app's start-up in the main interpreter once, when it serves.
	mainStartup    sync.Once
	mainStartupErr error
}

// Start initialises CPython and imports the app in the main interpreter to learn its routes.
// It must be called from the main goroutine.
func Start(cfg Config) (*Host, error) {
	if err := pybridge.Init(cfg.Home, cfg.Executable); err != nil {
		return nil, err
	}
	raw, err := pybridge.BootMain(cfg.Spec, cfg.AppDir)
	if err != nil {
		return nil, err
	}
	routes, app, err := parseTable(raw)
	if err != nil {
		return nil, err
	}
	h := &Host{cfg: cfg, app: app, routes: routes, routesJSON: raw}
	h.shared.Store(cfg.Mode == ModeShared)
	if cfg.Mode == ModePooled {
		if err := pybridge.StartPool(cfg.Interpreters, cfg.QueueSize, cfg.Spec, cfg.AppDir, raw); err != nil {
			return nil, err
		}
	}
	if cfg.HandlerTimeout > 0 {
		pybridge.EnableCallTiming()
		go h.watchdog()
	}
	return h, nil
}

// watchdog interrupts handlers that exceed HandlerTimeout; see pybridge.WatchdogScan.
func (h *Host) watchdog() {
	runtime.LockOSThread() // never unlocked: the thread states it creates live on this thread
	period := min(h.cfg.HandlerTimeout/4, 100*time.Millisecond)
	for range time.Tick(period) {
		pybridge.WatchdogScan(h.cfg.HandlerTimeout)
	}
}

// parseTable reads what the app's boot returned: {"routes": [rows], "app": {settings}}.
func parseTable(raw []byte) ([]Route, AppConfig, error) {
	var table struct {
		Routes json.RawMessage `json:"routes"`
		App    struct {
			Middleware  [][]json.RawMessage `json:"middleware"`
			AnswerRoute *int                `json:"answer_route"`
		} `json:"app"`
	}
	app := AppConfig{AnswerRoute: -1}
	if err := json.Unmarshal(raw, &table); err != nil {
		return nil, app, fmt.Errorf("the app's route table is not valid: %w", err)
	}
	routes, err := parseRoutes(table.Routes)
	if err != nil {
		return nil, app, err
	}
	for i, pair := range table.App.Middleware {
		var m Middleware
		if len(pair) != 2 || json.Unmarshal(pair[0], &m.Name) != nil {
			return nil, app, fmt.Errorf("middleware %d of the app's settings is malformed", i)
		}
		m.Options = pair[1]
		app.Middleware = append(app.Middleware, m)
	}
	if a := table.App.AnswerRoute; a != nil {
		if *a < 0 || *a >= len(routes) {
			return nil, app, fmt.Errorf("the app's answer route %d is not in its route table", *a)
		}
		app.AnswerRoute = *a
	}
	return routes, app, nil
}

func parseRoutes(raw []byte) ([]Route, error) {
	var rows [][]any
	if err := json.Unmarshal(raw, &rows); err != nil {
		return nil, fmt.Errorf("the app's route table is not valid: %w", err)
	}
	routes := make([]Route, 0, len(rows))
	for i, row := range rows {
		r, ok := routeFromRow(row)
		if !ok {
			return nil, fmt.Errorf("route %d of the app's route table is malformed: %v", i, row)
		}
		routes = append(routes, r)
	}
	return routes, nil
}

func routeFromRow(row []any) (Route, bool) {
	if len(row) != 4 && len(row) != 5 {
		return Route{}, false
	}
	path, ok1 := row[0].(string)
	methods, ok2 := row[1].([]any)
	status, ok3 := row[2].(float64)
	name, ok4 := row[3].(string)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return Route{}, false
	}
	r := Route{Path: path, Status: int(status), Name: name}
	if len(row) == 5 {
		if r.Options, ok1 = row[4].(map[string]any); !ok1 {
			return Route{}, false
		}
	}
	for _, m := range methods {
		s, ok := m.(string)
		if !ok {
			return Route{}, false
		}
		r.Methods = append(r.Methods, s)
	}
	return r, true
}

// Routes returns the app's route table.
func (h *Host) Routes() []Route { return h.routes }

// App returns what the app declared beside its routes (middleware).
func (h *Host) App() AppConfig { return h.app }

// Workers is the configured number of interpreters.
func (h *Host) Workers() int { return h.cfg.Workers }

// BootThread gives the calling OS thread its own sub-interpreter with the app imported. The
// caller must have locked the goroutine to the thread for good (runtime.LockOSThread).
func (h *Host) BootThread() error {
	raw, err := pybridge.BootThread(h.cfg.Spec, h.cfg.AppDir)
	if err != nil {
		return err
	}
	// Route ids are indexes into the table: an app that registers routes differently per
	// interpreter (say, from random or time-dependent code) would get requests misrouted.
	if !bytes.Equal(raw, h.routesJSON) {
		return fmt.Errorf("the app registered different routes in a sub-interpreter than in the main one; route registration must not depend on per-process state")
	}
	h.ready.Add(1)
	return nil
}

// EnsureThread boots the calling thread's interpreter unless that was done already; it keeps
// failing with the first error if the boot failed. It is cheap once the thread is ready.
func (h *Host) EnsureThread() error {
	if h.cfg.Mode == ModePooled {
		return nil // loops only hand calls to the pool
	}
	switch pybridge.CurrentThread() {
	case pybridge.ThreadReady:
		return nil
	case pybridge.ThreadFailed:
		if p := h.bootErr.Load(); p != nil {
			return *p
		}
		return errors.New("this thread's interpreter failed to start")
	}
	if h.shared.Load() {
		return h.joinMain()
	}
	// The main interpreter imported the app to learn its routes, and its GIL is its own once
	// the others are own-GIL sub-interpreters: the first loop serves from it rather than
	// importing the app once more (about 8 MB of RSS per interpreter).
	if h.mainServes.CompareAndSwap(false, true) {
		return h.joinMain()
	}
	err := h.BootThread()
	if m := refusesSubinterpreters.FindStringSubmatch(errString(err)); m != nil {
		if h.shared.CompareAndSwap(false, true) && h.cfg.Warn != nil {
			h.cfg.Warn(fmt.Sprintf("the app imports %s, which does not support sub-interpreters: serving in "+
				"shared mode (the main interpreter, one GIL for all event loops). Pass --mode shared to "+
				"choose this yourself and skip the attempt.", m[1]))
		}
		return h.joinMain()
	}
	if err != nil {
		h.bootErr.CompareAndSwap(nil, &err)
	}
	return err
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func (h *Host) joinMain() error {
	h.mainStartup.Do(func() { h.mainStartupErr = pybridge.MainStartup() })
	if h.mainStartupErr != nil {
		return h.mainStartupErr
	}
	if err := pybridge.JoinMain(); err != nil {
		h.bootErr.CompareAndSwap(nil, &err)
		return err
	}
	h.ready.Add(1)
	return nil
}

// Mode is the execution mode in effect (pinned may have fallen back to shared).
func (h *Host) Mode() string {
	if h.cfg.Mode == ModePooled {
		return ModePooled
	}
	if h.shared.Load() {
		return ModeShared
	}
	return ModePinned
}

// Ready is the number of event loops that can serve (in pooled mode, all of them).
func (h *Host) Ready() int {
	if h.cfg.Mode == ModePooled {
		return h.cfg.Workers
	}
	return int(h.ready.Load())
}

var queueFull = pybridge.Result{Status: 503, Head: []byte("content-type: application/json\r\nretry-after: 1\r\n"),
	Body: []byte(`{"detail":"Service Unavailable"}`)}

// Call runs route's handler on the calling thread's interpreter; see pybridge.Result for how
// long the result stays valid.
func (h *Host) Call(route int, token uint64, meta, body []byte) pybridge.Result {
	if h.cfg.Mode == ModePooled {
		if !pybridge.Submit(route, h.routes[route].Status, token, meta, body) {
			return queueFull
		}
		return pybridge.Result{Deferred: true}
	}
	return pybridge.Call(route, h.routes[route].Status, token, meta, body)
}

// Close runs the app's shutdown in each interpreter and flushes their output. The runtime is deliberately not finalised:
// Py_FinalizeEx crashes on 3.12.1 after a sub used asyncio, ssl or hashlib (REPORT §4.1), and
// interpreters owned by loop threads can only be ended on those threads.
func (h *Host) Close() { pybridge.ShutdownAll() }
