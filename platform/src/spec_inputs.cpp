// check_spec_inputs(): the spec checks that need the files it names.
#include "spec_inputs.hpp"
#include "ccvm/base/bytes.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/firmware-measure/ovmf_footer.hpp"
#include "ccvm/launch-secret/secure_bytes.hpp"
#include "ccvm/platform/initdata.hpp"
#include "ccvm/platform/vm_spec.hpp"

namespace ccvm::platform {

void require_spec_file(const VmSpec& spec, const std::string& key, const std::filesystem::path& path) {
    std::error_code ec;
    auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status))
        throw InputError(spec.where(key) + ": " + key + ": " + path.string() + " does not exist");
    if (!std::filesystem::is_regular_file(status))
        throw InputError(spec.where(key) + ": " + key + ": " + path.string() + " is not a regular file");
}

namespace {

// sev.md §1/§12: generic OVMF carries the hash-table entry with base 0; only AmdSev builds fill it.
bool has_kernel_hashes_area(ByteSpan image, const std::string& source) {
    auto table = ovmf::FooterTable::parse(image, source);
    const ovmf::FooterEntry* entry = table.find(ovmf::kSevHashTableGuid);
    if (entry == nullptr || entry->payload.size() < 8) return false;
    return load_le<std::uint32_t>(entry->payload, 0, "hash-table base") != 0 &&
           load_le<std::uint32_t>(entry->payload, 4, "hash-table size") != 0;
}

// sev.md §2: an SNP launch places the hashes table in the SNP_KERNEL_HASHES (0x10) metadata section.
bool has_snp_kernel_hashes_section(ByteSpan image, const std::string& source) {
    auto table = ovmf::FooterTable::parse(image, source);
    const ovmf::FooterEntry* entry = table.find(ovmf::kSevMetadataGuid);
    if (entry == nullptr || entry->payload.size() < 4) return false;
    std::uint32_t offset = load_le<std::uint32_t>(entry->payload, 0, "SEV metadata offset");
    if (offset > image.size() || offset < 16) return false;
    ByteSpan meta = image.subspan(image.size() - offset);
    if (as_chars(meta.first(4)) != "ASEV") return false;
    std::uint32_t count = load_le<std::uint32_t>(meta, 12, "SEV metadata item count");
    for (std::uint32_t i = 0; i < count; ++i) {
        std::size_t at = 16 + std::size_t{i} * 12;
        if (load_le<std::uint32_t>(meta, at + 8, "SEV metadata section type") == 0x10) return true;
    }
    return false;
}

void check_secret_file(const VmSpec& spec, const std::string& key, const std::filesystem::path& path) {
    require_spec_file(spec, key, path);
    try {
        secret::open_secret_file(path);
    } catch (const InputError& e) {
        throw InputError(spec.where(key) + ": " + key + ": " + e.what());
    }
}

}  // namespace

void check_spec_inputs(const VmSpec& spec) {
    if (spec.firmware) require_spec_file(spec, "firmware", *spec.firmware);
    if (spec.kernel) require_spec_file(spec, "kernel", *spec.kernel);
    if (spec.initrd) require_spec_file(spec, "initrd", *spec.initrd);
    for (std::size_t i = 0; i < spec.disks.size(); ++i)
        require_spec_file(spec, "disks[" + std::to_string(i) + "].file", spec.disks[i].file);
    for (std::size_t i = 0; i < spec.secrets.size(); ++i)
        check_secret_file(spec, "secrets[" + std::to_string(i) + "].file", spec.secrets[i].file);
    for (const RuntimeSecret& s : spec.runtime_secrets) check_secret_file(spec, s.key + ".file", s.file);
    if (spec.initdata) {
        require_spec_file(spec, "initdata", *spec.initdata);
        static_cast<void>(spec_initdata_binding(spec));  // parses it: a bad document is refused now
    }
    if (spec.host.acpi_dir && !std::filesystem::is_directory(*spec.host.acpi_dir))
        throw InputError(spec.where("host.acpi-dir") + ": host.acpi-dir: " + spec.host.acpi_dir->string() +
                         " is not a directory");

    bool kernel_hashes = false, snp = false;
    if (const auto* o = spec.options<SevOptions>()) {
        if (o->dh_cert_file) require_spec_file(spec, "tee.dh-cert-file", *o->dh_cert_file);
        if (o->session_file) require_spec_file(spec, "tee.session-file", *o->session_file);
        kernel_hashes = o->kernel_hashes;
    }
    if (const auto* o = spec.options<SnpOptions>()) {
        if (o->id_block_file) require_spec_file(spec, "tee.id-block-file", *o->id_block_file);
        if (o->id_auth_file) require_spec_file(spec, "tee.id-auth-file", *o->id_auth_file);
        if (o->id_key) check_secret_file(spec, "tee.id-key", *o->id_key);
        if (o->id_author_key) check_secret_file(spec, "tee.id-author-key", *o->id_author_key);
        kernel_hashes = o->kernel_hashes;
        snp = true;
    }
    if (const auto* o = spec.options<CcaOptions>(); o && o->dtb) require_spec_file(spec, "tee.dtb", *o->dtb);

    if (kernel_hashes && spec.firmware) {
        MappedFile fw(*spec.firmware);
        std::string src = spec.firmware->string();
        bool ok = snp ? has_snp_kernel_hashes_section(fw.bytes(), src) : has_kernel_hashes_area(fw.bytes(), src);
        if (!ok)
            throw InputError(spec.where("tee.kernel-hashes") + ": tee.kernel-hashes: firmware " + src +
                             (snp ? " has no SNP_KERNEL_HASHES metadata section"
                                  : " has no kernel-hashes table (hash-table base 0)") +
                             "; measured direct boot needs an AmdSev OVMF build");
    }
}

}  // namespace ccvm::platform
