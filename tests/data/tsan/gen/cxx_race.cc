// C++ names in frames: a namespaced method, an operator and a lambda race on
// a member, so stacks carry spaces, templates and parentheses. The sleep
// orders the two writes so the report always names T2 then T1.
#include <chrono>
#include <thread>
#include <vector>

namespace store {
struct Counter {
    long hits = 0;
    void bump(int by) { hits += by; }
    Counter &operator+=(int by) { hits += by; return *this; }
};
}

int main() {
    store::Counter c;
    std::vector<std::thread> ts;
    ts.emplace_back([&c] { c.bump(1); });
    ts.emplace_back([&c] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        c += 2;
    });
    for (auto &t : ts) t.join();
    return 0;
}
