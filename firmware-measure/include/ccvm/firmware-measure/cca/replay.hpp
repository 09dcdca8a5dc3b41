// Replays a plan on a Realm: the RIM and REMs the RMM would report.
#pragma once

#include <array>
#include <memory>

#include "ccvm/base/bytes.hpp"
#include "ccvm/firmware-measure/cca/plan.hpp"
#include "ccvm/firmware-measure/cca/rem.hpp"
#include "ccvm/firmware-measure/cca/rtt_block_split.hpp"
#include "ccvm/firmware-measure/cca/trace.hpp"

namespace ccvm::cca {

struct ReplayOptions {
    bool trace = false;
    std::shared_ptr<const RttBlockSplitPolicy> block_split;  // null = KVM split for the plan's s2sz
    unsigned threads = 0;
};

struct RealmMeasurements {
    MeasurementAlgo algo = MeasurementAlgo::sha256;
    Bytes rim;                          // digest length
    std::array<Bytes, kRemCount> rems;  // digest length
    Trace trace;                        // filled with ReplayOptions::trace
};

RealmMeasurements replay(const Plan& plan, const ReplayOptions& options = {});

}  // namespace ccvm::cca
