// Fuzzes the TDVF metadata parser (footer table walk, descriptor, section validation) and, for
// images that parse, the MRTD stream and TD HOB builder over them.
#include <cstddef>
#include <cstdint>

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/tdx/mrtd.hpp"
#include "ccvm/firmware-measure/tdx/td_hob.hpp"
#include "ccvm/firmware-measure/tdx/tdvf_metadata.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ccvm::ByteSpan image(reinterpret_cast<const std::byte*>(data), size);
    try {
        const auto md = ccvm::tdx::parse_tdvf_metadata(image, "fuzz");
        std::uint64_t pages = 0;
        for (const auto& s : md.sections) pages += s.pages();
        if (pages <= 4096) (void)ccvm::tdx::compute_mrtd(image, md, ccvm::tdx::PageAddOrder::two_pass);
        (void)ccvm::tdx::build_td_hob(md, 0x100000000ull);
    } catch (const ccvm::Error&) {}
    return 0;
}
