#include "ccvm/kbs/tsm_evidence.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "ccvm/attestation/snp/attestation_report.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/launch-secret/secure_bytes.hpp"

namespace ccvm::kbs {
namespace {

namespace fs = std::filesystem;
constexpr std::size_t kMaxInblob = 64;          // configfs-tsm-report: inblob is at most 64 bytes
constexpr std::size_t kMaxOutblob = 16u << 20;  // far above any quote, token or certificate table

[[noreturn]] void io_error(const fs::path& p, std::string_view what) {
    throw SystemError("configfs-tsm: cannot " + std::string(what) + " " + p.string() + ": " + std::strerror(errno));
}

// Reads a whole attribute. Opened and read with plain syscalls: an outblob read is what makes the
// kernel produce the report, and a FIFO stands in for it in tests.
Bytes read_attr(const fs::path& p) {
    const UniqueFd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) io_error(p, "open");
    Bytes out;
    std::byte buf[65536];
    while (true) {
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) io_error(p, "read");
        if (n == 0) break;
        out.insert(out.end(), buf, buf + n);
        if (out.size() > kMaxOutblob) throw SystemError("configfs-tsm: " + p.string() + " is larger than 16 MiB");
    }
    return out;
}

void write_attr(const fs::path& p, ByteSpan data) {
    const UniqueFd fd(::open(p.c_str(), O_WRONLY | O_CLOEXEC));
    if (fd.get() < 0) io_error(p, "open");
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd.get(), data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) io_error(p, "write");
        done += static_cast<std::size_t>(n);
    }
}

std::string trimmed(const Bytes& b) {
    std::string s(as_chars(b));
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

bool is_entry(const fs::path& dir) { return fs::exists(dir / "provider"); }

// A report entry: the given one, or a fresh one removed at scope exit.
class Entry {
public:
    explicit Entry(const fs::path& dir) {
        if (is_entry(dir)) {
            path_ = dir;
            return;
        }
        path_ = dir / ("ccvm-" + std::to_string(::getpid()) + "-" + to_hex(random_suffix()));
        if (::mkdir(path_.c_str(), 0700) != 0) io_error(path_, "create report entry");
        owned_ = true;
    }
    ~Entry() {
        if (owned_) ::rmdir(path_.c_str());
    }
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;
    const fs::path& path() const noexcept { return path_; }

private:
    static Bytes random_suffix() {
        Bytes b(4);
        std::ifstream("/dev/urandom", std::ios::binary).read(reinterpret_cast<char*>(b.data()), 4);
        return b;
    }
    fs::path path_;
    bool owned_ = false;
};

std::optional<std::uint64_t> generation(const fs::path& entry) {
    if (!fs::exists(entry / "generation")) return std::nullopt;
    // "0" first so that an empty attribute reads as 0; appended, not `"0" + string`, for which GCC 12
    // at -O3 reports a false -Wrestrict.
    std::string digits = "0";
    digits += trimmed(read_attr(entry / "generation"));
    return std::stoull(digits);
}

json::Value byte_array(ByteSpan b) {
    json::Value a = json::Value::array();
    for (std::byte x : b) a.push_back(std::to_integer<unsigned>(x));
    return a;
}

json::Value tcb_json(std::uint64_t raw, bool turin) {
    const attestation::snp::TcbVersion t = attestation::snp::decode_tcb_version(raw, turin);
    return {{"fmc", t.fmc ? json::Value(*t.fmc) : json::Value(nullptr)},
            {"bootloader", t.bootloader},
            {"tee", t.tee},
            {"snp", t.snp},
            {"microcode", t.microcode}};
}

// virtee sev's AttestationReport as serde_json writes it (the form attestation-agent sends).
json::Value snp_report_json(ByteSpan raw) {
    const attestation::snp::AttestationReport r = attestation::snp::parse_attestation_report(raw, "SNP report");
    const bool turin = r.turin_tcb_layout();
    const std::uint8_t key_info =
        static_cast<std::uint8_t>((r.author_key_en ? 1 : 0) | (r.mask_chip_id ? 2 : 0) | (r.signing_key << 2));
    // The signature fields as stored in the report: r at 0x2A0, s at 0x2E8, little-endian.
    const ByteSpan sig = raw.subspan(attestation::snp::kSignedSize);
    return {
        {"version", r.version},
        {"guest_svn", r.guest_svn},
        {"policy", r.policy},
        {"family_id", byte_array(r.family_id)},
        {"image_id", byte_array(r.image_id)},
        {"vmpl", r.vmpl},
        {"sig_algo", r.signature_algo},
        {"current_tcb", tcb_json(r.current_tcb, turin)},
        {"plat_info", r.platform_info},
        {"key_info", key_info},
        {"report_data", byte_array(r.report_data)},
        {"measurement", byte_array(r.measurement)},
        {"host_data", byte_array(r.host_data)},
        {"id_key_digest", byte_array(r.id_key_digest)},
        {"author_key_digest", byte_array(r.author_key_digest)},
        {"report_id", byte_array(r.report_id)},
        {"report_id_ma", byte_array(r.report_id_ma)},
        {"reported_tcb", tcb_json(r.reported_tcb, turin)},
        {"cpuid_fam_id", r.cpuid_fam_id},
        {"cpuid_mod_id", r.cpuid_mod_id},
        {"cpuid_step", r.cpuid_step},
        {"chip_id", byte_array(r.chip_id)},
        {"committed_tcb", tcb_json(r.committed_tcb, turin)},
        {"current", {{"major", r.current_major}, {"minor", r.current_minor}, {"build", r.current_build}}},
        {"committed", {{"major", r.committed_major}, {"minor", r.committed_minor}, {"build", r.committed_build}}},
        {"launch_tcb", tcb_json(r.launch_tcb, turin)},
        {"signature",
         {{"r", byte_array(sig.first(attestation::snp::kSignatureComponent))},
          {"s",
           byte_array(sig.subspan(attestation::snp::kSignatureComponent, attestation::snp::kSignatureComponent))}}},
    };
}

// The GHCB certificate table (GHCB spec, "SNP Extended Guest Request"): 24-byte entries of GUID,
// offset and length, ended by an all-zero entry; GUIDs in RFC 4122 byte order, as virtee sev reads them.
json::Value snp_cert_chain(ByteSpan table) {
    if (table.empty() || is_all_zero(table)) return nullptr;
    json::Value out = json::Value::array();
    for (std::size_t off = 0; off + 24 <= table.size(); off += 24) {
        const ByteSpan guid = table.subspan(off, 16);
        if (is_all_zero(guid)) break;
        const auto offset = load_le<std::uint32_t>(table, off + 16, "certificate table offset");
        const auto length = load_le<std::uint32_t>(table, off + 20, "certificate table length");
        const ByteSpan data = checked_subspan(table, offset, length, "certificate table entry");
        const std::string g = to_hex(guid);
        json::Value type;
        if (g == "c0b406a4a803495297433fb6014cd0ae")
            type = "ARK";
        else if (g == "4ab7b379bbac4fe4a02f05aef327c782")
            type = "ASK";
        else if (g == "63da758de6644564adc5f4b93be8accd")
            type = "VCEK";
        else if (g == "a8074bc2a25a483eaae639c045a0b8a1")
            type = "VLEK";
        else
            type = {{"OTHER", g}};
        out.push_back({{"cert_type", type}, {"data", byte_array(data)}});
    }
    return out;
}

}  // namespace

