#include "ccvm/firmware-measure/cca/arm64_image.hpp"

#include <string>

#include "ccvm/base/error.hpp"

namespace ccvm::cca {
namespace {

// booting.rst header offsets.
constexpr std::size_t kTextOffsetOffset = 8;
constexpr std::size_t kImageSizeOffset = 16;
constexpr std::size_t kFlagsOffset = 24;
constexpr std::size_t kMagicOffset = 56;

}  // namespace

Arm64ImageHeader parse_arm64_image_header(ByteSpan image, std::string_view source) {
    if (image.size() < kArm64HeaderSize)
        throw InputError(std::string(source) + ": " + std::to_string(image.size()) +
                         " bytes is too short for an arm64 Image header (64 bytes)");
    if (load_le<std::uint32_t>(image, kMagicOffset) != kArm64ImageMagic)
        throw InputError(std::string(source) +
                         ": not an arm64 Image (no \"ARM\\x64\" magic at offset 56); decompress Image.gz first");
    return {load_le<std::uint64_t>(image, kTextOffsetOffset), load_le<std::uint64_t>(image, kImageSizeOffset),
            load_le<std::uint64_t>(image, kFlagsOffset)};
}

}  // namespace ccvm::cca
