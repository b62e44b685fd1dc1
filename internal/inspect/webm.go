package inspect

import (
	"encoding/binary"
	"io"
	"math"
	"math/bits"
	"strings"

	"github.com/certif/certif/internal/dossier"
)

// The Matroska element IDs the reader looks at (https://www.matroska.org/technical/elements.html).
const (
	idEBML          = 0x1A45DFA3
	idDocType       = 0x4282
	idSegment       = 0x18538067
	idInfo          = 0x1549A966
	idTimecodeScale = 0x2AD7B1
	idDuration      = 0x4489
	idTracks        = 0x1654AE6B
	idTrackEntry    = 0xAE
	idTrackType     = 0x83
	idCodecID       = 0x86
	idCluster       = 0x1F43B675
	idTimecode      = 0xE7
	idSimpleBlock   = 0xA3
	idBlockGroup    = 0xA0
	idBlock         = 0xA1
)

// maxBlocks bounds the element headers read to find the last block of a WebM without
// Duration: an hour of a browser recording (video and sound) has some 300,000 blocks.
const maxBlocks = 1 << 20

// element is one EBML element: its ID and where its data lies. An element of unknown size
// (live recordings write their Segment and Clusters so) runs to the end of its parent.
type element struct {
	id         uint32
	start, end int64
	unknown    bool
}

// ebmlReader reads EBML element headers within a budget.
type ebmlReader struct {
	r      io.ReaderAt
	visits int
	limit  int // of visits; maxBoxes when 0
}

// next reads the header of the element at off, inside a parent ending at end.
func (e *ebmlReader) next(off, end int64) (element, bool) {
	limit := e.limit
	if limit == 0 {
		limit = maxBoxes
	}
	if e.visits++; e.visits > limit || off >= end {
		return element{}, false
	}
	var b [12]byte
	n, _ := e.r.ReadAt(b[:min(int64(len(b)), end-off)], off)
	if n < 2 {
		return element{}, false
	}
	idLen := bits.LeadingZeros8(b[0]) + 1
	if idLen > 4 || idLen >= n {
		return element{}, false
	}
	var id uint32
	for _, c := range b[:idLen] {
		id = id<<8 | uint32(c)
	}
	sizeLen := bits.LeadingZeros8(b[idLen]) + 1
	if sizeLen > 8 || idLen+sizeLen > n {
		return element{}, false
	}
	size := uint64(b[idLen] & (0xFF >> sizeLen))
	for _, c := range b[idLen+1 : idLen+sizeLen] {
		size = size<<8 | uint64(c)
	}
	el := element{id: id, start: off + int64(idLen+sizeLen)}
	if size == 1<<(7*sizeLen)-1 {
		el.unknown, el.end = true, end
	} else if size > uint64(end-el.start) {
		el.end = end // a truncated file: what is there is read
	} else {
		el.end = el.start + int64(size)
	}
	return el, true
}

// data reads an element's data, up to max bytes.
func (e *ebmlReader) data(el element, max int64) []byte {
	n := min(el.end-el.start, max)
	if n <= 0 {
		return nil
	}
	b := make([]byte, n)
	k, _ := e.r.ReadAt(b, el.start)
	return b[:k]
}

func (e *ebmlReader) uint(el element) uint64 {
	var v uint64
	for _, c := range e.data(el, 8) {
		v = v<<8 | uint64(c)
	}
	return v
}

// webm reads the duration of a WebM/Matroska file: the Duration of Segment/Info (a float in
// ticks) × TimecodeScale (nanoseconds a tick, 1,000,000 by default). Clusters are skipped by
// their size (seek, never read); a cluster of unknown size is walked element by element.
func webm(r io.ReaderAt, size int64) dossier.Measure {
	e := &ebmlReader{r: r}
	head, ok := e.next(0, size)
	if !ok || head.id != idEBML {
		return unmeasured("format vidéo non reconnu : durée non mesurable")
	}
	docType := "matroska"
	for off := head.start; off < head.end; {
		el, ok := e.next(off, head.end)
		if !ok {
			break
		}
		if el.id == idDocType {
			docType = strings.TrimRight(string(e.data(el, 32)), "\x00")
		}
		off = el.end
	}
	if docType != "webm" && docType != "matroska" {
		return unmeasured("conteneur vidéo inconnu (%s) : durée non mesurable", printable(docType))
	}
	var seg element
	for off := head.end; ; {
		el, ok := e.next(off, size)
		if !ok {
			return unmeasured("vidéo WebM sans segment (fichier tronqué ?) : durée non mesurable")
		}
		if el.id == idSegment {
			seg = el
			break
		}
		off = el.end
	}
	var (
		scale             uint64 = 1000000
		duration          float64
		hasInfo, hasDur   bool
		hasTracks         bool
		videoCodec        string
		hasVideo, inClust bool
	)
	for off := seg.start; off < seg.end && !(hasInfo && (hasTracks || inClust)); {
		el, ok := e.next(off, seg.end)
		if !ok {
			break
		}
		off = el.end
		switch el.id {
		case idInfo:
			hasInfo = true
			for o := el.start; o < el.end; {
				c, ok := e.next(o, el.end)
				if !ok {
					break
				}
				switch c.id {
				case idTimecodeScale:
					if v := e.uint(c); v > 0 {
						scale = v
					}
				case idDuration:
					duration, hasDur = ebmlFloat(e.data(c, 8))
				}
				o = c.end
			}
		case idTracks:
			hasTracks = true
			videoCodec, hasVideo = e.videoTrack(el)
		case idCluster:
			inClust = true
			if el.unknown {
				off = el.start // its blocks are walked at this level, each skipped by its size
			}
		default:
			if el.unknown {
				off = el.start
			}
		}
	}
	if !hasDur && seg.end > seg.start {
		// A browser's MediaRecorder writes no Duration: the time of the last block stands
		// for it (short of that block's own length, a frame).
		if ticks, ok := e.lastBlock(seg); ok {
			duration, hasDur = float64(ticks), ticks > 0
		}
	}
	switch {
	case !hasDur || math.IsNaN(duration) || math.IsInf(duration, 0) || duration <= 0:
		return unmeasured("vidéo WebM sans durée lisible (ni dans son en-tête ni par ses images) : durée non mesurable")
	case hasTracks && !hasVideo:
		return unmeasured("fichier WebM sans piste vidéo : durée non mesurable")
	case hasTracks && !knownMatroskaCodec(videoCodec):
		return unmeasured("codec vidéo inconnu (%s) : durée non mesurable", printable(videoCodec))
	}
	if !inClust && !e.hasCluster(seg) {
		return unmeasured("%s", reasonVideoTruncated)
	}
	ms := duration * float64(scale) / 1e6
	if ms > math.MaxInt64/2 {
		return unmeasured("vidéo WebM à la durée invraisemblable : durée non mesurable")
	}
	return dossier.Measure{Measured: true, Duration: int64(math.Round(ms))}
}

