/*
 * Compiled against the pinned 6.12 kernel's own UAPI headers (include path from
 * kernel/vm/prepare), never against the project's definitions: tst_uapi compares the two.
 */
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/iio/buffer.h>
#include <linux/udmabuf.h>

#include "kernel_uapi_values.h"

const struct uapi_values kernel_uapi_values = {
	.iio_get_fd = IIO_BUFFER_GET_FD_IOCTL,
	.iio_attach = IIO_BUFFER_DMABUF_ATTACH_IOCTL,
	.iio_detach = IIO_BUFFER_DMABUF_DETACH_IOCTL,
	.iio_enqueue = IIO_BUFFER_DMABUF_ENQUEUE_IOCTL,
	.iio_cyclic = IIO_BUFFER_DMABUF_CYCLIC,
	.iio_dmabuf_size = sizeof(struct iio_dmabuf),
	.iio_dmabuf_flags_offset = __builtin_offsetof(struct iio_dmabuf, flags),
	.iio_dmabuf_bytes_used_offset = __builtin_offsetof(struct iio_dmabuf, bytes_used),
	.dma_buf_sync = DMA_BUF_IOCTL_SYNC,
	.dma_buf_export_sync_file = DMA_BUF_IOCTL_EXPORT_SYNC_FILE,
	.dma_heap_alloc = DMA_HEAP_IOCTL_ALLOC,
	.udmabuf_create = UDMABUF_CREATE,
};
