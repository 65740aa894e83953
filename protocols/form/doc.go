// Package form is a sans-I/O parser of HTML form bodies: application/x-www-form-urlencoded
// (WHATWG URL Standard §5.1) and multipart/form-data (RFC 7578 on RFC 2046 §5.1.1).
//
// A Parser is fed the body in chunks as it arrives and returns events: the start of a part
// (its name, filename and headers), pieces of its content, and its end. It owns no
// files, sockets or goroutines; deciding where a part's content goes (memory or a
// temporary file) is the caller's job.
//
// Lifetimes: the Events returned by Feed or Close, and every slice in them, point into the
// parser's own buffer and stay valid only until the next call.
//
// Errors carry Starlette's wording where Starlette has one ("Too many fields. Maximum
// number of fields is 1000."), so a server can answer exactly as FastAPI does.
package form
