#pragma once
// A pick session on a station: scan the order, scan the items, confirm; the picking order is
// queued. Pure logic: no threads, no clock of its own, no I/O but the catalog reads, the
// indicator calls and the enqueue callback it is given. The agent feeds it (core/agent
// pick_station); tests feed it with a fake clock, a SimIndicator and a real catalog file.
//
// Contract:
// - handle_scan(raw) takes one raw scan as a hal::BarcodeScanner delivers it (AIM identifier,
//   GS separators) and answers with a ScanOutcome; handle_confirm()/handle_cancel() are the
//   control commands' way to the same steps. Calls are serialised by the caller.
// - idle: a scan is an order code: the pick list stored in the catalog under that key_ssl (or,
//   for digits, that SMILE order id). Unknown → refused. A loaded list opens the session.
// - picking: an item scan must be GS1 with (01) GTIN; (10) batch, (17) expiry and (30) count are
//   read from it (count 1 without (30)). Refused, each with a message and the error beep, and
//   nothing changes:
//     * a scan that does not parse, or has no GTIN;
//     * a GTIN the catalog does not know (unknown material);
//     * a material not on the order, or a batch the order does not allow (wrong item);
//     * a batch-managed material (is_batch) scanned without (10);
//     * an expiry (17) before today (the device clock shifted by utc_offset_minutes: the
//       warehouse's day; day 00 is already the month's last day, as parse_barcode resolves it);
//     * more than the order's qty for that material and batch (over-pick). A line with a
//       batch_code takes only that batch; a line without one takes any batch of its material.
//   Accepted scans give the OK beep.
// - confirm (the configured confirm code scanned, or handle_confirm()): with at least one item
//   picked, builds the picking order payload (upstream-contract.md, POST /ssl/ifp/picking/order:
//   key_ssl, order_id, picking_no, picked_at, items of material_code, gtin, batch_code,
//   expired_date, qty, uom) and calls `enqueue` once with it and an idempotency key fixed for
//   the session (a confirm retried after a failure is a duplicate, never a second picking).
//   Only after enqueue reports the durable commit does the indicator say done (LED steady on,
//   OK beep) and the session go back to idle. A failed enqueue keeps the session and its picks
//   (error beep, the reason as message). Partial picks may be confirmed (the contract allows
//   several pickings per key_ssl); the message says how many units were left.
// - cancel (cancel code or handle_cancel()): drops the session's picks, back to idle.
// - The indicator: LED blinks while a session is open, steady on after a queued confirm, off
//   after a cancel; beeps ok / error per scan. Indicator failures are ignored (the HAL contract:
//   a station without a working LED still picks); the outcome carries the message regardless.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hal/indicator.hpp"
#include "outpost/catalog/catalog.hpp"
#include "outpost/common/clock.hpp"
#include "outpost/common/expected.hpp"

namespace outpost::picking {

struct PickSessionOptions {
    std::string device_id;
    std::string confirm_code = "CONFIRM";  // the scanned text (symbology identifier stripped)
    std::string cancel_code = "CANCEL";
    int utc_offset_minutes = 0;  // the warehouse's day (expiry checks) and picked_at's offset
};

// What the enqueue callback reports: the queued operation's id, or why nothing was queued.
using EnqueueFn = std::function<Expected<std::int64_t>(const nlohmann::json& payload, const std::string& idempotency_key)>;
using NowFn = std::function<UnixMillis()>;

enum class Verdict { accepted, refused, queued, cancelled };
const char* to_string(Verdict verdict);

struct ScanOutcome {
    Verdict verdict = Verdict::refused;
    std::string message;
    std::optional<std::int64_t> operation_id;  // queued only
};

// One line of the order with what was picked against it.
struct PickLine {
    std::string material_code;
    std::string batch_code;  // "" any batch
    std::int64_t qty = 0;
    std::int64_t picked = 0;
};

class PickSession {
public:
    PickSession(const catalog::Catalog& catalog, hal::Indicator& indicator, EnqueueFn enqueue, NowFn now,
                PickSessionOptions options);

    ScanOutcome handle_scan(const std::string& raw);
    ScanOutcome handle_confirm();
    ScanOutcome handle_cancel();

    // The status section "pick_session": state, order, lines, picked/remaining, last message.
    [[nodiscard]] nlohmann::json status() const;

private:
    // A picked quantity of one material/batch/expiry, the payload's item.
    struct Picked {
        std::string material_code;
        std::string gtin;
        std::string uom;
        std::string batch_code;
        std::string expired_date;  // YYYY-MM-DD or ""
        std::size_t line = 0;      // the PickLine it counts against
        std::int64_t qty = 0;
    };

    ScanOutcome open_order(const std::string& code);
    ScanOutcome pick_item(const std::string& raw);
    ScanOutcome refuse(std::string message);
    ScanOutcome finish(ScanOutcome outcome);
    [[nodiscard]] nlohmann::json payload() const;
    void close_session();

    const catalog::Catalog& catalog_;
    hal::Indicator& indicator_;
    EnqueueFn enqueue_;
    NowFn now_;
    PickSessionOptions options_;

    std::optional<catalog::PickList> order_;  // set while a session is open
    UnixMillis opened_at_ = 0;
    std::vector<PickLine> lines_;
    std::vector<Picked> picked_;
    std::string last_message_ = "scan an order";
    std::string last_verdict_;
    std::string last_order_;  // the key_ssl of the last session, for status after it closed
};

}  // namespace outpost::picking
