#include "ccvm/firmware-measure/tdx/uefi_variable.hpp"

#include "ccvm/firmware-measure/tdx/load_options.hpp"

namespace ccvm::tdx {

Bytes uefi_variable_data(const Guid& vendor, std::string_view name, ByteSpan data) {
    Bytes out(vendor.bytes.begin(), vendor.bytes.end());
    append_le<std::uint64_t>(out, name.size());
    append_le<std::uint64_t>(out, data.size());
    append(out, utf16le(name));
    append(out, data);
    return out;
}

}  // namespace ccvm::tdx
