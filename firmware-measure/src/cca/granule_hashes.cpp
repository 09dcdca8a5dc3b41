#include "granule_hashes.hpp"

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "ccvm/firmware-measure/hash.hpp"

namespace ccvm::cca {
namespace {

// 1 MiB batches: large enough to amortize the hand-off, small enough that the chain starts early.
constexpr std::uint64_t kBatchGranules = 256;
// Below this many granules a single thread is faster than starting workers.
constexpr std::uint64_t kParallelThreshold = 256;

}  // namespace

GranuleView::GranuleView(ByteSpan blob, std::uint64_t lead)
    : blob_(blob), lead_(lead), count_((lead + blob.size() + kGranuleSize - 1) / kGranuleSize) {}

void GranuleView::hash(MeasurementAlgo algo, std::uint64_t first, std::uint64_t end,
                       std::span<MeasurementSlot> out) const {
    const HashAlgo h = hash_algo(algo);
    const std::size_t dsize = digest_size(algo);
    // Granules lying wholly inside the blob are hashed in place; the (at most two) edge granules
    // are zero-filled copies.
    auto whole = [&](std::uint64_t i) {
        return i * kGranuleSize >= lead_ && (i + 1) * kGranuleSize - lead_ <= blob_.size();
    };
    Hasher hasher(h);
    Bytes scratch;
    std::uint64_t i = first;
    while (i < end) {
        if (whole(i)) {
            std::uint64_t j = i;
            while (j < end && whole(j)) ++j;
            Bytes digests((j - i) * dsize);
            hash_chunks(h, blob_.subspan(i * kGranuleSize - lead_, (j - i) * kGranuleSize), kGranuleSize, digests, 1);
            for (std::uint64_t k = i; k < j; ++k) {
                MeasurementSlot& slot = out[k - first];
                slot.fill(std::byte{0});
                std::copy_n(digests.begin() + static_cast<std::ptrdiff_t>((k - i) * dsize), dsize, slot.begin());
            }
            i = j;
            continue;
        }
        scratch.assign(kGranuleSize, std::byte{0});
        const std::uint64_t start = i * kGranuleSize;  // granule offset in "lead zeros + blob"
        const std::uint64_t from = start > lead_ ? start - lead_ : 0;
        const std::uint64_t dst = start > lead_ ? 0 : lead_ - start;
        const std::uint64_t len = std::min<std::uint64_t>(kGranuleSize - dst, blob_.size() - from);
        std::copy_n(blob_.begin() + static_cast<std::ptrdiff_t>(from), len,
                    scratch.begin() + static_cast<std::ptrdiff_t>(dst));
        out[i - first] = measure(hasher, scratch);
        ++i;
    }
}

void hash_and_chain(const GranuleView& view, MeasurementAlgo algo, unsigned threads,
                    const std::function<void(std::uint64_t, const MeasurementSlot&)>& chain) {
    const std::uint64_t n = view.count();
    std::vector<MeasurementSlot> contents(n);
    if (threads == 0) threads = hash_threads();
    if (n < kParallelThreshold || threads <= 1) {
        view.hash(algo, 0, n, contents);
        for (std::uint64_t i = 0; i < n; ++i) chain(i, contents[i]);
        return;
    }
    const std::uint64_t batches = (n + kBatchGranules - 1) / kBatchGranules;
    auto done = std::make_unique<std::atomic<bool>[]>(batches);
    std::atomic<std::uint64_t> next_batch{0};
    std::mutex chain_mutex;
    std::uint64_t chained = 0;  // batches chained so far; guarded by chain_mutex

    // Whoever finishes a batch advances the chain if no one else is doing it, so the serial part
    // overlaps the parallel hashing instead of following it.
    auto advance = [&] {
        std::unique_lock lock(chain_mutex, std::try_to_lock);
        if (!lock.owns_lock()) return;
        while (chained < batches && done[chained].load(std::memory_order_acquire)) {
            const std::uint64_t end = std::min(n, (chained + 1) * kBatchGranules);
            for (std::uint64_t i = chained * kBatchGranules; i < end; ++i) chain(i, contents[i]);
            ++chained;
        }
    };
    parallel_for(threads, threads, [&](std::size_t) {
        for (std::uint64_t b; (b = next_batch.fetch_add(1)) < batches;) {
            const std::uint64_t first = b * kBatchGranules;
            const std::uint64_t end = std::min(n, first + kBatchGranules);
            view.hash(algo, first, end, std::span(contents).subspan(first, end - first));
            done[b].store(true, std::memory_order_release);
            advance();
        }
    });
    advance();  // batches finished while another thread held the chain
}

}  // namespace ccvm::cca
