package transport

import "fmt"

// gnetLogger passes gnet's warnings and errors to the server's log and drops its chatter
// (gnet prints its start-up banner at INFO whatever level it is given).
type gnetLogger struct{ logf func(level, msg string) }

func (l gnetLogger) Debugf(string, ...any) {}
func (l gnetLogger) Infof(string, ...any)  {}
func (l gnetLogger) Warnf(format string, args ...any) {
	l.logf("warning", "gnet: "+fmt.Sprintf(format, args...))
}
func (l gnetLogger) Errorf(format string, args ...any) {
	l.logf("error", "gnet: "+fmt.Sprintf(format, args...))
}
func (l gnetLogger) Fatalf(format string, args ...any) {
	l.logf("error", "gnet: "+fmt.Sprintf(format, args...))
}
