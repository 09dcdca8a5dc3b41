// The declarative VM spec (ccvm-spec(5)): one YAML document describing a confidential VM, parsed
// into typed fields. Everything the domain XML and the expected measurement depend on is here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ccvm/base/bytes.hpp"

namespace ccvm::platform {

enum class TeeKind { none, sev, sev_es, sev_snp, tdx, cca, csv, csv2, csv3 };

// The spelling used in specs, XML comments and JSON ("sev-es", "csv3", ...).
std::string_view tee_name(TeeKind kind) noexcept;
std::optional<TeeKind> tee_from_name(std::string_view name) noexcept;

// SEV, SEV-ES and Hygon CSV/CSV2/CSV3 share QEMU's sev-guest object (libvirt.md §9, csv.md §3).
struct SevOptions {
    std::uint32_t policy = 0;                           // guest policy (sev.md §8, csv.md §2)
    bool kernel_hashes = false;                         // measured direct boot (sev.md §3)
    std::optional<std::uint32_t> handle;                // launch handle of a guest sharing keys
    std::optional<std::filesystem::path> dh_cert_file;  // guest owner's GODH certificate
    std::optional<std::filesystem::path> session_file;  // LAUNCH_START session blob
    std::optional<std::uint32_t> user_id;               // Hygon ASID_REUSE user id (csv.md §3)
};

struct SnpOptions {
    std::uint64_t policy = 0x30000;      // libvirt.md §8.1 default
    std::uint64_t guest_features = 0x1;  // SEV_FEATURES of the VMSA (sev.md §7)
    bool kernel_hashes = false;
    bool author_key = false;
    bool vcek = true;                                      // false = VLEK (vcek='no')
    std::optional<std::string> host_data;                  // base64, 32 bytes
    std::optional<std::string> guest_visible_workarounds;  // base64, 16 bytes
    std::optional<std::filesystem::path> id_block_file;    // 96 bytes (raw or base64)
    std::optional<std::filesystem::path> id_auth_file;     // 4096 bytes (raw or base64)
    // Signing the ID block from the spec (sev.md §11a) instead of precomputed files: the ID key
    // (and optional author key) as P-384 PEM secret files, and the ID block's identity fields.
    std::optional<std::filesystem::path> id_key;
    std::optional<std::filesystem::path> id_author_key;
    std::optional<std::string> family_id;  // base64, 16 bytes
    std::optional<std::string> image_id;   // base64, 16 bytes
    std::uint32_t guest_svn = 0;
};

struct TdxOptions {
    std::uint64_t attributes = 0x10000000;  // libvirt <policy>: bit 0 debug, bit 28 sept-ve-disable
    std::optional<std::string> mrconfigid;  // base64, 48 bytes
    std::optional<std::string> mrowner;
    std::optional<std::string> mrownerconfig;
    std::optional<std::filesystem::path> quote_generation_socket;
};

enum class CcaHashAlgo { sha256, sha512 };

struct CcaOptions {
    CcaHashAlgo hash_algo = CcaHashAlgo::sha512;       // QEMU rme-guest default (cca.md §7)
    std::optional<std::string> personalization_value;  // base64, 64 bytes
    bool measurement_log = false;
    std::optional<std::filesystem::path> dtb;
};

using TeeOptions = std::variant<std::monostate, SevOptions, SnpOptions, TdxOptions, CcaOptions>;

struct Disk {
    std::filesystem::path file;
    std::string format = "raw";  // raw | qcow2
    std::string target;          // vda, vdb, ... (defaults by position)
    bool readonly = false;
};

struct NetworkInterface {
    std::string type = "user";  // user | network | bridge
    std::string source;         // network or bridge name
    std::string model = "virtio";
    std::optional<std::string> mac;
};

struct SecretRef {
    std::string guid;            // canonical lowercase text form
    std::filesystem::path file;  // read (and mode-checked) only when injected
};

// A secret released at run time over the KBS protocol (SEV-SNP, TDX, CCA): the guest asks for
// `resource` (Trustee's REPO/TYPE/TAG resource path) after attesting; the bytes are `file`'s.
struct RuntimeSecret {
    std::string resource;        // "repo/type/tag", each part [A-Za-z0-9_-][A-Za-z0-9_.-]*
    std::filesystem::path file;  // private to its owner, like every secret file
    std::string key;             // where the spec lists it: "secrets[2]"
};

// What the measurement depends on besides the guest's own inputs: fixed per host (sev.md §7,
// tdx.md §8, cca.md §2). Unset fields fall back to each family's documented default.
struct HostProfile {
    std::optional<std::string> qemu_version;  // "X.Y"
    std::optional<std::string> edk2_version;  // "YYYY.MM"
    std::optional<std::string> vmsa_profile;  // modern | legacy
    std::optional<std::string> vmm_type;      // QEMU | ec2 | gce
    std::optional<std::uint32_t> vcpu_signature;
    std::uint32_t cbitpos = 51;
    std::uint32_t reduced_phys_bits = 1;
    std::optional<std::string> page_add_order;      // single-pass | two-pass (TDX)
    std::optional<std::filesystem::path> acpi_dir;  // captured QEMU ACPI blobs (TDX)
    // Arm CCA realm parameters (cca.md §2).
    std::optional<std::string> rmm_version;  // 1.0 | 2.0
    std::optional<std::uint32_t> ipa_bits, sve_vl, pmu_counters, num_bps, num_wps;
    bool lpa2 = false;
};

struct VmSpec {
    std::string name;
    std::optional<std::string> uuid;
    TeeKind tee = TeeKind::none;
    TeeOptions tee_options;
    std::uint32_t vcpus = 1;
    std::uint64_t memory_bytes = 0;
    std::optional<std::string> cpu_model;  // QEMU model (EPYC-v4, ...); host-passthrough if unset
    std::optional<std::string> machine;    // q35, pc, virt (family default when unset)
    std::optional<std::filesystem::path> firmware;
    std::optional<std::filesystem::path> kernel, initrd;
    std::optional<std::string> cmdline;
    std::vector<Disk> disks;
    std::vector<NetworkInterface> network;
    std::vector<SecretRef> secrets;              // `secrets` entries with a GUID (SEV, SEV-ES, CSV)
    std::vector<RuntimeSecret> runtime_secrets;  // `secrets` entries with a resource (SNP, TDX, CCA)
    // Initdata TOML (initdata.hpp) handed to the guest through fw_cfg; its digest becomes the
    // family's HOST_DATA / MRCONFIGID / personalization value.
    std::optional<std::filesystem::path> initdata;
    // tee.reference-values: register name (as measure_spec names it) -> expected value, for
    // registers ccvm cannot compute from the spec (RTMRs of a TD booted from disk, CCA REMs).
    std::map<std::string, Bytes> reference_values;
    std::optional<std::filesystem::path> serial_log;
    HostProfile host;
    std::string libvirt_uri = "qemu:///system";
    std::string domain_type = "kvm";  // kvm | qemu (TCG) | test (libvirt's test driver)
    std::optional<std::filesystem::path> emulator;

    std::string source;  // the file the spec came from, for diagnostics
    // "key.path" -> "file:line:col" of every key given, so later checks can point at the input.
    std::map<std::string, std::string> locations;

    // Where `key` was written, or just the source file when it was not given.
    std::string where(const std::string& key) const;

    template <class T>
    const T* options() const noexcept {
        return std::get_if<T>(&tee_options);
    }
};

// Parses and checks one spec document: unknown keys, wrong types and impossible combinations are
// InputErrors "source:line:col: ...". Reads no file besides the YAML text given.
VmSpec parse_vm_spec(std::string_view yaml, std::string_view source);

// Reads FILE and parses it (the source in messages is the path).
VmSpec load_vm_spec(const std::filesystem::path& file);

// The checks that need the referenced files: they exist, the firmware supports what the spec
// asks for (kernel hashes need a firmware with a hash-table area), secret files are private.
void check_spec_inputs(const VmSpec& spec);

}  // namespace ccvm::platform
