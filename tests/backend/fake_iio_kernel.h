// Test fixture for the local streams: a sysfs-shaped directory tree of one input device and a
// sys:: table that plays the kernel at the system-call boundary. The buffer fd is a pipe the
// test writes samples into (so read() streaming runs for real); the DMA heap, udmabuf, ATTACH
// and the transfer fences answer as configured, to drive the path choice and its fallbacks.
#pragma once

#include "dmascope/local_stream.h"
#include "dmascope/syscalls.h"

#include <QByteArray>
#include <QString>
#include <QTemporaryDir>

#include <atomic>
#include <memory>
#include <string>

namespace faketest {

struct FakeIioKernel
{
    // What the fake answers; set before start(), read by the stream thread.
    static inline int heapOpenErrno = 0;     // open of the heap path
    static inline int udmabufOpenErrno = 0;  // open of the udmabuf path
    static inline int attachErrno = 0;       // ATTACH
    static inline bool failEveryOtherTransfer = false; // fence status -EINTR for odd transfers
    static inline bool outputBuffer = false; // the buffer fd is the pipe's write end
    // (iio:device1's buffer fd always is: the DAC, for tests that open both devices.)
    static inline bool failEveryOtherInputTransfer = false;  // -EINTR for odd input transfers
    static inline bool failEveryOtherOutputTransfer = false; // -EINTR for odd output transfers
    static inline bool fencesNeverSignal = false; // transfers stay in flight (an orphaned fd)
    // A poll() of a DMABUF finds its transfers done (a device that completes a transfer inside
    // the ENQUEUE, as iio_sim's throughput mode); otherwise they are in flight until the fence
    // exported after the ENQUEUE says otherwise.
    static inline bool transfersDoneAtEnqueue = false;
    // The driver notifies iio:device0/dropped_samples when it changes (sysfs_notify(), as
    // iio_sim does): at each enable of buffer0 (the reset) and at notifyLossCounter(). A poll()
    // of an fd open on it then says POLLPRI until the fd reads it, as kernfs does.
    static inline bool lossCounterNotifies = false;
    static inline std::atomic<int> enqueueErrno{0}; // ENQUEUE fails with it (set mid-run too)
    static inline std::atomic<unsigned> lastEnqueueFlags{0};
    static inline std::atomic<unsigned long long> lastEnqueueBytes{0};
    // What the fake saw.
    static inline std::atomic<int> attachCalls{0};
    static inline std::atomic<int> detachCalls{0};
    static inline std::atomic<int> enqueueCalls{0};
    static inline std::atomic<int> syncCalls{0};
    static inline std::atomic<int> fencesExported{0};
    static inline std::atomic<int> fenceStatusCalls{0}; // SYNC_IOC_FILE_INFO
    static inline std::atomic<int> dmabufPolls{0};
    static inline std::atomic<int> lossCounterReads{0}; // pread() of dropped_samples
    static inline std::atomic<int> inputEnqueues{0};  // on an input buffer fd
    static inline std::atomic<int> outputEnqueues{0}; // on an output buffer fd
    // ATTACH calls that came after an ENQUEUE on the same direction's buffer: on 6.12 they
    // drop blocks queued on a disabled buffer, so the streams must never make one.
    static inline std::atomic<int> attachesAfterEnqueue{0};
    // The buffer fd's pipe: the stream reads a dup of the read end; the test ("hardware")
    // writes into the write end.
    static inline int pipeRead = -1;
    static inline int pipeWrite = -1;

    static void reset();
    // The driver changed its loss counter (after the test wrote the new value).
    static void notifyLossCounter();
    static dmascope::sys::Table table();
};

// A device "fake-adc" as iio:device0 under a temporary root: voltage0 le:s16/16>>0 (index 0),
// voltage1 le:s12/16>>4 (index 1) with its own scale 0.25 and offset 10, shared scale 0.5.
class FakeSysfs
{
public:
    FakeSysfs();
    std::string root() const { return dir_.path().toStdString(); }
    void put(const QString &rel, const QByteArray &content);
    QByteArray get(const QString &rel) const;
    // Removes `rel` and everything below it (a device unplugged: remove("iio:device0")).
    void remove(const QString &rel);
    // Options that find these devices, the fake heap (/fake/dma_heap/system) and udmabuf.
    dmascope::LocalDeviceOptions options() const;

private:
    QTemporaryDir dir_;
};

// Owns the pipe of the fake buffer fd and installs the table for its lifetime.
class FakeKernelScope
{
public:
    FakeKernelScope();
    ~FakeKernelScope();
    // Writes `bytes` into the pipe (the device producing samples).
    void produce(const QByteArray &bytes);
    // Reads `bytes` from the pipe (the device consuming output), waiting up to 5 s.
    QByteArray consume(qsizetype bytes);

private:
    int pipe_[2] = {-1, -1};
    std::unique_ptr<dmascope::sys::ScopedTable> scoped_;
};

} // namespace faketest
