// `ccvm guest get-resource`: a small KBS-protocol client for a confidential guest. Evidence comes
// from the kernel's configfs-tsm interface; the resource arrives as a JWE to an ephemeral P-256 key
// that never leaves this process.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "ccvm/base/atomic_file.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/kbs/client.hpp"
#include "ccvm/kbs/tsm_evidence.hpp"
#include "commands.hpp"

namespace ccvm::cli {
namespace {

namespace fs = std::filesystem;

// Where ccvmd puts a VM's initdata for its guest (fw_cfg opt/org.ccvm/initdata, read through the
// qemu_fw_cfg driver's sysfs interface).
constexpr const char* kFwCfgInitdata = "/sys/firmware/qemu_fw_cfg/by_name/opt/org.ccvm/initdata/raw";
constexpr std::uintmax_t kMaxInitdata = 1 << 20;

struct GetResourceArgs {
    std::string kbs;
    std::string resource;
    std::optional<std::string> initdata;
    std::optional<std::string> out;
    std::string tsm_dir = kbs::kTsmReportDir;
    std::optional<std::string> cacert;
};

std::string read_text(const fs::path& path, std::string_view flag) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec) throw InputError(std::string(flag) + ": cannot read " + path.string() + ": " + ec.message());
    if (size > kMaxInitdata) throw InputError(std::string(flag) + ": " + path.string() + " is larger than 1 MiB");
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    if (!in && !in.eof()) throw InputError(std::string(flag) + ": cannot read " + path.string());
    return s.str();
}

void write_secret(const std::optional<std::string>& out, const secret::SecretBytes& data) {
    if (!out || *out == "-") {
        std::fwrite(data.data(), 1, data.size(), stdout);
        std::fflush(stdout);
        return;
    }
    const fs::path target = fs::absolute(*out);
    AtomicFileSet files(target.parent_path());
    files.stage(target.filename().string(), data.span(), 0600);
    files.commit();
}

int run_get_resource(const GetResourceArgs& a) {
    const kbs::ResourcePath resource = kbs::ResourcePath::parse(a.resource);
    kbs::KbsClientOptions options;
    options.url = a.kbs;
    if (a.initdata)
        options.initdata = read_text(*a.initdata, "--initdata");
    else if (fs::exists(kFwCfgInitdata))
        options.initdata = read_text(kFwCfgInitdata, "initdata (fw_cfg)");
    if (a.cacert) options.ca_cert = *a.cacert;
    if (a.out && *a.out != "-" && fs::exists(*a.out))
        throw InputError("--out: " + *a.out + " exists; ccvm does not overwrite a secret file");
    kbs::TsmEvidenceProvider provider(a.tsm_dir);
    kbs::KbsClient client(options, provider);
    const secret::SecretBytes secret = client.get_resource(resource);
    write_secret(a.out, secret);
    return 0;
}

}  // namespace

void add_guest_get_resource_command(CLI::App& app, Commands& commands) {
    auto a = std::make_shared<GetResourceArgs>();
    CLI::App* guest = ensure_subcommand(app, "guest", "Tools that run inside a confidential guest");
    CLI::App* c = guest->add_subcommand(
        "get-resource", "Attest to a KBS (ccvmd or Trustee) through configfs-tsm and fetch one secret resource");
    c->add_option("--kbs", a->kbs, "KBS URL, http(s)://HOST:PORT")->required();
    c->add_option("--resource", a->resource, "Resource path REPO/TYPE/TAG")->required();
    c->add_option("--initdata", a->initdata,
                  "Initdata TOML sent as init-data (default: the VM's fw_cfg initdata when present)");
    c->add_option("--out", a->out, "Write the secret to this new file, mode 0600 (default: stdout)");
    c->add_option("--tsm-dir", a->tsm_dir, "configfs-tsm report directory (default /sys/kernel/config/tsm/report)");
    c->add_option("--cacert", a->cacert, "PEM CA certificate(s) trusted for an https KBS (default: system store)");
    commands.add(c, [a] { return run_get_resource(*a); });
}

}  // namespace ccvm::cli
