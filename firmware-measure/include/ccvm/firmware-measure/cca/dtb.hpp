// Flattened device tree header check. The DTB is measured byte for byte as given, so ccvm only
// verifies it is one (and the same file must be handed to the VMM, e.g. QEMU -dtb).
#pragma once

#include <cstdint>
#include <string_view>

#include "ccvm/base/bytes.hpp"

namespace ccvm::cca {

// Devicetree spec v0.4 §5.2: big-endian header, magic 0xd00dfeed, 40 bytes for version >= 17.
inline constexpr std::uint32_t kFdtMagic = 0xd00dfeed;
inline constexpr std::size_t kFdtHeaderSize = 40;

struct FdtHeader {
    std::uint32_t totalsize = 0;
    std::uint32_t off_dt_struct = 0;
    std::uint32_t off_dt_strings = 0;
    std::uint32_t off_mem_rsvmap = 0;
    std::uint32_t version = 0;
    std::uint32_t size_dt_strings = 0;
    std::uint32_t size_dt_struct = 0;
};

// Parses the header and checks every block lies inside totalsize, and totalsize inside the file
// (trailing padding, as in kvmtool's 64 KiB blob, is allowed). InputError names `source`.
FdtHeader parse_fdt_header(ByteSpan dtb, std::string_view source);

}  // namespace ccvm::cca
