// The CUDA simulator's race check (wsim_check_races(1)), as compute-sanitizer's racecheck does on a GPU, for shared
// and global memory. The simulator runs a block's threads one after another, so a kernel missing a barrier may
// still compute the right values here (the descending order catches many such kernels, not all: two threads that
// publish the same value and a third that reads it get it in either order). This check needs no luck: every
// access through a __shared__ array or a kernel's pointer is logged for its element with the thread, its block and
// its barrier interval, and two accesses to one element are a race when at least one of them writes and nothing
// orders them: different blocks of one launch, or different threads of one block between the same two
// __syncthreads. A warp shuffle or mma orders nothing here: it is not a memory barrier (CUDA C++ Programming Guide,
// "Warp Shuffle Functions"; __syncwarp would be), and no kernel of ours relies on one for memory.
//
// Writes are seen, not guessed: an access's subscript hands out a reference, the store follows at once, before any
// other thread runs, so a change of the element's bytes between two of its accesses was written by the earlier
// access. A store of the value already there is not seen as one; after another thread's write it is reported as an
// access, which it is (two threads storing one value unordered are a race in CUDA's memory model too).
#include "cuda_sim.hpp"

#include <cstdio>
#include <cstring>
#include <string>
#include <unordered_map>

extern "C" {
int wsim_racecheck;
int wsim_current_thread(void);
}

namespace {

// One access: the thread (its index in the block), the block (a serial number within the launch, and its
// coordinates for the report), its barrier interval (a serial number within the launch) and its source line.
struct Use {
    int thread;
    long block;
    long interval;
    wsim_dim3 where;
    const char* file;
    int line;
};

// One element's accesses since its last write, summarised so that each check is O(1): the first reader (blocks
// run one after another, so any reader of another block than a later writer's is the first one) and, for the
// latest interval with reads, a reader and another of a different thread (a writer of that interval is unordered
// with one of them unless it is both's thread).
struct Element {
    unsigned char seen[8]; // the bytes at the latest access, before its store
    int bytes;
    Use last;              // the latest access
    bool written;
    Use write;             // the latest write seen
    bool read;
    Use first_read;
    Use interval_read;
    bool interval_other;
    Use other_read;
    const char* name;      // shared: the array's name; global: null
    uintptr_t low;         // shared: the array's first byte; global: the allocation's
    uintptr_t high;
};

std::unordered_map<uintptr_t, Element> shared_elements; // this block's, since its last __syncthreads
std::unordered_map<uintptr_t, Element> global_elements; // this launch's
long block_serial;
long interval_serial;
std::string first_race;

bool ordered(const Use& a, const Use& b) {
    return a.block == b.block && (a.thread == b.thread || a.interval != b.interval);
}

std::string describe(const Use& u) {
    char text[256];
    std::snprintf(text, sizeof text, "thread %d of block (%u, %u, %u) at %s:%d", u.thread, u.where.x, u.where.y,
                  u.where.z, u.file, u.line);
    return text;
}

void report(const Element& e, uintptr_t address, const char* kind, const Use& first, const Use& second) {
    if (!first_race.empty()) {
        return;
    }
    char what[256];
    if (e.name != nullptr) {
        std::snprintf(what, sizeof what, "shared memory %s[%lu]", e.name,
                      static_cast<unsigned long>((address - e.low) / e.bytes));
    } else {
        std::snprintf(what, sizeof what, "global memory at byte %lu of an allocation of %lu bytes",
                      static_cast<unsigned long>(address - e.low), static_cast<unsigned long>(e.high - e.low));
    }
    first_race = std::string("race (") + kind + ") on " + what + ": " + describe(first) + " and "
            + describe(second) + (first.block == second.block ? ", between the same two __syncthreads"
                                                                : ", in different blocks of one launch");
}

// The latest access (e.last) wrote: checked against the write and the reads before it.
void written_by_last(Element& e, uintptr_t address) {
    const Use& w = e.last;
    if (e.written && !ordered(e.write, w)) {
        report(e, address, "write after write", e.write, w);
    }
    if (e.read) {
        if (!ordered(e.first_read, w)) {
            report(e, address, "write after read", e.first_read, w);
        } else if (e.interval_read.interval == w.interval && e.interval_read.block == w.block) {
            if (e.interval_read.thread != w.thread) {
                report(e, address, "write after read", e.interval_read, w);
            } else if (e.interval_other) {
                report(e, address, "write after read", e.other_read, w);
            }
        }
    }
    e.written = true;
    e.write = w;
    e.read = false;
}

bool changed(const Element& e, uintptr_t address) {
    return std::memcmp(e.seen, reinterpret_cast<const void*>(address), e.bytes) != 0;
}

void access(std::unordered_map<uintptr_t, Element>& elements, const char* file, int line, const char* name,
            uintptr_t low, uintptr_t high, uintptr_t address, int bytes) {
    Use u{wsim_current_thread(), block_serial, interval_serial, blockIdx, file, line};
    auto found = elements.find(address);
    if (found == elements.end()) {
        Element e{};
        e.bytes = bytes;
        e.name = name;
        e.low = low;
        e.high = high;
        found = elements.emplace(address, e).first;
    } else {
        Element& e = found->second;
        if (changed(e, address)) {
            written_by_last(e, address);
        }
        if (e.written && !ordered(e.write, u)) {
            report(e, address, "access after write", e.write, u); // a read, or a write yet to be seen
        }
    }
    Element& e = found->second;
    // Every access counts as a read until its store is seen (a later change of the bytes).
    if (!e.read) {
        e.read = true;
        e.first_read = u;
        e.interval_read = u;
        e.interval_other = false;
    } else if (e.interval_read.interval != u.interval || e.interval_read.block != u.block) {
        e.interval_read = u;
        e.interval_other = false;
    } else if (e.interval_read.thread != u.thread && !e.interval_other) {
        e.interval_other = true;
        e.other_read = u;
    }
    e.last = u;
    std::memcpy(e.seen, reinterpret_cast<const void*>(address), bytes);
}

// The stores since each element's latest access, then the elements forgotten.
void settle(std::unordered_map<uintptr_t, Element>& elements) {
    for (auto& entry : elements) {
        if (changed(entry.second, entry.first)) {
            written_by_last(entry.second, entry.first);
        }
    }
    elements.clear();
}

} // namespace

