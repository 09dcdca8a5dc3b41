#include "ccvm/firmware-measure/cca/ripas_descriptor.hpp"

namespace ccvm::cca {

Descriptor ripas_descriptor(const MeasurementSlot& rim, std::uint64_t base, std::uint64_t top) {
    Descriptor d = descriptor_header(DescriptorType::ripas, rim);
    store_le<std::uint64_t>(d, kRipasBaseOffset, base);
    store_le<std::uint64_t>(d, kRipasTopOffset, top);
    return d;
}

}  // namespace ccvm::cca
