#include "ccvm/firmware-measure/tdx/qemu_kernel_loader.hpp"

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string>

#include "ccvm/base/error.hpp"
#include "ccvm/base/hex_number.hpp"
#include "ccvm/firmware-measure/tdx/q35_memory.hpp"

namespace ccvm::tdx {
namespace {

// Linux Documentation/arch/x86/boot.rst: setup header offsets.
constexpr std::size_t kSetupSects = 0x1f1;
constexpr std::size_t kVidMode = 0x1fa;
constexpr std::size_t kHeaderMagic = 0x202;
constexpr std::uint32_t kHdrS = 0x53726448;  // "HdrS"
constexpr std::size_t kVersion = 0x206;
constexpr std::size_t kKernelVersion = 0x20e;
constexpr std::size_t kTypeOfLoader = 0x210;
constexpr std::size_t kLoadflags = 0x211;
constexpr std::size_t kRamdiskSize = 0x21c;
constexpr std::size_t kHeapEndPtr = 0x224;
constexpr std::size_t kCmdLinePtr = 0x228;
constexpr std::size_t kInitrdAddrMax = 0x22c;
constexpr std::size_t kXloadflags = 0x236;
constexpr std::uint16_t kXlfCanBeLoadedAbove4G = 1u << 1;  // QEMU XLF_CAN_BE_LOADED_ABOVE_4G
constexpr std::uint8_t kLoadedHigh = 0x01;
constexpr std::uint8_t kCanUseHeap = 0x80;
constexpr std::uint8_t kQemuLoaderType = 0xb0;
// x86_load_linux: "high but ancient kernel" layout for protocol >= 2.02 with LOADED_HIGH.
constexpr std::uint32_t kRealAddr = 0x10000;
constexpr std::uint32_t kCmdlineAddr = 0x20000;
constexpr std::uint32_t kDefaultInitrdMax = 0x37ffffff;

// x86_load_linux "handle vga= parameter".
std::optional<std::uint16_t> vga_mode(std::string_view cmdline) {
    std::size_t at = cmdline.find("vga=");
    if (at == std::string_view::npos) return std::nullopt;
    std::string_view v = cmdline.substr(at + 4);
    if (v.starts_with("normal")) return 0xffff;
    if (v.starts_with("ext")) return 0xfffe;
    if (v.starts_with("ask")) return 0xfffd;
    std::string text(v.substr(0, v.find(' ')));
    return static_cast<std::uint16_t>(std::strtol(text.c_str(), nullptr, 0));
}

}  // namespace

SetupHeader parse_setup_header(ByteSpan kernel, std::string_view source) {
    const std::string what = std::string(source) + ": Linux setup header";
    SetupHeader h;
    std::uint8_t sects = load_le<std::uint8_t>(kernel, kSetupSects, what);
    h.setup_size = (static_cast<std::size_t>(sects == 0 ? 4 : sects) + 1) * 512;
    if (load_le<std::uint32_t>(kernel, kHeaderMagic, what) != kHdrS) return h;
    h.protocol = load_le<std::uint16_t>(kernel, kVersion, what);
    h.loadflags = load_le<std::uint8_t>(kernel, kLoadflags, what);
    if (h.protocol >= 0x203) h.initrd_addr_max = load_le<std::uint32_t>(kernel, kInitrdAddrMax, what);
    if (h.protocol >= 0x20c) h.xloadflags = load_le<std::uint16_t>(kernel, kXloadflags, what);
    const std::uint16_t version_ptr = load_le<std::uint16_t>(kernel, kKernelVersion, what);
    if (version_ptr != 0 && version_ptr + 0x200u < kernel.size()) {
        ByteSpan text =
            kernel.subspan(version_ptr + 0x200u, std::min<std::size_t>(256, kernel.size() - version_ptr - 0x200u));
        std::string_view s = as_chars(text);
        h.kernel_version = std::string(s.substr(0, s.find('\0')));
    }
    return h;
}

std::optional<std::pair<int, int>> linux_release(const SetupHeader& header) {
    std::string_view v = header.kernel_version;
    int major = 0, minor = 0;
    auto [p1, e1] = std::from_chars(v.data(), v.data() + v.size(), major);
    if (e1 != std::errc() || p1 == v.data() + v.size() || *p1 != '.') return std::nullopt;
    auto [p2, e2] = std::from_chars(p1 + 1, v.data() + v.size(), minor);
    if (e2 != std::errc() || p2 == p1 + 1) return std::nullopt;
    return std::pair{major, minor};
}

Bytes qemu_patched_setup(ByteSpan kernel, const QemuLoadParams& params, std::string_view source) {
    const SetupHeader hdr = parse_setup_header(kernel, source);
    if (hdr.protocol < 0x202 || (hdr.loadflags & kLoadedHigh) == 0) {
        throw InputError(std::string(source) + ": Linux boot protocol " + hex_number(hdr.protocol) +
                         " without LOADED_HIGH is not supported (an EFI-stub bzImage is protocol >= 2.02)");
    }
    Bytes setup(checked_subspan(kernel, 0, hdr.setup_size, std::string(source) + ": setup sectors").begin(),
                kernel.begin() + static_cast<std::ptrdiff_t>(hdr.setup_size));

    store_le<std::uint32_t>(setup, kCmdLinePtr, kCmdlineAddr);
    store_le<std::uint8_t>(setup, kTypeOfLoader, kQemuLoaderType);
    store_le<std::uint8_t>(setup, kLoadflags, static_cast<std::uint8_t>(hdr.loadflags | kCanUseHeap));
    store_le<std::uint16_t>(setup, kHeapEndPtr, static_cast<std::uint16_t>(kCmdlineAddr - kRealAddr - 0x200));

    if (params.initrd_size) {
        std::uint64_t initrd_max = kDefaultInitrdMax;
        if (hdr.protocol >= 0x20c && (hdr.xloadflags & kXlfCanBeLoadedAbove4G) != 0) {
            initrd_max = 0xffffffff;
        } else if (hdr.protocol >= 0x203 && hdr.initrd_addr_max != 0) {
            initrd_max = hdr.initrd_addr_max;
        }
        const std::uint64_t below_4g = q35_memory_map(params.memory).below_4g;
        if (below_4g <= kQemuAcpiDataSize)
            throw InputError("guest memory of " + hex_number(params.memory) + " bytes is too small for the ACPI data");
        if (initrd_max >= below_4g - kQemuAcpiDataSize) initrd_max = below_4g - kQemuAcpiDataSize - 1;
        if (*params.initrd_size >= initrd_max) {
            throw InputError("initrd of " + std::to_string(*params.initrd_size) + " bytes is too large for " +
                             hex_number(params.memory) + " bytes of guest RAM (QEMU: \"initrd is too large\")");
        }
        const std::uint32_t initrd_addr =
            static_cast<std::uint32_t>((initrd_max - *params.initrd_size) & ~std::uint64_t{0xfff});
        store_le<std::uint32_t>(setup, kRamdiskImage, initrd_addr);
        store_le<std::uint32_t>(setup, kRamdiskSize, static_cast<std::uint32_t>(*params.initrd_size));
    }
    if (auto mode = vga_mode(params.cmdline)) store_le<std::uint16_t>(setup, kVidMode, *mode);
    return setup;
}

}  // namespace ccvm::tdx
