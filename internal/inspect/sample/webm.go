package sample

import (
	"bufio"
	"encoding/binary"
	"io"
	"math"
	"time"
)

// WebM writes to w a real WebM video of duration d that browsers play: VP8, 32 × 32 pixels
// of one (grey) colour, one key frame a second, each in its own cluster, the Duration in
// Segment/Info. A VP8 frame is two boolean-coded partitions; partitions of zero bytes decode
// as all-zero decisions whatever the probabilities, which make a valid key frame (every
// header field 0, every macroblock predicted from its edges, no residual): no VP8 encoder is
// needed. When padTo is larger than the video, a Void element inside the Segment pads the
// file to exactly padTo bytes, written in chunks.
func WebM(w io.Writer, d time.Duration, padTo int64) error {
	ms, err := checkVideo(d, padTo)
	if err != nil {
		return err
	}
	frame := vp8KeyFrame()
	n, _ := frames(ms)
	header := ebml(0x1A45DFA3,
		ebmlUint(0x4286, 1), ebmlUint(0x42F7, 1), ebmlUint(0x42F2, 4), ebmlUint(0x42F3, 8),
		ebmlString(0x4282, "webm"), ebmlUint(0x4287, 2), ebmlUint(0x4285, 2))
	var dur [8]byte
	binary.BigEndian.PutUint64(dur[:], math.Float64bits(float64(ms)))
	info := ebml(0x1549A966, ebmlUint(0x2AD7B1, 1000000), ebmlString(0x4D80, "Certif"),
		ebmlString(0x5741, "Certif"), ebml(0x4489, dur[:]))
	tracks := ebml(0x1654AE6B, ebml(0xAE, ebmlUint(0xD7, 1), ebmlUint(0x73C5, 1), ebmlUint(0x83, 1),
		ebmlUint(0x9C, 0), ebmlString(0x86, "V_VP8"), ebml(0xE0, ebmlUint(0xB0, side), ebmlUint(0xBA, side))))
	cluster := func(t int64) []byte {
		block := append([]byte{0x81, 0, 0, 0x80}, frame...) // track 1, at the cluster's time, key frame
		return ebml(0x1F43B675, ebml(0xE7, be32(nil, uint32(t))), ebml(0xA3, block))
	}
	clusterLen := int64(len(cluster(0)))
	content := int64(len(info)+len(tracks)) + n*clusterLen
	const segHeader = 4 + 8 // Segment ID, 8-byte size
	voidLen := padTo - int64(len(header)) - segHeader - content
	if voidLen < 9 {
		voidLen = 0
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	c := &counter{w: bw}
	_, _ = c.Write(header)
	_, _ = c.Write([]byte{0x18, 0x53, 0x80, 0x67})
	_, _ = c.Write(size8(uint64(content + voidLen)))
	_, _ = c.Write(info)
	_, _ = c.Write(tracks)
	for i := int64(0); i < n; i++ {
		_, _ = c.Write(cluster(i * frameEvery))
	}
	if voidLen > 0 {
		_, _ = c.Write([]byte{0xEC})
		_, _ = c.Write(size8(uint64(voidLen - 9)))
		if err := pad(c, voidLen-9); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// vp8KeyFrame is a key frame whose two partitions are zero bytes (see WebM).
func vp8KeyFrame() []byte {
	const first, tokens = 256, 256
	tag := uint32(0) | 0<<1 | 1<<4 | first<<5 // key frame, version 0, shown, first partition size
	f := []byte{byte(tag), byte(tag >> 8), byte(tag >> 16), 0x9d, 0x01, 0x2a, side, 0, side, 0}
	return append(f, make([]byte, first+tokens)...)
}

// ebml is an element with its data (the children already encoded), its size on the fewest
// bytes.
func ebml(id uint32, data ...[]byte) []byte {
	var b []byte
	for s := 24; s >= 0; s -= 8 {
		if c := byte(id >> uint(s)); c != 0 || len(b) > 0 {
			b = append(b, c)
		}
	}
	n := 0
	for _, d := range data {
		n += len(d)
	}
	l := 1
	for uint64(n) >= 1<<(7*l)-1 {
		l++
	}
	for i := l - 1; i >= 0; i-- {
		c := byte(n >> (8 * i))
		if i == l-1 {
			c |= 0x80 >> (l - 1)
		}
		b = append(b, c)
	}
	for _, d := range data {
		b = append(b, d...)
	}
	return b
}

func ebmlUint(id uint32, v uint64) []byte {
	var b []byte
	for s := 56; s >= 0; s -= 8 {
		if c := byte(v >> uint(s)); c != 0 || len(b) > 0 || s == 0 {
			b = append(b, c)
		}
	}
	return ebml(id, b)
}

func ebmlString(id uint32, s string) []byte { return ebml(id, []byte(s)) }

// size8 is an EBML size on 8 bytes.
func size8(v uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	b[0] = 0x01
	return b[:]
}
