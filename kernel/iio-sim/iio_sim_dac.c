// SPDX-License-Identifier: GPL-2.0-only
/*
 * iio_sim - the simulated DAC "iio-sim-dac"
 *
 * Two output channels. The engine thread consumes the queued blocks at the
 * sampling frequency and records every output frame, stamped with its DAC
 * sample index, in a history ring that the ADC's loopback channels read.
 * Cyclic blocks repeat until the buffer is disabled.
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

/**
 * iio_sim_dac_consume() - take the next frames out of the current block
 * @sim: module state
 * @dac: the DAC (lock held, a block at the cursor)
 * @n: number of frames, at most the frames left in the block
 * @record_from: first DAC sample index worth recording in the ring; older
 *		 frames would be overwritten in the same step and are skipped
 */
static void iio_sim_dac_consume(struct iio_sim *sim, struct iio_sim_dac *dac,
				u64 n, u64 record_from)
{
	struct iio_sim_stream *s = &dac->s;
	int col[IIO_SIM_DAC_CHANNELS] = { -1, -1 };
	unsigned int i, c, m;
	s16 *slot;
	u64 skip;

	for (i = 0; i < s->nscan; i++)
		col[s->scan[i]] = i;

	if (record_from > s->pos) {
		skip = min(n, record_from - s->pos);
		iio_sim_cursor_skip(&s->cur, skip * s->frame_bytes);
		s->pos += skip;
		n -= skip;
	}

	while (n) {
		m = min_t(u64, n, IIO_SIM_CHUNK_FRAMES);
		iio_sim_cursor_copy(&s->cur, dac->scratch, m * s->frame_bytes,
				    false);
		for (i = 0; i < m; i++) {
			slot = sim->ring[(s->pos + i) & (IIO_SIM_RING_LEN - 1)];
			for (c = 0; c < IIO_SIM_DAC_CHANNELS; c++)
				slot[c] = col[c] < 0 ? 0 :
					  le16_to_cpu(dac->scratch[i * s->nscan +
								   col[c]]);
		}
		s->pos += m;
		n -= m;
		cond_resched();
	}
}

/**
 * iio_sim_dac_step() - let the DAC catch up with the clock
 * @sim: module state
 * @now: engine time of this step
 *
 * Outputs every sample due by @now from the queued blocks, completing
 * one-shot blocks when they are played and rewinding cyclic ones. With no
 * block queued the output is 0 (an underrun). Updates sim->view for the ADC.
 *
 * Return: time of the next step, KTIME_MAX unless streaming in real time.
 */
ktime_t iio_sim_dac_step(struct iio_sim *sim, ktime_t now)
{
	struct iio_sim_dac *dac = sim->dac;
	struct iio_sim_stream *s = &dac->s;
	struct iio_dma_buffer_block *block;
	u64 due, n, left, record_from, k, period;

	guard(mutex)(&s->lock);

	if (!s->running) {
		sim->view.active = false;
		return KTIME_MAX;
	}

	due = iio_sim_samples_due(s->t0, now, s->samp_freq);
	record_from = due > IIO_SIM_RING_LEN ? due - IIO_SIM_RING_LEN : 0;
	/* Only the ADC's loopback channels read the history */
	if (!READ_ONCE(sim->adc->s.running))
		record_from = due;

	while (s->pos < due) {
		block = list_first_entry_or_null(&s->blocks,
						 struct iio_dma_buffer_block,
						 head);
		if (!block) {
			for (k = max(s->pos, record_from); k < due; k++)
				memset(sim->ring[k & (IIO_SIM_RING_LEN - 1)], 0,
				       sizeof(sim->ring[0]));
			s->lost += due - s->pos;
			iio_sim_stream_lost_changed(s);
			s->pos = due;
			break;
		}

		if (s->cur.block != block)
			iio_sim_cursor_init(&s->cur, block, block->bytes_used);

		/* Far behind on a cyclic block: skip whole periods at once */
		period = s->cur.len / s->frame_bytes;
		if (block->cyclic && record_from > s->pos + period)
			s->pos += div64_u64(record_from - s->pos, period) * period;

		left = (s->cur.len - s->cur.pos) / s->frame_bytes;
		n = min(due - s->pos, left);
		iio_sim_dac_consume(sim, dac, n, record_from);

		if (s->cur.pos == s->cur.len) {
			if (block->cyclic) {
				iio_sim_cursor_init(&s->cur, block, s->cur.len);
			} else {
				list_del(&block->head);
				s->cur.block = NULL;
				iio_dma_buffer_block_done(block);
			}
		}
		cond_resched();
	}

	sim->view.active = true;
	sim->view.t0 = s->t0;
	sim->view.samp_freq = s->samp_freq;
	sim->view.pos = s->pos;

	block = list_first_entry_or_null(&s->blocks,
					 struct iio_dma_buffer_block, head);
	left = 0;
	if (block && !block->cyclic)
		left = (s->cur.block == block ? s->cur.len - s->cur.pos :
			block->bytes_used) / s->frame_bytes;

	return iio_sim_next_wakeup(s, now, left);
}