extern "C" void wsim_race_shared(const char* file, int line, const char* name, const void* base, const void* address,
                                 int bytes, unsigned long length) {
    auto low = reinterpret_cast<uintptr_t>(base);
    access(shared_elements, file, line, name, low, low + length * bytes, reinterpret_cast<uintptr_t>(address), bytes);
}

extern "C" void wsim_race_global(const char* file, int line, const void* address, int bytes, uintptr_t low,
                                 uintptr_t high) {
    access(global_elements, file, line, nullptr, low, high, reinterpret_cast<uintptr_t>(address), bytes);
}

// The runtime's side (cuda_sim_runtime.cpp): where launches, blocks and barriers begin and end. Each returns the
// first race found so far (empty when none), which then fails the launch.
namespace wsim_races {

void begin_launch() {
    shared_elements.clear();
    global_elements.clear();
    first_race.clear();
    block_serial = 0;
    interval_serial = 0;
}

void begin_block() {
    block_serial++;
    interval_serial++;
}

// A __syncthreads released: every access of the block before it is ordered before every access after it. Shared
// memory is forgotten; global memory is kept, since other blocks' accesses may race with it.
const std::string& barrier() {
    settle(shared_elements);
    interval_serial++;
    return first_race;
}

// The block's shared memory ends with it (the next block's is its own).
const std::string& end_block() {
    settle(shared_elements);
    return first_race;
}

const std::string& end_launch() {
    settle(global_elements);
    return first_race;
}

} // namespace wsim_races
