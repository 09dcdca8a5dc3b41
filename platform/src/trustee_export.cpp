// `ccvm export trustee`: reference values, initdata, resource policy and upload steps for Trustee.
#include "ccvm/platform/trustee_export.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <utility>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/platform/initdata.hpp"
#include "ccvm/platform/measure_spec.hpp"

namespace ccvm::platform {
namespace {

// A register as measure_spec names it -> the reference-value name Trustee's policies query, and
// whether the default CPU policy needs it (an unknown value there means no release at all).
struct RegisterName {
    std::string_view ccvm;
    std::string_view trustee;
    bool required;
};

// ear_default_policy_cpu.rego: "snp_launch_measurement" (SNP executables), "mr_td" (TDX hardware),
// "rtmr_1" and "rtmr_2" (TDX executables). RTMR 0 and 3 are exported with the same pattern when
// known. CCA: the name deps/verifier/test_data/cca/conf/default.rego reads the RIM under; Trustee's
// default CPU policy has no CCA rules, so REMs go under the same prefix.
constexpr std::array<RegisterName, 11> kRegisterNames{{
    {"launch_digest", "snp_launch_measurement", true},
    {"mrtd", "mr_td", true},
    {"rtmr0", "rtmr_0", false},
    {"rtmr1", "rtmr_1", true},
    {"rtmr2", "rtmr_2", true},
    {"rtmr3", "rtmr_3", false},
    {"rim", "cca.realm.cca-realm-initial-measurement", true},
    {"rem0", "cca.realm.cca-realm-extensible-measurement-0", false},
    {"rem1", "cca.realm.cca-realm-extensible-measurement-1", false},
    {"rem2", "cca.realm.cca-realm-extensible-measurement-2", false},
    {"rem3", "cca.realm.cca-realm-extensible-measurement-3", false},
}};

// The guest-policy fields the default policy compares for SNP (its `configuration` rule), from the
// spec's policy (SEV-SNP ABI, GUEST_POLICY: ABI_MINOR 7:0, ABI_MAJOR 15:8, SMT 16, SINGLE_SOCKET 20).
void add_snp_policy(std::uint64_t policy, json::Value& values) {
    values["snp_guest_abi_major"] = (policy >> 8) & 0xff;
    values["snp_guest_abi_minor"] = policy & 0xff;
    values["snp_smt_allowed"] = ((policy >> 16) & 1) != 0;
    values["snp_single_socket"] = ((policy >> 20) & 1) != 0;
}

// Trustee's sample provenance: name -> list of accepted values (the policy's `x in` checks), or a
// single value where the policy compares with == (the SNP policy fields).
json::Value reference_values(const VmSpec& spec) {
    const Registers registers = measure_spec(spec).registers;
    json::Value values = json::Value::object();
    // In report order, so the file and the README list them as `ccvm measure` does.
    for (const std::string& name : register_names(spec.tee)) {
        const RegisterName* known = nullptr;
        for (const RegisterName& r : kRegisterNames)
            if (r.ccvm == name) known = &r;
        if (known == nullptr) continue;
        if (const auto it = registers.values.find(name); it != registers.values.end()) {
            values[std::string(known->trustee)] = json::Value::array({to_hex(it->second)});
            continue;
        }
        if (!known->required) continue;
        const auto why = registers.not_computed.find(name);
        throw InputError(spec.source + ": export trustee: " + name + " (Trustee " + std::string(known->trustee) +
                         ") cannot be computed for this spec" +
                         (why != registers.not_computed.end() ? " (" + why->second + ")" : "") +
                         "; pin it with tee.reference-values." + name);
    }
    if (const auto* o = spec.options<SnpOptions>()) add_snp_policy(o->policy, values);
    return values;
}

struct InitdataChoice {
    std::string text;
    Bytes binding;
};

InitdataChoice choose_initdata(const VmSpec& spec, std::string_view kbs_url) {
    const std::size_t size = *initdata_field_size(spec.tee);
    InitdataChoice out;
    if (spec.initdata) {
        if (!kbs_url.empty())
            throw InputError("--kbs-url: the spec names its own initdata (" + spec.initdata->string() +
                             "); the URLs in it are what the guest uses");
        try {
            out.text = read_text_file(*spec.initdata);
        } catch (const InputError& e) {
            throw InputError(spec.where("initdata") + ": initdata: " + e.what());
        }
        out.binding = fit_initdata_digest(initdata_digest(parse_initdata(out.text, spec.initdata->string())), size);
        return out;
    }
    const std::string key = "tee." + std::string(*initdata_field_key(spec.tee));
    if (spec.locations.contains(key))
        throw InputError(spec.where(key) + ": " + key +
                         ": Trustee finds a VM by its initdata: remove this field and name initdata: FILE");
    if (kbs_url.empty())
        throw InputError(spec.source +
                         ": export trustee: the spec names no initdata; give --kbs-url TRUSTEE_URL (an initdata "
                         "naming it is written) or set initdata: FILE");
    out.text = default_initdata(spec.name, kbs_url);
    out.binding = fit_initdata_digest(initdata_digest(parse_initdata(out.text, "initdata")), size);
    return out;
}

// Rego string literal: JSON escaping is valid Rego (the names here are plain ASCII anyway).
std::string rego_string(std::string_view s) { return json::escape(s); }

std::string resource_policy(const VmSpec& spec, const Bytes& binding) {
    std::string set;
    for (const RuntimeSecret& s : spec.runtime_secrets) set += (set.empty() ? "" : ", ") + rego_string(s.resource);
    std::string p;
    p += "# KBS resource policy written by `ccvm export trustee` for VM " + spec.name + " (tee " +
         std::string(tee_name(spec.tee)) + ").\n";
    p += "# Releases the VM's resources only when every EAR submodule is affirming (as Trustee's\n";
    p += "# kbs/sample_policies/affirming.rego) and the attested initdata is this VM's.\n";
    p += "package policy\n\nimport rego.v1\n\ndefault allow := false\n\n";
    p += "vm_resources := {" + set + "}\n\n";
    p += "vm_init_data := " + rego_string(to_hex(binding)) + "\n\n";
    p += "allow if {\n";
    p += "\tdata.plugin == \"resource\"\n";
    p += "\tconcat(\"/\", data[\"resource-path\"]) in vm_resources\n";
    p += "\tcount(input.submods) > 0\n";
    p += "\tnot any_not_affirming\n";
    p += "\tcount(this_vm) == count(input.submods)\n";
    p += "}\n\n";
    p += "any_not_affirming if {\n";
    p += "\tsome _, submod in input.submods\n";
    p += "\tsubmod[\"ear.status\"] != \"affirming\"\n";
    p += "}\n\n";
    p += "# Submodules whose attested initdata (the TEE's HOST_DATA / MRCONFIGID / personalization\n";
    p += "# value, checked against the initdata the guest sent) is this VM's; a missing claim counts as other.\n";
    p += "this_vm := [submod |\n";
    p += "\tsome _, submod in input.submods\n";
    p += "\tsubmod[\"ear.veraison.annotated-evidence\"].init_data == vm_init_data\n";
    p += "]\n";
    return p;
}

// The kbs-client argument that stores `value` as Trustee's policy reads it.
std::string sample_value_args(const json::Value& value) {
    if (value.is_array()) return value.at(0).get<std::string>();
    if (value.is_boolean()) return std::string(value.get<bool>() ? "true" : "false") + " --as-bool --as-single-value";
    return std::to_string(value.get<std::uint64_t>()) + " --as-integer --as-single-value";
}

std::string readme(const VmSpec& spec, const json::Value& values, bool spec_initdata) {
    std::string r;
    r += "# Serving VM " + spec.name + " from Trustee\n\n";
    r += "Written by `ccvm export trustee` from " + spec.source + " (tee " + std::string(tee_name(spec.tee)) +
         "). With a Trustee KBS at `$KBS` and its admin token in `$TOKEN`, upload the reference values, the ";
    r += "resources and the resource policy:\n\n```sh\n";
    for (const auto& [name, value] : values.items())
        r += "kbs-client --url \"$KBS\" config --admin-token-file \"$TOKEN\" set-sample-reference-value " + name + " " +
             sample_value_args(value) + "\n";
    for (const RuntimeSecret& s : spec.runtime_secrets)
        r += "kbs-client --url \"$KBS\" config --admin-token-file \"$TOKEN\" set-resource --path " + s.resource +
             " --resource-file " + s.file.string() + "\n";
    r += "kbs-client --url \"$KBS\" config --admin-token-file \"$TOKEN\" set-resource-policy --policy-file " +
         std::string(kResourcePolicyFile) + "\n```\n\n";
    r += "`" + std::string(kRvpsMessageFile) +
         "` holds the same reference values as one RVPS message (sample provenance) for an RVPS "
         "that accepts it directly (`rvps-tool register --path " +
         std::string(kRvpsMessageFile) + " --addr http://RVPS:50003`); `" + std::string(kReferenceValuesFile) +
         "` is its payload in plain JSON. The platform's own values the default policy also checks "
         "(SNP TCB versions and SMT/TSME state, TDX XFAM and TCB status) are not in the spec: add them "
         "for your hosts. `set-resource-policy` replaces the KBS's whole resource policy: merge `" +
         std::string(kResourcePolicyFile) + "` with the rules for other VMs the KBS serves.\n\n";
    r += spec_initdata ? "`" + std::string(kInitdataFile) + "` is the spec's initdata, unchanged.\n"
                       : "`" + std::string(kInitdataFile) +
                             "` names the Trustee URL: add `initdata: " + std::string(kInitdataFile) +
                             "` (its absolute path) to the spec before `ccvm create`, so that the VM's initdata "
                             "digest is the one the policy expects.\n";
    return r;
}

}  // namespace

TrusteeExport export_trustee(const VmSpec& spec, std::string_view kbs_url) {
    if (!initdata_field_size(spec.tee))
        throw InputError(spec.source + ": export trustee: tee " + std::string(tee_name(spec.tee)) +
                         " is not attested at run time through a KBS (sev-snp, tdx and cca are)");
    const json::Value values = reference_values(spec);
    const InitdataChoice initdata = choose_initdata(spec, kbs_url);
    json::Value message;
    // rvps/src/lib.rs `Message` and rvps/src/extractors/sample: the payload is base64 of the JSON.
    message["version"] = "0.1.0";
    message["type"] = "sample";
    message["payload"] = to_base64(as_bytes(values.dump()));
    TrusteeExport out;
    out.files.push_back({std::string(kRvpsMessageFile), message.dump(4) + "\n"});
    out.files.push_back({std::string(kReferenceValuesFile), values.dump(4) + "\n"});
    out.files.push_back({std::string(kInitdataFile), initdata.text});
    out.files.push_back({std::string(kResourcePolicyFile), resource_policy(spec, initdata.binding)});
    out.files.push_back({std::string(kReadmeFile), readme(spec, values, spec.initdata.has_value())});
    return out;
}

}  // namespace ccvm::platform