/**
 * iio_sim_dac_submit() - accept a block from buffer-dma
 * @s: the DAC's stream
 * @block: a block full of samples (fileio or DMABUF, maybe cyclic)
 *
 * In throughput mode a one-shot block completes at once, unless a cyclic
 * block holds the output: blocks queued behind a cyclic block wait until the
 * buffer is disabled, in both modes.
 *
 * Return: 0, or -EINVAL if the block does not hold whole scans.
 */
int iio_sim_dac_submit(struct iio_sim_stream *s,
		       struct iio_dma_buffer_block *block)
{
	size_t len;

	guard(mutex)(&s->lock);

	if (!s->frame_bytes)
		return -EINVAL;
	len = block->bytes_used;
	if (block->fileio)
		len = rounddown(len, s->frame_bytes);
	if (!len || len % s->frame_bytes)
		return -EINVAL;

	if (s->throughput && !block->cyclic && list_empty(&s->blocks)) {
		s->pos += len / s->frame_bytes;
		iio_dma_buffer_block_done(block);
		return 0;
	}

	/*
	 * The cursor length of a block not yet started is kept in the block's
	 * own bytes_used, which is already whole frames except for fileio.
	 */
	block->bytes_used = len;
	list_add_tail(&block->head, &s->blocks);
	iio_sim_kick(s->sim);

	return 0;
}

static int iio_sim_dac_read_raw(struct iio_dev *indio_dev,
				const struct iio_chan_spec *chan,
				int *val, int *val2, long mask)
{
	switch (mask) {
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

#define IIO_SIM_DAC_CHANNEL(_channel, _scan_index) {			\
	.type = IIO_VOLTAGE,						\
	.indexed = 1,							\
	.output = 1,							\
	.channel = (_channel),						\
	.scan_index = (_scan_index),						\
	.info_mask_separate = BIT(IIO_CHAN_INFO_SCALE) |		\
			      BIT(IIO_CHAN_INFO_OFFSET),		\
	.scan_type = {							\
		.sign = 's',						\
		.realbits = 16,						\
		.storagebits = 16,					\
		.endianness = IIO_LE,					\
	},								\
}

static const struct iio_chan_spec iio_sim_dac_channels[] = {
	IIO_SIM_DAC_CHANNEL(0, 0),
	IIO_SIM_DAC_CHANNEL(1, 1),
};

static const struct iio_info iio_sim_dac_info = {
	.read_raw = iio_sim_dac_read_raw,
	.attrs = &iio_sim_dac_attr_group,
};

static int iio_sim_dac_preenable(struct iio_dev *indio_dev)
{
	return iio_sim_stream_prepare(iio_priv(indio_dev));
}

static int iio_sim_dac_postenable(struct iio_dev *indio_dev)
{
	iio_sim_stream_start(iio_priv(indio_dev));

	return 0;
}

static int iio_sim_dac_predisable(struct iio_dev *indio_dev)
{
	iio_sim_stream_stop(iio_priv(indio_dev));

	return 0;
}

static const struct iio_buffer_setup_ops iio_sim_dac_setup_ops = {
	.preenable = iio_sim_dac_preenable,
	.postenable = iio_sim_dac_postenable,
	.predisable = iio_sim_dac_predisable,
};

/**
 * iio_sim_dac_create() - allocate the DAC and its buffer (not registered)
 * @sim: module state
 *
 * Return: the IIO device or an ERR_PTR(); sim->dac is set on success.
 */
struct iio_dev *iio_sim_dac_create(struct iio_sim *sim)
{
	struct iio_dev *indio_dev;
	struct iio_sim_dac *dac;
	struct iio_sim_buffer *b;

	indio_dev = iio_device_alloc(sim->dev, sizeof(*dac));
	if (!indio_dev)
		return ERR_PTR(-ENOMEM);

	dac = iio_priv(indio_dev);
	iio_sim_stream_init(&dac->s, sim, indio_dev);

	indio_dev->name = "iio-sim-dac";
	indio_dev->info = &iio_sim_dac_info;
	indio_dev->channels = iio_sim_dac_channels;
	indio_dev->num_channels = ARRAY_SIZE(iio_sim_dac_channels);
	indio_dev->modes = INDIO_DIRECT_MODE;
	indio_dev->setup_ops = &iio_sim_dac_setup_ops;

	b = iio_sim_buffer_create(&dac->s, sim->dev, IIO_SIM_DAC_CHANNELS,
				  IIO_BUFFER_DIRECTION_OUT);
	if (IS_ERR(b)) {
		iio_device_free(indio_dev);
		return ERR_CAST(b);
	}
	dac->s.buf = b;
	sim->dac = dac;

	return indio_dev;
}
