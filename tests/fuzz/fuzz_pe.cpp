// Fuzzes the PE/COFF Authenticode walker and the Linux setup-header reader / QEMU patch.
#include <cstddef>
#include <cstdint>

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/tdx/pe_authenticode.hpp"
#include "ccvm/firmware-measure/tdx/qemu_kernel_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ccvm::ByteSpan image(reinterpret_cast<const std::byte*>(data), size);
    try {
        (void)ccvm::tdx::authenticode_sha384(image);
    } catch (const ccvm::Error&) {}
    try {
        (void)ccvm::tdx::linux_release(ccvm::tdx::parse_setup_header(image));
        const auto setup = ccvm::tdx::qemu_patched_setup(image, {0x80000000, 0x1000, "vga=ext"});
        (void)ccvm::tdx::authenticode_sha384(image, setup);
    } catch (const ccvm::Error&) {}
    return 0;
}
