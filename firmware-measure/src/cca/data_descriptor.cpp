#include "ccvm/firmware-measure/cca/data_descriptor.hpp"

#include <algorithm>

namespace ccvm::cca {

Descriptor data_descriptor(const MeasurementSlot& rim, std::uint64_t ipa, DataFlags flags,
                           const MeasurementSlot& content) {
    Descriptor d = descriptor_header(DescriptorType::data, rim);
    store_le<std::uint64_t>(d, kDataIpaOffset, ipa);
    store_le<std::uint64_t>(d, kDataFlagsOffset, static_cast<std::uint64_t>(flags));
    std::copy(content.begin(), content.end(), d.begin() + kDataContentOffset);
    return d;
}

}  // namespace ccvm::cca
