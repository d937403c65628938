// The CUDA simulator's scheduler: one launch runs its blocks one after another; within a block every thread is a
// fiber on one host thread (a stack of its own and a 20-instruction switch, below, with no system call), run in
// thread order until it finishes or waits. A __syncthreads releases when every thread of the block waits there; a
// warp shuffle when every unfinished lane of its warp does. Anything else is reported as an error rather than hung
// on: threads of one block waiting at different barriers, a __syncthreads that some threads of the block returned
// before, a shuffle that reads a lane that has returned, a partial shuffle mask.
#include "cuda_sim.hpp"

#include <string>

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#if !defined(__x86_64__)
#error "the simulator's fiber switch is written for x86-64"
#endif

// wsim_switch(save, load): saves the callee-saved registers, MXCSR and the x87 control word on the current stack,
// stores the stack pointer in *save, and resumes the fiber whose stack pointer is load (System V x86-64 ABI).
extern "C" void wsim_switch(void** save, void* load);
asm(R"(
    .text
    .globl wsim_switch
    .type wsim_switch, @function
wsim_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size wsim_switch, .-wsim_switch
)");

extern "C" {
wsim_dim3 threadIdx, blockIdx, blockDim, gridDim;
int wsim_counting;
unsigned long wsim_block_serial;
}

// The race check's side of launches, blocks and barriers (cuda_sim_races.cpp): each returns the first race found.
namespace wsim_races {
void begin_launch();
void begin_block();
const std::string& barrier();
const std::string& end_block();
const std::string& end_launch();
}

