// SEV-family measurement speed, printed as the three ratios of the SEV measure issue:
//  1. engine MB/s on a 256 MiB synthetic firmware in SNP mode / (openssl speed -evp sha384 x cores);
//  2. whole-process `ccvm measure` wall time (Debian-style OVMF + kernel + 8 MiB initrd) / `openssl dgst
//     -sha256` of the same files;
//  3. `ccvm measure --sweep-vcpus 1-512` wall time / one single measurement's wall time.
// Usage: bench_sev_measure [OVMF.fd [KERNEL]] (defaults: /usr/share/ovmf/OVMF.fd, /boot/vmlinuz-* or a
// synthetic 13 MiB file).
#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ccvm/base/guid.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/firmware-measure/ovmf_footer.hpp"
#include "ccvm/firmware-measure/sev/launch_digest.hpp"
#include "support/openssl_speed.hpp"

namespace fs = std::filesystem;
using namespace ccvm;

namespace {

// Replaces the last 4 KiB of `image` with an AmdSev-style footer page: SEV-ES reset block, kernel-hashes
// table at 0x810C00 and SEV metadata with SEC_MEM, SECRETS, CPUID and SNP_KERNEL_HASHES sections, so a
// generic OVMF can be measured with a kernel (like the vector set's OVMF-deb-amdsev-suffix.fd).
void put_amdsev_footer(Bytes& image) {
    const std::size_t page = image.size() - 4096;
    std::fill(image.begin() + static_cast<std::ptrdiff_t>(page), image.end(), std::byte{0});
    const std::size_t meta = page + 0x100;
    const std::uint32_t items[][3] = {{0x800000, 0x9000, 1}, {0x80A000, 0x3000, 1},    {0x80D000, 0x1000, 2},
                                      {0x80E000, 0x1000, 3}, {0x810000, 0x1000, 0x10}, {0x811000, 0xF000, 1}};
    const std::size_t n = std::size(items);
    std::copy_n(as_bytes("ASEV").begin(), 4, image.begin() + static_cast<std::ptrdiff_t>(meta));
    store_le<std::uint32_t>(image, meta + 4, static_cast<std::uint32_t>(16 + 12 * n));
    store_le<std::uint32_t>(image, meta + 8, 1);
    store_le<std::uint32_t>(image, meta + 12, static_cast<std::uint32_t>(n));
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t k = 0; k < 3; ++k) store_le<std::uint32_t>(image, meta + 16 + 12 * i + 4 * k, items[i][k]);
    struct Entry {
        Guid guid;
        std::vector<std::uint32_t> payload;
    };
    const std::vector<Entry> entries = {{ovmf::kSevEsResetBlockGuid, {0x80B004}},
                                        {ovmf::kSevHashTableGuid, {0x810C00, 0x400}},
                                        {ovmf::kSevMetadataGuid, {static_cast<std::uint32_t>(image.size() - meta)}}};
    std::size_t cursor = image.size() - 32 - 18;  // footer entry
    std::size_t total = 18;
    for (const Entry& e : entries) total += 18 + 4 * e.payload.size();
    store_le<std::uint16_t>(image, cursor, static_cast<std::uint16_t>(total));
    std::copy(ovmf::kFooterTableGuid.bytes.begin(), ovmf::kFooterTableGuid.bytes.end(),
              image.begin() + static_cast<std::ptrdiff_t>(cursor + 2));
    for (const Entry& e : entries) {
        const std::size_t len = 18 + 4 * e.payload.size();
        cursor -= 18;
        store_le<std::uint16_t>(image, cursor, static_cast<std::uint16_t>(len));
        std::copy(e.guid.bytes.begin(), e.guid.bytes.end(), image.begin() + static_cast<std::ptrdiff_t>(cursor + 2));
        cursor -= 4 * e.payload.size();
        for (std::size_t k = 0; k < e.payload.size(); ++k) store_le<std::uint32_t>(image, cursor + 4 * k, e.payload[k]);
    }
}

void write_file(const fs::path& p, ByteSpan data) {
    std::ofstream out(p, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

Bytes pattern(std::size_t size, unsigned mul, unsigned add) {
    Bytes b(size);
    for (std::size_t i = 0; i < size; ++i) b[i] = std::byte(static_cast<std::uint8_t>(i * mul + add));
    return b;
}

double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string one;
    in >> one;
    return one.empty() ? "unknown" : one;
}

std::string default_kernel() {
    for (const auto& e : fs::directory_iterator("/boot"))
        if (e.path().filename().string().rfind("vmlinuz", 0) == 0) return e.path().string();
    return {};
}

}  // namespace

