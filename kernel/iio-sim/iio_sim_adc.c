// SPDX-License-Identifier: GPL-2.0-only
/*
 * iio_sim - the simulated ADC "iio-sim-adc"
 *
 * Four voltage channels, each driven by its own waveform generator; the
 * engine thread writes the samples into the blocks queued by buffer-dma at
 * the sampling frequency, or, in throughput mode, completes blocks as soon as
 * they are submitted. See README.md for the exact formulas.
 *
 * Copyright (C) 2026 The dmascope authors
 */

#include <linux/bitops.h>
#include <linux/iio/iio.h>
#include <linux/iio/sysfs.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/sched.h>

#include "iio_sim.h"

#define IIO_SIM_MAX_FREQ_UHZ		(50000000ULL * 1000000)
#define IIO_SIM_MV_NV			1000000LL
#define IIO_SIM_FULL_SCALE_NV		(1000 * IIO_SIM_MV_NV)

/* Standard deviation of the sum of four uniform u16 values */
#define IIO_SIM_NOISE_SUM_SIGMA		37837ULL

/**
 * struct iio_sim_gen - one channel's generator, ready to produce codes
 * @type:	waveform
 * @bits:	ADC resolution (realbits)
 * @shift:	storage shift
 * @amp:	peak amplitude in codes
 * @dc:		DC offset in codes
 * @wave_noise_k: noise scale of the "noise" waveform (RMS = amplitude)
 * @noise_k:	noise scale of the added noise
 * @inc:	phase increment per sample
 */
struct iio_sim_gen {
	enum iio_sim_waveform type;
	unsigned int bits;
	unsigned int shift;
	s32 amp;
	s32 dc;
	s64 wave_noise_k;
	s64 noise_k;
	u64 inc;
};

/**
 * struct iio_sim_loop - mapping of ADC sample indexes to DAC sample indexes
 * @view:	the DAC as seen by the engine's last DAC step
 * @ofs:	DAC index of ADC sample 0 (may be negative)
 * @fs_adc:	ADC sampling frequency
 * @fs_dac:	DAC sampling frequency (0 while the DAC is inactive)
 * @qstep:	floor(fs_dac / fs_adc)
 * @rstep:	fs_dac % fs_adc
 */
struct iio_sim_loop {
	const struct iio_sim_dac_view *view;
	s64 ofs;
	u32 fs_adc;
	u32 fs_dac;
	u64 qstep;
	u64 rstep;
};

static const char * const iio_sim_waveform_names[] = {
	[IIO_SIM_WAVE_SINE] = "sine",
	[IIO_SIM_WAVE_SQUARE] = "square",
	[IIO_SIM_WAVE_TRIANGLE] = "triangle",
	[IIO_SIM_WAVE_SAWTOOTH] = "sawtooth",
	[IIO_SIM_WAVE_NOISE] = "noise",
	[IIO_SIM_WAVE_DC] = "dc",
	[IIO_SIM_WAVE_COUNTER] = "counter",
	[IIO_SIM_WAVE_LOOPBACK] = "loopback",
};

static const struct iio_sim_wave iio_sim_adc_defaults[IIO_SIM_ADC_CHANNELS] = {
	{
		.type = IIO_SIM_WAVE_SINE,
		.freq_uhz = 1000ULL * 1000000,
		.amplitude_nv = 800 * IIO_SIM_MV_NV,
	}, {
		.type = IIO_SIM_WAVE_SQUARE,
		.freq_uhz = 1000ULL * 1000000,
		.amplitude_nv = 500 * IIO_SIM_MV_NV,
	}, {
		.type = IIO_SIM_WAVE_TRIANGLE,
		.freq_uhz = 500ULL * 1000000,
		.amplitude_nv = 800 * IIO_SIM_MV_NV,
	}, {
		.type = IIO_SIM_WAVE_COUNTER,
		.freq_uhz = 1000ULL * 1000000,
		.amplitude_nv = 800 * IIO_SIM_MV_NV,
	},
};

static struct iio_sim_adc *iio_sim_adc_priv(struct iio_dev *indio_dev)
{
	return iio_priv(indio_dev);
}

static u64 iio_sim_xorshift(u64 *state)
{
	u64 x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;

	return x;
}

