//! The allocator: mimalloc, for every binary, test and example that links the server.
//!
//! A page render makes thousands of small, short-lived allocations (attribute strings, view
//! nodes, the reactive owner tree). With glibc's allocator they were about a third of a fresh
//! render's CPU (`perf record` on `/`); mimalloc's per-thread free lists serve them at a
//! fraction of the cost. It also returns freed memory to the system on its own (a password
//! hash's 19 MiB block does not stay resident), where glibc needed its mmap threshold pinned.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
