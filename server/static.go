package server

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/fasterapi/fasterapi/pyhost"
)

// StaticFiles mounts (app.mount(path, StaticFiles(directory=...))) are served here without
// entering Python, with Starlette's rules: the path under the mount is normalised as
// os.path.normpath does, resolved with symlinks (unless follow_symlink) and refused unless it
// stays inside the directory; html=True serves index.html for directories and 404.html for
// misses; only GET and HEAD are allowed.

// staticMethod marks a mount in the app's route table; its fifth element holds the options.
const staticMethod = "STATIC"

// staticParam is the route parameter that captures the path under a mount.
const staticParam = "path"

// staticMount is one mounted directory.
type staticMount struct {
	pattern string // the router pattern: the mount path plus "/{path:path}"
	// dir is the directory as given (made absolute); root is what paths must stay inside:
	// its real path, or its absolute path with follow_symlink.
	dir           string
	root          string
	html          bool
	followSymlink bool
	// resolved: root is the real path (the directory existed at start-up). rootFD is it
	// opened for openat2 (-1: not available).
	resolved bool
	rootFD   int
	// noOpenat2 is set once the kernel (or a seccomp filter) refused openat2 itself.
	noOpenat2 atomic.Bool
	types     mimeTypes
}

// staticMounts reads the mounts of a route table, indexed by route handle; nil when there
// are none.
func staticMounts(routes []pyhost.Route) ([]*staticMount, error) {
	var mounts []*staticMount
	for i, rt := range routes {
		if len(rt.Methods) != 1 || rt.Methods[0] != staticMethod {
			continue
		}
		m, err := newStaticMount(rt.Path, rt.Options)
		if err != nil {
			return nil, fmt.Errorf("mount %q: %w", rt.Path, err)
		}
		if mounts == nil {
			mounts = make([]*staticMount, len(routes))
		}
		mounts[i] = m
	}
	return mounts, nil
}

func newStaticMount(path string, opts map[string]any) (*staticMount, error) {
	dir, _ := opts["directory"].(string)
	if dir == "" {
		return nil, errors.New("the mount has no directory")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	m := &staticMount{pattern: strings.TrimSuffix(path, "/") + "/{" + staticParam + ":path}", dir: abs}
	m.html, _ = opts["html"].(bool)
	m.followSymlink, _ = opts["follow_symlink"].(bool)
	m.types = newMimeTypes(opts)
	m.root, m.rootFD = abs, -1
	if !m.followSymlink {
		// A directory missing at start-up (check_dir=False) is resolved per request instead.
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			m.root, m.resolved = real, true
			if fd, err := unix.Open(real, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0); err == nil {
				m.rootFD = fd // kept for the server's lifetime
			}
		}
	}
	return m, nil
}

// staticKind is the shape of a mount's answer.
type staticKind int

const (
	staticFile     staticKind = iota // send file (with status, 404 for html's 404.html)
	staticNotFound                   // 404 {"detail":"Not Found"}
	staticNoMethod                   // 405, Allow: GET, HEAD
	staticRedirect                   // 307 to the same URL with a trailing slash
	staticNoAccess                   // 401, as Starlette answers a PermissionError
)

// staticAnswer is what a mount answers to one request.
type staticAnswer struct {
	kind   staticKind
	status int
	head   []byte // content-type of a file
	f      *openFile
}

// answer resolves a request for rel (the decoded path under the mount) made with method;
// slash reports whether the request's path ends with "/" (a directory served with html=True
// is redirected to its slash form first, so relative links in its index work).
func (m *staticMount) answer(method []byte, rel []byte, slash bool) staticAnswer {
	if string(method) != "GET" && string(method) != "HEAD" {
		return staticAnswer{kind: staticNoMethod}
	}
	clean, ok := normPath(string(rel))
	if !ok {
		return staticAnswer{kind: staticNotFound}
	}
	f, err := m.lookup(clean)
	switch {
	case errors.Is(err, fs.ErrPermission):
		return staticAnswer{kind: staticNoAccess}
	case err == nil && f.regular:
		return m.file(f, 200)
	case err == nil && f.dir && m.html:
		f.close()
		index, ierr := m.lookup(joinRel(clean, "index.html"))
		if ierr == nil && index.regular {
			if !slash {
				index.close()
				return staticAnswer{kind: staticRedirect}
			}
			return m.file(index, 200)
		}
		index.close()
	default:
		f.close()
	}
	if m.html {
		page, perr := m.lookup("404.html")
		if perr == nil && page.regular {
			return m.file(page, 404)
		}
		page.close()
	}
	return staticAnswer{kind: staticNotFound}
}

