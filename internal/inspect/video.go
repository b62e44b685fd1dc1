package inspect

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"

	"github.com/certif/certif/internal/dossier"
)

// maxBoxes bounds the boxes (MP4) or elements (Matroska) a video reader visits.
const maxBoxes = 100000

// Video measures the duration (in milliseconds) of an MP4/MOV video, from its moov/mvhd box
// (moov may be at the end of the file: the reader seeks from box to box, never reading the
// media data), or of a WebM/Matroska video, from Segment/Info/Duration × TimecodeScale. It
// reads only headers, a few kilobytes whatever the size of the file. An unknown container, an
// unknown video codec, a missing duration, or no images (an MP4 without a whole mdat box, a
// WebM without a Cluster: a truncated file) give Measured false with the French reason.
func Video(r io.ReaderAt, size int64) dossier.Measure {
	var head [12]byte
	n, _ := r.ReadAt(head[:], 0)
	switch {
	case n >= 4 && bytes.Equal(head[:4], []byte{0x1A, 0x45, 0xDF, 0xA3}):
		return webm(r, size)
	case n >= 8 && mp4TopBox(string(head[4:8])):
		return mp4(r, size)
	}
	return unmeasured("format vidéo non reconnu (MP4, MOV ou WebM attendu) : durée non mesurable")
}

// mp4TopBox reports whether typ is a box that starts an MP4 or QuickTime file.
func mp4TopBox(typ string) bool {
	switch typ {
	case "ftyp", "moov", "mdat", "free", "skip", "wide", "pnot", "styp", "sidx", "uuid", "pdin", "moof":
		return true
	}
	return false
}

// box is one MP4 box: its type, where its payload starts and where it ends.
type box struct {
	typ        string
	start, end int64
}

// boxWalker reads boxes within a budget.
type boxWalker struct {
	r      io.ReaderAt
	visits int
}

// children lists the boxes inside [start, end), up to the first of type stopAt when it is
// not empty; it stops at a box that does not fit.
func (w *boxWalker) children(start, end int64, stopAt string) []box {
	var out []box
	var h [16]byte
	for off := start; off+8 <= end && w.visits < maxBoxes; w.visits++ {
		if _, err := w.r.ReadAt(h[:8], off); err != nil {
			break
		}
		size := int64(binary.BigEndian.Uint32(h[:4]))
		hdr := int64(8)
		switch size {
		case 0: // to the end of the enclosing space
			size = end - off
		case 1: // 64-bit largesize follows the type
			if _, err := w.r.ReadAt(h[8:16], off+8); err != nil {
				return out
			}
			large := binary.BigEndian.Uint64(h[8:16])
			if large > math.MaxInt64 {
				return out
			}
			size, hdr = int64(large), 16
		}
		if size < hdr || size > end-off {
			break
		}
		out = append(out, box{typ: string(h[4:8]), start: off + hdr, end: off + size})
		if string(h[4:8]) == stopAt {
			break
		}
		off += size
	}
	return out
}

// find returns the first child of the given type.
func (w *boxWalker) find(parent box, typ string) (box, bool) {
	if bs := w.children(parent.start, parent.end, typ); len(bs) > 0 && bs[len(bs)-1].typ == typ {
		return bs[len(bs)-1], true
	}
	return box{}, false
}

// mp4 reads the duration of an MP4/MOV: mvhd (versions 0 and 1) in its timescale, or for a
// fragmented file whose mvhd says 0, the mehd fragment duration.
func mp4(r io.ReaderAt, size int64) dossier.Measure {
	w := &boxWalker{r: r}
	moov, found := w.find(box{start: 0, end: size}, "moov")
	if !found {
		return unmeasured("vidéo MP4 sans en-tête (boîte moov absente, fichier tronqué ?) : durée non mesurable")
	}
	mvhd, ok := w.find(moov, "mvhd")
	if !ok {
		return unmeasured("vidéo MP4 sans durée (boîte mvhd absente) : durée non mesurable")
	}
	timescale, duration, ok := fullBoxTime(r, mvhd, true)
	if ok && duration == 0 {
		if mvex, ok := w.find(moov, "mvex"); ok {
			if mehd, ok := w.find(mvex, "mehd"); ok {
				_, duration, _ = fullBoxTime(r, mehd, false)
			}
		}
	}
	if !ok || timescale == 0 || duration == 0 || duration == math.MaxUint32 || duration == math.MaxUint64 {
		return unmeasured("vidéo MP4 sans durée lisible : durée non mesurable")
	}
	if codec, known := mp4VideoCodec(w, moov); !known {
		if codec == "" {
			return unmeasured("fichier MP4 sans piste vidéo : durée non mesurable")
		}
		return unmeasured("codec vidéo inconnu (%s) : durée non mesurable", printable(codec))
	}
	if !mp4HasMedia(r, size) {
		return unmeasured("%s", reasonVideoTruncated)
	}
	ms := float64(duration) * 1000 / float64(timescale)
	if ms > math.MaxInt64/2 {
		return unmeasured("vidéo MP4 à la durée invraisemblable : durée non mesurable")
	}
	return dossier.Measure{Measured: true, Duration: int64(math.Round(ms))}
}