namespace {

enum State { RUNNABLE, AT_SYNCTHREADS, AT_SHUFFLE, FINISHED };

constexpr size_t STACK_BYTES = 256 * 1024;

struct Fiber {
    void* sp;
    State state;
    char* stack;
};

std::vector<Fiber> fibers;
void* scheduler_sp;
int current;
int threads;
bool reversed; // blocks and the threads of a block in descending order
bool direct;   // a kernel without barriers or shuffles: its threads are plain calls, one after another
void (*kernel_thunk)(void**);
void** kernel_params;
uint32_t shuffle_slots[1024];
uint32_t mma_slots[1024][6]; // each lane's A (4 registers) and B (2) fragments of a warp's mma
bool failed;
char error_text[512];
std::mutex one_launch_at_a_time;
std::map<uintptr_t, uintptr_t> allocations; // first byte -> one past the last
// The bounds of the last few argument pointers: every thread of a launch wraps the same arguments.
struct Bounds {
    uintptr_t address, low, high;
    int found;
};
Bounds recent[16];
int recent_count;

void fail(const char* format, ...) {
    if (failed) {
        return;
    }
    failed = true;
    va_list args;
    va_start(args, format);
    std::vsnprintf(error_text, sizeof error_text, format, args);
    va_end(args);
}

// Fails the launch with the race the check found, if any.
void fail_on_race(const std::string& race) {
    if (!race.empty()) {
        fail("%s", race.c_str());
    }
}

// Memory requests while wsim_count_requests(1) counts. Every access to a __shared__ array (wsim_shared_at) and
// through a kernel's pointer (wsim_ptr, global memory) is logged for its thread with its source line; when a warp
// synchronises (a shuffle or mma), at a __syncthreads and when the block ends, the warp's accesses since its last
// synchronisation are grouped into the requests a GPU issues: one per memory space, source line and occurrence of
// that line in each lane's sequence (a lane that skips a line, as in a divergent branch or a loop's last partial
// round, is absent from that request).
enum Space { SHARED = 0, GLOBAL = 1 };

struct Access {
    int space;
    const char* file;
    int line;
    uintptr_t address; // shared: bytes from the array's start, where banks are counted from (where the array starts
                       // on a GPU shifts every lane's bank alike, which changes no conflict); global: the address
    int bytes;
};
std::vector<Access> access_log[1024];

struct Stat {
    long requests;
    long transactions; // shared: wavefronts; global: 32-byte sectors
    long ideal;
    int worst;         // shared: the most wavefronts one phase of one request took (its n-way conflict); global: the
                       // most sectors of one request
};
std::map<std::tuple<int, std::string, int>, Stat> stats;

using Lanes = std::vector<std::pair<int, const Access*>>;

// One shared-memory request. Shared memory has 32 banks of 4-byte words, and a request is served one wavefront per
// distinct word of its most loaded bank (lanes reading the same word share it); accesses of 8 bytes are served a
// half-warp at a time and of 16 bytes a quarter-warp at a time (CUDA C++ Programming Guide, "Shared Memory" of
// compute capability 5.x and later). The ideal is one wavefront per 32 distinct words of each phase.
void count_shared(Stat& stat, const Lanes& lanes) {
    int size = 0;
    for (const auto& l : lanes) {
        size = std::max(size, l.second->bytes);
    }
    int per_phase = size <= 4 ? 32 : 128 / size;
    std::map<int, std::map<uintptr_t, std::set<uintptr_t>>> phases; // phase -> bank -> words
    for (const auto& l : lanes) {
        auto& banks = phases[l.first / per_phase];
        uintptr_t first = l.second->address / 4;
        uintptr_t last = (l.second->address + l.second->bytes - 1) / 4;
        for (uintptr_t w = first; w <= last; w++) {
            banks[w % 32].insert(w);
        }
    }
    stat.requests++;
    for (const auto& phase : phases) {
        long most = 0;
        long words = 0;
        for (const auto& bank : phase.second) {
            most = std::max(most, static_cast<long>(bank.second.size()));
            words += static_cast<long>(bank.second.size());
        }
        stat.transactions += most;
        stat.ideal += (words + 31) / 32;
        stat.worst = std::max(stat.worst, static_cast<int>(most));
    }
}

// One global-memory request: the 32-byte sectors its lanes' bytes lie in, against the sectors of as many bytes
// contiguous and aligned (a warp reading 32 consecutive aligned floats takes 4; 32 floats a row apart take 32).
void count_global(Stat& stat, const Lanes& lanes) {
    std::vector<std::pair<uintptr_t, uintptr_t>> ranges;
    for (const auto& l : lanes) {
        ranges.push_back({l.second->address, l.second->address + l.second->bytes});
    }
    std::sort(ranges.begin(), ranges.end());
    long bytes = 0;
    uintptr_t covered = 0; // bytes below this are counted (the ranges are sorted by their start)
    std::set<uintptr_t> touched;
    for (const auto& r : ranges) {
        uintptr_t from = std::max(r.first, covered);
        if (from < r.second) {
            bytes += static_cast<long>(r.second - from);
            covered = r.second;
        }
        for (uintptr_t s = r.first / 32; s <= (r.second - 1) / 32; s++) {
            touched.insert(s);
        }
    }
    long sectors = static_cast<long>(touched.size());
    stat.requests++;
    stat.transactions += sectors;
    stat.ideal += (bytes + 31) / 32;
    stat.worst = std::max(stat.worst, static_cast<int>(sectors));
}

void count_warp(int w) {
    int end = std::min(threads, w + 32);
    std::map<std::tuple<int, const char*, int, int>, Lanes> requests;
    for (int i = w; i < end; i++) {
        std::map<std::tuple<int, const char*, int>, int> seen;
        for (const Access& a : access_log[i]) {
            int n = seen[std::make_tuple(a.space, a.file, a.line)]++;
            requests[std::make_tuple(a.space, a.file, a.line, n)].push_back({i - w, &a});
        }
    }
    for (const auto& r : requests) {
        int space = std::get<0>(r.first);
        Stat& stat = stats[std::make_tuple(space, std::string(std::get<1>(r.first)), std::get<2>(r.first))];
        if (space == SHARED) {
            count_shared(stat, r.second);
        } else {
            count_global(stat, r.second);
        }
    }
    for (int i = w; i < end; i++) {
        access_log[i].clear();
    }
}

void count_block() {
    if (wsim_counting) {
        for (int w = 0; w < threads; w += 32) {
            count_warp(w);
        }
    }
}

void forget_accesses() {
    for (auto& log : access_log) {
        log.clear();
    }
}

void wait_as(State state) {
    if (direct) {
        fail("thread %d of block (%u, %u) reached a barrier or shuffle in a kernel compiled as having none",
             current, blockIdx.x, blockIdx.y);
        return;
    }
    fibers[current].state = state;
    wsim_switch(&fibers[current].sp, scheduler_sp);
}

// A fiber runs the kernel once per block it is resumed for, for ever: it is made once and reused.
[[noreturn]] void fiber_main() {
    for (;;) {
        kernel_thunk(kernel_params);
        wait_as(FINISHED);
    }
}

// Lays out a fresh fiber's stack as wsim_switch leaves it, so that the first switch "returns" into fiber_main.
void reset(Fiber& f) {
    auto top = reinterpret_cast<uintptr_t>(f.stack + STACK_BYTES) & ~uintptr_t{15};
    auto* words = reinterpret_cast<uint64_t*>(top);
    words[-1] = 0;                                              // fiber_main's return address: never used
    words[-2] = reinterpret_cast<uint64_t>(&fiber_main);         // popped by wsim_switch's ret
    for (int r = 3; r <= 8; r++) {
        words[-r] = 0;                                          // rbp, rbx, r12-r15
    }
    uint32_t mxcsr;
    uint16_t fpucw;
    asm volatile("stmxcsr %0" : "=m"(mxcsr));
    asm volatile("fnstcw %0" : "=m"(fpucw));
    uint64_t control = mxcsr | (uint64_t) fpucw << 32;
    words[-9] = control;
    f.sp = &words[-9];
    f.state = FINISHED;
}

void ensure_fibers(int n) {
    while ((int) fibers.size() < n) {
        Fiber f{};
        f.stack = static_cast<char*>(std::malloc(STACK_BYTES));
        reset(f);
        fibers.push_back(f);
    }
}

// Releases the threads waiting at a barrier that is complete; false when none is (a deadlock).
bool release() {
    bool released = false;
    for (int w = 0; w < threads; w += 32) {
        int end = std::min(threads, w + 32);
        int live = 0;
        int waiting = 0;
        for (int i = w; i < end; i++) {
            if (fibers[i].state != FINISHED) {
                live++;
                waiting += fibers[i].state == AT_SHUFFLE;
            }
        }
        if (waiting > 0 && waiting == live) {
            if (wsim_counting) {
                count_warp(w);
            }
            for (int i = w; i < end; i++) {
                if (fibers[i].state == AT_SHUFFLE) {
                    fibers[i].state = RUNNABLE;
                }
            }
            released = true;
        }
    }
    if (released) {
        return true;
    }
    int live = 0;
    int waiting = 0;
    for (int i = 0; i < threads; i++) {
        if (fibers[i].state != FINISHED) {
            live++;
            waiting += fibers[i].state == AT_SYNCTHREADS;
        }
    }
    if (waiting > 0 && waiting == live) {
        if (live < threads) {
            // CUDA requires every thread of the block at each __syncthreads; a GPU may hang or go on wrongly.
            fail("__syncthreads in block (%u, %u, %u) reached by %d threads while %d have returned", blockIdx.x,
                 blockIdx.y, blockIdx.z, waiting, threads - live);
            return false;
        }
        count_block();
        if (wsim_racecheck) {
            fail_on_race(wsim_races::barrier());
        }
        for (int i = 0; i < threads; i++) {
            if (fibers[i].state == AT_SYNCTHREADS) {
                fibers[i].state = RUNNABLE;
            }
        }
        return true;
    }
    return false;
}

void deadlock() {
    int sync = 0;
    int shuffle = 0;
    int finished = 0;
    for (int i = 0; i < threads; i++) {
        sync += fibers[i].state == AT_SYNCTHREADS;
        shuffle += fibers[i].state == AT_SHUFFLE;
        finished += fibers[i].state == FINISHED;
    }
    fail("deadlock in block (%u, %u, %u): %d threads wait at __syncthreads, %d at a warp shuffle whose warp is split,"
         " %d have returned", blockIdx.x, blockIdx.y, blockIdx.z, sync, shuffle, finished);
}

// The end of a block that ran to its end: false when the race check found a race.
bool end_block() {
    if (wsim_racecheck) {
        fail_on_race(wsim_races::end_block());
    }
    return !failed;
}

// Runs the current block to its end; false after an error (the fibers are then reset, abandoning the block).
bool run_block() {
    if (direct) {
        for (int k = 0; k < threads; k++) {
            int i = reversed ? threads - 1 - k : k;
            current = i;
            threadIdx.x = i % blockDim.x;
            threadIdx.y = (i / blockDim.x) % blockDim.y;
            threadIdx.z = i / (blockDim.x * blockDim.y);
            kernel_thunk(kernel_params);
            if (failed) {
                forget_accesses();
                return false;
            }
        }
        count_block();
        return end_block();
    }
    for (int i = 0; i < threads; i++) {
        fibers[i].state = RUNNABLE; // every fiber waits in fiber_main, before its next kernel call
    }
    for (;;) {
        for (int k = 0; k < threads; k++) {
            int i = reversed ? threads - 1 - k : k;
            if (fibers[i].state == RUNNABLE) {
                current = i;
                threadIdx.x = i % blockDim.x;
                threadIdx.y = (i / blockDim.x) % blockDim.y;
                threadIdx.z = i / (blockDim.x * blockDim.y);
                wsim_switch(&scheduler_sp, fibers[i].sp);
                if (failed) {
                    for (Fiber& f : fibers) {
                        reset(f);
                    }
                    forget_accesses();
                    return false;
                }
            }
        }
        bool all_finished = true;
        for (int i = 0; i < threads && all_finished; i++) {
            all_finished = fibers[i].state == FINISHED;
        }
        if (all_finished) {
            count_block();
            return end_block();
        }
        if (!release() || failed) {
            if (!failed) {
                deadlock();
            }
            for (Fiber& f : fibers) {
                reset(f);
            }
            forget_accesses();
            return false;
        }
    }
}

} // namespace