// hasCluster reports whether the segment holds a Cluster (the images), walking its
// top-level elements, each skipped by its size.
func (e *ebmlReader) hasCluster(seg element) bool {
	e.visits, e.limit = 0, maxBoxes
	for off := seg.start; off < seg.end; {
		el, ok := e.next(off, seg.end)
		if !ok {
			return false
		}
		if el.id == idCluster {
			return true
		}
		off = el.end
		if el.unknown {
			off = el.start
		}
	}
	return false
}

// lastBlock walks the clusters of a segment, element header by element header (each cluster
// and block group entered, each block skipped by its size), for the latest block time in
// ticks: the cluster's Timecode plus the block's relative time.
func (e *ebmlReader) lastBlock(seg element) (int64, bool) {
	e.visits, e.limit = 0, maxBlocks
	var clusterTime, last int64
	found := false
	for off := seg.start; off < seg.end; {
		el, ok := e.next(off, seg.end)
		if !ok {
			return last, found && e.visits <= e.limit
		}
		switch el.id {
		case idCluster, idBlockGroup:
			off = el.start // enter it
			continue
		case idTimecode:
			clusterTime = int64(min(e.uint(el), math.MaxInt64/2))
		case idSimpleBlock, idBlock:
			if rel, ok := blockTime(e.data(el, 10)); ok {
				last, found = max(last, clusterTime+rel), true
			}
		}
		off = el.end
	}
	return last, found
}

// blockTime reads the relative time of a (Simple)Block: a track number (EBML vint) then a
// signed 16-bit time.
func blockTime(b []byte) (int64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	n := bits.LeadingZeros8(b[0]) + 1
	if n > 8 || len(b) < n+2 {
		return 0, false
	}
	return int64(int16(binary.BigEndian.Uint16(b[n:]))), true
}

// videoTrack finds the first video track (TrackType 1) of Tracks and its CodecID.
func (e *ebmlReader) videoTrack(tracks element) (codec string, ok bool) {
	for off := tracks.start; off < tracks.end; {
		t, okT := e.next(off, tracks.end)
		if !okT {
			break
		}
		off = t.end
		if t.id != idTrackEntry {
			continue
		}
		var typ uint64
		var id string
		for o := t.start; o < t.end; {
			c, okC := e.next(o, t.end)
			if !okC {
				break
			}
			switch c.id {
			case idTrackType:
				typ = e.uint(c)
			case idCodecID:
				id = strings.TrimRight(string(e.data(c, 64)), "\x00")
			}
			o = c.end
		}
		if typ == 1 {
			return id, true
		}
	}
	return "", false
}

// ebmlFloat reads a 4- or 8-byte big-endian float.
func ebmlFloat(b []byte) (float64, bool) {
	switch len(b) {
	case 4:
		return float64(math.Float32frombits(binary.BigEndian.Uint32(b))), true
	case 8:
		return math.Float64frombits(binary.BigEndian.Uint64(b)), true
	}
	return 0, false
}

// knownMatroskaCodec reports whether a video CodecID is one players read.
func knownMatroskaCodec(id string) bool {
	switch id {
	case "V_VP8", "V_VP9", "V_AV1", "V_MPEG4/ISO/AVC", "V_MPEGH/ISO/HEVC", "V_MPEG4/ISO/SP",
		"V_MPEG4/ISO/ASP", "V_MPEG4/ISO/AP", "V_MPEG4/MS/V3", "V_MPEG1", "V_MPEG2", "V_THEORA",
		"V_MS/VFW/FOURCC", "V_UNCOMPRESSED", "V_PRORES", "V_MJPEG", "V_FFV1":
		return true
	}
	return strings.HasPrefix(id, "V_REAL/")
}
