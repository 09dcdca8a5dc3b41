#include "ccvm/platform/spec_files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

namespace ccvm::platform {

namespace {

void add(std::vector<SpecFile>& out, std::string key, std::optional<std::filesystem::path>& path, SpecFileUse use,
         std::string copy_name) {
    if (path) out.push_back({std::move(key), &*path, use, false, std::move(copy_name)});
}

// O_NOCTTY: a spec naming a terminal must not make it ours; O_NONBLOCK: nor may a FIFO hang the open
// (the daemon refuses anything but a regular file anyway).
constexpr int kOpenFlags = O_CLOEXEC | O_NOCTTY | O_NONBLOCK;

secret::FileDescriptor open_as_caller(const std::filesystem::path& path, int flags, mode_t mode = 0) {
    return secret::FileDescriptor(::open(path.c_str(), flags | kOpenFlags, mode));
}

// The regular files directly in `dir`, each opened for reading, keyed "<dir>/<name>".
void open_directory(const std::filesystem::path& dir, SpecFileDescriptors& out) {
    std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
    if (!d) return;
    std::size_t count = 0;
    while (const dirent* e = ::readdir(d.get())) {
        const std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        const std::filesystem::path file = dir / name;
        struct stat st {};
        if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        if (++count > kMaxDirectoryFiles) break;
        secret::FileDescriptor fd = open_as_caller(file, O_RDONLY);
        if (fd.get() >= 0) out.emplace(file.string(), std::move(fd));
    }
}

}  // namespace

std::vector<SpecFile> spec_files(VmSpec& spec) {
    std::vector<SpecFile> out;
    add(out, "firmware", spec.firmware, SpecFileUse::measured, "firmware");
    add(out, "kernel", spec.kernel, SpecFileUse::measured, "kernel");
    add(out, "initrd", spec.initrd, SpecFileUse::measured, "initrd");
    if (auto* o = std::get_if<SevOptions>(&spec.tee_options)) {
        add(out, "tee.dh-cert-file", o->dh_cert_file, SpecFileUse::measured, "dh-cert");
        add(out, "tee.session-file", o->session_file, SpecFileUse::measured, "session");
    }
    if (auto* o = std::get_if<SnpOptions>(&spec.tee_options)) {
        add(out, "tee.id-block-file", o->id_block_file, SpecFileUse::measured, "id-block");
        add(out, "tee.id-auth-file", o->id_auth_file, SpecFileUse::measured, "id-auth");
        add(out, "tee.id-key", o->id_key, SpecFileUse::secret, "id-key");
        add(out, "tee.id-author-key", o->id_author_key, SpecFileUse::secret, "id-author-key");
    }
    if (auto* o = std::get_if<CcaOptions>(&spec.tee_options)) add(out, "tee.dtb", o->dtb, SpecFileUse::measured, "dtb");
    add(out, "host.acpi-dir", spec.host.acpi_dir, SpecFileUse::directory, "acpi");
    for (std::size_t i = 0; i < spec.secrets.size(); ++i) {
        const std::string n = std::to_string(i);
        out.push_back({"secrets[" + n + "].file", &spec.secrets[i].file, SpecFileUse::secret, false, "secret-" + n});
    }
    for (std::size_t i = 0; i < spec.runtime_secrets.size(); ++i) {
        RuntimeSecret& s = spec.runtime_secrets[i];
        out.push_back({s.key + ".file", &s.file, SpecFileUse::secret, false, "resource-" + std::to_string(i)});
    }
    add(out, "initdata", spec.initdata, SpecFileUse::measured, "initdata");
    for (std::size_t i = 0; i < spec.disks.size(); ++i)
        out.push_back({"disks[" + std::to_string(i) + "].file",
                       &spec.disks[i].file,
                       SpecFileUse::disk,
                       spec.disks[i].readonly,
                       {}});
    add(out, "serial-log", spec.serial_log, SpecFileUse::log, {});
    return out;
}

SpecFileDescriptors open_spec_files(const VmSpec& spec) {
    VmSpec copy = spec;
    // One descriptor per path, opened for the strictest use the spec makes of it.
    std::map<std::string, int> flags;
    SpecFileDescriptors out;
    for (const SpecFile& f : spec_files(copy)) {
        int wanted = O_RDONLY;
        if (f.use == SpecFileUse::directory) {
            open_directory(*f.path, out);
            continue;
        }
        if (f.use == SpecFileUse::log) wanted = O_RDWR | O_CREAT;
        if (f.use == SpecFileUse::disk && !f.read_only) wanted = O_RDWR;
        int& have = flags.try_emplace(f.path->string(), O_RDONLY).first->second;
        have |= wanted;
    }
    for (const auto& [path, f] : flags) {
        // A log the caller creates is private to the caller, like QEMU's own log files.
        secret::FileDescriptor fd = open_as_caller(path, f, 0600);
        if (fd.get() >= 0) out.insert_or_assign(path, std::move(fd));
    }
    return out;
}

}  // namespace ccvm::platform
