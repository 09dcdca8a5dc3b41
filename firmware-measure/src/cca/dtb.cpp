#include "ccvm/firmware-measure/cca/dtb.hpp"

#include <string>

#include "ccvm/base/error.hpp"

namespace ccvm::cca {
namespace {

// Devicetree spec §5.2 struct fdt_header field offsets (big-endian u32).
constexpr std::size_t kMagicOffset = 0;
constexpr std::size_t kTotalsizeOffset = 4;
constexpr std::size_t kOffDtStructOffset = 8;
constexpr std::size_t kOffDtStringsOffset = 12;
constexpr std::size_t kOffMemRsvmapOffset = 16;
constexpr std::size_t kVersionOffset = 20;
constexpr std::size_t kSizeDtStringsOffset = 32;
constexpr std::size_t kSizeDtStructOffset = 36;
// Version 17 is what dtc, QEMU and kvmtool write; 16 lacks size_dt_struct.
constexpr std::uint32_t kMinVersion = 17;

std::uint32_t be32(ByteSpan b, std::size_t off) {
    return static_cast<std::uint32_t>(std::to_integer<std::uint8_t>(b[off])) << 24 |
           static_cast<std::uint32_t>(std::to_integer<std::uint8_t>(b[off + 1])) << 16 |
           static_cast<std::uint32_t>(std::to_integer<std::uint8_t>(b[off + 2])) << 8 |
           static_cast<std::uint32_t>(std::to_integer<std::uint8_t>(b[off + 3]));
}

}  // namespace

FdtHeader parse_fdt_header(ByteSpan dtb, std::string_view source) {
    auto fail = [&](const std::string& what) { throw InputError(std::string(source) + ": not a usable DTB: " + what); };
    if (dtb.size() < kFdtHeaderSize) fail(std::to_string(dtb.size()) + " bytes is shorter than the 40-byte FDT header");
    if (be32(dtb, kMagicOffset) != kFdtMagic) fail("no FDT magic 0xd00dfeed at offset 0");
    FdtHeader h;
    h.totalsize = be32(dtb, kTotalsizeOffset);
    h.off_dt_struct = be32(dtb, kOffDtStructOffset);
    h.off_dt_strings = be32(dtb, kOffDtStringsOffset);
    h.off_mem_rsvmap = be32(dtb, kOffMemRsvmapOffset);
    h.version = be32(dtb, kVersionOffset);
    h.size_dt_strings = be32(dtb, kSizeDtStringsOffset);
    h.size_dt_struct = be32(dtb, kSizeDtStructOffset);
    if (h.version < kMinVersion) fail("FDT version " + std::to_string(h.version) + " is older than 17");
    if (h.totalsize < kFdtHeaderSize || h.totalsize > dtb.size())
        fail("totalsize " + std::to_string(h.totalsize) + " does not fit the " + std::to_string(dtb.size()) +
             "-byte file");
    auto inside = [&](std::uint64_t off, std::uint64_t len, const char* what) {
        if (off < kFdtHeaderSize || off + len > h.totalsize) fail(std::string(what) + " block lies outside totalsize");
    };
    inside(h.off_mem_rsvmap, 16, "memory reservation");  // at least the terminating entry
    inside(h.off_dt_struct, h.size_dt_struct, "structure");
    inside(h.off_dt_strings, h.size_dt_strings, "strings");
    return h;
}

}  // namespace ccvm::cca
