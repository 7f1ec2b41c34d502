#include "test_support.hpp"

#include "ambient/core/error.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace ambient::test {

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "ambient-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

CommandResult run(const std::string& command) {
  CommandResult r;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

CommandResult ambient(const std::string& args) { return run(std::string(AMBIENT_BINARY) + " " + args); }

std::string python(const std::string& code, const std::string& args) {
  const TempDir dir;
  const std::string script = dir / "oracle.py";
  write_text(script, code);
  const CommandResult r = run(std::string(AMBIENT_TEST_PYTHON) + " " + script + " " + args);
  EXPECT_EQ(r.exit_code, 0) << "python oracle failed:\n" << r.output;
  return r.output;
}

double nrmse(const at::Tensor& a, const at::Tensor& b) {
  const auto diff = (a.to(at::kComplexDouble) - b.to(at::kComplexDouble)).abs().pow(2).sum().sqrt();
  const auto ref = b.to(at::kComplexDouble).abs().pow(2).sum().sqrt();
  return (diff / ref).item<double>();
}

std::string data_raw(const std::string& relative) {
  const fs::path p = fs::path(AMBIENT_SOURCE_DIR) / ".." / "shared" / "data-raw" / relative;
  return fs::exists(p) ? fs::canonical(p).string() : "";
}

std::string bart() {
  const std::string b = AMBIENT_BART;
  return b.find("NOTFOUND") == std::string::npos ? b : "";
}

at::Tensor bart_show_values(const std::string& stem) {
  const auto r = run(bart() + " show -f '%+.9e%+.9ei' -s ' ' " + stem);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::istringstream in(r.output);
  std::vector<float> v;
  float re = 0, im = 0;
  char i = 0;
  while (in >> re >> im >> i) v.insert(v.end(), {re, im});
  return at::view_as_complex(at::tensor(v).view({-1, 2})).clone();
}

void expect_rejects_missing_empty_and_directory(const std::function<void(const std::string&)>& read,
                                                const std::string& extension) {
  const TempDir dir;
  EXPECT_FILE_ERROR(read(dir / ("absent" + extension)), "no such file");
  write_text(dir / ("empty" + extension), "");
  EXPECT_FILE_ERROR(read(dir / ("empty" + extension)), "is empty");
  fs::create_directory(dir / ("folder" + extension));
  EXPECT_FILE_ERROR(read(dir / ("folder" + extension)), "is a directory");
}

io::KSpace read_kspace_as(const std::string& path, const std::string& axes) {
  io::ReadOptions options;
  options.axes = axes;
  return io::read_kspace(path, options);
}

void write_text(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

int free_port() {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);  // port 0: any free one
  socklen_t n = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &n);
  close(s);
  return ntohs(a.sin_port);
}

void simulate_training_scans(const std::string& folder) {
  fs::create_directories(folder);
  for (int seed : {1, 2, 3}) {
    const auto r = ambient("-q simulate --phantom-size 32 --coils 4 --noise 0.01 --seed " + std::to_string(seed) +
                           " -o " + folder + "/scan" + std::to_string(seed) + ".h5");
    EXPECT_EQ(r.exit_code, 0) << r.output;
  }
}

}  // namespace ambient::test
