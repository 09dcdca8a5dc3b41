#include "ccvm/firmware-measure/cca/realm.hpp"

#include <string>

#include "ccvm/base/error.hpp"
#include "ccvm/base/hex_number.hpp"
#include "ccvm/firmware-measure/cca/data_descriptor.hpp"
#include "ccvm/firmware-measure/cca/ripas_descriptor.hpp"
#include "granule_hashes.hpp"

namespace ccvm::cca {
namespace {

TraceEntry step(TraceKind kind, Bytes result) {
    TraceEntry t;
    t.kind = kind;
    t.result = std::move(result);
    return t;
}

TraceEntry data_step(std::uint64_t ipa, DataFlags flags, Bytes content, Bytes result) {
    TraceEntry t = step(TraceKind::data, std::move(result));
    t.base = ipa;
    t.flags = static_cast<std::uint64_t>(flags);
    t.content = std::move(content);
    return t;
}

}  // namespace

Realm::Realm(const RealmParams& params, RealmOptions options)
    : params_(params), options_(std::move(options)), hasher_(hash_algo(params.hash_algo)), rems_(params.hash_algo) {
    validate(params_, options_.rmm_version, "realm parameters");
    if (!options_.block_split) options_.block_split = std::make_shared<KvmBlockSplit>(params_.s2sz);
    rim_ = measure(hasher_, encode_measured_realm_params(params_));
    record(step(TraceKind::realm_create, rim()));
}

void Realm::extend_rim(const Descriptor& desc) { rim_ = measure(hasher_, desc); }

void Realm::record(TraceEntry entry) const {
    if (options_.trace) options_.trace->push_back(std::move(entry));
}

void Realm::init_ripas(std::uint64_t base, std::uint64_t top) {
    const std::vector<RttEntry> entries = split_ripas_range(*options_.block_split, base, top);
    // TF-RMM bdb07f46 (RMM 2.0): RTT_INIT_RIPAS no longer extends the RIM.
    if (options_.rmm_version == RmmVersion::v2_0) return;
    for (const RttEntry& e : entries) {
        extend_rim(ripas_descriptor(rim_, e.base, e.base + e.size));
        if (!options_.trace) continue;
        TraceEntry t = step(TraceKind::ripas, rim());
        t.base = e.base;
        t.top = e.base + e.size;
        record(std::move(t));
    }
}

void Realm::assign_granules(std::uint64_t first, std::uint64_t end, std::uint64_t ipa, std::uint64_t size) {
    auto next = assigned_.lower_bound(end);
    if (next != assigned_.begin()) {
        auto prev = std::prev(next);
        if (prev->second > first)
            throw InputError("DATA at " + hex_number(ipa) + " (+" + hex_number(size) +
                             ") shares granules with the DATA range [" + hex_number(prev->first) + ", " +
                             hex_number(prev->second) + "): RMI_DATA_CREATE fails on an assigned granule");
    }
    assigned_.emplace(first, end);
}

void Realm::data_create(std::uint64_t ipa, ByteSpan blob) {
    if (blob.empty()) return;  // nothing is loaded, nothing is created
    const std::uint64_t first = align_down(ipa, kGranuleSize);
    if (ipa > UINT64_MAX - kGranuleSize || blob.size() > UINT64_MAX - kGranuleSize - ipa)
        throw InputError("DATA at " + hex_number(ipa) + ": blob of " + std::to_string(blob.size()) +
                         " bytes runs past the IPA space");
    const GranuleView view(blob, ipa - first);
    assign_granules(first, first + view.count() * kGranuleSize, ipa, blob.size());
    hash_and_chain(view, params_.hash_algo, options_.threads, [&](std::uint64_t i, const MeasurementSlot& content) {
        const std::uint64_t gipa = first + i * kGranuleSize;
        extend_rim(data_descriptor(rim_, gipa, DataFlags::measure_content, content));
        if (options_.trace)
            record(data_step(gipa, DataFlags::measure_content, slot_value(content, params_.hash_algo), rim()));
    });
}

void Realm::data_create_unmeasured(std::uint64_t ipa, std::uint64_t size) {
    if (size == 0) return;
    if (ipa > UINT64_MAX - kGranuleSize || size > UINT64_MAX - kGranuleSize - ipa)
        throw InputError("unmeasured DATA at " + hex_number(ipa) + " (+" + hex_number(size) +
                         ") runs past the IPA space");
    const std::uint64_t first = align_down(ipa, kGranuleSize);
    const std::uint64_t end = align_up(ipa + size, kGranuleSize);
    assign_granules(first, end, ipa, size);
    const MeasurementSlot zero{};  // RMI_NO_MEASURE_CONTENT: the content field stays zero
    for (std::uint64_t g = first; g < end; g += kGranuleSize) {
        extend_rim(data_descriptor(rim_, g, DataFlags::no_measure_content, zero));
        if (options_.trace)
            record(data_step(g, DataFlags::no_measure_content, slot_value(zero, params_.hash_algo), rim()));
    }
}

void Realm::rec_create(const RecParams& params) {
    if (!(params.flags & kRecFlagRunnable)) return;  // TF-RMM rec.c measures RUNNABLE RECs only
    const MeasurementSlot content = measure(hasher_, encode_measured_rec_params(params));
    extend_rim(rec_descriptor(rim_, content));
    TraceEntry t = step(TraceKind::rec, rim());
    t.flags = params.flags;
    t.content = slot_value(content, params_.hash_algo);
    record(std::move(t));
}

void Realm::measurement_extend(std::size_t index, ByteSpan data) {
    rems_.extend(index, data);
    TraceEntry t = step(TraceKind::rem_extend, rem(index));
    t.index = index;
    t.content.assign(data.begin(), data.end());
    record(std::move(t));
}

}  // namespace ccvm::cca
