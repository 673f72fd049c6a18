/* The UAPI numbers as one translation unit sees them (see kernel_uapi_values.c). */
#ifndef KERNEL_UAPI_VALUES_H
#define KERNEL_UAPI_VALUES_H

#ifdef __cplusplus
extern "C" {
#endif

struct uapi_values {
	unsigned long iio_get_fd, iio_attach, iio_detach, iio_enqueue;
	unsigned long iio_cyclic, iio_dmabuf_size, iio_dmabuf_flags_offset;
	unsigned long iio_dmabuf_bytes_used_offset;
	unsigned long dma_buf_sync, dma_buf_export_sync_file, dma_heap_alloc, udmabuf_create;
};

extern const struct uapi_values kernel_uapi_values;

#ifdef __cplusplus
}
#endif

#endif