/* Approximately Gaussian: sum of four uniform u16 values, zero mean */
static s32 iio_sim_noise(u64 *rng, s64 k)
{
	u64 x = iio_sim_xorshift(rng);
	s64 sum = (s64)(x & 0xffff) + ((x >> 16) & 0xffff) +
		  ((x >> 32) & 0xffff) + (x >> 48) - 131070;

	return (sum * k) >> 16;
}

static s64 iio_sim_nv_to_codes(s64 nv, unsigned int bits)
{
	return div_s64(nv * (s64)BIT(bits - 1), IIO_SIM_FULL_SCALE_NV);
}

static s64 iio_sim_noise_k(s64 rms_nv, unsigned int bits)
{
	return mul_u64_u64_div_u64(rms_nv, BIT_ULL(bits - 1) << 16,
				   IIO_SIM_NOISE_SUM_SIGMA * IIO_SIM_FULL_SCALE_NV);
}

static void iio_sim_gen_setup(struct iio_sim_adc *adc,
			      const struct iio_chan_spec *chan,
			      struct iio_sim_gen *g)
{
	const struct iio_sim_wave *w = &adc->wave[chan->channel];
	unsigned int bits = chan->scan_type.realbits;

	g->type = w->type;
	g->bits = bits;
	g->shift = chan->scan_type.shift;
	g->amp = iio_sim_nv_to_codes(w->amplitude_nv, bits);
	g->dc = iio_sim_nv_to_codes(w->dc_offset_nv, bits);
	g->wave_noise_k = iio_sim_noise_k(w->amplitude_nv, bits);
	g->noise_k = iio_sim_noise_k(w->noise_nv, bits);
	g->inc = iio_sim_phase_inc(w->freq_uhz, adc->s.samp_freq);
}

/**
 * iio_sim_gen_value() - one sample of a periodic or noise waveform
 * @g: generator
 * @phase: phase accumulator value of the sample (2^64 is one period)
 * @rng: noise generator state
 *
 * Return: the sample in codes, clipped to the channel's range.
 */
static s32 iio_sim_gen_value(const struct iio_sim_gen *g, u64 phase, u64 *rng)
{
	s32 lim = BIT(g->bits - 1);
	u32 p = phase >> 32;
	s64 v;

	switch (g->type) {
	case IIO_SIM_WAVE_SINE:
		v = g->dc + (((s64)g->amp * iio_sim_sin_q15(p)) >> 15);
		break;
	case IIO_SIM_WAVE_SQUARE:
		v = p < BIT(31) ? g->dc + g->amp : g->dc - g->amp;
		break;
	case IIO_SIM_WAVE_TRIANGLE:
		if (p < BIT(31))
			v = g->dc - g->amp + (((u64)g->amp * p) >> 30);
		else
			v = g->dc + g->amp - (((u64)g->amp * (p - BIT(31))) >> 30);
		break;
	case IIO_SIM_WAVE_SAWTOOTH:
		v = g->dc - g->amp + (((u64)g->amp * p) >> 31);
		break;
	case IIO_SIM_WAVE_NOISE:
		v = g->dc + iio_sim_noise(rng, g->wave_noise_k);
		break;
	default:
		v = g->dc;
		break;
	}

	if (g->noise_k)
		v += iio_sim_noise(rng, g->noise_k);

	return clamp_t(s64, v, -lim, lim - 1);
}

static u16 iio_sim_store(const struct iio_sim_gen *g, s32 code)
{
	return (u16)((u16)code << g->shift);
}

static s64 iio_sim_loop_offset(ktime_t t0_adc, ktime_t t0_dac, u32 fs_dac)
{
	s64 dt = ktime_to_ns(ktime_sub(t0_adc, t0_dac));
	u64 mag = dt < 0 ? -(u64)dt : dt;
	u64 fl = mul_u64_u64_div_u64(mag, fs_dac, NSEC_PER_SEC);

	if (dt >= 0)
		return fl;

	/* ceil() of a negative offset; the products only need to agree mod 2^64 */
	if (fl * NSEC_PER_SEC != mag * fs_dac)
		fl++;

	return -(s64)fl;
}

