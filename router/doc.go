// Package router maps request paths to route handles with the semantics of
// Starlette's Router, which FastAPI uses, while keeping lookups free of
// allocations.
//
// Patterns follow Starlette's path syntax: literal text with parameters
// written "{name}" or "{name:convertor}", where convertor is one of "str"
// (the default, one or more characters other than "/"), "int" ([0-9]+), "float"
// ([0-9]+(\.[0-9]+)?), "uuid" (lower-case 8-4-4-4-12 hex) or "path" (the rest
// of the path, slashes included, possibly empty; it must end the pattern). A
// parameter may be a whole segment or part of one ("/files/{name}.txt").
//
// Starlette tries its routes one by one in registration order and takes the
// first that matches both path and method. The tree here reaches the same
// answer without the linear scan: every node remembers the lowest
// registration index below it, so the search explores all branches that could
// still beat the best match found so far and prunes the rest. When a
// parameter could match several lengths (only possible when it shares its
// segment with other text), lengths are tried longest first, which is the
// order a backtracking regular expression uses, so captured values equal
// Starlette's. A visited set keeps that search polynomial where Starlette's
// regular expressions go exponential ("{a}{b}{c}" on a long segment): each
// tree node is searched at most once per path offset, so time is at worst
// quadratic in the path, and close to linear unless several parameters
// share one segment.
//
// Deliberate differences from Starlette, all at the edges:
//
//   - A 405 answer lists, in its Allow value, the union of the methods of every
//     route whose path matches (Starlette lists only the first such route's).
//     Methods are listed in byte order and the strings are prepared by Add.
//   - A trailing-slash redirect is offered only when the other path matches a
//     route for the request's method; Starlette also redirects when the other
//     path would only produce a 405. As in Starlette, the other path drops
//     every trailing slash ("/a//" becomes "/a"), or adds one.
//   - Python's regular expressions let "$" match before a final newline and
//     keep "." (the path convertor) from matching a newline; here a pattern
//     must match the whole path and the path convertor takes any byte.
//   - Starlette adds HEAD to routes that have GET; here the caller passes the
//     method list it wants, HEAD included.
//   - Starlette leaves a brace that does not form a parameter ("{1x}",
//     "{a:}") in the pattern as literal text; Add rejects it as a mistake.
//
// A Router is built with Add and then read with Lookup: Lookup may be called
// from many goroutines at once, but not while Add runs.
package router
