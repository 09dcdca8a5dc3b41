// Fuzzes the VM spec parser and the XML renderer behind it (no file is read: inputs name no file
// that exists, and rendering only reads files for blobs the spec names).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ccvm/base/error.hpp"
#include "ccvm/platform/domain_xml.hpp"
#include "ccvm/platform/vm_spec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        auto spec =
            ccvm::platform::parse_vm_spec(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.yaml");
        (void)ccvm::platform::render_domain_xml(spec);
    } catch (const ccvm::Error&) {}
    return 0;
}
