package store

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"
)

// SessionCodec is the scs codec of Certif's sessions. scs's gob codec builds a new decoder for
// every session it reads, which costs more than the rest of serving a kept page; Certif's
// sessions hold integers and strings (who is signed in, a one-time message), written here as
// a zero byte and JSON — in a fixed order, so that equal sessions are equal bytes. A session
// holding another type, and every session stored before this codec (gob never starts with a
// zero byte: it starts with a message's length), go through gob as before.
type SessionCodec struct{}

var _ scs.Codec = SessionCodec{}

// sessionJSON is the JSON form of a session: its absolute deadline and its values by type.
type sessionJSON struct {
	Deadline time.Time         `json:"d"`
	Ints     map[string]int64  `json:"i,omitempty"`
	Strings  map[string]string `json:"s,omitempty"`
}

// Encode writes the deadline and values; gob when a value is neither an int64 nor a string.
func (SessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	sj := sessionJSON{Deadline: deadline}
	for k, v := range values {
		switch v := v.(type) {
		case int64:
			if sj.Ints == nil {
				sj.Ints = map[string]int64{}
			}
			sj.Ints[k] = v
		case string:
			if sj.Strings == nil {
				sj.Strings = map[string]string{}
			}
			sj.Strings[k] = v
		default:
			return scs.GobCodec{}.Encode(deadline, values)
		}
	}
	b, err := json.Marshal(sj)
	if err != nil {
		return nil, fmt.Errorf("session encode: %w", err)
	}
	return append([]byte{0}, b...), nil
}

// Decode reads what Encode wrote, or a gob-encoded session.
func (SessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	if len(b) == 0 || b[0] != 0 {
		return scs.GobCodec{}.Decode(b)
	}
	var sj sessionJSON
	if err := json.Unmarshal(b[1:], &sj); err != nil {
		return time.Time{}, nil, fmt.Errorf("session decode: %w", err)
	}
	values := make(map[string]any, len(sj.Ints)+len(sj.Strings))
	for k, v := range sj.Ints {
		values[k] = v
	}
	for k, v := range sj.Strings {
		values[k] = v
	}
	return sj.Deadline, values, nil
}
