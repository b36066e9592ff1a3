#pragma once
// CPU time of processes, for the benchmarks' "CPU per operation" figures: another process's
// from /proc/<pid>/stat (user + system), this process's from getrusage.

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include <sys/resource.h>
#include <unistd.h>

namespace outpost::bench {

// CPU time (user + system) process `pid` has used so far, in microseconds; 0 if unreadable.
// Clock-tick resolution (10 ms on this kernel): measure over enough work for that not to matter.
inline double cpu_us(pid_t pid) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    // Fields after the command name (which may hold spaces, hence the last ')'): state is
    // field 3, utime and stime are fields 14 and 15, in clock ticks.
    const auto end_of_name = stat.rfind(')');
    if (end_of_name == std::string::npos) return 0;
    std::istringstream fields(stat.substr(end_of_name + 2));
    std::string skip;
    for (int field = 3; field < 14; ++field) fields >> skip;
    double user = 0;
    double system = 0;
    fields >> user >> system;
    return (user + system) * 1e6 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

inline double micros(const timeval& time) {
    return static_cast<double>(time.tv_sec) * 1e6 + static_cast<double>(time.tv_usec);
}

// CPU time (user + system) this process has used so far, in microseconds.
inline double own_cpu_us() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return micros(usage.ru_utime) + micros(usage.ru_stime);
}

// "2 cores, AMD EPYC ..., load 3.1 2.9 2.5": printed with every benchmark's figures, because
// on a shared machine they mean little without it.
inline std::string load_average() {
    std::ifstream file("/proc/loadavg");
    std::string one, five, fifteen;
    file >> one >> five >> fifteen;
    return one + "," + five + "," + fifteen;
}

}  // namespace outpost::bench
