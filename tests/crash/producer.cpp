#include "producer.hpp"

#include <thread>

#include "agent_harness.hpp"
#include "outpost/control/client.hpp"

namespace outpost::testing {
namespace {

constexpr int kLanesPerProducer = 4;  // several orders per producer: FIFO lanes interleave

std::string lane_of(int producer, std::size_t operation) {
    return "SSL-CRASH-" + std::to_string(producer) + "-" + std::to_string(operation % kLanesPerProducer);
}

}  // namespace

Producer::Producer(int number, std::chrono::microseconds pause) : number_(number), pause_(pause) {}

std::size_t Producer::next_operation() {
    if (unanswered_) return *unanswered_;
    const std::size_t index = operations_.size();
    const int picking_number = static_cast<int>(index);
    const auto payload = sample_picking(lane_of(number_, index), picking_number);
    operations_.push_back({"crash-" + std::to_string(number_) + "-" + std::to_string(index),
                           payload["picking_no"].get<std::string>(), false});
    return index;
}

void Producer::run(const std::string& socket_path, const std::stop_token& stop) {
    try {
        produce(socket_path, stop);
    } catch (const std::exception& error) {
        // A thread must not throw; the test reports this as a failure.
        anomalies_.push_back(std::string("producer ") + std::to_string(number_) + " failed: " + error.what());
    }
}

void Producer::produce(const std::string& socket_path, const std::stop_token& stop) {
    auto client = control::ControlClient::connect(socket_path);
    if (!client) return;  // the agent died before this producer got in
    while (!stop.stop_requested()) {
        const std::size_t index = next_operation();
        ProducedOperation& operation = operations_[index];
        // Rebuilt from the index: a retry sends exactly the body of the first attempt.
        const auto payload = sample_picking(lane_of(number_, index), static_cast<int>(index));
        unanswered_ = index;
        auto answer = client->call({{"cmd", "enqueue"},
                                    {"kind", "picking-order"},
                                    {"idempotency_key", operation.idempotency_key},
                                    {"payload", payload}},
                                   std::chrono::seconds(10));
        if (!answer) return;  // no answer: unknown whether it was stored; retried next round
        const auto key = answer->find("idempotency_key");
        if (!answer->value("ok", false) || key == answer->end() || *key != operation.idempotency_key) {
            anomalies_.push_back(operation.idempotency_key + ": " + answer->dump());
            return;  // left unanswered: retried next round
        }
        operation.acknowledged = true;
        unanswered_.reset();
        // The producer's pace, not synchronisation: nothing waits on anything here.
        if (pause_.count() > 0) std::this_thread::sleep_for(pause_);
    }
}

}  // namespace outpost::testing