// The simulated device's allocations, for the bounds of kernel arguments (wsim_wrap).
extern "C" void wsim_register(const void* address, unsigned long bytes) {
    std::lock_guard<std::mutex> lock(one_launch_at_a_time);
    auto a = reinterpret_cast<uintptr_t>(address);
    allocations[a] = a + bytes;
    recent_count = 0;
}

extern "C" void wsim_unregister(const void* address) {
    std::lock_guard<std::mutex> lock(one_launch_at_a_time);
    allocations.erase(reinterpret_cast<uintptr_t>(address));
    recent_count = 0;
}

static int look_up(uintptr_t a, uintptr_t* low, uintptr_t* high) {
    auto it = allocations.upper_bound(a);
    if (it == allocations.begin()) {
        return 0;
    }
    --it;
    if (a >= it->second) {
        return 0;
    }
    *low = it->first;
    *high = it->second;
    return 1;
}

extern "C" int wsim_bounds(const void* address, uintptr_t* low, uintptr_t* high) {
    auto a = reinterpret_cast<uintptr_t>(address);
    for (int i = 0; i < recent_count; i++) {
        if (recent[i].address == a) {
            *low = recent[i].low;
            *high = recent[i].high;
            return recent[i].found;
        }
    }
    int found = look_up(a, low, high);
    if (recent_count < 16) {
        recent[recent_count++] = {a, found ? *low : 0, found ? *high : 0, found};
    }
    return found;
}

