#include "fault_vfs.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <new>
#include <set>
#include <string>
#include <vector>

namespace outpost::testing {
namespace {

struct UndoEntry {
    sqlite3_int64 offset;
    std::string original;  // bytes that were there before (may be shorter than the write)
};

struct FaultFile {
    sqlite3_file base;             // must be first: SQLite sees a FaultFile as a sqlite3_file
    sqlite3_file* real;            // the wrapped file, allocated right after this struct
    sqlite3_int64 synced_size;     // file size at the last successful sync
    std::vector<UndoEntry> undo;   // unsynced changes, oldest first
};

sqlite3_vfs* g_real = nullptr;
sqlite3_vfs g_vfs{};
std::mutex g_mutex;  // guards open files' undo logs and the cut
std::set<FaultFile*> g_open_files;
std::atomic<int> g_fail_code{0};
std::atomic<bool> g_disk_full{false};
std::atomic<bool> g_cut{false};
std::atomic<std::int64_t> g_io_calls{0};
std::atomic<std::int64_t> g_cut_at{-1};

sqlite3_int64 file_size(sqlite3_file* file) {
    sqlite3_int64 size = 0;
    file->pMethods->xFileSize(file, &size);
    return size;
}

std::string read_range(sqlite3_file* file, sqlite3_int64 offset, sqlite3_int64 length) {
    const sqlite3_int64 size = file_size(file);
    if (offset >= size) return {};
    length = std::min(length, size - offset);
    std::string bytes(static_cast<std::size_t>(length), '\0');
    file->pMethods->xRead(file, bytes.data(), static_cast<int>(length), offset);
    return bytes;
}

// Undo every unsynced change of every open file. Caller holds g_mutex.
void cut_power_locked() {
    if (g_cut.exchange(true)) return;
    for (FaultFile* file : g_open_files) {
        for (auto entry = file->undo.rbegin(); entry != file->undo.rend(); ++entry) {
            file->real->pMethods->xWrite(file->real, entry->original.data(), static_cast<int>(entry->original.size()),
                                         entry->offset);
        }
        file->real->pMethods->xTruncate(file->real, file->synced_size);
        file->undo.clear();
    }
}

// Counts one write or sync; true when this call is the one the cut was armed for.
bool count_io_and_check_cut() {
    const std::int64_t call = ++g_io_calls;
    const std::int64_t at = g_cut_at.load();
    return at >= 0 && call >= at;
}

FaultFile* self(sqlite3_file* file) { return reinterpret_cast<FaultFile*>(file); }

int x_close(sqlite3_file* file) {
    FaultFile* fault = self(file);
    {
        std::lock_guard lock(g_mutex);
        g_open_files.erase(fault);
    }
    fault->undo.~vector();
    return fault->real->pMethods->xClose(fault->real);
}

int x_read(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset) {
    return self(file)->real->pMethods->xRead(self(file)->real, buffer, amount, offset);
}

int x_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
    FaultFile* fault = self(file);
    std::lock_guard lock(g_mutex);
    if (count_io_and_check_cut()) cut_power_locked();
    if (g_cut) return SQLITE_IOERR_WRITE;
    if (const int code = g_fail_code.load(); code != 0) return code;
    if (g_disk_full && offset + amount > file_size(fault->real)) return SQLITE_FULL;
    fault->undo.push_back(UndoEntry{offset, read_range(fault->real, offset, amount)});
    return fault->real->pMethods->xWrite(fault->real, data, amount, offset);
}

int x_truncate(sqlite3_file* file, sqlite3_int64 size) {
    FaultFile* fault = self(file);
    std::lock_guard lock(g_mutex);
    if (g_cut) return SQLITE_IOERR_TRUNCATE;
    if (const int code = g_fail_code.load(); code != 0) return code;
    const sqlite3_int64 current = file_size(fault->real);
    if (size < current) fault->undo.push_back(UndoEntry{size, read_range(fault->real, size, current - size)});
    return fault->real->pMethods->xTruncate(fault->real, size);
}

int x_sync(sqlite3_file* file, int flags) {
    FaultFile* fault = self(file);
    std::lock_guard lock(g_mutex);
    if (count_io_and_check_cut()) cut_power_locked();
    if (g_cut) return SQLITE_IOERR_FSYNC;
    if (const int code = g_fail_code.load(); code != 0) return code;
    const int rc = fault->real->pMethods->xSync(fault->real, flags);
    if (rc == SQLITE_OK) {
        fault->undo.clear();
        fault->synced_size = file_size(fault->real);
    }
    return rc;
}

int x_file_size(sqlite3_file* file, sqlite3_int64* size) {
    return self(file)->real->pMethods->xFileSize(self(file)->real, size);
}
int x_lock(sqlite3_file* file, int level) { return self(file)->real->pMethods->xLock(self(file)->real, level); }
int x_unlock(sqlite3_file* file, int level) { return self(file)->real->pMethods->xUnlock(self(file)->real, level); }
int x_check_reserved(sqlite3_file* file, int* out) {
    return self(file)->real->pMethods->xCheckReservedLock(self(file)->real, out);
}
int x_file_control(sqlite3_file* file, int op, void* arg) {
    return self(file)->real->pMethods->xFileControl(self(file)->real, op, arg);
}
int x_sector_size(sqlite3_file* file) { return self(file)->real->pMethods->xSectorSize(self(file)->real); }
int x_device_characteristics(sqlite3_file* file) {
    return self(file)->real->pMethods->xDeviceCharacteristics(self(file)->real);
}
int x_shm_map(sqlite3_file* file, int page, int size, int extend, void volatile** out) {
    return self(file)->real->pMethods->xShmMap(self(file)->real, page, size, extend, out);
}
int x_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
    return self(file)->real->pMethods->xShmLock(self(file)->real, offset, n, flags);
}
void x_shm_barrier(sqlite3_file* file) { self(file)->real->pMethods->xShmBarrier(self(file)->real); }
int x_shm_unmap(sqlite3_file* file, int delete_flag) {
    return self(file)->real->pMethods->xShmUnmap(self(file)->real, delete_flag);
}

