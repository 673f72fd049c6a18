// SPDX-License-Identifier: GPL-2.0-only
/*
 * iio_sim - buffer-dma glue, block access and stream state
 *
 * The simulated devices use the upstream industrialio-buffer-dma queue, so
 * fileio (read()/write()) and the DMABUF ioctls are handled by upstream code.
 * The "DMA controller" is the engine thread (iio_sim_core.c): buffer-dma hands
 * it blocks through iio_sim_submit() and takes them back with
 * iio_dma_buffer_block_done(), or with iio_dma_buffer_block_list_abort() when
 * the buffer is disabled.
 *
 * Copyright (C) 2026 The dmascope authors
 */

#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/highmem.h>
#include <linux/iio/buffer_impl.h>
#include <linux/iio/iio.h>
#include <linux/kernfs.h>
#include <linux/math64.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "iio_sim.h"

static struct iio_sim_buffer *iio_sim_to_buffer(struct iio_buffer *buffer)
{
	return container_of(buffer, struct iio_sim_buffer, queue.buffer);
}

/**
 * iio_sim_samples_due() - samples whose sampling instant has come
 * @t0: time of sample 0
 * @now: current time
 * @samp_freq: sampling frequency in Hz
 *
 * Sample n is taken at @t0 + n / @samp_freq, so sample 0 is due at once.
 *
 * Return: floor((@now - @t0) * @samp_freq / 1 s) + 1, or 0 before @t0.
 */
u64 iio_sim_samples_due(ktime_t t0, ktime_t now, u32 samp_freq)
{
	if (ktime_before(now, t0))
		return 0;

	return mul_u64_u64_div_u64(ktime_to_ns(ktime_sub(now, t0)), samp_freq,
				   NSEC_PER_SEC) + 1;
}

/**
 * iio_sim_next_wakeup() - when the engine must step a streaming device again
 * @s: stream, running in real time (lock held)
 * @now: engine time of this step
 * @frames: frames left in the block being transferred, 0 if none
 *
 * The block completes when its last sample is due. In between, the engine
 * still steps at least every IIO_SIM_MAX_SLEEP_NS and every quarter of the
 * DAC history ring, so that the ADC's loopback lag stays bounded.
 *
 * Return: absolute time of the next step.
 */
ktime_t iio_sim_next_wakeup(struct iio_sim_stream *s, ktime_t now, u64 frames)
{
	u64 limit = min_t(u64, IIO_SIM_MAX_SLEEP_NS,
			  div_u64((u64)IIO_SIM_RING_LEN / 4 * NSEC_PER_SEC,
				  s->samp_freq));
	ktime_t next = ktime_add_ns(now, limit);
	ktime_t done;

	if (frames) {
		/* sample pos + frames - 1 is due at t0 + (pos + frames - 1) / fs */
		done = ktime_add_ns(s->t0,
				    mul_u64_u64_div_u64(s->pos + frames - 1,
							NSEC_PER_SEC,
							s->samp_freq) + 1);
		next = min(next, done);
	}

	return next;
}

/**
 * iio_sim_cursor_init() - start CPU access to a block
 * @cur: cursor to set up
 * @block: fileio block (with a vaddr) or DMABUF block (with an sg_table)
 * @len: number of bytes to transfer, a multiple of the scan size
 */
void iio_sim_cursor_init(struct iio_sim_cursor *cur,
			 struct iio_dma_buffer_block *block, size_t len)
{
	cur->block = block;
	cur->sg = block->fileio ? NULL : block->sg_table->sgl;
	cur->sg_off = 0;
	cur->pos = 0;
	cur->len = len;
}

/**
 * iio_sim_cursor_map() - map the memory at the cursor
 * @cur: cursor, not at the end of the block
 * @avail: bytes usable at the returned address
 *
 * DMABUF blocks have no kernel mapping: they are accessed one page at a time
 * with kmap_local_page(). Fileio blocks are coherent allocations with a vaddr.
 *
 * Return: kernel address of the byte at the cursor; release it with
 * iio_sim_cursor_unmap().
 */
static void *iio_sim_cursor_map(struct iio_sim_cursor *cur, size_t *avail)
{
	struct scatterlist *sg = cur->sg;
	size_t off;

	if (cur->block->fileio) {
		*avail = cur->len - cur->pos;
		return cur->block->vaddr + cur->pos;
	}

	off = sg->offset + cur->sg_off;
	*avail = min3(PAGE_SIZE - offset_in_page(off),
		      (size_t)sg->length - cur->sg_off, cur->len - cur->pos);

	return kmap_local_page(nth_page(sg_page(sg), off >> PAGE_SHIFT)) +
	       offset_in_page(off);
}

static void iio_sim_cursor_unmap(struct iio_sim_cursor *cur, void *addr)
{
	if (!cur->block->fileio)
		kunmap_local(addr);
}