std::string tsm_provider(const fs::path& dir) {
    const Entry entry(dir);
    return trimmed(read_attr(entry.path() / "provider"));
}

TsmReport tsm_report(const fs::path& dir, ByteSpan inblob) {
    if (inblob.size() > kMaxInblob) throw InputError("configfs-tsm: inblob is at most 64 bytes");
    const Entry entry(dir);
    TsmReport r;
    r.provider = trimmed(read_attr(entry.path() / "provider"));
    write_attr(entry.path() / "inblob", inblob);
    const std::optional<std::uint64_t> before = generation(entry.path());
    r.outblob = read_attr(entry.path() / "outblob");
    if (fs::exists(entry.path() / "auxblob")) r.auxblob = read_attr(entry.path() / "auxblob");
    // Another writer of the same entry between our inblob and outblob would give us its report.
    if (before && generation(entry.path()) != before)
        throw SystemError("configfs-tsm: " + entry.path().string() + " was written by another process meanwhile");
    if (r.outblob.empty()) throw SystemError("configfs-tsm: " + entry.path().string() + " returned an empty report");
    return r;
}

std::string agent_evidence_json(const TsmReport& report, ByteSpan ccel) {
    json::Value ev;
    if (report.provider == "sev_guest") {
        ev = {{"attestation_report", snp_report_json(report.outblob)}, {"cert_chain", snp_cert_chain(report.auxblob)}};
    } else if (report.provider == "tdx_guest") {
        ev = {{"quote", to_base64(report.outblob)}};
        if (!ccel.empty()) ev["cc_eventlog"] = to_base64(ccel);
    } else if (report.provider == "arm_cca_guest") {
        ev = {{"token", byte_array(report.outblob)}};
    } else {
        throw InputError("configfs-tsm provider \"" + report.provider +
                         "\" is not sev_guest, tdx_guest or arm_cca_guest");
    }
    return ev.dump();
}

TsmEvidenceProvider::TsmEvidenceProvider(fs::path dir, fs::path ccel_path)
    : dir_(std::move(dir)), ccel_(std::move(ccel_path)) {}

attestation::AgentTee TsmEvidenceProvider::tee() {
    const std::string p = tsm_provider(dir_);
    if (p == "sev_guest") return attestation::AgentTee::snp;
    if (p == "tdx_guest") return attestation::AgentTee::tdx;
    if (p == "arm_cca_guest") return attestation::AgentTee::cca;
    throw InputError("configfs-tsm provider \"" + p + "\" is not sev_guest, tdx_guest or arm_cca_guest");
}

std::string TsmEvidenceProvider::evidence(ByteSpan report_data) {
    const TsmReport r = tsm_report(dir_, report_data);
    Bytes ccel;
    if (r.provider == "tdx_guest" && !ccel_.empty() && fs::exists(ccel_)) ccel = read_attr(ccel_);
    return agent_evidence_json(r, ccel);
}

}  // namespace ccvm::kbs
