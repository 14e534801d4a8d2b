//! How the allocator treats large blocks.
//!
//! glibc gives a block above its mmap threshold a mapping of its own, returned to the system
//! when freed, but it raises the threshold to the size of every such block freed. One password
//! hash (argon2id, 19 MiB) then lifts the threshold above 19 MiB; every later hash is carved
//! from the heap, and the heap keeps that memory: about 40 MB resident for nothing, at rest.
//! Fixing the threshold at glibc's default keeps large blocks mapped, and returned when freed.

/// glibc's default threshold (128 KiB), fixed so that it no longer moves.
const MMAP_THRESHOLD: i32 = 128 * 1024;

/// Makes the allocator return large freed blocks to the system. Call once at start-up.
pub fn return_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets an allocator parameter; glibc serialises it with allocation.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
}