const sqlite3_io_methods g_methods = {
    2,  // version 2: shared memory (WAL), no memory-mapped I/O, so every write goes through xWrite
    x_close, x_read, x_write, x_truncate, x_sync, x_file_size, x_lock, x_unlock, x_check_reserved,
    x_file_control, x_sector_size, x_device_characteristics, x_shm_map, x_shm_lock, x_shm_barrier,
    x_shm_unmap, nullptr, nullptr};

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
    // SQLite hands over raw memory of szOsFile bytes: construct the FaultFile in it.
    FaultFile* fault = new (file) FaultFile{};
    fault->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(fault) + sizeof(FaultFile));
    const int rc = g_real->xOpen(g_real, name, fault->real, flags, out_flags);
    if (rc != SQLITE_OK) {
        fault->undo.~vector();
        fault->base.pMethods = nullptr;  // SQLite does not close a file whose open failed
        return rc;
    }
    fault->synced_size = file_size(fault->real);
    fault->base.pMethods = &g_methods;
    std::lock_guard lock(g_mutex);
    g_open_files.insert(fault);
    return SQLITE_OK;
}

int x_delete(sqlite3_vfs*, const char* name, int sync_dir) {
    if (g_cut) return SQLITE_IOERR_DELETE;
    return g_real->xDelete(g_real, name, sync_dir);
}
int x_access(sqlite3_vfs*, const char* name, int flags, int* out) { return g_real->xAccess(g_real, name, flags, out); }
int x_full_pathname(sqlite3_vfs*, const char* name, int size, char* out) {
    return g_real->xFullPathname(g_real, name, size, out);
}
int x_randomness(sqlite3_vfs*, int size, char* out) { return g_real->xRandomness(g_real, size, out); }
int x_sleep(sqlite3_vfs*, int micros) { return g_real->xSleep(g_real, micros); }
int x_current_time(sqlite3_vfs*, double* out) { return g_real->xCurrentTime(g_real, out); }
int x_get_last_error(sqlite3_vfs*, int size, char* out) { return g_real->xGetLastError(g_real, size, out); }
int x_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) { return g_real->xCurrentTimeInt64(g_real, out); }

}  // namespace

void FaultVfs::install() {
    static std::once_flag once;
    std::call_once(once, [] {
        sqlite3_initialize();
        g_real = sqlite3_vfs_find(nullptr);
        g_vfs.iVersion = 2;
        g_vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + g_real->szOsFile;
        g_vfs.mxPathname = g_real->mxPathname;
        g_vfs.zName = kName;
        g_vfs.xOpen = x_open;
        g_vfs.xDelete = x_delete;
        g_vfs.xAccess = x_access;
        g_vfs.xFullPathname = x_full_pathname;
        g_vfs.xDlOpen = nullptr;
        g_vfs.xRandomness = x_randomness;
        g_vfs.xSleep = x_sleep;
        g_vfs.xCurrentTime = x_current_time;
        g_vfs.xGetLastError = x_get_last_error;
        g_vfs.xCurrentTimeInt64 = x_current_time_int64;
        sqlite3_vfs_register(&g_vfs, 0);
    });
}

void FaultVfs::reset() {
    std::lock_guard lock(g_mutex);
    g_fail_code = 0;
    g_disk_full = false;
    g_cut = false;
    g_io_calls = 0;
    g_cut_at = -1;
}

void FaultVfs::fail_writes_with(int sqlite_code) { g_fail_code = sqlite_code; }

void FaultVfs::set_disk_full(bool full) { g_disk_full = full; }

void FaultVfs::cut_power_now() {
    std::lock_guard lock(g_mutex);
    cut_power_locked();
}

void FaultVfs::arm_power_cut(std::int64_t after_io_calls) { g_cut_at = g_io_calls.load() + after_io_calls; }

bool FaultVfs::power_is_cut() { return g_cut.load(); }

std::int64_t FaultVfs::io_calls() { return g_io_calls.load(); }

}  // namespace outpost::testing
