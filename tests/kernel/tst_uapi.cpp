// The project's UAPI definitions (backend/uapi, plus the system's dma-buf/dma-heap/udmabuf
// headers the backend uses) equal the pinned 6.12 kernel's headers.
#include "dmascope/uapi/iio_buffer.h"
#include "kernel_uapi_values.h"

#include <QTest>

#include <cstddef>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>

class TstUapi : public QObject
{
    Q_OBJECT
private slots:
    void iioBufferIoctls()
    {
        const uapi_values &k = kernel_uapi_values;
        QCOMPARE(static_cast<unsigned long>(IIO_BUFFER_GET_FD_IOCTL), k.iio_get_fd);
        QCOMPARE(static_cast<unsigned long>(IIO_BUFFER_DMABUF_ATTACH_IOCTL), k.iio_attach);
        QCOMPARE(static_cast<unsigned long>(IIO_BUFFER_DMABUF_DETACH_IOCTL), k.iio_detach);
        QCOMPARE(static_cast<unsigned long>(IIO_BUFFER_DMABUF_ENQUEUE_IOCTL), k.iio_enqueue);
        QCOMPARE(static_cast<unsigned long>(IIO_BUFFER_DMABUF_CYCLIC), k.iio_cyclic);
    }

    void iioDmabufStructLayout()
    {
        const uapi_values &k = kernel_uapi_values;
        QCOMPARE(static_cast<unsigned long>(sizeof(iio_dmabuf)), k.iio_dmabuf_size);
        QCOMPARE(static_cast<unsigned long>(offsetof(iio_dmabuf, flags)),
                 k.iio_dmabuf_flags_offset);
        QCOMPARE(static_cast<unsigned long>(offsetof(iio_dmabuf, bytes_used)),
                 k.iio_dmabuf_bytes_used_offset);
    }

    void dmabufHeapAndUdmabufIoctls()
    {
        const uapi_values &k = kernel_uapi_values;
        QCOMPARE(static_cast<unsigned long>(DMA_BUF_IOCTL_SYNC), k.dma_buf_sync);
        QCOMPARE(static_cast<unsigned long>(DMA_BUF_IOCTL_EXPORT_SYNC_FILE),
                 k.dma_buf_export_sync_file);
        QCOMPARE(static_cast<unsigned long>(DMA_HEAP_IOCTL_ALLOC), k.dma_heap_alloc);
        QCOMPARE(static_cast<unsigned long>(UDMABUF_CREATE), k.udmabuf_create);
    }
};

QTEST_GUILESS_MAIN(TstUapi)
#include "tst_uapi.moc"
