#include "ccvm/platform/measure_spec.hpp"

#include "ccvm/platform/tee_family.hpp"

namespace ccvm::platform {

json::Value measure_spec(const VmSpec& spec) {
    json::Value out = json::Object{};
    out.set("name", spec.name);
    out.set("tee", std::string(tee_name(spec.tee)));
    json::Value family = tee_family(spec.tee).measure(spec);
    for (auto& [key, value] : family.as_object_mut()) out.set(key, std::move(value));
    return out;
}

}  // namespace ccvm::platform