/**
 * iio_sim_cursor_skip() - advance the cursor without touching the memory
 * @cur: cursor
 * @n: bytes to skip, at most the bytes left in the block
 */
void iio_sim_cursor_skip(struct iio_sim_cursor *cur, size_t n)
{
	struct scatterlist *next;

	cur->pos += n;
	if (cur->block->fileio)
		return;

	cur->sg_off += n;
	while (cur->sg_off >= cur->sg->length) {
		next = sg_next(cur->sg);
		if (!next)
			break;
		cur->sg_off -= cur->sg->length;
		cur->sg = next;
	}
}

/**
 * iio_sim_cursor_copy() - copy between a block and a kernel buffer
 * @cur: cursor, advanced by @n
 * @data: kernel buffer
 * @n: bytes to copy, at most the bytes left in the block
 * @to_block: copy from @data into the block (ADC) instead of out of it (DAC)
 */
void iio_sim_cursor_copy(struct iio_sim_cursor *cur, void *data, size_t n,
			 bool to_block)
{
	size_t chunk;
	void *addr;

	while (n) {
		addr = iio_sim_cursor_map(cur, &chunk);
		chunk = min(chunk, n);
		if (to_block)
			memcpy(addr, data, chunk);
		else
			memcpy(data, addr, chunk);
		iio_sim_cursor_unmap(cur, addr);
		if (!chunk)
			break;
		iio_sim_cursor_skip(cur, chunk);
		data += chunk;
		n -= chunk;
	}
}

/**
 * iio_sim_stream_prepare() - reset a stream before its buffer is enabled
 * @s: stream
 *
 * Called from the preenable hook: the scan mask is known, and in throughput
 * mode buffer-dma submits blocks right after this, before postenable.
 *
 * Return: 0, or -EINVAL for an empty scan.
 */
int iio_sim_stream_prepare(struct iio_sim_stream *s)
{
	struct iio_dev *indio_dev = s->indio_dev;
	unsigned int ch, n = 0;

	guard(mutex)(&s->lock);

	for_each_set_bit(ch, indio_dev->active_scan_mask, s->buf->nchannels)
		s->scan[n++] = ch;
	if (!n)
		return -EINVAL;

	s->nscan = n;
	s->frame_bytes = n * sizeof(u16);
	s->pos = 0;
	s->lost = 0;
	iio_sim_stream_lost_changed(s);
	s->cur.block = NULL;
	s->enabling = true;

	return 0;
}

/**
 * iio_sim_stream_init() - initialise the engine state of a new device
 * @s: the stream, inside the device's iio_priv()
 * @sim: module state
 * @indio_dev: the device
 */
void iio_sim_stream_init(struct iio_sim_stream *s, struct iio_sim *sim,
			 struct iio_dev *indio_dev)
{
	mutex_init(&s->lock);
	INIT_LIST_HEAD(&s->blocks);
	s->sim = sim;
	s->indio_dev = indio_dev;
	s->samp_freq = IIO_SIM_DEFAULT_SAMP_FREQ;
}

/**
 * iio_sim_stream_publish_lost() - make the lost-samples attribute pollable
 * @s: stream of a registered device
 * @attr: name of the device attribute that shows @s->lost
 *
 * A reader that keeps the attribute open learns from poll() (POLLPRI) that
 * the count changed since it last read it, instead of reading it every time.
 *
 * Return: 0, or -ENOENT if the device has no such attribute.
 */
int iio_sim_stream_publish_lost(struct iio_sim_stream *s, const char *attr)
{
	struct kernfs_node *kn;

	kn = sysfs_get_dirent(s->indio_dev->dev.kobj.sd, attr);
	if (!kn)
		return -ENOENT;

	guard(mutex)(&s->lock);
	s->lost_kn = kn;

	return 0;
}

/**
 * iio_sim_stream_unpublish_lost() - undo iio_sim_stream_publish_lost()
 * @s: stream
 */
void iio_sim_stream_unpublish_lost(struct iio_sim_stream *s)
{
	struct kernfs_node *kn;

	scoped_guard(mutex, &s->lock) {
		kn = s->lost_kn;
		s->lost_kn = NULL;
	}
	sysfs_put(kn);
}

/**
 * iio_sim_stream_lost_changed() - tell pollers of the attribute that @lost
 *	changed
 * @s: stream (lock held)
 */
void iio_sim_stream_lost_changed(struct iio_sim_stream *s)
{
	lockdep_assert_held(&s->lock);

	if (s->lost_kn)
		kernfs_notify(s->lost_kn);
}

/**
 * iio_sim_stream_start() - start real-time transfers (postenable)
 * @s: stream
 */