/**
 * iio_sim_loop_value() - DAC sample seen by an ADC loopback channel
 * @sim: module state (DAC history ring)
 * @loop: index mapping
 * @k: DAC sample index
 * @dac_ch: DAC channel
 *
 * Return: the DAC sample, or 0 if the DAC was not outputting then.
 */
static s16 iio_sim_loop_value(struct iio_sim *sim,
			      const struct iio_sim_loop *loop, s64 k,
			      unsigned int dac_ch)
{
	const struct iio_sim_dac_view *view = loop->view;

	if (!view->active || k < 0 || k >= view->pos ||
	    k + IIO_SIM_RING_LEN < view->pos)
		return 0;

	return sim->ring[k & (IIO_SIM_RING_LEN - 1)][dac_ch];
}

/**
 * iio_sim_adc_gen_column() - generate one channel of a run of frames
 * @adc: the ADC (lock held)
 * @chan: the channel
 * @g: its generator
 * @loop: loopback index mapping
 * @out: first sample of the column in the scratch frames
 * @stride: samples per frame
 * @n: number of frames
 *
 * The first frame is ADC sample adc->s.pos.
 */
static void iio_sim_adc_gen_column(struct iio_sim_adc *adc,
				   const struct iio_chan_spec *chan,
				   const struct iio_sim_gen *g,
				   const struct iio_sim_loop *loop,
				   __le16 *out, unsigned int stride,
				   unsigned int n)
{
	u64 index = adc->s.pos, q, r;
	u64 *phase = &adc->phase[chan->channel];
	unsigned int i, dac_ch = chan->channel % IIO_SIM_DAC_CHANNELS;
	s16 d;
	s32 v;

	switch (g->type) {
	case IIO_SIM_WAVE_COUNTER:
		for (i = 0; i < n; i++)
			out[i * stride] = cpu_to_le16(iio_sim_store(g, index + i));
		break;
	case IIO_SIM_WAVE_LOOPBACK:
		q = mul_u64_u64_div_u64(index, loop->fs_dac, loop->fs_adc);
		r = (u64)do_div(index, loop->fs_adc) * loop->fs_dac;
		r = do_div(r, loop->fs_adc);
		for (i = 0; i < n; i++) {
			d = iio_sim_loop_value(adc->s.sim, loop, q + loop->ofs,
					       dac_ch);
			out[i * stride] =
				cpu_to_le16(iio_sim_store(g, d >> (16 - g->bits)));
			q += loop->qstep;
			r += loop->rstep;
			if (r >= loop->fs_adc) {
				r -= loop->fs_adc;
				q++;
			}
		}
		break;
	default:
		for (i = 0; i < n; i++) {
			v = iio_sim_gen_value(g, *phase, &adc->rng);
			out[i * stride] = cpu_to_le16(iio_sim_store(g, v));
			*phase += g->inc;
		}
		break;
	}
}

/**
 * iio_sim_adc_fill() - write the next frames into the current block
 * @adc: the ADC (lock held, a block at the cursor)
 * @gens: generators of all channels
 * @loop: loopback index mapping
 * @n: number of frames, at most the frames left in the block
 */
static void iio_sim_adc_fill(struct iio_sim_adc *adc,
			     const struct iio_sim_gen *gens,
			     const struct iio_sim_loop *loop, u64 n)
{
	struct iio_sim_stream *s = &adc->s;
	const struct iio_chan_spec *chans = s->indio_dev->channels;
	unsigned int i, m, ch;

	while (n) {
		m = min_t(u64, n, IIO_SIM_CHUNK_FRAMES);
		for (i = 0; i < s->nscan; i++) {
			ch = s->scan[i];
			iio_sim_adc_gen_column(adc, &chans[ch], &gens[ch], loop,
					       &adc->scratch[i], s->nscan, m);
		}
		iio_sim_cursor_copy(&s->cur, adc->scratch, m * s->frame_bytes,
				    true);
		s->pos += m;
		n -= m;
		cond_resched();
	}
}

/**
 * iio_sim_adc_step() - let the ADC catch up with the clock
 * @sim: module state
 * @now: engine time of this step (the DAC was stepped to it already)
 *
 * Fills the queued blocks with every sample due by @now and completes the
 * full ones. Samples due while no block is queued are dropped: the sample
 * index, the counter and the generators' phase still advance.
 *
 * Return: time of the next step, KTIME_MAX unless streaming in real time.
 */
