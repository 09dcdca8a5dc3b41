// RMI_REC_CREATE: the measured RmiRecParams and its measurement descriptor.
#pragma once

#include <array>
#include <cstdint>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/cca/measurement_descriptor.hpp"

namespace ccvm::cca {

// RMM spec RmiRecParams (4096 bytes): u64 flags at 0x000, u64 mpidr at 0x100 (not measured),
// u64 pc at 0x200, u64 gprs[8] at 0x300.
inline constexpr std::size_t kRecParamsSize = 4096;
inline constexpr std::size_t kRecFlagsOffset = 0x000;
inline constexpr std::size_t kRecPcOffset = 0x200;
inline constexpr std::size_t kRecGprsOffset = 0x300;
// RmiRecCreateFlags bit 0: RUNNABLE. Only runnable RECs are measured (TF-RMM runtime/rmi/rec.c).
inline constexpr std::uint64_t kRecFlagRunnable = 1;

// measurement_descs.h struct measurement_desc_rec: content[64] at 0x50.
inline constexpr std::size_t kRecContentOffset = 0x50;

struct RecParams {
    std::uint64_t flags = kRecFlagRunnable;
    std::uint64_t mpidr = 0;  // never measured: vCPU identity does not enter the RIM
    std::uint64_t pc = 0;
    std::array<std::uint64_t, 8> gprs{};
};

// The 4096-byte RmiRecParams as hashed for the REC content: flags, pc and gprs only.
Bytes encode_measured_rec_params(const RecParams& params);

Descriptor rec_descriptor(const MeasurementSlot& rim, const MeasurementSlot& content);

}  // namespace ccvm::cca
