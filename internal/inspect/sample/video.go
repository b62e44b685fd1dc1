package sample

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"time"
)

// The videos are 32 × 32 pixels of one colour, one frame a second (every frame a key frame),
// so that a five-minute video weighs a few hundred kilobytes and any length plays and seeks.
const (
	side       = 32              // pixels
	frameEvery = 1000            // milliseconds between frames
	maxVideo   = 24 * time.Hour  // longer is refused
	zeros      = 64 << 10        // padding is written in chunks of this size
	maxPad     = int64(64 << 30) // padTo above this is refused
	msPerSec   = int64(time.Second / time.Millisecond)
)

// frames gives the number of frames of a video of d milliseconds and the duration of its
// last one (the others last frameEvery).
func frames(ms int64) (n int64, last int64) {
	n = (ms + frameEvery - 1) / frameEvery
	return n, ms - (n-1)*frameEvery
}

func checkVideo(d time.Duration, padTo int64) (int64, error) {
	ms := d.Milliseconds()
	if ms < 1 || d > maxVideo || padTo > maxPad {
		return 0, fmt.Errorf("sample: video of %v padded to %d bytes: out of range", d, padTo)
	}
	return ms, nil
}

// pad writes n zero bytes.
func pad(w io.Writer, n int64) error {
	z := make([]byte, min(n, zeros))
	for n > 0 {
		k, err := w.Write(z[:min(n, int64(len(z)))])
		if err != nil {
			return err
		}
		n -= int64(k)
	}
	return nil
}

// be32 / be16 append big-endian integers.
func be32(b []byte, v uint32) []byte { return binary.BigEndian.AppendUint32(b, v) }
func be16(b []byte, v uint16) []byte { return binary.BigEndian.AppendUint16(b, v) }

// counter counts the bytes written through it.
type counter struct {
	w *bufio.Writer
	n int64
}

func (c *counter) Write(p []byte) (int, error) {
	k, err := c.w.Write(p)
	c.n += int64(k)
	return k, err
}
