#include "ccvm/firmware-measure/cca/measurement_descriptor.hpp"

#include <algorithm>

namespace ccvm::cca {

Descriptor descriptor_header(DescriptorType type, const MeasurementSlot& rim) {
    Descriptor d{};
    store_le<std::uint8_t>(d, kDescTypeOffset, static_cast<std::uint8_t>(type));
    store_le<std::uint64_t>(d, kDescLenOffset, kDescriptorSize);
    std::copy(rim.begin(), rim.end(), d.begin() + kDescRimOffset);
    return d;
}

}  // namespace ccvm::cca
