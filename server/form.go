package server

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"strconv"

	"github.com/fasterapi/fasterapi/protocols/form"
	"github.com/fasterapi/fasterapi/pybridge"
	"github.com/fasterapi/fasterapi/pyhost"
)

// Form bodies of routes that take Form/File parameters are parsed here, not in Python: the
// handler gets the fields and files as a compact record (see appendFormString for the
// layout, python/fasterapi/_formdata.py for the reader), and file parts larger than
// spoolThreshold go to temporary files that are removed once the response is written. A
// multipart body is fed to the collector as it arrives (upload.go); other bodies whole.

// spoolThreshold is where a file part moves from memory to a temporary file, Starlette's
// SpooledTemporaryFile size.
const spoolThreshold = 1 << 20

// formMagic starts a form record, so the reader can tell it from anything else.
const formMagic = "FAF1"

// Item tags of a form record.
const (
	formField     = 'f'
	formFileBytes = 'm' // a file part's content follows
	formFileDisk  = 'd' // a file part's content is in the temporary file named next
)

// formCollector turns the events of a form parser into a form record.
type formCollector struct {
	parser form.Parser
	record []byte
	// files are the temporary files made so far, removed by discard.
	files []string
	// The current part: its header fields are in record already unless it is a file whose
	// content is still coming (then head holds them until the tag is known).
	part    *form.Part
	content []byte
	spill   *os.File
	size    int64
	// inMemory keeps every file part in memory (no temporary files).
	inMemory bool
	// memoryLimit bounds what a streamed form holds in memory (0: no bound): file parts go
	// to disk earlier than spoolThreshold once it is reached, and fields past it are refused.
	memoryLimit int64
}

// formTooLarge refuses a streamed form whose fields alone pass the memory limit.
type formTooLarge struct{ limit int64 }

func (e formTooLarge) Error() string {
	return "form fields exceed " + strconv.FormatInt(e.limit, 10) + " bytes (--max-body-size)"
}

// newFormCollector starts a form record for a body of the given Content-Type.
func newFormCollector(contentType []byte) (*formCollector, error) {
	p, err := form.New(contentType, form.DefaultLimits)
	if err != nil {
		return nil, err
	}
	c := &formCollector{parser: p}
	c.record = append(c.record, formMagic...)
	c.record = append(c.record, byte(form.KindOf(contentType)))
	c.record = appendFormString(c.record, []byte(form.Charset(contentType)))
	return c, nil
}

// feed passes the next body bytes through the parser.
func (c *formCollector) feed(data []byte) error {
	events, err := c.parser.Feed(data)
	if err != nil {
		return err
	}
	return c.take(events)
}

// finish ends the body and returns the record; the files it names belong to c until
// discard.
func (c *formCollector) finish() ([]byte, error) {
	events, err := c.parser.Close()
	if err == nil {
		err = c.take(events)
	}
	return c.record, err
}

// discard removes the temporary files.
func (c *formCollector) discard() {
	if c.spill != nil {
		_ = c.spill.Close()
		c.spill = nil
	}
	for _, f := range c.files {
		_ = os.Remove(f)
	}
	c.files = nil
}

func (c *formCollector) take(events []form.Event) error {
	for _, e := range events {
		switch e.Kind {
		case form.PartStart:
			c.part, c.content, c.size = e.Part, c.content[:0], 0
		case form.PartData:
			if err := c.data(e.Data); err != nil {
				return err
			}
		case form.PartEnd:
			if err := c.end(); err != nil {
				return err
			}
		}
	}
	return nil
}

// data keeps a part's content in memory up to spoolThreshold, then in a temporary file.
func (c *formCollector) data(b []byte) error {
	c.size += int64(len(b))
	overBudget := c.memoryLimit > 0 && int64(len(c.record)+len(c.content)+len(b)) > c.memoryLimit
	if c.spill == nil && !c.part.IsFile {
		if overBudget {
			return formTooLarge{c.memoryLimit}
		}
		c.content = append(c.content, b...)
		return nil
	}
	if c.spill == nil && (c.inMemory || (c.size <= spoolThreshold && !overBudget)) {
		c.content = append(c.content, b...)
		return nil
	}
	if c.spill == nil {
		f, err := os.CreateTemp("", "fasterapi-upload-*")
		if err != nil {
			return err
		}
		c.spill = f
		c.files = append(c.files, f.Name())
		if _, err := f.Write(c.content); err != nil {
			return err
		}
		c.content = c.content[:0]
	}
	_, err := c.spill.Write(b)
	return err
}

