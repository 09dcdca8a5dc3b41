// ccvm-spec(5) parser: YAML -> VmSpec, with every schema and combination check that needs no file.
#include "ccvm/platform/vm_spec.hpp"
#include "ccvm/base/hex_number.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <set>
#include <sstream>
#include <utility>

#include "ccvm/base/echo_input.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/guid.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/platform/initdata.hpp"
#include "ccvm/platform/tee_family.hpp"
#include "yaml_reader.hpp"

#include <yaml-cpp/eventhandler.h>

namespace ccvm::platform {
namespace {

using yaml::Map;
using yaml::Reader;

constexpr std::array<std::pair<TeeKind, std::string_view>, 9> kTeeNames{{
    {TeeKind::none, "none"},
    {TeeKind::sev, "sev"},
    {TeeKind::sev_es, "sev-es"},
    {TeeKind::sev_snp, "sev-snp"},
    {TeeKind::tdx, "tdx"},
    {TeeKind::cca, "cca"},
    {TeeKind::csv, "csv"},
    {TeeKind::csv2, "csv2"},
    {TeeKind::csv3, "csv3"},
}};

// Guest policy bits (sev.md §8, csv.md §2).
constexpr std::uint32_t kPolicyEs = 1u << 2;
constexpr std::uint32_t kPolicyCsv3 = 1u << 6;
constexpr std::uint32_t kPolicyAsidReuse = 1u << 7;
// SNP guest policy bit 17 is reserved and must be one (SEV-SNP ABI, "GUEST_POLICY").
constexpr std::uint64_t kSnpPolicyReservedMbo = 1ull << 17;
constexpr std::uint64_t kSnpFeatureSnpActive = 1;  // sev.md §7, SEV_FEATURES bit 0

constexpr std::size_t kMaxSpecSize = 1 << 20;

// What a SEV-family kind demands of its policy's ES and CSV3 bits, and its default policy.
struct SevPolicyRule {
    TeeKind kind;
    bool es, csv3;
    std::uint32_t default_policy;
};
constexpr std::array<SevPolicyRule, 5> kSevPolicyRules{{
    {TeeKind::sev, false, false, 0x1},    // NODBG
    {TeeKind::sev_es, true, false, 0x5},  // NODBG | ES
    {TeeKind::csv, false, false, 0x1},
    {TeeKind::csv2, true, false, 0x5},
    {TeeKind::csv3, true, true, 0x45},  // NODBG | ES | CSV3 (csv.md §2)
}};

const SevPolicyRule* sev_rule(TeeKind kind) {
    for (const auto& r : kSevPolicyRules)
        if (r.kind == kind) return &r;
    return nullptr;
}

bool is_csv(TeeKind k) { return k == TeeKind::csv || k == TeeKind::csv2 || k == TeeKind::csv3; }

SevOptions parse_sev(Reader& r, const Map& tee, TeeKind kind) {
    const SevPolicyRule& rule = *sev_rule(kind);
    SevOptions o;
    o.policy = rule.default_policy;
    if (auto n = tee.get("policy")) {
        o.policy = static_cast<std::uint32_t>(yaml::uint_value(r, *n, "tee.policy", UINT32_MAX));
        std::string name(tee_name(kind));
        if (((o.policy & kPolicyEs) != 0) != rule.es)
            r.fail(*n, "tee.policy",
                   rule.es ? name + " needs the ES policy bit (0x4) set, got " + hex_number(o.policy)
                           : "policy " + hex_number(o.policy) + " sets the ES bit (0x4): use tee type " +
                                 (is_csv(kind) ? "csv2" : "sev-es"));
        if (((o.policy & kPolicyCsv3) != 0) != rule.csv3)
            r.fail(*n, "tee.policy",
                   rule.csv3 ? "csv3 needs the CSV3 policy bit (0x40) set, got " + hex_number(o.policy)
                             : "policy " + hex_number(o.policy) + " sets the CSV3 bit (0x40): use tee type csv3");
    }
    if (auto n = tee.get("kernel-hashes")) o.kernel_hashes = yaml::bool_value(r, *n, "tee.kernel-hashes");
    if (auto n = tee.get("handle"))
        o.handle = static_cast<std::uint32_t>(yaml::uint_value(r, *n, "tee.handle", UINT32_MAX));
    if (auto n = tee.get("dh-cert-file")) o.dh_cert_file = yaml::path_value(r, *n, "tee.dh-cert-file");
    if (auto n = tee.get("session-file")) o.session_file = yaml::path_value(r, *n, "tee.session-file");
    if (o.session_file.has_value() != o.dh_cert_file.has_value())
        r.fail(tee.node(), "tee", "dh-cert-file and session-file come together (both from one launch session)");
    if (auto n = tee.get("user-id")) {
        if (kind == TeeKind::csv3) r.fail(*n, "tee.user-id", "csv3 guests do not reuse ASIDs (csv.md §3)");
        if ((o.policy & kPolicyAsidReuse) == 0)
            r.fail(*n, "tee.user-id", "needs the ASID_REUSE policy bit (0x80), policy is " + hex_number(o.policy));
        o.user_id = static_cast<std::uint32_t>(yaml::uint_value(r, *n, "tee.user-id", UINT32_MAX));
    }
    return o;
}

SnpOptions parse_snp(Reader& r, const Map& tee) {
    SnpOptions o;
    if (auto n = tee.get("policy")) {
        o.policy = yaml::uint_value(r, *n, "tee.policy");
        if ((o.policy & kSnpPolicyReservedMbo) == 0)
            r.fail(*n, "tee.policy",
                   "SNP policy bit 17 is reserved and must be 1 (default 0x30000), got " + hex_number(o.policy));
    }
    if (auto n = tee.get("guest-features")) {
        o.guest_features = yaml::uint_value(r, *n, "tee.guest-features");
        if ((o.guest_features & kSnpFeatureSnpActive) == 0)
            r.fail(*n, "tee.guest-features", "bit 0 (SNPActive) must be set, got " + hex_number(o.guest_features));
    }
    if (auto n = tee.get("kernel-hashes")) o.kernel_hashes = yaml::bool_value(r, *n, "tee.kernel-hashes");
    if (auto n = tee.get("author-key")) o.author_key = yaml::bool_value(r, *n, "tee.author-key");
    if (auto n = tee.get("vcek")) o.vcek = yaml::bool_value(r, *n, "tee.vcek");
    if (auto n = tee.get("host-data")) o.host_data = yaml::blob_value(r, *n, "tee.host-data", 32);
    if (auto n = tee.get("guest-visible-workarounds"))
        o.guest_visible_workarounds = yaml::blob_value(r, *n, "tee.guest-visible-workarounds", 16);
    if (auto n = tee.get("id-block-file")) o.id_block_file = yaml::path_value(r, *n, "tee.id-block-file");
    if (auto n = tee.get("id-auth-file")) o.id_auth_file = yaml::path_value(r, *n, "tee.id-auth-file");
    if (o.id_auth_file && !o.id_block_file)
        r.fail(*tee.get("id-auth-file"), "tee.id-auth-file",
               "an ID auth structure signs an ID block: set id-block-file too");
    if (auto n = tee.get("id-key")) o.id_key = yaml::path_value(r, *n, "tee.id-key");
    if (auto n = tee.get("id-author-key")) o.id_author_key = yaml::path_value(r, *n, "tee.id-author-key");
    if (auto n = tee.get("family-id")) o.family_id = yaml::blob_value(r, *n, "tee.family-id", 16);
    if (auto n = tee.get("image-id")) o.image_id = yaml::blob_value(r, *n, "tee.image-id", 16);
    if (auto n = tee.get("guest-svn"))
        o.guest_svn = static_cast<std::uint32_t>(yaml::uint_value(r, *n, "tee.guest-svn", UINT32_MAX));
    if (o.id_key && o.id_block_file)
        r.fail(*tee.get("id-key"), "tee.id-key", "sign the ID block from the spec or give id-block-file, not both");
    if (!o.id_key) {
        for (const char* key : {"id-author-key", "family-id", "image-id", "guest-svn"}) {
            if (auto n = tee.get(key))
                r.fail(*n, std::string("tee.") + key, "belongs to the ID block ccvm signs: set tee.id-key too");
        }
    }
    if (o.id_author_key) o.author_key = true;
    if (o.author_key && !o.id_auth_file && !o.id_author_key)
        r.fail(*tee.get("author-key"), "tee.author-key",
               "the author key lives in the ID auth structure: set id-auth-file or id-author-key");
    return o;
}

TdxOptions parse_tdx(Reader& r, const Map& tee) {
    TdxOptions o;
    if (auto n = tee.get("attributes")) o.attributes = yaml::uint_value(r, *n, "tee.attributes");
    // SHA-384 sized owner-defined values (tdx.md §9).
    if (auto n = tee.get("mrconfigid")) o.mrconfigid = yaml::blob_value(r, *n, "tee.mrconfigid", 48);
    if (auto n = tee.get("mrowner")) o.mrowner = yaml::blob_value(r, *n, "tee.mrowner", 48);
    if (auto n = tee.get("mrownerconfig")) o.mrownerconfig = yaml::blob_value(r, *n, "tee.mrownerconfig", 48);
    if (auto n = tee.get("quote-generation-socket"))
        o.quote_generation_socket = yaml::path_value(r, *n, "tee.quote-generation-socket");
    return o;
}

CcaOptions parse_cca(Reader& r, const Map& tee) {
    CcaOptions o;
    if (auto n = tee.get("hash-algo"))
        o.hash_algo = yaml::choice_value(r, *n, "tee.hash-algo", {"sha256", "sha512"}) == "sha256"
                          ? CcaHashAlgo::sha256
                          : CcaHashAlgo::sha512;
    // QEMU rme-guest takes exactly 64 bytes (cca.md §7).
    if (auto n = tee.get("personalization-value"))
        o.personalization_value = yaml::blob_value(r, *n, "tee.personalization-value", 64);
    if (auto n = tee.get("measurement-log")) o.measurement_log = yaml::bool_value(r, *n, "tee.measurement-log");
    if (auto n = tee.get("dtb")) o.dtb = yaml::path_value(r, *n, "tee.dtb");
    return o;
}

// Bytes of each register a family reports: SNP MEASUREMENT and TDX MRTD/RTMRs are SHA-384 sized;
// CCA RIM/REMs take the realm's hash algorithm (cca.md §2).
std::size_t register_size(const VmSpec& spec) {
    if (const auto* o = spec.options<CcaOptions>()) return o->hash_algo == CcaHashAlgo::sha256 ? 32 : 64;
    return 48;
}

void parse_reference_values(Reader& r, const YAML::Node& node, VmSpec& spec) {
    const std::string key = "tee.reference-values";
    if (!node.IsMap()) r.fail(node, key, "expected a mapping of register names to hex values");
    const std::vector<std::string> names = tee_family(spec.tee).registers();
    std::string known;
    for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
    for (const auto& kv : node) {
        const std::string name = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
        const std::string path = key + "." + name;
        if (std::find(names.begin(), names.end(), name) == names.end())
            r.fail(kv.first, key,
                   "'" + echo_input(name) + "' is not a register of tee type " + std::string(tee_name(spec.tee)) +
                       " (known: " + known + ")");
        if (spec.reference_values.contains(name)) r.fail(kv.first, path, "duplicate key");
        r.locations()[path] = r.position(kv.first.Mark());
        spec.reference_values.emplace(name, from_base64(yaml::blob_value(r, kv.second, path, register_size(spec))));
    }
}

void parse_tee(Reader& r, const YAML::Node& node, VmSpec& spec) {
    // yaml-cpp's Node::operator= writes through to the referenced node, so never reassign one.
    std::optional<Map> tee;
    if (node.IsMap()) {
        // Each family accepts only its own options; the full list keeps the message useful.
        tee.emplace(r, node, "tee",
                    std::initializer_list<std::string_view>{"type",
                                                            "policy",
                                                            "kernel-hashes",
                                                            "handle",
                                                            "dh-cert-file",
                                                            "session-file",
                                                            "user-id",
                                                            "guest-features",
                                                            "author-key",
                                                            "vcek",
                                                            "host-data",
                                                            "guest-visible-workarounds",
                                                            "id-block-file",
                                                            "id-auth-file",
                                                            "id-key",
                                                            "id-author-key",
                                                            "family-id",
                                                            "image-id",
                                                            "guest-svn",
                                                            "attributes",
                                                            "mrconfigid",
                                                            "mrowner",
                                                            "mrownerconfig",
                                                            "quote-generation-socket",
                                                            "hash-algo",
                                                            "personalization-value",
                                                            "measurement-log",
                                                            "dtb",
                                                            "reference-values"});
    }
    const YAML::Node type_node = tee ? tee->require("type") : node;
    std::string type = yaml::string_value(r, type_node, node.IsMap() ? "tee.type" : "tee");
    auto kind = tee_from_name(type);
    if (!kind)
        r.fail(type_node, node.IsMap() ? "tee.type" : "tee",
               "unknown TEE '" + echo_input(type) + "' (known: none, sev, sev-es, sev-snp, tdx, csv, csv2, csv3, cca)");
    spec.tee = *kind;
    if (!tee) {
        if (sev_rule(*kind))
            spec.tee_options = parse_sev(r, Map(r, YAML::Node(YAML::NodeType::Map), "tee", {}), *kind);
        else if (*kind == TeeKind::sev_snp)
            spec.tee_options = SnpOptions{};
        else if (*kind == TeeKind::tdx)
            spec.tee_options = TdxOptions{};
        else if (*kind == TeeKind::cca)
            spec.tee_options = CcaOptions{};
        return;
    }

    static const std::map<TeeKind, std::set<std::string_view>> allowed = {
        {TeeKind::none, {"type"}},
        {TeeKind::sev, {"type", "policy", "kernel-hashes", "handle", "dh-cert-file", "session-file"}},
        {TeeKind::sev_es, {"type", "policy", "kernel-hashes", "handle", "dh-cert-file", "session-file"}},
        {TeeKind::csv, {"type", "policy", "kernel-hashes", "handle", "dh-cert-file", "session-file", "user-id"}},
        {TeeKind::csv2, {"type", "policy", "kernel-hashes", "handle", "dh-cert-file", "session-file", "user-id"}},
        {TeeKind::csv3, {"type", "policy", "kernel-hashes", "handle", "dh-cert-file", "session-file", "user-id"}},
        {TeeKind::sev_snp,
         {"type", "policy", "guest-features", "kernel-hashes", "author-key", "vcek", "host-data",
          "guest-visible-workarounds", "id-block-file", "id-auth-file", "id-key", "id-author-key", "family-id",
          "image-id", "guest-svn", "reference-values"}},
        {TeeKind::tdx,
         {"type", "attributes", "mrconfigid", "mrowner", "mrownerconfig", "quote-generation-socket",
          "reference-values"}},
        {TeeKind::cca, {"type", "hash-algo", "personalization-value", "measurement-log", "dtb", "reference-values"}},
    };
    for (const auto& kv : node) {
        if (!allowed.at(*kind).contains(kv.first.Scalar()))
            r.fail(kv.first, "tee." + kv.first.Scalar(), "not an option of tee type " + type);
    }
    if (sev_rule(*kind))
        spec.tee_options = parse_sev(r, *tee, *kind);
    else if (*kind == TeeKind::sev_snp)
        spec.tee_options = parse_snp(r, *tee);
    else if (*kind == TeeKind::tdx)
        spec.tee_options = parse_tdx(r, *tee);
    else if (*kind == TeeKind::cca)
        spec.tee_options = parse_cca(r, *tee);
    if (auto n = tee->get("reference-values")) parse_reference_values(r, *n, spec);
}

void parse_host(Reader& r, const YAML::Node& node, HostProfile& h) {
    Map m(r, node, "host",
          {"qemu-version", "edk2-version", "vmsa-profile", "vmm-type", "vcpu-signature", "cbitpos", "reduced-phys-bits",
           "page-add-order", "acpi-dir", "rmm-version", "ipa-bits", "sve-vl", "pmu-counters", "num-bps", "num-wps",
           "lpa2"});
    if (auto n = m.get("qemu-version")) h.qemu_version = yaml::string_value(r, *n, "host.qemu-version");
    if (auto n = m.get("edk2-version")) h.edk2_version = yaml::string_value(r, *n, "host.edk2-version");
    if (auto n = m.get("vmsa-profile"))
        h.vmsa_profile = yaml::choice_value(r, *n, "host.vmsa-profile", {"modern", "legacy"});
    if (auto n = m.get("vmm-type")) h.vmm_type = yaml::choice_value(r, *n, "host.vmm-type", {"QEMU", "ec2", "gce"});
    if (auto n = m.get("vcpu-signature"))
        h.vcpu_signature = static_cast<std::uint32_t>(yaml::uint_value(r, *n, "host.vcpu-signature", UINT32_MAX));
    if (auto n = m.get("cbitpos")) h.cbitpos = static_cast<std::uint32_t>(yaml::uint_value(r, *n, "host.cbitpos", 63));
    if (auto n = m.get("reduced-phys-bits"))
        h.reduced_phys_bits = static_cast<std::uint32_t>(yaml::uint_value(r, *n, "host.reduced-phys-bits", 63));
    if (auto n = m.get("page-add-order"))
        h.page_add_order = yaml::choice_value(r, *n, "host.page-add-order", {"single-pass", "two-pass"});
    if (auto n = m.get("acpi-dir")) h.acpi_dir = yaml::path_value(r, *n, "host.acpi-dir");
    if (auto n = m.get("rmm-version")) h.rmm_version = yaml::choice_value(r, *n, "host.rmm-version", {"1.0", "2.0"});
    auto small = [&](const char* key, std::optional<std::uint32_t>& out, std::uint64_t max) {
        if (auto n = m.get(key))
            out = static_cast<std::uint32_t>(yaml::uint_value(r, *n, std::string("host.") + key, max));
    };
    small("ipa-bits", h.ipa_bits, 64);
    small("sve-vl", h.sve_vl, 2048);
    small("pmu-counters", h.pmu_counters, 31);
    small("num-bps", h.num_bps, 64);
    small("num-wps", h.num_wps, 64);
    if (auto n = m.get("lpa2")) h.lpa2 = yaml::bool_value(r, *n, "host.lpa2");
}

std::string parse_name(const Reader& r, const YAML::Node& n) {
    std::string name = yaml::string_value(r, n, "name");
    // Names become libvirt domain names, state directories and D-Bus object paths.
    auto ok_char = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    };
    bool ok = !name.empty() && name.size() <= 64 && std::isalnum(static_cast<unsigned char>(name[0]));
    for (char c : name) ok = ok && ok_char(c);
    if (!ok)
        r.fail(n, "name",
               "expected 1-64 letters, digits, '.', '_' or '-' starting with a letter or digit, got '" +
                   echo_input(name) + "'");
    return name;
}

void parse_disks(Reader& r, const YAML::Node& node, VmSpec& spec) {
    std::set<std::string> targets;
    auto items = yaml::sequence_value(r, node, "disks");
    for (std::size_t i = 0; i < items.size(); ++i) {
        std::string path = "disks[" + std::to_string(i) + "]";
        Map m(r, items[i], path, {"file", "format", "target", "readonly"});
        Disk d;
        d.file = yaml::path_value(r, m.require("file"), path + ".file");
        if (auto n = m.get("format")) d.format = yaml::choice_value(r, *n, path + ".format", {"raw", "qcow2"});
        if (auto n = m.get("target")) {
            d.target = yaml::string_value(r, *n, path + ".target");
            bool ok = d.target.size() >= 3 && d.target.size() <= 6 && d.target.starts_with("vd");
            for (std::size_t k = 2; k < d.target.size(); ++k) ok = ok && d.target[k] >= 'a' && d.target[k] <= 'z';
            if (!ok)
                r.fail(*n, path + ".target",
                       "expected a virtio disk name such as vda, got '" + echo_input(d.target) + "'");
        } else {
            if (i >= 26) r.fail(items[i], path, "more than 26 disks need explicit targets");
            d.target = std::string("vd") + static_cast<char>('a' + i);
        }
        if (auto n = m.get("readonly")) d.readonly = yaml::bool_value(r, *n, path + ".readonly");
        if (!targets.insert(d.target).second)
            r.fail(items[i], path + ".target", "target " + d.target + " is used twice");
        spec.disks.push_back(std::move(d));
    }
}

void parse_network(Reader& r, const YAML::Node& node, VmSpec& spec) {
    auto items = yaml::sequence_value(r, node, "network");
    for (std::size_t i = 0; i < items.size(); ++i) {
        std::string path = "network[" + std::to_string(i) + "]";
        Map m(r, items[i], path, {"type", "source", "model", "mac"});
        NetworkInterface nic;
        if (auto n = m.get("type")) nic.type = yaml::choice_value(r, *n, path + ".type", {"user", "network", "bridge"});
        if (auto n = m.get("source")) {
            if (nic.type == "user") r.fail(*n, path + ".source", "a user-mode interface has no source");
            nic.source = yaml::string_value(r, *n, path + ".source");
            if (nic.source.empty()) r.fail(*n, path + ".source", "must not be empty");
        } else if (nic.type != "user") {
            r.fail(items[i], path + ".source", "a " + nic.type + " interface needs the " + nic.type + " name");
        }
        if (auto n = m.get("model"))
            nic.model = yaml::choice_value(r, *n, path + ".model", {"virtio", "e1000", "e1000e", "rtl8139"});
        if (auto n = m.get("mac")) {
            std::string mac = yaml::string_value(r, *n, path + ".mac");
            bool ok = mac.size() == 17;
            for (std::size_t k = 0; ok && k < mac.size(); ++k)
                ok = k % 3 == 2 ? mac[k] == ':' : std::isxdigit(static_cast<unsigned char>(mac[k])) != 0;
            if (!ok)
                r.fail(*n, path + ".mac",
                       "expected a MAC address like 52:54:00:12:34:56, got '" + echo_input(mac) + "'");
            nic.mac = mac;
        }
        spec.network.push_back(std::move(nic));
    }
}

bool runtime_secrets_family(TeeKind k) { return k == TeeKind::sev_snp || k == TeeKind::tdx || k == TeeKind::cca; }

// Trustee's resource path (kbs/src/plugins/implementations/resource/backend.rs, ResourceDesc):
// three parts, each starting with a letter, digit, '_' or '-' and going on with those or '.'.
bool valid_resource_path(std::string_view path) {
    std::size_t parts = 0;
    std::size_t begin = 0;
    while (begin <= path.size()) {
        const std::size_t end = std::min(path.find('/', begin), path.size());
        const std::string_view part = path.substr(begin, end - begin);
        if (part.empty() || part.size() > 128 || part.front() == '.') return false;
        for (char c : part)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') return false;
        ++parts;
        begin = end + 1;
    }
    return parts == 3;
}

void parse_secrets(Reader& r, const YAML::Node& node, VmSpec& spec) {
    std::set<std::string> guids, resources;
    const std::string tee(tee_name(spec.tee));
    const bool runtime = runtime_secrets_family(spec.tee);
    auto items = yaml::sequence_value(r, node, "secrets");
    for (std::size_t i = 0; i < items.size(); ++i) {
        std::string path = "secrets[" + std::to_string(i) + "]";
        // Secret values are never inline: only a GUID (injected at launch, SEV/CSV) or a KBS
        // resource path (released at run time, SNP/TDX/CCA), and the file that holds the bytes.
        Map m(r, items[i], path, {"guid", "resource", "file"});
        if (auto res = m.get("resource")) {
            if (m.has("guid")) r.fail(*res, path, "give guid (SEV/CSV launch secret) or resource (KBS), not both");
            if (spec.tee != TeeKind::none && !runtime)
                r.fail(*res, path + ".resource",
                       tee +
                           " guests take secrets at launch by GUID; resource (runtime release over the KBS "
                           "protocol) is for sev-snp, tdx and cca");
            RuntimeSecret s;
            s.key = path;
            s.resource = yaml::string_value(r, *res, path + ".resource");
            if (!valid_resource_path(s.resource))
                r.fail(*res, path + ".resource",
                       "expected REPO/TYPE/TAG (letters, digits, '_', '-', '.'), got '" + echo_input(s.resource) + "'");
            s.file = yaml::path_value(r, m.require("file"), path + ".file");
            if (!resources.insert(s.resource).second)
                r.fail(*res, path + ".resource", "resource " + s.resource + " is listed twice");
            spec.runtime_secrets.push_back(std::move(s));
            continue;
        }
        YAML::Node g = m.require("guid");
        if (runtime)
            r.fail(g, path + ".guid",
                   tee +
                       " guests have no launch secret injection: name the secret as resource: REPO/TYPE/TAG "
                       "(released at run time over the KBS protocol)");
        SecretRef s;
        try {
            s.guid = Guid::parse(yaml::string_value(r, g, path + ".guid")).to_string();
        } catch (const InputError&) {
            r.fail(g, path + ".guid",
                   "expected a GUID like 736869e5-84f0-4973-92ec-06879ce3da0b, got '" + echo_input(g.Scalar()) + "'");
        }
        s.file = yaml::path_value(r, m.require("file"), path + ".file");
        if (!guids.insert(s.guid).second) r.fail(g, path + ".guid", "GUID " + s.guid + " is used twice");
        spec.secrets.push_back(std::move(s));
    }
}

void parse_libvirt(Reader& r, const YAML::Node& node, VmSpec& spec) {
    Map m(r, node, "libvirt", {"uri", "domain-type", "emulator"});
    if (auto n = m.get("uri")) {
        spec.libvirt_uri = yaml::string_value(r, *n, "libvirt.uri");
        if (spec.libvirt_uri.find(":/") == std::string::npos)
            r.fail(*n, "libvirt.uri",
                   "expected a libvirt URI such as qemu:///system, got '" + echo_input(spec.libvirt_uri) + "'");
    }
    if (auto n = m.get("domain-type"))
        spec.domain_type = yaml::choice_value(r, *n, "libvirt.domain-type", {"kvm", "qemu", "test"});
    if (auto n = m.get("emulator")) spec.emulator = yaml::path_value(r, *n, "libvirt.emulator");
}

// Discards parse events; only counts documents.
class DocumentCounter final : public YAML::EventHandler {
public:
    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
};

// Documents in `text`, counting at most `limit`. yaml-cpp 0.7's LoadAll() can loop forever on a
// stray token (jbeder/yaml-cpp#1040, fixed upstream by #1319), so the loop here is bounded.
std::size_t count_documents(std::string_view text, std::size_t limit) {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    DocumentCounter counter;
    std::size_t n = 0;
    while (n < limit && parser.HandleNextDocument(counter)) ++n;
    return n;
}

// initdata binds to one field of the family's evidence, which the spec then must not set itself.
void check_initdata(Reader& r, const Map& top, const VmSpec& spec) {
    const auto n = top.get("initdata");
    if (!n) return;
    const std::optional<std::string_view> field = initdata_field_key(spec.tee);
    if (!field)
        r.fail(
            *n, "initdata",
            "tee " + std::string(tee_name(spec.tee)) +
                " reports no field to bind initdata to (sev-snp HOST_DATA, tdx MRCONFIGID, cca personalization value)");
    bool set = false;
    if (const auto* o = spec.options<SnpOptions>()) set = o->host_data.has_value();
    if (const auto* o = spec.options<TdxOptions>()) set = o->mrconfigid.has_value();
    if (const auto* o = spec.options<CcaOptions>()) set = o->personalization_value.has_value();
    if (!set) return;
    const std::string key = "tee." + std::string(*field);
    const auto& loc = r.locations();
    const auto at = loc.find(key);
    r.fail(*n, "initdata",
           "conflicts with " + key + (at != loc.end() ? " (" + at->second + ")" : std::string()) +
               ": the initdata digest is that field's value; remove one of them");
}

// Combinations that cannot work whatever the files contain.
void check_combinations(const Reader& r, const Map& top, const VmSpec& spec) {
    auto node_of = [&](std::string_view key) { return top.get(key).value_or(top.node()); };
    std::string tee(tee_name(spec.tee));
    if (spec.tee != TeeKind::none && spec.domain_type == "qemu")
        r.fail(node_of("libvirt"), "libvirt.domain-type", tee + " guests need hardware virtualization (kvm), not TCG");
    bool x86_tee = spec.tee != TeeKind::none && spec.tee != TeeKind::cca;
    if (x86_tee && !spec.firmware)
        r.fail(node_of("tee"), "firmware", tee + " guests boot through OVMF/TDVF: set firmware");
    if (spec.tee == TeeKind::cca && !spec.firmware && !spec.kernel)
        r.fail(node_of("tee"), "kernel", "a realm needs a kernel or a firmware image to run");
    if (!spec.kernel) {
        for (const char* k : {"initrd", "cmdline"})
            if (top.has(k)) r.fail(*top.get(k), k, "needs a kernel (direct kernel boot)");
    }
    bool kernel_hashes = false;
    if (const auto* o = spec.options<SevOptions>()) kernel_hashes = o->kernel_hashes;
    if (const auto* o = spec.options<SnpOptions>()) kernel_hashes = o->kernel_hashes;
    if (kernel_hashes && !spec.kernel)
        r.fail(node_of("tee"), "tee.kernel-hashes", "measures the kernel, initrd and cmdline: set kernel");
    if (spec.machine) {
        bool arm = spec.tee == TeeKind::cca;
        bool needs_q35 = spec.tee == TeeKind::tdx || spec.tee == TeeKind::sev_snp;
        bool ok = arm ? *spec.machine == "virt" : (*spec.machine == "q35" || (*spec.machine == "pc" && !needs_q35));
        if (!ok) r.fail(node_of("machine"), "machine", "machine " + *spec.machine + " cannot run " + tee + " guests");
    }
    if (spec.tee == TeeKind::none && (!spec.secrets.empty() || !spec.runtime_secrets.empty()))
        r.fail(node_of("secrets"), "secrets", "secrets are released to confidential guests only; tee is none");
    if (spec.tee == TeeKind::none && !spec.firmware && !spec.kernel && spec.disks.empty())
        r.fail(top.node(), "spec", "nothing to boot: set kernel, firmware or disks");
}

}  // namespace

