// The arm64 Linux Image header (Documentation/arch/arm64/booting.rst), which VMMs read to place
// the kernel and what follows it.
#pragma once

#include <cstdint>
#include <string_view>

#include "ccvm/base/bytes.hpp"

namespace ccvm::cca {

// booting.rst: 64-byte header; u64 text_offset at 8, u64 image_size at 16, u64 flags at 24,
// u32 magic "ARM\x64" at 56.
inline constexpr std::size_t kArm64HeaderSize = 64;
inline constexpr std::uint32_t kArm64ImageMagic = 0x644d5241;

struct Arm64ImageHeader {
    std::uint64_t text_offset = 0;
    std::uint64_t image_size = 0;  // effective size in memory including BSS; 0 on pre-3.17 kernels
    std::uint64_t flags = 0;
};

// Throws InputError naming `source` when the image is too short or has no arm64 magic (for
// example a compressed Image.gz, which must be decompressed first).
Arm64ImageHeader parse_arm64_image_header(ByteSpan image, std::string_view source);

}  // namespace ccvm::cca
