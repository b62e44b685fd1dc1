package sample

import (
	"bufio"
	"io"
	"time"
)

// MP4 writes to w a real MP4 video of duration d that browsers play: H.264 constrained
// baseline, 32 × 32 pixels of one colour, one IDR frame a second whose macroblocks are
// I_PCM (raw samples, so no entropy coder is needed), the moov box first (it plays while it
// downloads). When padTo is larger than the video, a « free » box pads the file to exactly
// padTo bytes, written in chunks: a 500 MB file never sits in memory.
func MP4(w io.Writer, d time.Duration, padTo int64) error {
	ms, err := checkVideo(d, padTo)
	if err != nil {
		return err
	}
	sps, pps := h264SPS(), h264PPS()
	idr := [2][]byte{h264IDR(0), h264IDR(1)} // consecutive IDR pictures differ by idr_pic_id
	n, last := frames(ms)
	sizes := make([]uint32, n)
	var mdatSize int64 = 8
	for i := range sizes {
		sizes[i] = uint32(4 + len(idr[i%2]))
		mdatSize += int64(sizes[i])
	}
	ftyp := mp4Box("ftyp", []byte("isom\x00\x00\x02\x00isomiso2avc1mp41"))
	moov := mp4Moov(ms, n, last, sizes, sps, pps, 0)
	moov = mp4Moov(ms, n, last, sizes, sps, pps, uint32(len(ftyp)+len(moov)+8))
	bw := bufio.NewWriterSize(w, 64<<10)
	c := &counter{w: bw}
	_, _ = c.Write(ftyp)
	_, _ = c.Write(moov)
	_, _ = c.Write(be32(nil, uint32(mdatSize)))
	_, _ = c.Write([]byte("mdat"))
	for i := int64(0); i < n; i++ {
		f := idr[i%2]
		_, _ = c.Write(be32(nil, uint32(len(f))))
		_, _ = c.Write(f)
	}
	if rest := padTo - c.n; rest >= 16 {
		if rest <= 0xFFFFFFFF {
			_, _ = c.Write(be32(nil, uint32(rest)))
			_, _ = c.Write([]byte("free"))
			err = pad(c, rest-8)
		} else {
			_, _ = c.Write(be32(nil, 1))
			_, _ = c.Write([]byte("free"))
			_, _ = c.Write(binary64(uint64(rest)))
			err = pad(c, rest-16)
		}
		if err != nil {
			return err
		}
	}
	return bw.Flush()
}

func binary64(v uint64) []byte { return be32(be32(nil, uint32(v>>32)), uint32(v)) }

// mp4Box wraps a payload in a box.
func mp4Box(typ string, payload ...[]byte) []byte {
	size := 8
	for _, p := range payload {
		size += len(p)
	}
	b := be32(make([]byte, 0, size), uint32(size))
	b = append(b, typ...)
	for _, p := range payload {
		b = append(b, p...)
	}
	return b
}

// fullBox is the version and flags of a full box followed by its fields.
func fullBox(version byte, flags uint32, fields ...[]byte) []byte {
	b := []byte{version, byte(flags >> 16), byte(flags >> 8), byte(flags)}
	for _, f := range fields {
		b = append(b, f...)
	}
	return b
}

var matrix = func() []byte {
	var b []byte
	for _, v := range []uint32{0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000} {
		b = be32(b, v)
	}
	return b
}()

