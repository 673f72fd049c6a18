/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * iio_sim - simulated IIO ADC and DAC on the industrialio-buffer-dma queue
 *
 * Copyright (C) 2026 The dmascope authors
 */

#ifndef __IIO_SIM_H__
#define __IIO_SIM_H__

#include <linux/iio/buffer-dma.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/atomic.h>

struct attribute_group;
struct device;
struct iio_dev;
struct scatterlist;
struct task_struct;

#define IIO_SIM_ADC_CHANNELS		4
#define IIO_SIM_DAC_CHANNELS		2
#define IIO_SIM_MAX_CHANNELS		4

#define IIO_SIM_MIN_SAMP_FREQ		1000
#define IIO_SIM_MAX_SAMP_FREQ		100000000
#define IIO_SIM_DEFAULT_SAMP_FREQ	1000000

/* DAC output history seen by the ADC loopback channels, in DAC frames */
#define IIO_SIM_RING_ORDER		18
#define IIO_SIM_RING_LEN		BIT(IIO_SIM_RING_ORDER)

/* Frames generated or consumed per copy */
#define IIO_SIM_CHUNK_FRAMES		256

/* Longest engine sleep while a device streams in real time */
#define IIO_SIM_MAX_SLEEP_NS		(10 * NSEC_PER_MSEC)

/**
 * struct iio_sim_buffer - buffer-dma queue of one simulated device
 * @queue:	the upstream DMA buffer queue; must stay the first member
 * @access:	per-buffer copy of the access functions; it lives as long as
 *		the buffer, so the IIO core never dereferences module memory
 *		after the module is gone (see iio_sim_buffer_teardown())
 * @stream:	owning stream; used only from the queue callbacks, which
 *		buffer-dma stops calling in iio_dma_buffer_exit()
 * @dma_dev:	reference to the platform device doing the "DMA"
 * @nchannels:	number of scan channels of the device
 */
struct iio_sim_buffer {
	struct iio_dma_buffer_queue queue;
	struct iio_buffer_access_funcs access;
	struct iio_sim_stream *stream;
	struct device *dma_dev;
	unsigned int nchannels;
};

/**
 * struct iio_sim_cursor - CPU access position inside a block
 * @block:	the block, or NULL when the cursor is unused
 * @sg:		current scatterlist entry (DMABUF blocks)
 * @sg_off:	byte offset inside @sg
 * @pos:	byte offset inside the block
 * @len:	bytes of the block to transfer (whole frames)
 */
struct iio_sim_cursor {
	struct iio_dma_buffer_block *block;
	struct scatterlist *sg;
	size_t sg_off;
	size_t pos;
	size_t len;
};

/**
 * struct iio_sim_stream - engine state shared by the ADC and the DAC
 * @sim:	module-wide state
 * @indio_dev:	the IIO device
 * @buf:	its DMA buffer
 * @lock:	protects every field below it, the device-specific fields of
 *		the structure embedding this stream, and the blocks on
 *		@blocks. Taken by the sysfs callbacks, by the buffer-dma
 *		submit/abort callbacks (with the queue lock held: lock order is
 *		iio mlock -> queue->lock -> @lock), and by the engine thread
 *		while it steps the device. Block completion happens under it.
 * @blocks:	blocks submitted by buffer-dma and not yet completed, in order;
 *		the first one is the one being transferred
 * @cur:	position in the first block of @blocks
 * @samp_freq:	sampling frequency in Hz; changes only while disabled
 * @throughput:	complete blocks as fast as they come instead of in real time
 * @enabling:	between preenable and postenable: blocks submitted now wait
 *		on @blocks, even in throughput mode, and are started in order at
 *		postenable
 * @running:	real-time transfer is on (between postenable and predisable)
 * @t0:		time of sample 0 of the current run
 * @pos:	samples transferred or dropped since the buffer was enabled
 * @lost:	samples dropped (ADC) or output as zero (DAC) for lack of a block
 * @lost_kn:	sysfs node of the attribute showing @lost, notified whenever
 *		@lost changes (so poll() on it tells a reader whether to read);
 *		set once the device is registered, NULL before
 * @nscan:	number of enabled scan channels
 * @frame_bytes: bytes per scan (2 * @nscan)
 * @scan:	channel numbers of the enabled scan channels, in scan order
 */
