//! How the allocator treats large blocks.
//!
//! glibc gives a block above its mmap threshold a mapping of its own, returned to the system
//! when freed, but it raises the threshold to the size of every such block freed. One password
//! hash (argon2id, 19 MiB) then lifts the threshold above 19 MiB; every later hash is carved
//! from the heap, and the heap keeps that memory: about 40 MB resident for nothing, at rest.
//! Fixing the threshold keeps such blocks mapped, and returned when freed.
//!
//! The threshold is well above everything a request allocates (a static file's buffer, a
//! rendered page), which stays in the heap and is reused: at glibc's default of 128 KiB every
//! download of the WASM file would map and unmap its buffer, at a third of the throughput.

/// Blocks from this size up get a mapping of their own; the threshold no longer moves.
const MMAP_THRESHOLD: i32 = 4 * 1024 * 1024;

/// Makes the allocator return large freed blocks to the system. Call once at start-up.
pub fn return_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets an allocator parameter; glibc serialises it with allocation.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
}
