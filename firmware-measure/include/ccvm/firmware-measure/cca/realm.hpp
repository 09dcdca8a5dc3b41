// The RIM of one realm under construction: RMI_REALM_CREATE, then the measured RMI calls in the
// order the host makes them, then RSI_MEASUREMENT_EXTEND from inside the realm.
#pragma once

#include <cstdint>
#include <map>
#include <memory>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/cca/measurement.hpp"
#include "ccvm/firmware-measure/cca/realm_params.hpp"
#include "ccvm/firmware-measure/cca/rec_descriptor.hpp"
#include "ccvm/firmware-measure/cca/rem.hpp"
#include "ccvm/firmware-measure/cca/rtt_block_split.hpp"
#include "ccvm/firmware-measure/cca/trace.hpp"

namespace ccvm::cca {

struct RealmOptions {
    RmmVersion rmm_version = RmmVersion::v1_0;
    // RTT split for INIT_RIPAS; null = KvmBlockSplit(s2sz).
    std::shared_ptr<const RttBlockSplitPolicy> block_split;
    Trace* trace = nullptr;  // when set, every measurement step is appended
    unsigned threads = 0;    // granule hashing threads (0 = hash_threads())
};

class Realm {
public:
    // RMI_REALM_CREATE: validates the parameters and sets RIM = H(RmiRealmParams).
    Realm(const RealmParams& params, RealmOptions options = {});

    // RMI_RTT_INIT_RIPAS over [base, top): one RIPAS descriptor per RTT entry (RMM 1.0);
    // RMM 2.0 no longer measures it.
    void init_ripas(std::uint64_t base, std::uint64_t top);
    // RMI_DATA_CREATE with RMI_MEASURE_CONTENT for every granule the blob touches; an unaligned
    // blob is zero-filled from its granule start and up to its granule end.
    void data_create(std::uint64_t ipa, ByteSpan blob);
    // RMI_DATA_CREATE with RMI_NO_MEASURE_CONTENT over the granules of [ipa, ipa + size).
    void data_create_unmeasured(std::uint64_t ipa, std::uint64_t size);
    // RMI_REC_CREATE: measured only when RUNNABLE.
    void rec_create(const RecParams& params);
    // RSI_MEASUREMENT_EXTEND of REM[index] (0..3).
    void measurement_extend(std::size_t index, ByteSpan data);

    MeasurementAlgo algo() const noexcept { return params_.hash_algo; }
    Bytes rim() const { return slot_value(rim_, params_.hash_algo); }
    Bytes rem(std::size_t index) const { return rems_.value(index); }

private:
    void extend_rim(const Descriptor& desc);
    // RMI_DATA_CREATE fails on a granule that is already assigned: reject overlapping blobs.
    void assign_granules(std::uint64_t first, std::uint64_t end, std::uint64_t ipa, std::uint64_t size);
    void record(TraceEntry entry) const;

    RealmParams params_;
    RealmOptions options_;
    Hasher hasher_;
    MeasurementSlot rim_{};
    Rems rems_;
    std::map<std::uint64_t, std::uint64_t> assigned_;  // granule-aligned [start, end) of DATA ranges
};

}  // namespace ccvm::cca
