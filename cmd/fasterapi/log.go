package main

import (
	"bufio"
	"fmt"
	"os"
	"sync"
)

// logger writes uvicorn-style lines ("INFO:     ...") to stderr at or above a level.
type logger struct {
	mu    sync.Mutex
	w     *bufio.Writer
	level int
}

func newLogger(level string) *logger {
	return &logger{w: bufio.NewWriterSize(os.Stderr, 32<<10), level: logLevels[level]}
}

func (l *logger) log(level int, prefix, format string, args ...any) {
	if level < l.level {
		return
	}
	l.mu.Lock()
	fmt.Fprintf(l.w, "%-10s"+format+"\n", append([]any{prefix + ":"}, args...)...)
	_ = l.w.Flush()
	l.mu.Unlock()
}

func (l *logger) Info(format string, args ...any)  { l.log(2, "INFO", format, args...) }
func (l *logger) Warn(format string, args ...any)  { l.log(3, "WARNING", format, args...) }
func (l *logger) Error(format string, args ...any) { l.log(4, "ERROR", format, args...) }
