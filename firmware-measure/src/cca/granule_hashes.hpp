// Content hashes of the granules a blob covers when it is loaded at an unaligned IPA, computed in
// parallel batches while a single consumer chains them in order (RMI_DATA_CREATE is serial only
// through its 256-byte descriptor).
#pragma once

#include <cstdint>
#include <functional>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/cca/measurement.hpp"

namespace ccvm::cca {

// The granules of `blob` placed `lead` bytes after a granule start: granule i holds blob bytes
// [i*4096 - lead, (i+1)*4096 - lead), zero outside the blob.
class GranuleView {
public:
    GranuleView(ByteSpan blob, std::uint64_t lead);
    std::uint64_t count() const noexcept { return count_; }
    // Writes the content slots of granules [first, end) to out[0..end-first).
    void hash(MeasurementAlgo algo, std::uint64_t first, std::uint64_t end, std::span<MeasurementSlot> out) const;

private:
    ByteSpan blob_;
    std::uint64_t lead_;
    std::uint64_t count_;
};

// Hashes every granule of `view` on `threads` threads and calls chain(i, content) for i = 0, 1, ...
// strictly in order and never concurrently, as soon as the batch holding i is hashed.
void hash_and_chain(const GranuleView& view, MeasurementAlgo algo, unsigned threads,
                    const std::function<void(std::uint64_t, const MeasurementSlot&)>& chain);

}  // namespace ccvm::cca