std::string_view tee_name(TeeKind kind) noexcept {
    for (const auto& [k, n] : kTeeNames)
        if (k == kind) return n;
    return "none";
}

std::optional<TeeKind> tee_from_name(std::string_view name) noexcept {
    for (const auto& [k, n] : kTeeNames)
        if (n == name) return k;
    return std::nullopt;
}

std::string VmSpec::where(const std::string& key) const {
    auto it = locations.find(key);
    return it != locations.end() ? it->second : source;
}

VmSpec parse_vm_spec(std::string_view text, std::string_view source) {
    Reader r{std::string(source)};
    if (text.size() > kMaxSpecSize)
        throw InputError(std::string(source) + ": spec is larger than " + std::to_string(kMaxSpecSize) + " bytes");
    // Before yaml-cpp builds anything: its memory grows with nesting (issue: "[" x 500000).
    yaml::check_text_limits(text, source, yaml::TextLimits{.max_bytes = kMaxSpecSize});
    YAML::Node loaded;
    try {
        loaded.reset(YAML::Load(std::string(text)));
    } catch (const YAML::Exception& e) {
        throw InputError(r.position(e.mark) + ": " + e.msg);
    }
    const YAML::Node& root = loaded;
    VmSpec spec;
    spec.source = std::string(source);
    try {
        Map top(r, root, "",
                {"name", "uuid", "tee", "vcpus", "memory", "cpu-model", "machine", "firmware", "kernel", "initrd",
                 "cmdline", "disks", "network", "secrets", "initdata", "serial-log", "host", "libvirt"});
        if (count_documents(text, 2) > 1)
            throw InputError(std::string(source) + ": expected one YAML document, found more ('---')");
        spec.name = parse_name(r, top.require("name"));
        if (auto n = top.get("uuid")) {
            std::string u = yaml::string_value(r, *n, "uuid");
            try {
                spec.uuid = Guid::parse(u).to_string();
            } catch (const InputError&) {
                r.fail(*n, "uuid",
                       "expected a UUID like 8f5e3c2a-0d4b-4e8f-9a1c-2b3d4e5f6a7b, got '" + echo_input(u) + "'");
            }
        }
        if (auto n = top.get("tee")) parse_tee(r, *n, spec);
        if (auto n = top.get("vcpus")) {
            spec.vcpus = static_cast<std::uint32_t>(yaml::uint_value(r, *n, "vcpus", 512));
            if (spec.vcpus == 0) r.fail(*n, "vcpus", "must be at least 1");
        }
        YAML::Node mem = top.require("memory");
        spec.memory_bytes = yaml::size_value(r, mem, "memory");
        // Whole MiB, at least 16: the TDX TD HOB and libvirt's KiB units both stay exact.
        if (spec.memory_bytes < (16u << 20) || spec.memory_bytes % (1u << 20) != 0)
            r.fail(mem, "memory", "expected a whole number of MiB, at least 16M, got " + mem.Scalar());
        if (auto n = top.get("cpu-model")) spec.cpu_model = yaml::string_value(r, *n, "cpu-model");
        if (auto n = top.get("machine")) spec.machine = yaml::choice_value(r, *n, "machine", {"q35", "pc", "virt"});
        if (auto n = top.get("firmware")) spec.firmware = yaml::path_value(r, *n, "firmware");
        if (auto n = top.get("kernel")) spec.kernel = yaml::path_value(r, *n, "kernel");
        if (auto n = top.get("initrd")) spec.initrd = yaml::path_value(r, *n, "initrd");
        if (auto n = top.get("cmdline")) spec.cmdline = yaml::string_value(r, *n, "cmdline");
        if (auto n = top.get("disks")) parse_disks(r, *n, spec);
        if (auto n = top.get("network")) parse_network(r, *n, spec);
        if (auto n = top.get("secrets")) parse_secrets(r, *n, spec);
        if (auto n = top.get("initdata")) spec.initdata = yaml::path_value(r, *n, "initdata");
        if (auto n = top.get("serial-log")) spec.serial_log = yaml::path_value(r, *n, "serial-log");
        if (auto n = top.get("host")) parse_host(r, *n, spec.host);
        if (auto n = top.get("libvirt")) parse_libvirt(r, *n, spec);
        check_initdata(r, top, spec);
        check_combinations(r, top, spec);
    } catch (const YAML::Exception& e) {
        throw InputError(r.position(e.mark) + ": " + e.msg);
    }
    spec.locations = std::move(r.locations());
    return spec;
}

VmSpec load_vm_spec(const std::filesystem::path& file) {
    std::error_code ec;
    auto size = std::filesystem::file_size(file, ec);
    if (!ec && size > kMaxSpecSize)
        throw InputError(file.string() + ": spec is larger than " + std::to_string(kMaxSpecSize) + " bytes");
    return parse_vm_spec(read_text_file(file), file.string());
}

}  // namespace ccvm::platform
