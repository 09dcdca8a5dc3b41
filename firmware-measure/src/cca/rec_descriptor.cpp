#include "ccvm/firmware-measure/cca/rec_descriptor.hpp"

#include <algorithm>

namespace ccvm::cca {

Bytes encode_measured_rec_params(const RecParams& params) {
    Bytes out(kRecParamsSize);
    store_le<std::uint64_t>(out, kRecFlagsOffset, params.flags);
    store_le<std::uint64_t>(out, kRecPcOffset, params.pc);
    for (std::size_t i = 0; i < params.gprs.size(); ++i)
        store_le<std::uint64_t>(out, kRecGprsOffset + 8 * i, params.gprs[i]);
    return out;
}

Descriptor rec_descriptor(const MeasurementSlot& rim, const MeasurementSlot& content) {
    Descriptor d = descriptor_header(DescriptorType::rec, rim);
    std::copy(content.begin(), content.end(), d.begin() + kRecContentOffset);
    return d;
}

}  // namespace ccvm::cca
