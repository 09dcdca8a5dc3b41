#include "ccvm/firmware-measure/cca/replay.hpp"

#include "ccvm/base/mapped_file.hpp"
#include "ccvm/firmware-measure/cca/realm.hpp"

namespace ccvm::cca {
namespace {

// Applies one plan operation to the realm; files are mapped only while their DATA is created.
struct ApplyOp {
    Realm& realm;
    void operator()(const InitRipasOp& op) const { realm.init_ripas(op.base, op.top); }
    void operator()(const DataOp& op) const {
        if (const auto* path = std::get_if<std::filesystem::path>(&op.source)) {
            const MappedFile file(*path);
            realm.data_create(op.ipa, file.bytes());
        } else {
            realm.data_create(op.ipa, std::get<Bytes>(op.source));
        }
    }
    void operator()(const DataUnmeasuredOp& op) const { realm.data_create_unmeasured(op.ipa, op.size); }
    void operator()(const RecOp& op) const { realm.rec_create(op.params); }
    void operator()(const RemExtendOp& op) const { realm.measurement_extend(op.index, op.data); }
};

}  // namespace

RealmMeasurements replay(const Plan& plan, const ReplayOptions& options) {
    RealmMeasurements out;
    RealmOptions realm_options;
    realm_options.rmm_version = plan.rmm_version;
    realm_options.block_split = options.block_split;
    realm_options.trace = options.trace ? &out.trace : nullptr;
    realm_options.threads = options.threads;
    Realm realm(plan.realm_params, std::move(realm_options));
    for (const PlanOp& op : plan.ops) std::visit(ApplyOp{realm}, op);
    out.algo = realm.algo();
    out.rim = realm.rim();
    for (std::size_t i = 0; i < kRemCount; ++i) out.rems[i] = realm.rem(i);
    return out;
}

}  // namespace ccvm::cca
