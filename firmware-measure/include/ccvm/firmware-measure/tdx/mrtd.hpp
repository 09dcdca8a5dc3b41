// MRTD (Intel TDX module spec, TDH.MEM.PAGE.ADD and TDH.MR.EXTEND): one SHA-384 stream of 128-byte TDH.MEM.PAGE.ADD /
// TDH.MR.EXTEND records.
#pragma once

#include <cstdint>
#include <string_view>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/digest.hpp"
#include "ccvm/firmware-measure/tdx/tdvf_metadata.hpp"

namespace ccvm::tdx {

// Intel TDX module spec, TDH.MEM.PAGE.ADD and TDH.MR.EXTEND: which SEAMCALL sequence the host VMM issues.
enum class PageAddOrder {
    single_pass,  // per page: PAGE.ADD then its 16 EXTENDs (upstream KVM, GCE, td-shim)
    two_pass,     // per section: every PAGE.ADD, then every EXTEND (QEMU 8.x TDX trees)
};

// "single-pass" | "two-pass"; throws InputError naming `what`.
PageAddOrder parse_page_add_order(std::string_view text, std::string_view what = "page-add-order");
std::string_view to_string(PageAddOrder order) noexcept;

// Intel TDX module spec, TDH.MEM.PAGE.ADD and TDH.MR.EXTEND: record layout.
inline constexpr std::size_t kMrtdRecordSize = 128;
inline constexpr std::size_t kMrExtendChunk = 256;

struct MrtdStats {
    std::uint64_t page_add_records = 0;
    std::uint64_t extend_records = 0;
    std::uint64_t stream_bytes = 0;  // bytes fed to SHA-384
};

// MRTD of `image` laid out as `metadata` says (metadata must come from the same image).
Sha384Digest compute_mrtd(ByteSpan image, const TdvfMetadata& metadata, PageAddOrder order, MrtdStats* stats = nullptr);

}  // namespace ccvm::tdx
