#include "ccvm/firmware-measure/tdx/mrtd.hpp"

#include <algorithm>
#include <cstring>

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/hash.hpp"

namespace ccvm::tdx {
namespace {

constexpr std::size_t kChunksPerPage = kPageSize / kMrExtendChunk;
// Records are staged in a buffer so SHA-384 sees large updates instead of 128-byte calls.
constexpr std::size_t kStageSize = 256 * 1024;

class RecordStream {
public:
    explicit RecordStream(MrtdStats& stats) : stage_(kStageSize), stats_(stats) {}

    // Intel TDX module spec, TDH.MEM.PAGE.ADD and TDH.MR.EXTEND: "MEM.PAGE.ADD", zero, u64 GPA at 16, zero to 128.
    void page_add(std::uint64_t gpa) {
        std::byte* r = reserve(kMrtdRecordSize);
        std::memset(r, 0, kMrtdRecordSize);
        std::memcpy(r, "MEM.PAGE.ADD", 12);
        store_le<std::uint64_t>({r, kMrtdRecordSize}, 16, gpa);
        ++stats_.page_add_records;
    }

    // Intel TDX module spec, TDH.MEM.PAGE.ADD and TDH.MR.EXTEND: "MR.EXTEND" header record (GPA at 16) followed by the
    // 256 chunk bytes.
    void extend(std::uint64_t gpa, ByteSpan chunk) {
        std::byte* r = reserve(kMrtdRecordSize + kMrExtendChunk);
        std::memset(r, 0, kMrtdRecordSize);
        std::memcpy(r, "MR.EXTEND", 9);
        store_le<std::uint64_t>({r, kMrtdRecordSize}, 16, gpa);
        std::byte* data = r + kMrtdRecordSize;
        std::memcpy(data, chunk.data(), chunk.size());
        // A shorter chunk means the raw data ended: the rest of the page is zero in the TD.
        std::memset(data + chunk.size(), 0, kMrExtendChunk - chunk.size());
        ++stats_.extend_records;
    }

    Sha384Digest finish() {
        flush();
        Sha384Digest out{};
        hasher_.finish(out);
        return out;
    }

private:
    std::byte* reserve(std::size_t n) {
        if (used_ + n > stage_.size()) flush();
        std::byte* p = stage_.data() + used_;
        used_ += n;
        return p;
    }
    void flush() {
        hasher_.update(ByteSpan(stage_.data(), used_));
        stats_.stream_bytes += used_;
        used_ = 0;
    }

    Hasher hasher_{HashAlgo::sha384};
    Bytes stage_;
    std::size_t used_ = 0;
    MrtdStats& stats_;
};

// Bytes of `section` page `page`, chunk `i`, as the TD sees them (raw data, zero past RawDataSize).
ByteSpan chunk_bytes(ByteSpan image, const TdvfSection& s, std::uint64_t page, std::size_t i) {
    const std::uint64_t rel = page * kPageSize + i * kMrExtendChunk;
    if (rel >= s.raw_data_size) return {};
    const std::size_t len = static_cast<std::size_t>(std::min<std::uint64_t>(kMrExtendChunk, s.raw_data_size - rel));
    return checked_subspan(image, static_cast<std::size_t>(s.data_offset + rel), len, "TDVF section data");
}

void extend_page(RecordStream& out, ByteSpan image, const TdvfSection& s, std::uint64_t page) {
    for (std::size_t i = 0; i < kChunksPerPage; ++i)
        out.extend(s.memory_address + page * kPageSize + i * kMrExtendChunk, chunk_bytes(image, s, page, i));
}

}  // namespace

PageAddOrder parse_page_add_order(std::string_view text, std::string_view what) {
    if (text == "single-pass") return PageAddOrder::single_pass;
    if (text == "two-pass") return PageAddOrder::two_pass;
    throw InputError(std::string(what) + ": '" + std::string(text) +
                     "' is not a page-add order (single-pass or two-pass)");
}

std::string_view to_string(PageAddOrder order) noexcept {
    return order == PageAddOrder::single_pass ? "single-pass" : "two-pass";
}

Sha384Digest compute_mrtd(ByteSpan image, const TdvfMetadata& metadata, PageAddOrder order, MrtdStats* stats) {
    MrtdStats local;
    RecordStream out(stats != nullptr ? *stats : local);
    for (const TdvfSection& s : metadata.sections) {
        // Intel TDX module spec, TDH.MEM.PAGE.ADD and TDH.MR.EXTEND: PAGE.AUG pages are added after launch and leave no
        // PAGE.ADD record.
        auto add = [&](std::uint64_t page) {
            if (!s.page_aug()) out.page_add(s.memory_address + page * kPageSize);
        };
        if (order == PageAddOrder::single_pass) {
            for (std::uint64_t p = 0; p < s.pages(); ++p) {
                add(p);
                if (s.mr_extend()) extend_page(out, image, s, p);
            }
        } else {
            for (std::uint64_t p = 0; p < s.pages(); ++p) add(p);
            if (s.mr_extend())
                for (std::uint64_t p = 0; p < s.pages(); ++p) extend_page(out, image, s, p);
        }
    }
    return out.finish();
}

}  // namespace ccvm::tdx
