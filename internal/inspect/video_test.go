package inspect

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/certif/certif/internal/dossier"
	"github.com/certif/certif/internal/inspect/sample"
)

func TestVideoSamples(t *testing.T) {
	for _, d := range []time.Duration{300 * time.Millisecond, 7300 * time.Millisecond, 5 * time.Minute, 7 * time.Minute} {
		for name, write := range map[string]func(*bytes.Buffer, time.Duration) error{
			"mp4":  func(b *bytes.Buffer, d time.Duration) error { return sample.MP4(b, d, 0) },
			"webm": func(b *bytes.Buffer, d time.Duration) error { return sample.WebM(b, d, 0) },
		} {
			var b bytes.Buffer
			if err := write(&b, d); err != nil {
				t.Fatal(err)
			}
			m := Video(bytes.NewReader(b.Bytes()), int64(b.Len()))
			if !m.Measured || m.Duration != d.Milliseconds() {
				t.Errorf("%s of %v: %+v", name, d, m)
			}
		}
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r *os.File
	n atomic.Int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

// TestVideoPadded: a large padded file is measured by reading a few kilobytes of it.
func TestVideoPadded(t *testing.T) {
	dir := t.TempDir()
	const size = 64 << 20
	for name, write := range map[string]func(*os.File) error{
		"v.mp4":  func(f *os.File) error { return sample.MP4(f, 5*time.Minute, size) },
		"v.webm": func(f *os.File) error { return sample.WebM(f, 5*time.Minute, size) },
	} {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := write(f); err != nil {
			t.Fatal(err)
		}
		st, _ := f.Stat()
		if st.Size() != size {
			t.Errorf("%s: %d bytes, want %d", name, st.Size(), size)
		}
		c := &countingReader{r: f}
		if m := Video(c, st.Size()); !m.Measured || m.Duration != 300000 {
			t.Errorf("%s: %+v", name, m)
		}
		if c.n.Load() > 64<<10 {
			t.Errorf("%s: read %d bytes to measure", name, c.n.Load())
		}
		f.Close()
	}
}

// mkbox builds an MP4 box (size 0: « to the end »; large: 64-bit largesize).
func mkbox(typ string, large bool, payload ...[]byte) []byte {
	var p []byte
	for _, x := range payload {
		p = append(p, x...)
	}
	if large {
		b := binary.BigEndian.AppendUint32(nil, 1)
		b = append(b, typ...)
		b = binary.BigEndian.AppendUint64(b, uint64(16+len(p)))
		return append(b, p...)
	}
	b := binary.BigEndian.AppendUint32(nil, uint32(8+len(p)))
	return append(append(b, typ...), p...)
}

func mvhd(version byte, timescale uint32, duration uint64) []byte {
	p := []byte{version, 0, 0, 0}
	if version == 1 {
		p = append(p, make([]byte, 16)...)
		p = binary.BigEndian.AppendUint32(p, timescale)
		p = binary.BigEndian.AppendUint64(p, duration)
	} else {
		p = append(p, make([]byte, 8)...)
		p = binary.BigEndian.AppendUint32(p, timescale)
		p = binary.BigEndian.AppendUint32(p, uint32(duration))
	}
	return mkbox("mvhd", false, p, make([]byte, 80))
}

func trak(handler, codec string) []byte {
	hdlr := mkbox("hdlr", false, make([]byte, 8), []byte(handler), make([]byte, 12))
	entry := mkbox(codec, false, make([]byte, 78))
	stsd := mkbox("stsd", false, []byte{0, 0, 0, 0, 0, 0, 0, 1}, entry)
	return mkbox("trak", false, mkbox("mdia", false, hdlr, mkbox("minf", false, mkbox("stbl", false, stsd))))
}

func TestMP4Cases(t *testing.T) {
	ftyp := mkbox("ftyp", false, []byte("isom\x00\x00\x02\x00isom"))
	video := trak("vide", "avc1")
	mdat := mkbox("mdat", false, make([]byte, 5000))
	for _, c := range []struct {
		name   string
		file   []byte
		ms     int64
		reason string
	}{
		{"moov first", cat(ftyp, mkbox("moov", false, mvhd(0, 600, 600*90), video), mdat), 90000, ""},
		{"moov at the end", cat(ftyp, mdat, mkbox("moov", false, mvhd(0, 1000, 299999), video)), 299999, ""},
		{"mvhd version 1", cat(ftyp, mkbox("moov", false, mvhd(1, 90000, 90000*421), video), mdat), 421000, ""},
		{"64-bit sizes", cat(ftyp, mkbox("mdat", true, make([]byte, 3000)), mkbox("moov", true, mvhd(0, 1000, 5000), video)), 5000, ""},
		{"QuickTime without ftyp", cat(mkbox("wide", false), mdat, mkbox("moov", false, mvhd(0, 600, 1200), trak("vide", "apcn"))), 2000, ""},
		{"size 0: to the end", cat(ftyp, mkbox("moov", false, mvhd(0, 1000, 4000), video), []byte{0, 0, 0, 0, 'm', 'd', 'a', 't', 1, 2, 3}), 4000, ""},
		{"sound and video tracks", cat(ftyp, mkbox("moov", false, mvhd(0, 1000, 4000), trak("soun", "mp4a"), video), mdat), 4000, ""},
		{"no mdat", cat(ftyp, mkbox("moov", false, mvhd(0, 1000, 4000), video)), 0, "tronqué ou sans images"},
		{"empty mdat", cat(ftyp, mkbox("moov", false, mvhd(0, 1000, 4000), video), mkbox("mdat", false)), 0, "tronqué ou sans images"},
		{"mdat cut short", cat(ftyp, mkbox("moov", false, mvhd(0, 1000, 4000), video), mdat[:1000]), 0, "tronqué ou sans images"},
		{"mdat of 100 GB, 5 kB there", cat(ftyp, mkbox("moov", false, mvhd(0, 1000, 4000), video), []byte{0, 0, 0, 1, 'm', 'd', 'a', 't', 0, 0, 0, 0x17, 0x48, 0x76, 0xe8, 0}, make([]byte, 5000)), 0, "tronqué ou sans images"},
		{"unknown codec", cat(ftyp, mkbox("moov", false, mvhd(0, 1000, 4000), trak("vide", "zzzz"))), 0, "codec vidéo inconnu (zzzz)"},
		{"no video track", cat(ftyp, mkbox("moov", false, mvhd(0, 1000, 4000), trak("soun", "mp4a"))), 0, "sans piste vidéo"},
		{"no duration", cat(ftyp, mkbox("moov", false, mvhd(0, 1000, 0), video)), 0, "sans durée"},
		{"duration unknown (all ones)", cat(ftyp, mkbox("moov", false, mvhd(0, 1000, math.MaxUint32), video)), 0, "sans durée"},
		{"no timescale", cat(ftyp, mkbox("moov", false, mvhd(0, 0, 5), video)), 0, "sans durée"},
		{"no moov (truncated)", cat(ftyp, mdat[:100]), 0, "moov absente"},
		{"moov cut in half", cat(ftyp, mkbox("moov", false, mvhd(0, 1000, 4000), video))[:40], 0, "moov absente"},
		{"box larger than the file", cat(ftyp, []byte{0x7f, 0xff, 0xff, 0xff, 'm', 'o', 'o', 'v'}), 0, "moov absente"},
		{"NUL bytes", make([]byte, 1<<16), 0, "format vidéo non reconnu"},
		{"empty", nil, 0, "format vidéo non reconnu"},
		{"a PDF", []byte("%PDF-1.4\n"), 0, "format vidéo non reconnu"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := Video(bytes.NewReader(c.file), int64(len(c.file)))
			check(t, m, c.ms, c.reason)
		})
	}
	// Boxes without end: the walk stops at its budget.
	many := bytes.Repeat(mkbox("free", false), 200000)
	if m := Video(bytes.NewReader(many), int64(len(many))); m.Measured {
		t.Errorf("200,000 boxes: %+v", m)
	}
}

func check(t *testing.T, m dossier.Measure, ms int64, reason string) {
	t.Helper()
	if reason == "" {
		if !m.Measured || m.Duration != ms {
			t.Fatalf("%+v, want %d ms", m, ms)
		}
		return
	}
	if m.Measured || !strings.Contains(m.Reason, reason) {
		t.Fatalf("%+v, want the reason to say %q", m, reason)
	}
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// el builds an EBML element; unknown: its size is « unknown » (all ones).
func el(id uint32, unknown bool, data ...[]byte) []byte {
	var b []byte
	for s := 24; s >= 0; s -= 8 {
		if c := byte(id >> uint(s)); c != 0 || len(b) > 0 {
			b = append(b, c)
		}
	}
	d := cat(data...)
	if unknown {
		b = append(b, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	} else {
		b = append(b, 0x10|byte(len(d)>>24), byte(len(d)>>16), byte(len(d)>>8), byte(len(d)))
	}
	return append(b, d...)
}

// block is a SimpleBlock of track 1 at rel milliseconds into its cluster.
func block(rel int16) []byte {
	return el(idSimpleBlock, false, []byte{0x81, byte(uint16(rel) >> 8), byte(rel), 0x80}, make([]byte, 100))
}

func f64(v float64) []byte { return binary.BigEndian.AppendUint64(nil, math.Float64bits(v)) }
func f32(v float32) []byte { return binary.BigEndian.AppendUint32(nil, math.Float32bits(v)) }

func TestWebMCases(t *testing.T) {
	head := func(doc string) []byte { return el(idEBML, false, el(idDocType, false, []byte(doc))) }
	tracks := func(codec string) []byte {
		return el(idTracks, false, el(idTrackEntry, false, el(idTrackType, false, []byte{1}), el(idCodecID, false, []byte(codec))))
	}
	info := func(scale uint64, dur []byte) []byte {
		var s []byte
		if scale > 0 {
			s = el(idTimecodeScale, false, binary.BigEndian.AppendUint32(nil, uint32(scale)))
		}
		return el(idInfo, false, s, el(idDuration, false, dur))
	}
	cluster := el(idCluster, false, el(0xE7, false, []byte{0}), el(0xA3, false, make([]byte, 2000)))
	openCluster := el(idCluster, true, el(0xE7, false, []byte{0}), el(0xA3, false, make([]byte, 2000)))
	for _, c := range []struct {
		name   string
		file   []byte
		ms     int64
		reason string
	}{
		{"webm", cat(head("webm"), el(idSegment, false, info(1000000, f64(90500)), tracks("V_VP9"), cluster)), 90500, ""},
		{"matroska, float32", cat(head("matroska"), el(idSegment, false, info(1000000, f32(2500)), tracks("V_MPEG4/ISO/AVC"), cluster)), 2500, ""},
		{"default timecode scale", cat(head("webm"), el(idSegment, false, info(0, f64(1234)), tracks("V_AV1"), el(0x1C53BB6B, false, make([]byte, 30)), cluster)), 1234, ""},
		{"other timecode scale", cat(head("webm"), el(idSegment, false, info(100000, f64(30000)), tracks("V_VP8"), cluster)), 3000, ""},
		{"no cluster", cat(head("webm"), el(idSegment, false, info(1000000, f64(4000)), tracks("V_VP8"))), 0, "tronqué ou sans images"},
		{"no cluster, cues only", cat(head("webm"), el(idSegment, true, info(1000000, f64(4000)), tracks("V_VP8"), el(0x1C53BB6B, false, make([]byte, 30)))), 0, "tronqué ou sans images"},
		{"unknown-size segment and clusters", cat(head("webm"), el(idSegment, true, openCluster, openCluster, info(1000000, f64(4000)), tracks("V_VP8"))), 4000, ""},
		{"info after the clusters", cat(head("webm"), el(idSegment, false, cluster, cluster, info(1000000, f64(4000)))), 4000, ""},
		{"no duration (browser recording)", cat(head("webm"), el(idSegment, true, el(idInfo, false, el(idTimecodeScale, false, []byte{0x0f, 0x42, 0x40})), tracks("V_VP8"),
			el(idCluster, true, el(idTimecode, false, []byte{0}), block(0), block(33), block(66)),
			el(idCluster, false, el(idTimecode, false, []byte{0x27, 0x10}), block(0), el(idBlockGroup, false, el(idBlock, false, []byte{0x81, 0x01, 0x2c, 0}, make([]byte, 50))), block(-5)),
			el(0x1C53BB6B, false, make([]byte, 30)))), 10300, ""},
		{"no duration, no block", cat(head("webm"), el(idSegment, true, el(idInfo, false), tracks("V_VP8"), el(idCluster, true, el(idTimecode, false, []byte{0})))), 0, "sans durée"},
		{"unknown codec", cat(head("webm"), el(idSegment, false, info(1000000, f64(4000)), tracks("V_NOPE"))), 0, "codec vidéo inconnu (V_NOPE)"},
		{"no video track", cat(head("webm"), el(idSegment, false, info(1000000, f64(4000)), el(idTracks, false, el(idTrackEntry, false, el(idTrackType, false, []byte{2}), el(idCodecID, false, []byte("A_OPUS")))))), 0, "sans piste vidéo"},
		{"unknown doc type", cat(head("mkv3d"), el(idSegment, false, info(1000000, f64(4000)))), 0, "conteneur vidéo inconnu"},
		{"NaN duration", cat(head("webm"), el(idSegment, false, info(1000000, f64(math.NaN())))), 0, "sans durée"},
		{"negative duration", cat(head("webm"), el(idSegment, false, info(1000000, f64(-5)))), 0, "sans durée"},
		{"no segment", head("webm"), 0, "sans segment"},
		{"truncated in Info", cat(head("webm"), el(idSegment, false, info(1000000, f64(4000))))[:30], 0, "sans durée"},
		{"EBML magic only", []byte{0x1A, 0x45, 0xDF, 0xA3}, 0, "non reconnu"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := Video(bytes.NewReader(c.file), int64(len(c.file)))
			check(t, m, c.ms, c.reason)
		})
	}
}