struct iio_sim_stream {
	struct iio_sim *sim;
	struct iio_dev *indio_dev;
	struct iio_sim_buffer *buf;

	/* protects everything below, see above */
	struct mutex lock;
	struct list_head blocks;
	struct iio_sim_cursor cur;
	u32 samp_freq;
	bool throughput;
	bool enabling;
	bool running;
	ktime_t t0;
	u64 pos;
	u64 lost;
	struct kernfs_node *lost_kn;
	unsigned int nscan;
	unsigned int frame_bytes;
	unsigned int scan[IIO_SIM_MAX_CHANNELS];
};

enum iio_sim_waveform {
	IIO_SIM_WAVE_SINE,
	IIO_SIM_WAVE_SQUARE,
	IIO_SIM_WAVE_TRIANGLE,
	IIO_SIM_WAVE_SAWTOOTH,
	IIO_SIM_WAVE_NOISE,
	IIO_SIM_WAVE_DC,
	IIO_SIM_WAVE_COUNTER,
	IIO_SIM_WAVE_LOOPBACK,
};

/**
 * struct iio_sim_wave - waveform generator settings of one ADC channel
 * @type:	waveform
 * @freq_uhz:	frequency in micro-hertz
 * @amplitude_nv: peak amplitude in nanovolts (micro-millivolts)
 * @dc_offset_nv: DC offset in nanovolts
 * @phase_udeg:	phase in micro-degrees
 * @noise_nv:	RMS of the added noise in nanovolts
 *
 * Every value is the sysfs value (Hz, mV, degrees) times 10^6.
 */
struct iio_sim_wave {
	enum iio_sim_waveform type;
	u64 freq_uhz;
	s64 amplitude_nv;
	s64 dc_offset_nv;
	s64 phase_udeg;
	s64 noise_nv;
};

/**
 * struct iio_sim_dac_view - what the ADC loopback channels see of the DAC
 * @active:	the DAC streams in real time
 * @t0:		time of DAC sample 0
 * @samp_freq:	DAC sampling frequency
 * @pos:	DAC samples output so far; the history ring holds the last
 *		IIO_SIM_RING_LEN of them
 */
struct iio_sim_dac_view {
	bool active;
	ktime_t t0;
	u32 samp_freq;
	u64 pos;
};

/**
 * struct iio_sim_adc - the simulated ADC (iio_priv of "iio-sim-adc")
 * @s:		engine state; @s.lock protects the fields below
 * @wave:	generator settings per channel
 * @phase:	phase accumulator per channel (2^64 is one period)
 * @rng:	xorshift64 noise generator state
 * @scratch:	frames being generated
 */
struct iio_sim_adc {
	struct iio_sim_stream s;
	struct iio_sim_wave wave[IIO_SIM_ADC_CHANNELS];
	u64 phase[IIO_SIM_ADC_CHANNELS];
	u64 rng;
	__le16 scratch[IIO_SIM_CHUNK_FRAMES * IIO_SIM_MAX_CHANNELS];
};

/**
 * struct iio_sim_dac - the simulated DAC (iio_priv of "iio-sim-dac")
 * @s:		engine state; @s.lock protects the fields below
 * @scratch:	frames being consumed
 */
struct iio_sim_dac {
	struct iio_sim_stream s;
	__le16 scratch[IIO_SIM_CHUNK_FRAMES * IIO_SIM_MAX_CHANNELS];
};