// mp4Moov is the movie header of the one video track, its samples in one chunk at offset.
func mp4Moov(ms, n, last int64, sizes []uint32, sps, pps []byte, offset uint32) []byte {
	dur := uint32(ms)
	mvhd := fullBox(0, 0, be32(be32(be32(be32(nil, 0), 0), 1000), dur),
		be32(nil, 0x10000), be16(nil, 0x100), make([]byte, 10), matrix, make([]byte, 24), be32(nil, 2))
	tkhd := fullBox(0, 3, be32(be32(be32(be32(be32(nil, 0), 0), 1), 0), dur), make([]byte, 8),
		make([]byte, 8), matrix, be32(be32(nil, side<<16), side<<16))
	mdhd := fullBox(0, 0, be32(be32(be32(be32(nil, 0), 0), 1000), dur), be16(be16(nil, 0x55C4), 0))
	hdlr := fullBox(0, 0, be32(nil, 0), []byte("vide"), make([]byte, 12), []byte("VideoHandler\x00"))
	vmhd := fullBox(0, 1, make([]byte, 8))
	dref := fullBox(0, 0, be32(nil, 1), mp4Box("url ", fullBox(0, 1)))
	avcC := []byte{1, 66, 0xC0, 10, 0xFF, 0xE1}
	avcC = append(be16(avcC, uint16(len(sps))), sps...)
	avcC = append(be16(append(avcC, 1), uint16(len(pps))), pps...)
	entry := append(make([]byte, 6), 0, 1) // reserved, data_reference_index 1
	entry = append(entry, make([]byte, 16)...)
	entry = be16(be16(entry, side), side)
	entry = be32(be32(entry, 0x480000), 0x480000)
	entry = be16(be32(entry, 0), 1)
	entry = append(entry, make([]byte, 32)...)
	entry = be16(be16(entry, 0x18), 0xFFFF)
	stsd := fullBox(0, 0, be32(nil, 1), mp4Box("avc1", entry, mp4Box("avcC", avcC)))
	var stts []byte
	if n > 1 {
		stts = fullBox(0, 0, be32(nil, 2), be32(be32(nil, uint32(n-1)), frameEvery), be32(be32(nil, 1), uint32(last)))
	} else {
		stts = fullBox(0, 0, be32(nil, 1), be32(be32(nil, 1), uint32(last)))
	}
	stsc := fullBox(0, 0, be32(nil, 1), be32(be32(be32(nil, 1), uint32(n)), 1))
	stsz := fullBox(0, 0, be32(be32(nil, 0), uint32(n)))
	for _, s := range sizes {
		stsz = be32(stsz, s)
	}
	stco := fullBox(0, 0, be32(nil, 1), be32(nil, offset))
	stbl := mp4Box("stbl", mp4Box("stsd", stsd), mp4Box("stts", stts), mp4Box("stsc", stsc),
		mp4Box("stsz", stsz), mp4Box("stco", stco))
	minf := mp4Box("minf", mp4Box("vmhd", vmhd), mp4Box("dinf", mp4Box("dref", dref)), stbl)
	mdia := mp4Box("mdia", mp4Box("mdhd", mdhd), mp4Box("hdlr", hdlr), minf)
	trak := mp4Box("trak", mp4Box("tkhd", tkhd), mdia)
	return mp4Box("moov", mp4Box("mvhd", mvhd), trak)
}

// bits writes an H.264 RBSP bit by bit.
type bits struct {
	b []byte
	n uint // bits used in the last byte; 8 when it is full
}

func (w *bits) put(v uint64, n int) {
	for i := n - 1; i >= 0; i-- {
		if w.n == 8 || len(w.b) == 0 {
			w.b = append(w.b, 0)
			w.n = 0
		}
		if v>>uint(i)&1 == 1 {
			w.b[len(w.b)-1] |= 0x80 >> w.n
		}
		w.n++
	}
}

// ue writes an Exp-Golomb unsigned number.
func (w *bits) ue(v uint64) {
	v++
	n := 0
	for x := v; x > 1; x >>= 1 {
		n++
	}
	w.put(0, n)
	w.put(v, n+1)
}

func (w *bits) align() {
	if len(w.b) > 0 && w.n < 8 {
		w.put(0, int(8-w.n))
	}
}

// trailing writes the rbsp_trailing_bits.
func (w *bits) trailing() {
	w.put(1, 1)
	w.align()
}