// reasonVideoTruncated is the Reason of a video whose header announces a duration but whose
// images are missing or cut: an MP4 without a whole mdat box, a WebM without a Cluster.
const reasonVideoTruncated = "fichier vidéo tronqué ou sans images : durée non mesurable"

// mp4HasMedia reports whether the file holds a non-empty mdat box (the media data) that ends
// within it: the top-level walk stops at a box running past the end of the file.
func mp4HasMedia(r io.ReaderAt, size int64) bool {
	for _, b := range (&boxWalker{r: r}).children(0, size, "") {
		if b.typ == "mdat" && b.end > b.start {
			return true
		}
	}
	return false
}

// fullBoxTime reads the timescale and duration of an mvhd (withScale) or the duration of an
// mehd box, in version 0 (32-bit) or 1 (64-bit).
func fullBoxTime(r io.ReaderAt, b box, withScale bool) (timescale uint32, duration uint64, ok bool) {
	var p [32]byte
	n := min(int64(len(p)), b.end-b.start)
	if n < 8 {
		return 0, 0, false
	}
	if _, err := r.ReadAt(p[:n], b.start); err != nil {
		return 0, 0, false
	}
	v := p[:n]
	version := v[0]
	if !withScale {
		if version == 1 && n >= 12 {
			return 0, binary.BigEndian.Uint64(v[4:12]), true
		}
		return 0, uint64(binary.BigEndian.Uint32(v[4:8])), true
	}
	if version == 1 {
		if n < 32 {
			return 0, 0, false
		}
		return binary.BigEndian.Uint32(v[20:24]), binary.BigEndian.Uint64(v[24:32]), true
	}
	if n < 20 {
		return 0, 0, false
	}
	d := uint64(binary.BigEndian.Uint32(v[16:20]))
	if d == math.MaxUint32 {
		d = math.MaxUint64
	}
	return binary.BigEndian.Uint32(v[12:16]), d, true
}

// mp4VideoCodec finds the video track (hdlr « vide ») and the four-character code of its
// first sample description; known tells whether a browser or a player commonly reads it.
// codec is empty when there is no video track.
func mp4VideoCodec(w *boxWalker, moov box) (codec string, known bool) {
	for _, trak := range w.children(moov.start, moov.end, "") {
		if trak.typ != "trak" {
			continue
		}
		mdia, ok := w.find(trak, "mdia")
		if !ok {
			continue
		}
		hdlr, ok := w.find(mdia, "hdlr")
		var h [12]byte
		if !ok || hdlr.end-hdlr.start < 12 {
			continue
		}
		if _, err := w.r.ReadAt(h[:], hdlr.start); err != nil || string(h[8:12]) != "vide" {
			continue
		}
		var stsd box
		minf, ok1 := w.find(mdia, "minf")
		stbl, ok2 := w.find(minf, "stbl")
		if ok1 && ok2 {
			stsd, ok = w.find(stbl, "stsd")
		}
		if !ok1 || !ok2 || !ok || stsd.end-stsd.start < 16 {
			return "????", false
		}
		var e [16]byte
		if _, err := w.r.ReadAt(e[:], stsd.start); err != nil {
			return "????", false
		}
		codec = string(e[12:16])
		return codec, knownMP4Codecs[codec]
	}
	return "", false
}

// knownMP4Codecs are the video sample formats of MP4 and QuickTime files players read.
var knownMP4Codecs = map[string]bool{
	"avc1": true, "avc3": true, "hvc1": true, "hev1": true, "mp4v": true, "vp08": true,
	"vp09": true, "av01": true, "s263": true, "h263": true, "jpeg": true, "mjpa": true,
	"mjpb": true, "apcn": true, "apch": true, "apcs": true, "apco": true, "ap4h": true,
	"ap4x": true, "dvh1": true, "dvhe": true, "dvav": true, "dva1": true, "png ": true,
	"raw ": true, "rle ": true, "SVQ1": true, "SVQ3": true, "cvid": true, "mp2v": true,
	"xvid": true, "dvc ": true, "dvcp": true, "dvpp": true, "dv5n": true, "dv5p": true,
	"hdv1": true, "hdv2": true, "hdv3": true, "xdv5": true, "xdvc": true, "AVdn": true,
	"AVdh": true,
}

// printable keeps the printable ASCII of a codec code for a message.
func printable(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < 0x20 || c > 0x7E {
			b[i] = '?'
		}
	}
	return string(b)
}
