package server

import "github.com/fasterapi/fasterapi/pybridge"

// When the app has Python HTTP middleware (`@app.middleware("http")`), the answers the
// server gives by itself when no route matches (404, 405, the trailing-slash 307) go to the
// app's answer route instead, so that the middleware see them as Starlette's see its
// router's answers. The call carries the request as usual plus the answer, as the path
// parameters "status" and "allow" or "location" (fasterapi._middleware.answer_response).

var (
	statusNotFound         = []byte("404")
	statusMethodNotAllowed = []byte("405")
	statusRedirect         = []byte("307")
)

// addAnswer stores the server's answer in a call's meta, after the request's fields.
func addAnswer(m *pybridge.Meta, status, detail []byte) {
	m.AddParam("status", status)
	switch string(status) {
	case "405":
		m.AddParam("allow", detail)
	case "307":
		m.AddParam("location", detail)
	}
}