extern "C" void wsim_out_of_bounds(const void* address, unsigned long bytes, uintptr_t low, uintptr_t high) {
    auto a = reinterpret_cast<uintptr_t>(address);
    if (low == high) {
        fail("thread %d of block (%u, %u) accesses %lu bytes at 0x%lx through an argument that points into no"
             " allocation", current, blockIdx.x, blockIdx.y, bytes, (unsigned long) a);
    } else {
        fail("thread %d of block (%u, %u) accesses %lu bytes at byte offset %ld of an allocation of %lu bytes",
             current, blockIdx.x, blockIdx.y, bytes, (long) (a - low), (unsigned long) (high - low));
    }
}

extern "C" void wsim_shared_access(const char* file, int line, unsigned long offset, int bytes) {
    access_log[current].push_back({SHARED, file, line, offset, bytes});
}

extern "C" void wsim_global_access(const char* file, int line, const void* address, int bytes) {
    access_log[current].push_back({GLOBAL, file, line, reinterpret_cast<uintptr_t>(address), bytes});
}

extern "C" void wsim_shared_out_of_bounds(const char* file, int line, const char* name, long index,
                                          unsigned long length) {
    fail("thread %d of block (%u, %u) accesses %s[%ld] (%s:%d), outside the %lu elements of that shared array",
         current, blockIdx.x, blockIdx.y, name, index, file, line, length);
}

// Turns the count of memory requests on (1) or off (0); the counts gathered so far stay until
// wsim_reset_requests.
extern "C" void wsim_count_requests(int on) {
    std::lock_guard<std::mutex> lock(one_launch_at_a_time);
    forget_accesses();
    wsim_counting = on;
}

extern "C" void wsim_reset_requests(void) {
    std::lock_guard<std::mutex> lock(one_launch_at_a_time);
    stats.clear();
}