func (c *formCollector) end() error {
	p := c.part
	if !p.IsFile {
		c.record = append(c.record, formField)
		c.record = appendFormString(c.record, p.Name)
		c.record = appendFormString(c.record, c.content)
		return nil
	}
	tag := byte(formFileBytes)
	if c.spill != nil {
		tag = formFileDisk
	}
	c.record = append(c.record, tag)
	c.record = appendFormString(c.record, p.Name)
	c.record = appendFormString(c.record, p.Filename)
	c.record = binary.LittleEndian.AppendUint32(c.record, uint32(len(p.Headers)))
	for _, h := range p.Headers {
		c.record = appendFormString(c.record, h.Name)
		c.record = appendFormString(c.record, h.Value)
	}
	if c.spill == nil {
		c.record = appendFormString(c.record, c.content)
		return nil
	}
	name := c.spill.Name()
	err := c.spill.Close()
	c.spill = nil
	c.record = appendFormString(c.record, []byte(name))
	c.record = binary.LittleEndian.AppendUint64(c.record, uint64(c.size))
	return err
}

// appendFormString appends a record string: its length as a little-endian uint32, then
// its bytes. A record is formMagic, the body kind (1 urlencoded, 2 multipart), the
// charset, then items: formField name value; formFileBytes name filename headers content;
// formFileDisk name filename headers path size(uint64); headers are a uint32 count of
// name, value pairs.
func appendFormString(b, s []byte) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// parseForm parses a whole form body when route handle takes form parameters and
// contentType is a form; it returns nil, nil otherwise. A body the parser refuses is
// answered 400 {"detail": ...} as Starlette's form parser does, a failing temporary file
// 500; the caller hands c.record to the handler and calls c.discard once the response is
// written.
func (s *Server) parseForm(handle int, contentType, body []byte) (c *formCollector, refusal *pybridge.Result) {
	if s.formRoutes == nil || !s.formRoutes[handle] || form.KindOf(contentType) == form.NotForm {
		return nil, nil
	}
	c, err := newFormCollector(contentType)
	if err == nil {
		err = c.feed(body)
	}
	if err == nil {
		_, err = c.finish()
	}
	if err == nil {
		return c, nil
	}
	if c != nil {
		c.discard()
	}
	return nil, s.formRefusal(err)
}

// formRefusal answers a form the server could not take: 400 {"detail": ...} for a body the
// parser refuses, as Starlette's form parser does, 413 for fields over the memory limit,
// 500 for a failing temporary file.
func (s *Server) formRefusal(err error) *pybridge.Result {
	var fe *form.Error
	if errors.As(err, &fe) {
		return &pybridge.Result{Status: 400, JSON: true, Body: detailJSON(fe.Message)}
	}
	var big formTooLarge
	if errors.As(err, &big) {
		return &pybridge.Result{Status: 413, JSON: true, Body: detailJSON(big.Error())}
	}
	if s.opts.ErrorLog != nil {
		s.opts.ErrorLog("could not store an uploaded file: " + err.Error())
	}
	return &pybridge.Result{Status: 500, Head: []byte("content-type: text/plain; charset=utf-8\r\n"),
		Body: []byte("Internal Server Error")}
}

// parseFormInMemory is the pybridge.FormParser: a whole body whose route did not have Go
// parse it (Request.form() elsewhere), file parts kept in memory, as the body already is.
func parseFormInMemory(contentType, body []byte) (record []byte, refusal string) {
	c, err := newFormCollector(contentType)
	if err == nil {
		c.inMemory = true
		if err = c.feed(body); err == nil {
			record, err = c.finish()
		}
	}
	if err != nil {
		var fe *form.Error
		if errors.As(err, &fe) {
			return nil, fe.Message
		}
		return nil, err.Error()
	}
	return record, ""
}

// detailJSON is FastAPI's error body {"detail": msg}.
func detailJSON(msg string) []byte {
	b, _ := json.Marshal(struct {
		Detail string `json:"detail"`
	}{msg})
	return b
}

// formRouteTable marks the routes whose handlers take form parameters (the route table's
// "form" option); nil when none does.
func formRouteTable(routes []pyhost.Route) []bool {
	var marks []bool
	for i, rt := range routes {
		if on, _ := rt.Options["form"].(bool); on {
			if marks == nil {
				marks = make([]bool, len(routes))
			}
			marks[i] = true
		}
	}
	return marks
}