int main(int argc, char** argv) {
    const std::string ovmf_path = argc > 1 ? argv[1] : "/usr/share/ovmf/OVMF.fd";
    std::string kernel_path = argc > 2 ? argv[2] : default_kernel();
    const unsigned threads = hash_threads();
    const fs::path dir = fs::temp_directory_path() / ("ccvm-bench-sev-" + std::to_string(::getpid()));
    fs::create_directories(dir);

    // 1. Engine throughput, SNP mode, 256 MiB synthetic firmware.
    {
        Bytes image = pattern(256u << 20, 13, 5);
        put_amdsev_footer(image);
        const auto fw = sev::FirmwareImage::parse(image, "synthetic-256M");
        const sev::VmsaParams params{0x1, 0xA00F11, sev::VmmType::qemu, sev::VmsaProfile::modern};
        (void)sev::snp_launch_digest(fw, {}, 4, params);  // warm-up
        const double cpu0 = cpu_seconds();
        const auto t0 = std::chrono::steady_clock::now();
        (void)sev::snp_launch_digest(fw, {}, 4, params);
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double cpu = cpu_seconds() - cpu0;
        const double mbps = static_cast<double>(image.size()) / secs / 1e6;
        const double base = bench::openssl_speed_mbps("sha384", 4096);
        std::printf(
            "1. engine, snp, 256 MiB firmware, %u threads: %.1f MB/s; openssl speed -evp sha384 x %u cores: "
            "%.1f MB/s; ratio %.2f (target >= 0.9)\n",
            threads, mbps, threads, base * threads, mbps / (base * threads));
        // openssl speed divides by CPU time, so on a busy machine also compare per CPU second.
        std::printf("   per CPU second: %.1f MB/s vs openssl %.1f MB/s per core: ratio %.2f (load average %s)\n",
                    static_cast<double>(image.size()) / cpu / 1e6, base,
                    static_cast<double>(image.size()) / cpu / 1e6 / base, load_average().c_str());
    }

    // 2. Whole process: Debian OVMF (last 4 KiB replaced by an AmdSev footer) + kernel + 8 MiB initrd.
    const MappedFile deb(ovmf_path);
    Bytes ovmf(deb.bytes().begin(), deb.bytes().end());
    put_amdsev_footer(ovmf);
    const fs::path ovmf_file = dir / "OVMF-amdsev-footer.fd";
    write_file(ovmf_file, ovmf);
    const fs::path initrd_file = dir / "initrd-8M.img";
    write_file(initrd_file, pattern(8u << 20, 7, 3));
    if (kernel_path.empty()) {
        kernel_path = (dir / "vmlinuz-synthetic").string();
        write_file(kernel_path, pattern(13u << 20, 13, 5));
    }
    const std::string cli = CCVM_CLI;
    for (const char* mode : {"sev", "snp"}) {
        const double ccvm_s = bench::time_command(
            {cli, "measure", "--mode", mode, "--vcpus", "4", "--vcpu-type", "EPYC-v4", "--ovmf", ovmf_file.string(),
             "--kernel", kernel_path, "--initrd", initrd_file.string(), "--append", "console=ttyS0"},
            9);
        const double openssl_s = bench::time_command(
            {"openssl", "dgst", "-sha256", ovmf_file.string(), kernel_path, initrd_file.string()}, 9);
        std::printf(
            "2. whole process, %s: ccvm measure %.1f ms; openssl dgst -sha256 of the files %.1f ms; ratio %.2f "
            "(target <= 1.3)\n",
            mode, ccvm_s * 1e3, openssl_s * 1e3, ccvm_s / openssl_s);
    }

    // 3. Sweep 1-512 vs one measurement (Debian OVMF as shipped, SNP, no kernel).
    {
        const std::vector<std::string> base = {cli,           "measure",    "--mode", "snp",
                                               "--vcpu-type", "EPYC-Milan", "--ovmf", ovmf_path};
        auto single = base, sweep = base;
        single.insert(single.end(), {"--vcpus", "4"});
        sweep.insert(sweep.end(), {"--sweep-vcpus", "1-512"});
        const double single_s = bench::time_command(single, 9);
        const double sweep_s = bench::time_command(sweep, 9);
        std::printf("3. sweep 1-512: %.1f ms; single measurement: %.1f ms; ratio %.2f (target <= 3)\n", sweep_s * 1e3,
                    single_s * 1e3, sweep_s / single_s);
    }
    fs::remove_all(dir);
    return 0;
}