ktime_t iio_sim_adc_step(struct iio_sim *sim, ktime_t now)
{
	struct iio_sim_adc *adc = sim->adc;
	struct iio_sim_stream *s = &adc->s;
	struct iio_sim_gen gens[IIO_SIM_ADC_CHANNELS];
	struct iio_sim_loop loop = { .view = &sim->view };
	struct iio_dma_buffer_block *block;
	u64 due, n, left;
	unsigned int i;

	guard(mutex)(&s->lock);

	if (!s->running)
		return KTIME_MAX;

	for (i = 0; i < IIO_SIM_ADC_CHANNELS; i++)
		iio_sim_gen_setup(adc, &s->indio_dev->channels[i], &gens[i]);

	loop.fs_adc = s->samp_freq;
	if (sim->view.active) {
		loop.ofs = iio_sim_loop_offset(s->t0, sim->view.t0,
					       sim->view.samp_freq);
		loop.fs_dac = sim->view.samp_freq;
		loop.qstep = sim->view.samp_freq / s->samp_freq;
		loop.rstep = sim->view.samp_freq % s->samp_freq;
	}

	due = iio_sim_samples_due(s->t0, now, s->samp_freq);
	while (s->pos < due) {
		block = list_first_entry_or_null(&s->blocks,
						 struct iio_dma_buffer_block,
						 head);
		if (!block) {
			n = due - s->pos;
			for (i = 0; i < IIO_SIM_ADC_CHANNELS; i++)
				adc->phase[i] += n * gens[i].inc;
			s->lost += n;
			iio_sim_stream_lost_changed(s);
			s->pos = due;
			break;
		}

		if (s->cur.block != block)
			iio_sim_cursor_init(&s->cur, block, block->bytes_used);

		left = (s->cur.len - s->cur.pos) / s->frame_bytes;
		n = min(due - s->pos, left);
		iio_sim_adc_fill(adc, gens, &loop, n);

		if (s->cur.pos == s->cur.len) {
			list_del(&block->head);
			s->cur.block = NULL;
			iio_dma_buffer_block_done(block);
		}
		cond_resched();
	}

	block = list_first_entry_or_null(&s->blocks,
					 struct iio_dma_buffer_block, head);
	left = 0;
	if (block)
		left = (s->cur.block == block ? s->cur.len - s->cur.pos :
			block->bytes_used) / s->frame_bytes;

	return iio_sim_next_wakeup(s, now, left);
}

/**
 * iio_sim_adc_stamp() - throughput mode: mark the first frame of each page
 * @adc: the ADC (lock held)
 * @block: the block
 * @len: bytes to fill
 *
 * Models a DMA engine that costs the CPU nothing: only the frame starting
 * first in each page of the block gets written, with the sample index (as in
 * the counter waveform) in every enabled channel. The rest of the block keeps
 * whatever it held.
 */
static void iio_sim_adc_stamp(struct iio_sim_adc *adc,
			      struct iio_dma_buffer_block *block, size_t len)
{
	struct iio_sim_stream *s = &adc->s;
	const struct iio_chan_spec *chans = s->indio_dev->channels;
	struct iio_sim_gen g = { };
	size_t page, frame, off;
	unsigned int i;
	u64 index;

	iio_sim_cursor_init(&s->cur, block, len);
	for (page = 0; page < len; page += PAGE_SIZE) {
		frame = DIV_ROUND_UP(page, s->frame_bytes);
		off = frame * s->frame_bytes;
		if (off >= len)
			break;

		index = s->pos + frame;
		for (i = 0; i < s->nscan; i++) {
			g.shift = chans[s->scan[i]].scan_type.shift;
			adc->scratch[i] = cpu_to_le16(iio_sim_store(&g, index));
		}
		iio_sim_cursor_skip(&s->cur, off - s->cur.pos);
		iio_sim_cursor_copy(&s->cur, adc->scratch, s->frame_bytes, true);
	}
	s->cur.block = NULL;
	s->pos += len / s->frame_bytes;
}

/**
 * iio_sim_adc_submit() - accept a block from buffer-dma
 * @s: the ADC's stream
 * @block: an empty block (fileio or DMABUF)
 *
 * Return: 0, or -EINVAL if the block does not hold whole scans.
 */
