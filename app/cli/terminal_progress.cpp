// Progress on the terminal (see cli_common.hpp for the convention).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "cli_common.hpp"

namespace ambient::cli {

namespace {

using Clock = std::chrono::steady_clock;

std::string clock_text(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  return buf;
}

class TerminalProgress : public Progress {
 public:
  TerminalProgress(bool tty, bool json) : tty_(tty), json_(json) {}

  void begin(const std::string& task, int64_t total) override {
    task_ = task;
    total_ = total;
    begun_ = start_ = last_ = Clock::now();
    first_ = -1;
  }

  void update(int64_t done, const std::string& note) override {
    const auto now = Clock::now();
    // The rate counts from the first report: a resumed run starts at its checkpoint's step.
    if (first_ < 0) {
      first_ = done;
      start_ = now;
    }
    const bool finished = total_ > 0 && done >= total_;
    const double since_last = std::chrono::duration<double>(now - last_).count();
    // A TTY redraws often; logs and pipes get a line every few seconds at most.
    if (!finished && since_last < (tty_ ? 0.1 : 5.0)) return;
    last_ = now;
    const bool one_report = done == first_;  // e.g. a single slice: time it from begin()
    const double elapsed = std::chrono::duration<double>(now - (one_report ? begun_ : start_)).count();
    const double rate = elapsed > 0 ? (one_report ? done : done - first_) / elapsed : 0;
    const double eta = rate > 0 && total_ > 0 ? (total_ - done) / rate : 0;
    if (json_) {
      nlohmann::json line = {{"task", task_}, {"done", done}, {"total", total_},
                             {"rate_per_s", rate}, {"eta_s", eta}};
      if (!note.empty()) line["note"] = note;
      std::fprintf(stderr, "%s\n", line.dump().c_str());
    } else if (tty_) {
      constexpr int kWidth = 30;
      const int filled = total_ > 0 ? static_cast<int>(kWidth * done / total_) : 0;
      std::fprintf(stderr, "\r%s [%s%s] %lld/%lld %.2f/s ETA %s %s\033[K", task_.c_str(),
                   std::string(filled, '#').c_str(), std::string(kWidth - filled, '.').c_str(),
                   static_cast<long long>(done), static_cast<long long>(total_), rate,
                   clock_text(eta).c_str(), note.c_str());
    } else {
      spdlog::info("{}: {}/{} ({:.2f}/s, ETA {}) {}", task_, done, total_, rate, clock_text(eta), note);
    }
    std::fflush(stderr);
  }

  void end() override {
    if (tty_ && !json_) std::fprintf(stderr, "\n");
  }

 private:
  bool tty_, json_;
  std::string task_;
  int64_t total_ = 0, first_ = -1;
  Clock::time_point begun_, start_, last_;
};

}  // namespace

std::unique_ptr<Progress> make_progress(const GlobalOptions& global) {
  if (global.quiet) return std::make_unique<Progress>();
  return std::make_unique<TerminalProgress>(::isatty(STDERR_FILENO) != 0, global.json);
}

}  // namespace ambient::cli
