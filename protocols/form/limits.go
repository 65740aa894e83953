package form

// Limits bound what one body may hold. Zero fields take the DefaultLimits value.
type Limits struct {
	// MaxFields bounds the non-file fields (Starlette's max_fields).
	MaxFields int
	// MaxFiles bounds the file parts, those with a filename (Starlette's max_files).
	MaxFiles int
	// MaxFieldSize bounds the content of one non-file part or urlencoded field
	// (Starlette's max_part_size); file parts are bounded only by the body limit.
	MaxFieldSize int64
	// MaxHeaderBytes bounds one part's header section.
	MaxHeaderBytes int
}

// DefaultLimits are Starlette's defaults, plus 16 KiB of headers per part.
var DefaultLimits = Limits{MaxFields: 1000, MaxFiles: 1000, MaxFieldSize: 1 << 20, MaxHeaderBytes: 16 << 10}

func (l Limits) normalized() Limits {
	if l.MaxFields <= 0 {
		l.MaxFields = DefaultLimits.MaxFields
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = DefaultLimits.MaxFiles
	}
	if l.MaxFieldSize <= 0 {
		l.MaxFieldSize = DefaultLimits.MaxFieldSize
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = DefaultLimits.MaxHeaderBytes
	}
	return l
}