int iio_sim_adc_submit(struct iio_sim_stream *s,
		       struct iio_dma_buffer_block *block)
{
	struct iio_sim_adc *adc = container_of(s, struct iio_sim_adc, s);
	struct iio_dma_buffer_queue *queue = &s->buf->queue;

	guard(mutex)(&s->lock);

	if (!s->frame_bytes)
		return -EINVAL;
	if (block->fileio)
		block->bytes_used = rounddown(block->size, s->frame_bytes);
	if (!block->bytes_used || block->bytes_used % s->frame_bytes)
		return -EINVAL;

	if (s->throughput && !s->enabling) {
		iio_sim_adc_stamp(adc, block, block->bytes_used);
		iio_dma_buffer_block_done(block);
		return 0;
	}

	/*
	 * read() takes the two fileio blocks alternately, starting with
	 * fileio.blocks[fileio.next_dequeue], which buffer-dma keeps across
	 * enables; enable submits them in index order. Fill first the block
	 * that read() will take first, or the data comes out of order.
	 */
	if (s->enabling && block->fileio &&
	    block == queue->fileio.blocks[queue->fileio.next_dequeue])
		list_add(&block->head, &s->blocks);
	else
		list_add_tail(&block->head, &s->blocks);
	iio_sim_kick(s->sim);

	return 0;
}

static int iio_sim_adc_read_raw_value(struct iio_sim_adc *adc,
				      const struct iio_chan_spec *chan)
{
	struct iio_sim_gen g;
	u64 index, phase;

	guard(mutex)(&adc->s.lock);

	index = iio_sim_samples_due(adc->s.sim->load_time, ktime_get(),
				    adc->s.samp_freq);
	iio_sim_gen_setup(adc, chan, &g);

	switch (g.type) {
	case IIO_SIM_WAVE_COUNTER:
		return sign_extend32(index, g.bits - 1);
	case IIO_SIM_WAVE_LOOPBACK:
		return 0;
	default:
		phase = iio_sim_phase_offset(adc->wave[chan->channel].phase_udeg) +
			index * g.inc;
		return iio_sim_gen_value(&g, phase, &adc->rng);
	}
}

static int iio_sim_adc_read_raw(struct iio_dev *indio_dev,
				const struct iio_chan_spec *chan,
				int *val, int *val2, long mask)
{
	struct iio_sim_adc *adc = iio_sim_adc_priv(indio_dev);

	switch (mask) {
	case IIO_CHAN_INFO_RAW: {
		int ret = iio_device_claim_direct_mode(indio_dev);

		if (ret)
			return ret;
		*val = iio_sim_adc_read_raw_value(adc, chan);
		iio_device_release_direct_mode(indio_dev);
		return IIO_VAL_INT;
	}
	case IIO_CHAN_INFO_SCALE:
		*val = 1000;
		*val2 = BIT(chan->scan_type.realbits - 1);
		return IIO_VAL_FRACTIONAL;
	case IIO_CHAN_INFO_OFFSET:
		*val = 0;
		return IIO_VAL_INT;
	default:
		return -EINVAL;
	}
}

enum iio_sim_adc_param {
	IIO_SIM_PARAM_FREQUENCY,
	IIO_SIM_PARAM_AMPLITUDE,
	IIO_SIM_PARAM_DC_OFFSET,
	IIO_SIM_PARAM_PHASE,
	IIO_SIM_PARAM_NOISE,
};

static s64 *iio_sim_adc_param(struct iio_sim_wave *w, uintptr_t param)
{
	switch (param) {
	case IIO_SIM_PARAM_AMPLITUDE:
		return &w->amplitude_nv;
	case IIO_SIM_PARAM_DC_OFFSET:
		return &w->dc_offset_nv;
	case IIO_SIM_PARAM_PHASE:
		return &w->phase_udeg;
	default:
		return &w->noise_nv;
	}
}

static ssize_t iio_sim_adc_param_read(struct iio_dev *indio_dev,
				      uintptr_t param,
				      const struct iio_chan_spec *chan,
				      char *buf)
{
	struct iio_sim_adc *adc = iio_sim_adc_priv(indio_dev);
	struct iio_sim_wave *w = &adc->wave[chan->channel];
	s64 v;

	scoped_guard(mutex, &adc->s.lock) {
		if (param == IIO_SIM_PARAM_FREQUENCY)
			v = w->freq_uhz;
		else
			v = *iio_sim_adc_param(w, param);
	}

	return iio_sim_format_micro(buf, v);
}

