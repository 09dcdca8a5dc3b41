// Realm Extensible Measurements: RSI_MEASUREMENT_EXTEND with the RMM's semantics.
#pragma once

#include <array>
#include <cstddef>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/cca/measurement.hpp"

namespace ccvm::cca {

// RSI_MEASUREMENT_EXTEND index 1..4 selects REM0..REM3; data is at most 64 bytes (X3..X10).
inline constexpr std::size_t kRemCount = 4;
inline constexpr std::size_t kMaxExtendSize = 64;

class Rems {
public:
    explicit Rems(MeasurementAlgo algo) : algo_(algo) {}
    // REM[index] := H(REM[index][0:digest_len] || data) (TF-RMM attest_measurement.c
    // app_do_extend). Not veraison's rem_extend, which drops the old value and pads the data.
    void extend(std::size_t index, ByteSpan data);
    const MeasurementSlot& slot(std::size_t index) const { return rems_.at(index); }
    Bytes value(std::size_t index) const { return slot_value(rems_.at(index), algo_); }

private:
    MeasurementAlgo algo_;
    std::array<MeasurementSlot, kRemCount> rems_{};  // REMs start at zero
};

}  // namespace ccvm::cca