// The counts, a line per memory space and source line: space (shared or global), file, line, requests,
// transactions (wavefronts or sectors), ideal transactions, worst (tab-separated). Writes at most length bytes with
// the NUL; returns the length the whole text needs.
extern "C" int wsim_request_counts(char* out, int length) {
    std::lock_guard<std::mutex> lock(one_launch_at_a_time);
    std::string text;
    char row[512];
    for (const auto& s : stats) {
        std::snprintf(row, sizeof row, "%s\t%s\t%d\t%ld\t%ld\t%ld\t%d\n",
                      std::get<0>(s.first) == SHARED ? "shared" : "global", std::get<1>(s.first).c_str(),
                      std::get<2>(s.first), s.second.requests, s.second.transactions, s.second.ideal, s.second.worst);
        text += row;
    }
    std::snprintf(out, length, "%s", text.c_str());
    return static_cast<int>(text.size());
}

extern "C" void wsim_syncthreads(void) {
    wait_as(AT_SYNCTHREADS);
}

extern "C" float wsim_shfl_xor_float(unsigned int mask, float value, int lane_mask) {
    if (mask != 0xffffffffu) {
        fail("__shfl_xor_sync with the partial mask 0x%08x in thread %d of block (%u, %u)", mask, current,
             blockIdx.x, blockIdx.y);
    }
    int me = current;
    int source = (me & ~31) | ((me & 31) ^ (lane_mask & 31));
    std::memcpy(&shuffle_slots[me], &value, 4);
    wait_as(AT_SHUFFLE); // every lane has written its value
    float result = value;
    if (source >= threads || fibers[source].state == FINISHED) {
        fail("__shfl_xor_sync in thread %d of block (%u, %u) reads lane %d, which has returned or does not exist",
             me, blockIdx.x, blockIdx.y, source & 31);
    } else {
        std::memcpy(&result, &shuffle_slots[source], 4);
    }
    wait_as(AT_SHUFFLE); // every lane has read before any writes again
    return result;
}

