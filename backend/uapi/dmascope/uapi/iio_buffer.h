/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The IIO buffer DMABUF UAPI, as merged in Linux 6.9 (include/uapi/linux/iio/buffer.h).
 *
 * Debian 12's linux-libc-dev (6.1) only has IIO_BUFFER_GET_FD_IOCTL, so the DMABUF ioctls are
 * defined here. The values are checked against the pinned 6.12 kernel headers by
 * tests/kernel/tst_uapi.cpp. Where the system headers are new enough, theirs are used.
 */
#ifndef DMASCOPE_UAPI_IIO_BUFFER_H
#define DMASCOPE_UAPI_IIO_BUFFER_H

#include <linux/ioctl.h>
#include <linux/types.h>
#include <linux/iio/buffer.h>

#ifndef IIO_BUFFER_DMABUF_ATTACH_IOCTL

#define IIO_BUFFER_DMABUF_CYCLIC (1 << 0)
#define IIO_BUFFER_DMABUF_SUPPORTED_FLAGS 0x00000001

/**
 * struct iio_dmabuf - what IIO_BUFFER_DMABUF_ENQUEUE_IOCTL takes
 * @fd: the DMABUF's file descriptor
 * @flags: IIO_BUFFER_DMABUF_* flags
 * @bytes_used: how many bytes of the DMABUF the transfer uses
 */
struct iio_dmabuf {
	__u32 fd;
	__u32 flags;
	__u64 bytes_used;
};

#define IIO_BUFFER_DMABUF_ATTACH_IOCTL _IOW('i', 0x92, int)
#define IIO_BUFFER_DMABUF_DETACH_IOCTL _IOW('i', 0x93, int)
#define IIO_BUFFER_DMABUF_ENQUEUE_IOCTL _IOW('i', 0x94, struct iio_dmabuf)

#endif /* IIO_BUFFER_DMABUF_ATTACH_IOCTL */

#endif /* DMASCOPE_UAPI_IIO_BUFFER_H */
