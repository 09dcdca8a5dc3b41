#include "ccvm/firmware-measure/sev/gctx.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ccvm/base/error.hpp"
#include "ccvm/base/thread_pool.hpp"
#include "ccvm/firmware-measure/hash_engine.hpp"

namespace ccvm::sev {

std::string_view to_string(PageType type) noexcept {
    switch (type) {
        case PageType::normal:
            return "NORMAL";
        case PageType::vmsa:
            return "VMSA";
        case PageType::zero:
            return "ZERO";
        case PageType::unmeasured:
            return "UNMEASURED";
        case PageType::secrets:
            return "SECRETS";
        case PageType::cpuid:
            return "CPUID";
    }
    return "UNKNOWN";
}

PageInfo make_page_info(const Sha384Digest& ld, const Sha384Digest& contents, PageType type, std::uint64_t gpa) {
    // AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_UPDATE / SNP ABI Table 67: LD ‖ CONTENTS ‖ u16 length ‖ page_type ‖
    // is_imi ‖ vmpl3..1 perms ‖ reserved ‖ u64 GPA; ccvm measures no IMI pages and grants no VMPL permissions.
    PageInfo info{};
    std::copy(ld.begin(), ld.end(), info.begin());
    std::copy(contents.begin(), contents.end(), info.begin() + 0x30);
    store_le<std::uint16_t>(info, 0x60, static_cast<std::uint16_t>(kPageInfoSize));
    info[0x62] = std::byte{static_cast<std::uint8_t>(type)};
    store_le<std::uint64_t>(info, 0x68, gpa);
    return info;
}

void GuestContext::update(PageType type, std::uint64_t gpa, const Sha384Digest& contents) {
    chain_.update(make_page_info(ld_, contents, type, gpa));
    chain_.finish(ld_);
    if (trace_ != nullptr) {
        trace_->push_back({std::string(to_string(type)), gpa, Bytes(contents.begin(), contents.end()),
                           Bytes(ld_.begin(), ld_.end())});
    }
}

void GuestContext::update_normal_pages(std::uint64_t gpa, ByteSpan data, std::string_view source) {
    if (data.size() % kPageSize != 0) {
        throw InputError(std::string(source) + ": length " + std::to_string(data.size()) +
                         " is not a multiple of 4096; SEV-SNP measures whole pages");
    }
    const std::size_t pages = data.size() / kPageSize;
    std::vector<Sha384Digest> contents(pages);
    // Pages are hashed in batches that any thread may claim, 8 (AVX-512) or 4 (AVX2) side by side in
    // the multi-buffer engine; this thread runs the serial PAGE_INFO chain (OpenSSL) over every batch
    // as soon as it is hashed and hashes batches itself while it waits. 64 pages (256 KiB) stay in L2
    // between the hashing and the chain.
    constexpr std::size_t kBatch = 64;
    const HashLevel level = hash_level(HashAlgo::sha384);
    const std::size_t batches = (pages + kBatch - 1) / kBatch;
    const unsigned workers = pages < 256 ? 0 : std::min<unsigned>(hash_threads(), static_cast<unsigned>(batches)) - 1;
    std::unique_ptr<std::atomic<bool>[]> done(new std::atomic<bool>[batches]);
    for (std::size_t b = 0; b < batches; ++b) done[b].store(false, std::memory_order_relaxed);
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stop{false};
    std::exception_ptr error;
    std::mutex error_mutex;

    auto hash_batch = [&](std::size_t b) {
        const std::size_t first = b * kBatch;
        const std::size_t count = std::min(pages, first + kBatch) - first;
        hash_strided(HashAlgo::sha384, level, data.data() + first * kPageSize, kPageSize, kPageSize, count,
                     std::as_writable_bytes(std::span(contents).subspan(first, count)));
        done[b].store(true, std::memory_order_release);
    };
    auto worker = [&] {
        try {
            for (std::size_t b; !stop.load(std::memory_order_relaxed) && (b = next.fetch_add(1)) < batches;)
                hash_batch(b);
        } catch (...) {
            std::lock_guard lock(error_mutex);
            if (!error) error = std::current_exception();
            stop = true;
        }
    };
    {
        ThreadPool pool(workers);
        for (unsigned t = 0; t < workers; ++t) pool.post(worker);
        try {
            for (std::size_t chained = 0; chained < batches;) {
                if (done[chained].load(std::memory_order_acquire)) {
                    const std::size_t end = std::min(pages, (chained + 1) * kBatch);
                    for (std::size_t i = chained * kBatch; i < end; ++i)
                        update(PageType::normal, gpa + i * kPageSize, contents[i]);
                    ++chained;
                } else if (const std::size_t b = next.fetch_add(1); b < batches) {
                    hash_batch(b);
                } else if (stop.load()) {
                    break;
                } else {
                    std::this_thread::yield();
                }
            }
        } catch (...) {
            stop = true;
            throw;  // the pool finishes its workers on the way out
        }
    }
    if (error) std::rethrow_exception(error);
}

void GuestContext::update_vmsa_page(const VmsaPage& page) { update(PageType::vmsa, kVmsaGpa, sha384(page)); }

VmsaDigests vmsa_page_digests(const VmsaPage& bsp, const VmsaPage& ap) {
    const ByteSpan pages[] = {bsp, ap};
    VmsaDigests d;
    Bytes out(2 * d.bsp.size());
    hash_many(HashAlgo::sha384, pages, out);
    std::copy_n(out.begin(), d.bsp.size(), d.bsp.begin());
    std::copy_n(out.begin() + static_cast<std::ptrdiff_t>(d.bsp.size()), d.ap.size(), d.ap.begin());
    return d;
}

void GuestContext::update_empty_pages(PageType type, std::uint64_t gpa, std::uint64_t size) {
    if (size % kPageSize != 0) {
        throw InputError("SEV metadata section at GPA " + std::to_string(gpa) + " has size " + std::to_string(size) +
                         ", not a multiple of 4096");
    }
    for (std::uint64_t off = 0; off < size; off += kPageSize) update(type, gpa + off, Sha384Digest{});
}

void GuestContext::update_zero_pages(std::uint64_t gpa, std::uint64_t size) {
    update_empty_pages(PageType::zero, gpa, size);
}
void GuestContext::update_unmeasured_pages(std::uint64_t gpa, std::uint64_t size) {
    update_empty_pages(PageType::unmeasured, gpa, size);
}
void GuestContext::update_secrets_page(std::uint64_t gpa) { update(PageType::secrets, gpa, Sha384Digest{}); }
void GuestContext::update_cpuid_page(std::uint64_t gpa) { update(PageType::cpuid, gpa, Sha384Digest{}); }

}  // namespace ccvm::sev