static ssize_t iio_sim_adc_param_write(struct iio_dev *indio_dev,
				       uintptr_t param,
				       const struct iio_chan_spec *chan,
				       const char *buf, size_t len)
{
	struct iio_sim_adc *adc = iio_sim_adc_priv(indio_dev);
	struct iio_sim_wave *w = &adc->wave[chan->channel];
	s64 min = 0, max = IIO_SIM_FULL_SCALE_NV, v;
	int ret;

	if (param == IIO_SIM_PARAM_FREQUENCY)
		max = IIO_SIM_MAX_FREQ_UHZ;
	else if (param == IIO_SIM_PARAM_DC_OFFSET)
		min = -IIO_SIM_FULL_SCALE_NV;
	else if (param == IIO_SIM_PARAM_PHASE)
		max = 360LL * 1000000;

	ret = iio_sim_parse_micro(buf, min, max, &v);
	if (ret)
		return ret;

	guard(mutex)(&adc->s.lock);
	if (param == IIO_SIM_PARAM_FREQUENCY) {
		w->freq_uhz = v;
	} else if (param == IIO_SIM_PARAM_PHASE) {
		/* A phase change while streaming shifts the running waveform */
		adc->phase[chan->channel] += iio_sim_phase_offset(v) -
					     iio_sim_phase_offset(w->phase_udeg);
		w->phase_udeg = v;
	} else {
		*iio_sim_adc_param(w, param) = v;
	}

	return len;
}

static int iio_sim_adc_get_waveform(struct iio_dev *indio_dev,
				    const struct iio_chan_spec *chan)
{
	struct iio_sim_adc *adc = iio_sim_adc_priv(indio_dev);

	guard(mutex)(&adc->s.lock);

	return adc->wave[chan->channel].type;
}

static int iio_sim_adc_set_waveform(struct iio_dev *indio_dev,
				    const struct iio_chan_spec *chan,
				    unsigned int type)
{
	struct iio_sim_adc *adc = iio_sim_adc_priv(indio_dev);

	guard(mutex)(&adc->s.lock);
	adc->wave[chan->channel].type = type;

	return 0;
}

static const struct iio_enum iio_sim_waveform_enum = {
	.items = iio_sim_waveform_names,
	.num_items = ARRAY_SIZE(iio_sim_waveform_names),
	.get = iio_sim_adc_get_waveform,
	.set = iio_sim_adc_set_waveform,
};

#define IIO_SIM_ADC_PARAM(_name, _param) {				\
	.name = (_name),						\
	.shared = IIO_SEPARATE,						\
	.read = iio_sim_adc_param_read,					\
	.write = iio_sim_adc_param_write,				\
	.private = (_param),						\
}

static const struct iio_chan_spec_ext_info iio_sim_adc_ext_info[] = {
	IIO_ENUM("waveform", IIO_SEPARATE, &iio_sim_waveform_enum),
	IIO_ENUM_AVAILABLE("waveform", IIO_SEPARATE, &iio_sim_waveform_enum),
	IIO_SIM_ADC_PARAM("frequency", IIO_SIM_PARAM_FREQUENCY),
	IIO_SIM_ADC_PARAM("amplitude", IIO_SIM_PARAM_AMPLITUDE),
	IIO_SIM_ADC_PARAM("dc_offset", IIO_SIM_PARAM_DC_OFFSET),
	IIO_SIM_ADC_PARAM("phase", IIO_SIM_PARAM_PHASE),
	IIO_SIM_ADC_PARAM("noise", IIO_SIM_PARAM_NOISE),
	{ }
};

#define IIO_SIM_ADC_CHANNEL(_channel, _scan_index, _bits, _shift) {	\
	.type = IIO_VOLTAGE,						\
	.indexed = 1,							\
	.channel = (_channel),						\
	.scan_index = (_scan_index),						\
	.info_mask_separate = BIT(IIO_CHAN_INFO_RAW) |			\
			      BIT(IIO_CHAN_INFO_SCALE) |		\
			      BIT(IIO_CHAN_INFO_OFFSET),		\
	.scan_type = {							\
		.sign = 's',						\
		.realbits = (_bits),					\
		.storagebits = 16,					\
		.shift = (_shift),					\
		.endianness = IIO_LE,					\
	},								\
	.ext_info = iio_sim_adc_ext_info,				\
}

