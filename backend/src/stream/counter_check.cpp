#include "dmascope/counter_check.h"

#include <stdexcept>

namespace dmascope {

CounterCheck::CounterCheck(const ChannelLayout &channel, std::size_t frameBytes)
    : channel_(channel), frameBytes_(frameBytes)
{
    std::string error;
    if (!channel.type.isValid(&error))
        throw std::invalid_argument("channel " + channel.id + ": " + error);
    if (channel.type.realBits < 2 || channel.type.realBits > 63)
        throw std::invalid_argument("channel " + channel.id +
                                    ": a counter needs 2 to 63 bits, it has " +
                                    std::to_string(channel.type.realBits));
    if (frameBytes < channel.byteOffset + channel.type.storageBytes())
        throw std::invalid_argument("channel " + channel.id + " lies outside the frame");
    modulus_ = std::uint64_t{1} << channel.type.realBits;
}

void CounterCheck::feed(const Block &block)
{
    feed(block.data, block.frames(), block.firstSample);
}

void CounterCheck::problem(const std::string &what)
{
    if (report_.firstProblem.empty())
        report_.firstProblem = "sample " + std::to_string(report_.samples) + ": " + what;
}

void CounterCheck::feed(const std::uint8_t *frames, std::size_t count, std::uint64_t firstSample)
{
    if (count == 0)
        return;
    const SampleDecoder decoder(channel_.type);
    const std::uint64_t mask = modulus_ - 1;
    // Samples the stream says are missing before this block (0 when it follows on).
    std::uint64_t announced =
        started_ && firstSample > nextSample_ ? firstSample - nextSample_ : 0;
    nextSample_ = firstSample + count;

    const std::uint8_t *p = frames + channel_.byteOffset;
    for (std::size_t i = 0; i < count; ++i, p += frameBytes_) {
        // Signed channels sign-extend; the counter is the value modulo 2^bits either way.
        const std::uint64_t value = static_cast<std::uint64_t>(decoder.decode(p)) & mask;
        if (started_) {
            const std::uint64_t step = (value - previous_) & mask;
            if (announced && step == ((announced + 1) & mask)) {
                report_.lost += announced;
                report_.reportedLost += announced;
                ++report_.gaps;
            } else if (step == 1) {
                // in order
            } else if (step == 0) {
                ++report_.duplicated;
                problem("counter repeated " + std::to_string(value));
            } else if (step > modulus_ / 2) {
                // Modulo 2^bits a jump of more than half the range looks the same as a step
                // back: say both.
                ++report_.reordered;
                problem("counter went back from " + std::to_string(previous_) + " to " +
                        std::to_string(value) + " (or jumped " + std::to_string(step - 1) +
                        " samples ahead, more than half its range of " +
                        std::to_string(modulus_) + ")");
            } else {
                report_.lost += step - 1;
                ++report_.gaps;
                problem("counter jumped from " + std::to_string(previous_) + " to " +
                        std::to_string(value) + " (" + std::to_string(step - 1) +
                        " samples lost, not reported by the stream)");
            }
            announced = 0;
        }
        previous_ = value;
        started_ = true;
        ++report_.samples;
    }
}

} // namespace dmascope
