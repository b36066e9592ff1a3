#pragma once
// A SQLite VFS for tests that injects the failures real devices see, the way SQLite's own crash
// tests do: it wraps the default VFS and, on command,
// - fails every write, truncate and sync with a given code (SQLITE_FULL: a full disk;
//   SQLITE_IOERR_WRITE: a failing card), and
// - cuts the power: every write not yet made durable by a sync is undone (bytes restored, files
//   cut back to their synced size), and every later write fails, as if the machine had died at
//   that instant. The cut can be armed to happen inside the N-th write or sync.
// Use: open the database with Options::vfs = FaultVfs::kName. Global state: one test at a time.

#include <cstdint>

namespace outpost::testing {

class FaultVfs {
public:
    static constexpr const char* kName = "outpost-fault";

    static void install();  // idempotent
    static void reset();    // no faults, no cut, counters zeroed

    static void fail_writes_with(int sqlite_code);  // 0: writes succeed again
    // A full file system: writes within a file's current size succeed, growing one fails with
    // SQLITE_FULL (SQLite can still reuse WAL space it already has).
    static void set_disk_full(bool full);
    static void cut_power_now();
    static void arm_power_cut(std::int64_t after_io_calls);  // counting writes and syncs from now
    [[nodiscard]] static bool power_is_cut();
    [[nodiscard]] static std::int64_t io_calls();
};

}  // namespace outpost::testing