void iio_sim_stream_start(struct iio_sim_stream *s)
{
	scoped_guard(mutex, &s->lock) {
		s->enabling = false;
		s->t0 = ktime_get();
		WRITE_ONCE(s->running, !s->throughput);
	}
	iio_sim_kick(s->sim);
}

/**
 * iio_sim_stream_stop() - stop transfers (predisable)
 * @s: stream
 *
 * The blocks still held are given back by iio_sim_abort() right after.
 */
void iio_sim_stream_stop(struct iio_sim_stream *s)
{
	guard(mutex)(&s->lock);
	s->enabling = false;
	WRITE_ONCE(s->running, false);
}

/**
 * iio_sim_scan_bytes() - scan size of the buffer's current channel selection
 * @b: buffer
 *
 * Return: bytes per scan; 0 when no channel is enabled.
 */
static size_t iio_sim_scan_bytes(struct iio_sim_buffer *b)
{
	return bitmap_weight(b->queue.buffer.scan_mask, b->nchannels) *
	       sizeof(u16);
}

/**
 * iio_sim_enqueue_dmabuf() - IIO_BUFFER_DMABUF_ENQUEUE callback
 * @buffer: the buffer
 * @block: block of the attached DMABUF
 * @fence: fence to signal on completion
 * @sgt: mapped DMABUF
 * @size: bytes_used requested by user space
 * @cyclic: IIO_BUFFER_DMABUF_CYCLIC (output buffers only, checked by the core)
 *
 * Checking that @size holds whole scans is the driver's duty; the rest is
 * upstream's. Called with the queue locked.
 *
 * Return: 0, or a negative error code that the core reports to user space.
 */
static int iio_sim_enqueue_dmabuf(struct iio_buffer *buffer,
				  struct iio_dma_buffer_block *block,
				  struct dma_fence *fence, struct sg_table *sgt,
				  size_t size, bool cyclic)
{
	size_t scan = iio_sim_scan_bytes(iio_sim_to_buffer(buffer));

	if (!scan || size % scan)
		return -EINVAL;

	return iio_dma_buffer_enqueue_dmabuf(buffer, block, fence, sgt, size,
					     cyclic);
}

static int iio_sim_submit(struct iio_dma_buffer_queue *queue,
			  struct iio_dma_buffer_block *block)
{
	struct iio_sim_buffer *b = iio_sim_to_buffer(&queue->buffer);

	if (queue->buffer.direction == IIO_BUFFER_DIRECTION_IN)
		return iio_sim_adc_submit(b->stream, block);

	return iio_sim_dac_submit(b->stream, block);
}

/**
 * iio_sim_abort() - buffer-dma abort callback: give back every held block
 * @queue: the queue being disabled (its lock is held)
 *
 * The engine steps a device with the stream lock held, so once the blocks are
 * off the stream's list the engine cannot touch them any more. They complete
 * with bytes_used 0 and, for DMABUFs, an -EINTR fence.
 */
static void iio_sim_abort(struct iio_dma_buffer_queue *queue)
{
	struct iio_sim_stream *s = iio_sim_to_buffer(&queue->buffer)->stream;
	LIST_HEAD(aborted);

	scoped_guard(mutex, &s->lock) {
		s->enabling = false;
		WRITE_ONCE(s->running, false);
		list_splice_tail_init(&s->blocks, &aborted);
		s->cur.block = NULL;
	}

	iio_dma_buffer_block_list_abort(queue, &aborted);
}

static const struct iio_dma_buffer_ops iio_sim_dma_buffer_ops = {
	.submit = iio_sim_submit,
	.abort = iio_sim_abort,
};

/*
 * Runs when the last reference to the buffer goes, which iio_sim makes sure
 * happens in iio_sim_buffer_release_pin(), with the module still loaded.
 */
static void iio_sim_buffer_release(struct iio_buffer *buffer)
{
	struct iio_sim_buffer *b = iio_sim_to_buffer(buffer);

	iio_dma_buffer_release(&b->queue);
	put_device(b->dma_dev);
	kfree(b);
}

/*
 * Largest fileio block: buffer-dma allocates its two read()/write() blocks
 * of length * bytes_per_datum / 2 bytes each with dma_alloc_coherent(), and
 * the page allocator WARNs on requests above MAX_PAGE_ORDER.
 */
#define IIO_SIM_MAX_FILEIO_BLOCK	(PAGE_SIZE << MAX_PAGE_ORDER)

/**
 * iio_sim_set_length() - set_length callback that bounds the fileio blocks
 * @buffer: the buffer
 * @length: requested length in scans
 *
 * Clamps @length so that a fileio block stays allocatable even with every
 * channel enabled; the clamped value reads back from buffer/length. DMABUF
 * transfers do not use the length.
 *
 * Return: 0.
 */