static const struct iio_chan_spec iio_sim_adc_channels[] = {
	IIO_SIM_ADC_CHANNEL(0, 0, 16, 0),
	IIO_SIM_ADC_CHANNEL(1, 1, 16, 0),
	IIO_SIM_ADC_CHANNEL(2, 2, 12, 4),
	IIO_SIM_ADC_CHANNEL(3, 3, 12, 4),
};

static const struct iio_info iio_sim_adc_info = {
	.read_raw = iio_sim_adc_read_raw,
	.attrs = &iio_sim_adc_attr_group,
};

static int iio_sim_adc_preenable(struct iio_dev *indio_dev)
{
	struct iio_sim_adc *adc = iio_sim_adc_priv(indio_dev);
	unsigned int ch;
	int ret;

	ret = iio_sim_stream_prepare(&adc->s);
	if (ret)
		return ret;

	/* t = 0 at the first sample: every generator restarts at its phase */
	guard(mutex)(&adc->s.lock);
	for (ch = 0; ch < IIO_SIM_ADC_CHANNELS; ch++)
		adc->phase[ch] = iio_sim_phase_offset(adc->wave[ch].phase_udeg);

	return 0;
}

static int iio_sim_adc_postenable(struct iio_dev *indio_dev)
{
	struct iio_sim_adc *adc = iio_sim_adc_priv(indio_dev);
	struct iio_sim_stream *s = &adc->s;
	struct iio_dma_buffer_block *block, *tmp;

	/* Throughput mode: complete the blocks queued before enable, in order */
	scoped_guard(mutex, &s->lock) {
		if (s->throughput) {
			list_for_each_entry_safe(block, tmp, &s->blocks, head) {
				list_del(&block->head);
				iio_sim_adc_stamp(adc, block, block->bytes_used);
				iio_dma_buffer_block_done(block);
			}
		}
	}
	iio_sim_stream_start(s);

	return 0;
}

static int iio_sim_adc_predisable(struct iio_dev *indio_dev)
{
	iio_sim_stream_stop(iio_priv(indio_dev));

	return 0;
}

static const struct iio_buffer_setup_ops iio_sim_adc_setup_ops = {
	.preenable = iio_sim_adc_preenable,
	.postenable = iio_sim_adc_postenable,
	.predisable = iio_sim_adc_predisable,
};

/**
 * iio_sim_adc_create() - allocate the ADC and its buffer (not registered)
 * @sim: module state
 *
 * Return: the IIO device or an ERR_PTR(); sim->adc is set on success.
 */
struct iio_dev *iio_sim_adc_create(struct iio_sim *sim)
{
	struct iio_dev *indio_dev;
	struct iio_sim_adc *adc;
	struct iio_sim_buffer *b;

	indio_dev = iio_device_alloc(sim->dev, sizeof(*adc));
	if (!indio_dev)
		return ERR_PTR(-ENOMEM);

	adc = iio_priv(indio_dev);
	iio_sim_stream_init(&adc->s, sim, indio_dev);
	memcpy(adc->wave, iio_sim_adc_defaults, sizeof(adc->wave));
	adc->rng = 0x9e3779b97f4a7c15ULL;

	indio_dev->name = "iio-sim-adc";
	indio_dev->info = &iio_sim_adc_info;
	indio_dev->channels = iio_sim_adc_channels;
	indio_dev->num_channels = ARRAY_SIZE(iio_sim_adc_channels);
	indio_dev->modes = INDIO_DIRECT_MODE;
	indio_dev->setup_ops = &iio_sim_adc_setup_ops;

	b = iio_sim_buffer_create(&adc->s, sim->dev, IIO_SIM_ADC_CHANNELS,
				  IIO_BUFFER_DIRECTION_IN);
	if (IS_ERR(b)) {
		iio_device_free(indio_dev);
		return ERR_CAST(b);
	}
	adc->s.buf = b;
	sim->adc = adc;

	return indio_dev;
}