// file answers with an opened file; the content type is guessed from its resolved name, as
// Starlette's FileResponse(full_path) does.
func (m *staticMount) file(f *openFile, status int) staticAnswer {
	// Starlette's field order: content-type, then accept-ranges (FileResponse.__init__).
	head := appendField(nil, "content-type", m.types.contentType(f.name))
	head = appendField(head, "accept-ranges", "bytes")
	return staticAnswer{kind: staticFile, status: status, head: head, f: f}
}

// lookup opens clean (a normalised relative path) in the directory. Without follow_symlink
// the path is resolved with its symlinks and must still lie inside the directory's real
// path, so a link pointing out of it is not followed; with it the check is lexical only
// (normPath already refused "..").
func (m *staticMount) lookup(clean string) (*openFile, error) {
	joined := filepath.Join(m.dir, clean)
	if m.followSymlink {
		return openPath(joined)
	}
	if f, err, done := m.openBeneath(clean); done {
		return f, err
	}
	real, err := filepath.EvalSymlinks(joined)
	if err != nil {
		return nil, err
	}
	root := m.root
	if !m.resolved { // the directory did not exist at start-up
		if r, err := filepath.EvalSymlinks(m.dir); err == nil {
			root = r
		}
	}
	if real != root && !strings.HasPrefix(real, strings.TrimSuffix(root, "/")+"/") {
		return nil, fs.ErrNotExist
	}
	return openPath(real)
}

// openBeneath is lookup's fast path: one openat2(2) that resolves clean inside the directory
// and fails rather than leave it (RESOLVE_BENEATH). done is false when the slow path must
// decide: the last component is a symlink (its target names the content type), a link
// leaves the directory or is absolute (Starlette allows one that lands inside), or the
// kernel lacks openat2.
func (m *staticMount) openBeneath(clean string) (f *openFile, err error, done bool) {
	if m.rootFD < 0 || m.noOpenat2.Load() {
		return nil, nil, false
	}
	how := unix.OpenHow{Flags: unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NOFOLLOW | unix.O_NOCTTY,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS}
	var fd int
	for {
		fd, err = unix.Openat2(m.rootFD, clean, &how)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	switch {
	case err == nil:
		f, err = statFD(fd, filepath.Join(m.root, clean))
		return f, err, true
	case errors.Is(err, unix.ENOENT), errors.Is(err, unix.ENOTDIR), errors.Is(err, unix.EACCES),
		errors.Is(err, unix.ENAMETOOLONG):
		return nil, err, true
	case errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EPERM):
		m.noOpenat2.Store(true)
	}
	return nil, nil, false
}

// normPath turns the decoded path under a mount into a relative path as Starlette does
// (os.path.normpath of its segments joined): empty and "." segments vanish, ".." removes the
// segment before it. A path that climbs above the mount, or holds a NUL byte (which no file
// name can), is refused.
func normPath(p string) (string, bool) {
	if strings.IndexByte(p, 0) >= 0 {
		return "", false
	}
	var parts []string
	for seg := range strings.SplitSeq(p, "/") {
		switch seg {
		case "", ".":
		case "..":
			if len(parts) == 0 {
				return "", false
			}
			parts = parts[:len(parts)-1]
		default:
			parts = append(parts, seg)
		}
	}
	if len(parts) == 0 {
		return ".", true
	}
	return strings.Join(parts, "/"), true
}

func joinRel(dir, name string) string {
	if dir == "." {
		return name
	}
	return dir + "/" + name
}