static int iio_sim_set_length(struct iio_buffer *buffer, unsigned int length)
{
	struct iio_sim_buffer *b = iio_sim_to_buffer(buffer);
	/* two blocks of length scans of at most 2 bytes per channel each */
	unsigned int max = IIO_SIM_MAX_FILEIO_BLOCK / b->nchannels;

	return iio_dma_buffer_set_length(buffer, min(length, max));
}

static const struct iio_buffer_access_funcs iio_sim_access_funcs = {
	.read = iio_dma_buffer_read,
	.write = iio_dma_buffer_write,
	.set_bytes_per_datum = iio_dma_buffer_set_bytes_per_datum,
	.set_length = iio_sim_set_length,
	.request_update = iio_dma_buffer_request_update,
	.enable = iio_dma_buffer_enable,
	.disable = iio_dma_buffer_disable,
	.data_available = iio_dma_buffer_usage,
	.space_available = iio_dma_buffer_usage,
	.release = iio_sim_buffer_release,

	.enqueue_dmabuf = iio_sim_enqueue_dmabuf,
	.attach_dmabuf = iio_dma_buffer_attach_dmabuf,
	.detach_dmabuf = iio_dma_buffer_detach_dmabuf,

	.lock_queue = iio_dma_buffer_lock_queue,
	.unlock_queue = iio_dma_buffer_unlock_queue,

	.get_dma_dev = iio_dma_buffer_get_dma_dev,

	.modes = INDIO_BUFFER_HARDWARE,
};

/**
 * iio_sim_buffer_create() - create a DMA buffer and attach it to a device
 * @s: stream of the device (s->indio_dev set)
 * @dma_dev: device whose DMA mask governs DMABUF mappings and fileio memory
 * @nchannels: number of scan channels of the device
 * @dir: IIO_BUFFER_DIRECTION_IN (ADC) or IIO_BUFFER_DIRECTION_OUT (DAC)
 *
 * The caller keeps one reference (the "pin") until
 * iio_sim_buffer_release_pin().
 *
 * Return: the buffer or an ERR_PTR().
 */
struct iio_sim_buffer *iio_sim_buffer_create(struct iio_sim_stream *s,
					     struct device *dma_dev,
					     unsigned int nchannels,
					     enum iio_buffer_direction dir)
{
	struct iio_sim_buffer *b;
	int ret;

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return ERR_PTR(-ENOMEM);

	b->stream = s;
	b->nchannels = nchannels;
	b->dma_dev = get_device(dma_dev);
	b->access = iio_sim_access_funcs;

	iio_dma_buffer_init(&b->queue, dma_dev, &iio_sim_dma_buffer_ops);
	b->queue.buffer.access = &b->access;
	b->queue.buffer.direction = dir;

	ret = iio_device_attach_buffer(s->indio_dev, &b->queue.buffer);
	if (ret) {
		iio_dma_buffer_exit(&b->queue);
		iio_buffer_put(&b->queue.buffer);
		return ERR_PTR(ret);
	}
	s->indio_dev->modes |= INDIO_BUFFER_HARDWARE;

	return b;
}

/**
 * iio_sim_buffer_teardown() - detach the buffer from the driver
 * @b: buffer of an unregistered device (all its transfers aborted)
 *
 * The buffer may outlive the module: an open buffer fd keeps it, and the
 * DMABUF ioctls keep calling its access functions. After this only upstream
 * code is reachable through it: buffer-dma drops the queue callbacks, and the
 * enqueue wrapper is swapped for the upstream function under the queue lock,
 * which the core holds around every enqueue call.
 */
void iio_sim_buffer_teardown(struct iio_sim_buffer *b)
{
	scoped_guard(mutex, &b->queue.lock)
		b->access.enqueue_dmabuf = iio_dma_buffer_enqueue_dmabuf;

	iio_dma_buffer_exit(&b->queue);
}

/**
 * iio_sim_buffer_release_pin() - drop the driver's reference to the buffer
 * @b: buffer after iio_sim_buffer_teardown() and iio_device_free()
 *
 * The release callback is module code, so the last reference must not be
 * dropped after the module is gone. References held by the kernel's
 * deferred DMABUF cleanup work go away quickly and are waited for; if user
 * space still holds the buffer (an open buffer fd after rmmod), the buffer is
 * deliberately leaked instead: it stays usable (ioctls fail or block like on
 * removed hardware) and is never released.
 */
void iio_sim_buffer_release_pin(struct iio_sim_buffer *b)
{
	struct iio_buffer *buffer = &b->queue.buffer;
	unsigned int tries;

	for (tries = 0; tries < 50 && kref_read(&buffer->ref) > 1; tries++)
		msleep(20);

	if (kref_read(&buffer->ref) > 1) {
		dev_info(b->dma_dev,
			 "buffer still open in user space, leaking it\n");
		return;
	}

	iio_buffer_put(buffer);
}