namespace {
// One bf16 value of a fragment register: the lower half holds the lower column (A) or row (B).
float bf16_half(uint32_t word, int upper) {
    uint32_t bits = (upper ? word >> 16 : word & 0xffffu) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

// A tf32 operand as a tensor core reads it: the top 19 bits, the low 13 dropped.
float tf32_value(uint32_t word) {
    word &= 0xffffe000u;
    float f;
    std::memcpy(&f, &word, 4);
    return f;
}

// One mma.sync m16n8kK with D = A B + D for every lane of the calling warp: each lane posts its A (4 registers) and
// B (2) fragments, the warp waits until all have, and each lane then sums its four D elements from the posted
// fragments, product(la, lb, row, col, k) giving A[row][k] B[k][col] from the lanes' registers. Each lane sums its
// K products in order in float32 (a GPU's tensor core may round differently in the last bits: the products are
// exact, the order of the additions is unspecified).
template <int K, typename Product>
void warp_mma(float* d, const uint32_t* a, const uint32_t* b, Product product) {
    int me = current;
    int warp = me & ~31;
    std::memcpy(mma_slots[me], a, 16);
    std::memcpy(mma_slots[me] + 4, b, 8);
    wait_as(AT_SHUFFLE); // every lane has written its fragments
    for (int lane = 0; lane < 32; lane++) {
        if (warp + lane >= threads || fibers[warp + lane].state == FINISHED) {
            fail("mma.sync in thread %d of block (%u, %u) needs lane %d, which has returned or does not exist", me,
                 blockIdx.x, blockIdx.y, lane);
        }
    }
    if (!failed) {
        int g = (me & 31) >> 2;
        int q = me & 3;
        float out[4];
        for (int j = 0; j < 4; j++) {
            int row = g + (j >= 2 ? 8 : 0);
            int col = 2 * q + (j & 1);
            float sum = d[j];
            for (int k = 0; k < K; k++) {
                sum += product(warp, row, col, k);
            }
            out[j] = sum;
        }
        std::memcpy(d, out, 16);
    }
    wait_as(AT_SHUFFLE); // every lane has read before any writes again
}
}

// mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32. Fragments (PTX ISA), lane = 4 g + q: A[row][k] is half k % 2
// of register (row >= 8) + 2 (k >= 8) of lane 4 (row % 8) + (k % 8) / 2; B[k][n] is half k % 2 of register (k >= 8)
// of lane 4 n + (k % 8) / 2; D[g][2q + j] is d[j] and D[g + 8][2q + j] is d[2 + j].
extern "C" void wsim_mma_bf16_m16n8k16(float* d, const uint32_t* a, const uint32_t* b) {
    warp_mma<16>(d, a, b, [](int warp, int row, int col, int k) {
        const uint32_t* la = mma_slots[warp + 4 * (row % 8) + (k % 8) / 2];
        const uint32_t* lb = mma_slots[warp + 4 * col + (k % 8) / 2];
        return bf16_half(la[(row >= 8 ? 1 : 0) + (k >= 8 ? 2 : 0)], k % 2)
                * bf16_half(lb[4 + (k >= 8 ? 1 : 0)], k % 2);
    });
}

// mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 (PTX ISA, "Matrix Fragments for mma.m16n8k8", .tf32), lane =
// 4 g + q: A[row][k] is register (row >= 8) + 2 (k >= 4) of lane 4 (row % 8) + k % 4; B[k][n] is register k >= 4 of
// lane 4 n + k % 4; D as m16n8k16's. The products of two tf32 values are exact in float32.
extern "C" void wsim_mma_tf32_m16n8k8(float* d, const uint32_t* a, const uint32_t* b) {
    warp_mma<8>(d, a, b, [](int warp, int row, int col, int k) {
        const uint32_t* la = mma_slots[warp + 4 * (row % 8) + k % 4];
        const uint32_t* lb = mma_slots[warp + 4 * col + k % 4];
        return tf32_value(la[(row >= 8 ? 1 : 0) + (k >= 4 ? 2 : 0)]) * tf32_value(lb[4 + (k >= 4 ? 1 : 0)]);
    });
}

// Runs thunk(params) as a grid of (gx, gy, gz) blocks of (bx, by, bz) threads, in ascending order of block and
// thread or, with descending, the other way round (a kernel whose result depends on the order has a race a GPU can
// show). A barrier_free kernel (no __syncthreads or shuffle, as its generated wsim_barrier_free_<entry> says) runs
// its threads as plain calls instead of fibers, several times faster. Returns 0, or 1 with the reason in error (at most error_length bytes, NUL-terminated).
extern "C" int wsim_launch(void (*thunk)(void**), void** params, int gx, int gy, int gz, int bx, int by, int bz,
                           int descending, int barrier_free, char* error, int error_length) {
    std::lock_guard<std::mutex> lock(one_launch_at_a_time);
    failed = false;
    error_text[0] = 0;
    threads = bx * by * bz;
    if (threads < 1 || threads > 1024) {
        std::snprintf(error, error_length, "a block of %d threads", threads);
        return 1;
    }
    ensure_fibers(threads);
    kernel_thunk = thunk;
    kernel_params = params;
    blockDim = {(unsigned) bx, (unsigned) by, (unsigned) bz};
    gridDim = {(unsigned) gx, (unsigned) gy, (unsigned) gz};
    recent_count = 0;
    reversed = descending != 0;
    direct = barrier_free != 0;
    if (wsim_racecheck) {
        wsim_races::begin_launch();
    }
    for (int zk = 0; zk < gz; zk++) {
        for (int yk = 0; yk < gy; yk++) {
            for (int xk = 0; xk < gx; xk++) {
                int x = reversed ? gx - 1 - xk : xk;
                int y = reversed ? gy - 1 - yk : yk;
                int z = reversed ? gz - 1 - zk : zk;
                blockIdx = {(unsigned) x, (unsigned) y, (unsigned) z};
                wsim_block_serial++; // a fresh block's shared memory (cuda_sim.hpp)
                if (wsim_racecheck) {
                    wsim_races::begin_block();
                }
                if (!run_block()) {
                    std::snprintf(error, error_length, "%s", error_text);
                    return 1;
                }
            }
        }
    }
    if (wsim_racecheck) {
        fail_on_race(wsim_races::end_launch());
        if (failed) {
            std::snprintf(error, error_length, "%s", error_text);
            return 1;
        }
    }
    return 0;
}

// Turns the race check (cuda_sim_races.cpp) on (1) or off (0) for the launches that follow.
extern "C" void wsim_check_races(int on) {
    std::lock_guard<std::mutex> lock(one_launch_at_a_time);
    wsim_racecheck = on;
}

extern "C" int wsim_current_thread(void) {
    return current;
}