// nal wraps an RBSP in a NAL unit, inserting the emulation prevention bytes.
func nal(header byte, rbsp []byte) []byte {
	out := []byte{header}
	zeros := 0
	for _, c := range rbsp {
		if zeros >= 2 && c <= 3 {
			out = append(out, 3)
			zeros = 0
		}
		out = append(out, c)
		if c == 0 {
			zeros++
		} else {
			zeros = 0
		}
	}
	return out
}

// h264SPS is the sequence parameter set: constrained baseline, level 1.0, 2 × 2 macroblocks,
// frame_num on 4 bits, picture order count type 2 (output order = decoding order).
func h264SPS() []byte {
	w := &bits{}
	w.put(66, 8)   // profile_idc: baseline
	w.put(0xC0, 8) // constraint_set0 and set1: constrained baseline
	w.put(10, 8)   // level_idc 1.0
	w.ue(0)        // seq_parameter_set_id
	w.ue(0)        // log2_max_frame_num_minus4
	w.ue(2)        // pic_order_cnt_type
	w.ue(1)        // max_num_ref_frames
	w.put(0, 1)    // gaps_in_frame_num_value_allowed_flag
	w.ue(side/16 - 1)
	w.ue(side/16 - 1)
	w.put(1, 1) // frame_mbs_only_flag
	w.put(1, 1) // direct_8x8_inference_flag
	w.put(0, 1) // frame_cropping_flag
	w.put(0, 1) // vui_parameters_present_flag
	w.trailing()
	return nal(0x67, w.b)
}

// h264PPS is the picture parameter set: CAVLC, one slice group, deblocking control present.
func h264PPS() []byte {
	w := &bits{}
	w.ue(0)     // pic_parameter_set_id
	w.ue(0)     // seq_parameter_set_id
	w.put(0, 1) // entropy_coding_mode_flag: CAVLC
	w.put(0, 1) // bottom_field_pic_order_in_frame_present_flag
	w.ue(0)     // num_slice_groups_minus1
	w.ue(0)     // num_ref_idx_l0_default_active_minus1
	w.ue(0)     // num_ref_idx_l1_default_active_minus1
	w.put(0, 1) // weighted_pred_flag
	w.put(0, 2) // weighted_bipred_idc
	w.ue(0)     // pic_init_qp_minus26 (se 0)
	w.ue(0)     // pic_init_qs_minus26 (se 0)
	w.ue(0)     // chroma_qp_index_offset (se 0)
	w.put(1, 1) // deblocking_filter_control_present_flag
	w.put(0, 1) // constrained_intra_pred_flag
	w.put(0, 1) // redundant_pic_cnt_present_flag
	w.trailing()
	return nal(0x68, w.b)
}

// The colour of the videos (Y, Cb, Cr): Certif's blue. No sample is 0, so that the raw
// samples never look like a start code.
const pcmY, pcmCb, pcmCr = 0x52, 0xA8, 0x70

// h264IDR is one IDR picture: one I slice whose every macroblock is I_PCM.
func h264IDR(idrPicID uint64) []byte {
	w := &bits{}
	w.ue(0)        // first_mb_in_slice
	w.ue(7)        // slice_type: I (all slices of the picture)
	w.ue(0)        // pic_parameter_set_id
	w.put(0, 4)    // frame_num
	w.ue(idrPicID) // idr_pic_id
	w.put(0, 1)    // no_output_of_prior_pics_flag
	w.put(0, 1)    // long_term_reference_flag
	w.ue(0)        // slice_qp_delta (se 0)
	w.ue(1)        // disable_deblocking_filter_idc: off
	for mb := 0; mb < (side/16)*(side/16); mb++ {
		w.ue(25) // mb_type I_PCM
		w.align()
		for i := 0; i < 256; i++ {
			w.b = append(w.b, pcmY)
		}
		for i := 0; i < 64; i++ {
			w.b = append(w.b, pcmCb)
		}
		for i := 0; i < 64; i++ {
			w.b = append(w.b, pcmCr)
		}
		w.n = 8
	}
	w.trailing()
	return nal(0x65, w.b)
}
