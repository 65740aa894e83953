package http2

import "testing"

func TestConfigNormalized(t *testing.T) {
	d := Config{}.normalized()
	if d.MaxConcurrentStreams != 100 || d.InitialWindowSize != 256<<10 || d.ConnWindowSize != 1<<20 ||
		d.MaxFrameSize != 16384 || d.MaxHeaderListSize != 16<<10 || d.MaxHeaderBlockBytes != 32<<10 ||
		d.MaxBodyBytes != 0 || d.MaxEarlyResets != 200 || d.MaxQueuedControlFrames != 10000 {
		t.Fatalf("defaults %+v", d)
	}
	c := Config{
		InitialWindowSize: 1 << 31, ConnWindowSize: 10, MaxFrameSize: 1 << 30,
		MaxHeaderListSize: 100, MaxHeaderBlockBytes: 50, MaxBodyBytes: -5,
	}.normalized()
	if c.InitialWindowSize != 1<<31-1 || c.ConnWindowSize != 65535 || c.MaxFrameSize != 1<<24-1 ||
		c.MaxHeaderBlockBytes != 100 || c.MaxBodyBytes != 0 {
		t.Fatalf("clamped %+v", c)
	}
	if c := (Config{MaxFrameSize: 10}).normalized(); c.MaxFrameSize != 16384 {
		t.Fatalf("frame size %d", c.MaxFrameSize)
	}
}