/**
 * struct iio_sim - module-wide state, owned by the platform device
 * @dev:	the platform device
 * @adc_dev:	the ADC IIO device
 * @dac_dev:	the DAC IIO device
 * @adc:	iio_priv(@adc_dev)
 * @dac:	iio_priv(@dac_dev)
 * @engine:	the engine thread stepping both devices from one clock
 * @kick:	set (before a wake-up) when the engine must re-plan: a device
 *		started or a block was submitted
 * @ring:	DAC output history, [sample % IIO_SIM_RING_LEN][channel];
 *		written and read only by the engine thread
 * @view:	DAC state as of the engine's last DAC step; engine thread only
 * @load_time:	module load time, the time base of the raw attributes
 */
struct iio_sim {
	struct device *dev;
	struct iio_dev *adc_dev;
	struct iio_dev *dac_dev;
	struct iio_sim_adc *adc;
	struct iio_sim_dac *dac;
	struct task_struct *engine;
	atomic_t kick;
	s16 (*ring)[IIO_SIM_DAC_CHANNELS];
	struct iio_sim_dac_view view;
	ktime_t load_time;
};

/* iio_sim_core.c */
extern const struct attribute_group iio_sim_adc_attr_group;
extern const struct attribute_group iio_sim_dac_attr_group;

/* iio_sim_buffer.c */
struct iio_sim_buffer *iio_sim_buffer_create(struct iio_sim_stream *s,
					     struct device *dma_dev,
					     unsigned int nchannels,
					     enum iio_buffer_direction dir);
void iio_sim_buffer_teardown(struct iio_sim_buffer *b);
void iio_sim_buffer_release_pin(struct iio_sim_buffer *b);
void iio_sim_cursor_init(struct iio_sim_cursor *cur,
			 struct iio_dma_buffer_block *block, size_t len);
void iio_sim_cursor_copy(struct iio_sim_cursor *cur, void *data, size_t n,
			 bool to_block);
void iio_sim_cursor_skip(struct iio_sim_cursor *cur, size_t n);
int iio_sim_stream_prepare(struct iio_sim_stream *s);
void iio_sim_stream_init(struct iio_sim_stream *s, struct iio_sim *sim,
			 struct iio_dev *indio_dev);
void iio_sim_stream_start(struct iio_sim_stream *s);
void iio_sim_stream_stop(struct iio_sim_stream *s);
int iio_sim_stream_publish_lost(struct iio_sim_stream *s, const char *attr);
void iio_sim_stream_unpublish_lost(struct iio_sim_stream *s);
void iio_sim_stream_lost_changed(struct iio_sim_stream *s);
u64 iio_sim_samples_due(ktime_t t0, ktime_t now, u32 samp_freq);
ktime_t iio_sim_next_wakeup(struct iio_sim_stream *s, ktime_t now, u64 frames);
void iio_sim_kick(struct iio_sim *sim);

/* iio_sim_wave.c */
int iio_sim_sin_q15(u32 phase);
u64 iio_sim_phase_inc(u64 freq_uhz, u32 samp_freq);
u64 iio_sim_phase_offset(u32 phase_udeg);
int iio_sim_parse_micro(const char *buf, s64 min, s64 max, s64 *val);
ssize_t iio_sim_format_micro(char *buf, s64 val);

/* iio_sim_adc.c */
struct iio_dev *iio_sim_adc_create(struct iio_sim *sim);
int iio_sim_adc_submit(struct iio_sim_stream *s,
		       struct iio_dma_buffer_block *block);
ktime_t iio_sim_adc_step(struct iio_sim *sim, ktime_t now);

/* iio_sim_dac.c */
struct iio_dev *iio_sim_dac_create(struct iio_sim *sim);
int iio_sim_dac_submit(struct iio_sim_stream *s,
		       struct iio_dma_buffer_block *block);
ktime_t iio_sim_dac_step(struct iio_sim *sim, ktime_t now);

#endif /* __IIO_SIM_H__ */
