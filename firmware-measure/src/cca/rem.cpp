#include "ccvm/firmware-measure/cca/rem.hpp"

#include <string>

#include "ccvm/base/error.hpp"

namespace ccvm::cca {

void Rems::extend(std::size_t index, ByteSpan data) {
    if (index >= kRemCount) throw InputError("REM index " + std::to_string(index) + " is outside 0..3");
    if (data.size() > kMaxExtendSize)
        throw InputError("REM extend data is " + std::to_string(data.size()) +
                         " bytes; RSI_MEASUREMENT_EXTEND takes at most 64");
    Hasher h(hash_algo(algo_));
    h.update(ByteSpan(rems_[index]).first(digest_size(algo_)));
    rems_[index] = measure(h, data);
}

}  // namespace ccvm::cca
